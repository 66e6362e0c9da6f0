"""Every public page type of the demo portal, and a production server to look at them with.

Shared by bench/screenshots.py (`make screenshots`) and bench/lighthouse.py. The addresses are
read from the database (the demo content: `make demo`), one page of each type; the worksheet's
results and report are organiser pages, reached with a session of the demo superuser made in
the database the server reads (no password needed, nothing else written).
"""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = ROOT / "db.sqlite3"


def database_url(db=None):
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return f"sqlite:///{Path(db or DEFAULT_DB).resolve()}"


def setup_django(db=None):
    os.environ["DATABASE_URL"] = database_url(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()


def page_types():
    """[(name, path, needs_login)] of one page per public type, in reading order; types the
    database has no page for are left out (and named on stderr)."""
    from django.urls import reverse

    from learning_events.models import LearningEventIndexPage, LearningEventPage
    from peer_reviews.models import PeerReviewWorksheetPage
    from policy_learning.models import ActionPlanPage
    from portal.models import CooperationProject, PrivacyNoticePage, Region
    from practices.models import PracticePage

    def first(queryset):
        return queryset.live().public().order_by("path").first()

    practices = list(PracticePage.objects.live().public().order_by("path")[:3])
    found = [("home", "/", False), ("practices", "/practices/", False)]
    if practices:
        country = practices[0].country.code
        found.append(("search", f"/search/?q=care&type=practice&country={country}", False))
        found.append(("practice", practices[0].url, False))
        chosen = "&".join(f"p={p.pk}" for p in practices)
        found.append(("compare", reverse("practices:compare") + "?" + chosen, False))
    for name, page in [
        ("events", first(LearningEventIndexPage.objects)),
        ("event", first(LearningEventPage.objects)),
        ("action-plan", first(ActionPlanPage.objects)),
        ("privacy", first(PrivacyNoticePage.objects)),
    ]:
        if page:
            found.append((name, page.url, False))
    worksheet = first(PeerReviewWorksheetPage.objects)
    if worksheet:
        found.append(("worksheet", worksheet.url, False))
        found.append(("results", worksheet.url + worksheet.reverse_subpage("results"), True))
        found.append(("report", worksheet.url + worksheet.reverse_subpage("report"), True))
    region = Region.objects.order_by("name").first()
    if region:
        found.append(("region", region.get_absolute_url(), False))
    project = CooperationProject.objects.originals().order_by("acronym").first()
    if project:
        found.append(("project", project.get_absolute_url(), False))
    names = {name for name, _path, _login in found}
    expected = ["search", "practice", "compare", "events", "event", "worksheet", "region"]
    expected += ["project", "action-plan", "privacy"]
    missing = [name for name in expected if name not in names]
    if missing:
        print(f"No page of these types in the database: {', '.join(missing)}", file=sys.stderr)
    return found


def superuser_session():
    """(cookie name, value) of a new session for the first superuser, or None."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.filter(is_superuser=True, is_active=True).first()
    if user is None:
        return None
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return settings.SESSION_COOKIE_NAME, session.session_key


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def production_server(db=None, workers=2):
    """gunicorn with production settings and whitenoise (as `make serve`) on a free port, with
    its static files collected into a temporary folder; yields the base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="portal-pages-") as tmp:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.production",
            SECRET_KEY="pages-bench-" + os.urandom(8).hex(),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            PORTAL_BASE_URL=base,
            DATABASE_URL=database_url(db),
            STATIC_ROOT=str(Path(tmp) / "static"),
            CACHE_DIR=str(Path(tmp) / "cache"),
            PAGE_CACHE_DIR=str(Path(tmp) / "pages"),
            WEB_CONCURRENCY=str(workers),
            HOST="127.0.0.1",
            PORT=str(port),
            PORTAL_RATE_LIMITS="api=none,downloads=none",
            # No nginx here: Django serves the uploaded images (portal/settings/base.py).
            PORTAL_SERVE_MEDIA="1",
        )
        python = str(ROOT / ".venv" / "bin" / "python")
        collect = [python, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(collect, cwd=ROOT, env=env, check=True)
        gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
        log = open(Path(tmp) / "gunicorn.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [gunicorn, "--config", "portal/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(base, process)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _wait_until_up(base, process, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/", timeout=30) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not answer in time")
