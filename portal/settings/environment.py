"""Reading the deployment's configuration: the ``.env`` file, required variables and the
public address (``PORTAL_BASE_URL``) with the settings that follow from it.

Imported by ``manage.py``, ``portal/wsgi.py`` and ``portal/gunicorn.conf.py`` before Django's
settings, so nothing here may import Django models.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# A year: browsers remember to use HTTPS only; start lower (SECURE_HSTS_SECONDS=300) while
# trying a new domain, as the header cannot be taken back before it expires.
DEFAULT_HSTS_SECONDS = 365 * 24 * 3600

REQUIRED_IN_PRODUCTION = {
    "SECRET_KEY": "a long random string, e.g. from "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`",
    "PORTAL_BASE_URL": "the public address, e.g. https://practices.example.eu",
}


class SettingsError(ImproperlyConfigured):
    """Configuration missing or malformed; the message says what to set, no traceback needed."""


def load_env_file():
    """Read ``.env`` (or the file named by ``PORTAL_ENV_FILE``) into the environment, never
    overriding a variable that is already set. A missing file is fine."""
    from dotenv import load_dotenv

    path = os.environ.get("PORTAL_ENV_FILE") or BASE_DIR / ".env"
    load_dotenv(path, override=False)


def env_flag(name, default=False):
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


def base_url_problem(value):
    """Why ``value`` is not a usable PORTAL_BASE_URL, or None when it is."""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"PORTAL_BASE_URL must start with https:// or http:// and name a host ({value!r})"
    if parts.path.strip("/") or parts.query or parts.fragment:
        return f"PORTAL_BASE_URL must be an address without a path ({value!r})"
    try:
        parts.port  # noqa: B018 -- raises ValueError on a malformed port
    except ValueError:
        return f"PORTAL_BASE_URL has a malformed port ({value!r})"
    return None


def require_production_settings():
    """Raise one SettingsError listing every required variable that is missing or wrong."""
    lines = [
        f"  {name}: {hint}"
        for name, hint in REQUIRED_IN_PRODUCTION.items()
        if not os.environ.get(name, "").strip()
    ]
    base_url = os.environ.get("PORTAL_BASE_URL", "").strip()
    problem = base_url and base_url_problem(base_url)
    if problem:
        lines.append(f"  {problem}")
    if lines:
        raise SettingsError(
            "The portal cannot start with production settings. Set these environment "
            "variables (or put them in a .env file next to manage.py, see docs/deploy.md):\n"
            + "\n".join(lines)
        )


def address_settings(base_url, *, extra_hosts=(), extra_origins=()):
    """The settings that follow from the public address: host names, trusted origins,
    Wagtail's admin base URL and, for an https:// address, secure cookies, HSTS and the
    redirect to HTTPS (behind a proxy that sets X-Forwarded-Proto)."""
    problem = base_url_problem(base_url)
    if problem:
        raise SettingsError(problem)
    base_url = base_url.rstrip("/")
    parts = urlsplit(base_url)
    https = parts.scheme == "https"
    hosts = [parts.hostname, *(h for h in extra_hosts if h != parts.hostname)]
    origins = [base_url, *(o for o in extra_origins if o != base_url)]
    return {
        "PORTAL_BASE_URL": base_url,
        "WAGTAILADMIN_BASE_URL": base_url,
        "ALLOWED_HOSTS": hosts,
        "CSRF_TRUSTED_ORIGINS": origins,
        "SESSION_COOKIE_SECURE": https,
        "CSRF_COOKIE_SECURE": https,
        "SECURE_SSL_REDIRECT": https,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if https else None,
        "SECURE_HSTS_SECONDS": (
            int(os.environ.get("SECURE_HSTS_SECONDS") or DEFAULT_HSTS_SECONDS) if https else 0
        ),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": https,
        "SECURE_HSTS_PRELOAD": https and env_flag("SECURE_HSTS_PRELOAD"),
    }
