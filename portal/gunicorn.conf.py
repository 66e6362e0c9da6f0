"""gunicorn's configuration for the portal (`make serve`, docs/deploy.md).

    gunicorn -c portal/gunicorn.conf.py

Reads the environment (and .env): HOST and PORT to bind (127.0.0.1:8000), WEB_CONCURRENCY
worker processes (2 x cores + 1), and gunicorn's own GUNICORN_CMD_ARGS / FORWARDED_ALLOW_IPS.
"""

import multiprocessing
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from portal.settings.environment import SettingsError, load_env_file  # noqa: E402

load_env_file()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

# Read the settings once here, in the master process, so that a missing SECRET_KEY or
# PORTAL_BASE_URL stops gunicorn with the one message that lists them, instead of every
# worker failing to boot with a traceback.
try:
    from django.conf import settings

    settings.SECRET_KEY  # noqa: B018
except SettingsError as exc:
    sys.exit(str(exc))

wsgi_app = "portal.wsgi:application"
chdir = str(PROJECT_DIR)
bind = [f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"]
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# Requests are short; a worker stuck for longer than this is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
# Access log to stdout and errors to stderr: systemd's journal (or the terminal) keeps them.
accesslog = "-"
errorlog = "-"
# Recycle workers now and then so slow memory growth never adds up. A worker that starts
# afresh imports Django and the portal (1-2 s on a small machine) while requests queue behind
# it: at 2,000 requests per worker, served from the page cache at ~1,000 req/s, that was
# every few seconds and put seconds into the p95 (docs/performance.md, "Load test").
# Loading the application once in the master (preload_app) makes a new worker a fork, ready
# at once; the jitter keeps the workers from recycling together.
preload_app = True
max_requests = 20000
max_requests_jitter = 2000
