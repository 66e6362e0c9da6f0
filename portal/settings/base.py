"""Settings shared by every environment; deploy-specific values come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .environment import address_settings

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False

# --- Public address -------------------------------------------------------------------------
# PORTAL_BASE_URL is the one public address: every absolute URL the portal writes (emails,
# invitation links, CSV, API, iCalendar, feeds) starts with it (portal/public_address.py), the
# Wagtail Site takes its host and port on migrate, and an https:// address turns on secure
# cookies, HSTS and the redirect to HTTPS (portal/settings/environment.py).
globals().update(
    address_settings(
        os.environ.get("PORTAL_BASE_URL", "").strip() or "http://127.0.0.1:8000",
        extra_hosts=env_list("ALLOWED_HOSTS"),
        extra_origins=env_list("CSRF_TRUSTED_ORIGINS"),
    )
)
# Demo accounts with published passwords (create_demo_users); production.py turns this off.
PORTAL_DEMO_ACCOUNTS = True
# --------------------------------------------------------------------------------------------

INSTALLED_APPS = [
    "portal",
    "practices",
    "learning_events",
    "peer_reviews",
    "policy_learning",
    "search",
    "thesaurus",
    # Content translation (docs/languages.md); before wagtail.admin for its templates.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # -- security (docs/security.md) --
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # -- security (docs/security.md) --
    "portal.security.ContentSecurityPolicyMiddleware",
    "portal.security.PermissionsPolicyMiddleware",
    # As late as possible, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception sees a view's database failure first (503, not 500).
    "portal.database.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite file in the project by default; PostgreSQL (or anything dj-database-url reads) by
# DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while the admin writes; the busy timeout makes concurrent
    # writers wait instead of failing with "database is locked". Connections are kept
    # (CONN_MAX_AGE, as on PostgreSQL): opening one and reading the schema again cost a
    # search about 4 ms of CPU (docs/performance.md, "Load").
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("fr", _("French")),
    ("ro", _("Romanian")),
    ("fi", _("Finnish")),
    ("cs", _("Czech")),
    ("nl", _("Dutch")),
    ("bg", _("Bulgarian")),
    ("da", _("Danish")),
    ("de", _("German")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Django serves MEDIA_ROOT itself only in development, or with PORTAL_SERVE_MEDIA=1 for a
# trial on one machine and the benches (bench/public_pages.py); in production nginx does.
PORTAL_SERVE_MEDIA = os.environ.get("PORTAL_SERVE_MEDIA") == "1"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = _("Good-practice portal")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# -- Content in several languages (docs/languages.md) -----------------------------------------
# A Wagtail Locale per interface language (portal migration 0004); public pages live under a
# language prefix (/de/practices/...), English keeps the unprefixed addresses (portal/urls.py).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Machine translation in wagtail-localize's editor: off unless an engine is configured.
# (docs/languages.md, "Machine translation"):
#   PORTAL_MACHINE_TRANSLATOR=deepl           + DEEPL_AUTH_KEY
#   PORTAL_MACHINE_TRANSLATOR=google          + GOOGLE_TRANSLATE_PROJECT_ID and
#                                               GOOGLE_APPLICATION_CREDENTIALS
#   PORTAL_MACHINE_TRANSLATOR=libretranslate  + LIBRETRANSLATE_URL, LIBRETRANSLATE_API_KEY
_machine_translator = os.environ.get("PORTAL_MACHINE_TRANSLATOR", "").strip().lower()
_MACHINE_TRANSLATORS = {
    "deepl": (
        "wagtail_localize.machine_translators.deepl.DeepLTranslator",
        {"AUTH_KEY": os.environ.get("DEEPL_AUTH_KEY", "")},
    ),
    "google": (
        "wagtail_localize.machine_translators.google.GoogleCloudTranslator",
        {"PROJECT_ID": os.environ.get("GOOGLE_TRANSLATE_PROJECT_ID", "")},
    ),
    "libretranslate": (
        "wagtail_localize.machine_translators.libretranslate.LibreTranslator",
        {
            "LIBRETRANSLATE_URL": os.environ.get("LIBRETRANSLATE_URL", ""),
            "API_KEY": os.environ.get("LIBRETRANSLATE_API_KEY", ""),
        },
    ),
}
if _machine_translator and _machine_translator not in _MACHINE_TRANSLATORS:
    raise ImproperlyConfigured(
        "PORTAL_MACHINE_TRANSLATOR must be one of "
        f"{', '.join(sorted(_MACHINE_TRANSLATORS))} (or empty), not {_machine_translator!r}."
    )
if _machine_translator:
    _class, _options = _MACHINE_TRANSLATORS[_machine_translator]
    WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS": _class, "OPTIONS": _options}
# Approving the last task of a workflow publishes without asking the approver for publish
# permission (validators approve practices but cannot publish anything themselves).
WAGTAIL_FINISH_WORKFLOW_ACTION = "practices.workflow_actions.publish_approved"

# Wagtail's own (admin) search stays on its database backend; the public faceted search is
# the portal's own search/ app, whose engine is chosen below.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "portal")
# Seconds a search waits for Elasticsearch (connecting and answering together), and seconds
# the embedded index answers alone after Elasticsearch failed before it is tried again.
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "3"))
ELASTICSEARCH_COOLDOWN = float(os.environ.get("ELASTICSEARCH_COOLDOWN", "60"))
PORTAL_SEARCH_ENGINE = os.environ.get(
    "PORTAL_SEARCH_ENGINE",
    "search.engines.elastic.ElasticsearchEngine"
    if ELASTICSEARCH_URL
    else "search.engines.embedded.EmbeddedEngine",
)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "portal": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "search": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # The search logger says once when Elasticsearch fails; its client would add a
        # warning per failed request.
        "elastic_transport": {"level": "ERROR"},
    },
}

# One cache shared by every worker process with no service to run: files on local disk by
# default; CACHE_URL=redis://host:6379/0 for Redis when the portal runs on several machines.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache" / "django")),
        }
    }

PORTAL_PAGE_SIZE = 12
TAGGIT_CASE_INSENSITIVE = True


# -- Security headers, login throttling and rate limits (docs/security.md) --------------
from csp.constants import NONE, SELF  # noqa: E402

# Scripts, styles, images, fonts and frames from this site only: no inline script, no eval,
# no third-party origin. frame-ancestors 'self' only on the admin, for Wagtail's preview
# iframe (portal.security); every public page refuses to be framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features no page of the portal uses, switched off for the page and its frames.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No Gravatar in the admin: it would load images from a third party and leak e-mail hashes.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor the dashboard's new-version check, which fetches releases.wagtail.org from the browser.
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Behind N reverse proxies that append to X-Forwarded-For, the client address is read from
# that header; 0 (the default) ignores it, since any client can send it.
PORTAL_TRUSTED_PROXY_COUNT = int(os.environ.get("PORTAL_TRUSTED_PROXY_COUNT", "0") or 0)

# Admin login throttling (django-axes): AXES_FAILURE_LIMIT wrong passwords for one username
# from one address lock that pair for AXES_COOLOFF_TIME.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("PORTAL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PORTAL_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.ratelimit.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "portal.ratelimit.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

# Rate limits per client address ("N/period": s, m, h, d, e.g. "10/15m"); see
# portal/ratelimit.py for the groups and their defaults. None switches a group off.
PORTAL_RATE_LIMITS = {
    group: None if rate.lower() in ("", "none", "off") else rate
    for group, _sep, rate in (
        item.partition("=")
        for item in env_list("PORTAL_RATE_LIMITS")  # api=60/m,tokens=none
    )
}
RATELIMIT_USE_CACHE = "default"

# -- Personal data (privacy notice, purge_personal_data) -------------------------------------
# Participants' invitations (name, email, personal link) are deleted, their submitted answers
# kept without identity and unsubmitted drafts deleted this many months after the last
# deadline of the event's worksheets. The privacy notice quotes this figure.
_retention = os.environ.get("PORTAL_PERSONAL_DATA_RETENTION_MONTHS", "24").strip()
if not (_retention.isascii() and _retention.isdigit() and 0 < int(_retention) <= 1200):
    raise ImproperlyConfigured(
        "PORTAL_PERSONAL_DATA_RETENTION_MONTHS must be a whole number of months (1 to 1200), "
        f"not {_retention!r}."
    )
PORTAL_PERSONAL_DATA_RETENTION_MONTHS = int(_retention)

# -- Public page cache (docs/performance.md, "Page cache") ------------------------------------
# Answers anonymous GETs of public pages from the "pages" cache before the session, CSRF and
# authentication middleware run; marks every response public (with max-age) or private.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "portal.cache.PageCacheMiddleware",
)
# Rendered pages live in their own cache alias, the same kind of store as "default", so that a
# flood of pages can never evict rate-limit counters or sessions.
PORTAL_PAGE_CACHE_ALIAS = "pages"
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "pages"}
else:
    CACHES["pages"] = {
        # Django's file cache, without listing its folder on every write (portal/cache.py).
        "BACKEND": "portal.cache.PageFileCache",
        "LOCATION": os.environ.get("PAGE_CACHE_DIR", str(BASE_DIR / ".cache" / "pages")),
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_MAX_ENTRIES", "5000"))},
    }
# Seconds the portal keeps a rendered page (changes invalidate it at once); 0 turns it off.
PORTAL_PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", "600"))
# Seconds browsers and shared caches (reverse proxy, CDN) may reuse a public page: how long a
# published change may take to reach visitors behind such a cache.
PORTAL_CACHE_MAX_AGE = int(os.environ.get("CACHE_MAX_AGE", "300"))
