from .environment import require_production_settings

# One message listing everything missing (SECRET_KEY, PORTAL_BASE_URL, ...) before anything
# else is read; manage.py and gunicorn.conf.py print it without a traceback.
require_production_settings()

from .base import *  # noqa: E402, F403

DEBUG = False

EMAIL_BACKEND = os.environ.get(  # noqa: F405
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")  # noqa: F405
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))  # noqa: F405
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")  # noqa: F405
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")  # noqa: F405
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"  # noqa: F405

# --- Serving: whitenoise and the public address ---------------------------------------------
# Static files straight from gunicorn through whitenoise: hashed names, gzip and Brotli
# variants made by collectstatic, far-future Cache-Control on the hashed files.
MIDDLEWARE.insert(  # noqa: F405
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,  # noqa: F405
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
# Demo accounts have passwords printed in the README: never under production settings.
PORTAL_DEMO_ACCOUNTS = False
# HSTS preload is the domain owner's decision (it binds every subdomain and is hard to undo),
# so it stays off unless SECURE_HSTS_PRELOAD=1; its deploy-check warning says no more.
if not SECURE_HSTS_PRELOAD:  # noqa: F405
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
# --------------------------------------------------------------------------------------------
