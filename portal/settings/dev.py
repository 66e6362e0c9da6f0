from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key"  # noqa: F405
# The public address's host (PORTAL_BASE_URL, which `make run` sets) plus the local names.
ALLOWED_HOSTS = list(  # noqa: F405
    dict.fromkeys([*ALLOWED_HOSTS, "localhost", "127.0.0.1", "0.0.0.0", "[::1]"])  # noqa: F405, S104
)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
