from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
# A fixed public address whatever the environment says (tests that need another one use
# override_settings; portal/public_address.py reads the setting at call time).
globals().update(address_settings("http://localhost"))  # noqa: F405
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
# Persistent connections from the live-server thread would keep PostgreSQL from dropping the
# throwaway test database at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Each test process gets its own memory cache, emptied between tests (tests/conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CACHES["pages"] = {  # noqa: F405
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
}
# Tests look at each view's own work (context, query counts): the page cache is off except in
# tests/test_page_cache.py, which turns it on.
PORTAL_PAGE_CACHE_TIMEOUT = 0
# Machine translation in tests: wagtail-localize's DummyTranslator (reverses the words), never
# a network call.
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
    "CLASS": "wagtail_localize.machine_translators.dummy.DummyTranslator",
    "OPTIONS": {},
}
