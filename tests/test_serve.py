"""`make serve` as a deployment runs it: production settings from the environment and a .env
file, migrate, collectstatic, gunicorn with whitenoise, on a free port with a throwaway SQLite
database. One server for the module (it takes a while to collect and compress the static
files); the settings checks run `manage.py` in subprocesses, as an operator would."""

import gzip
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import brotli
import pytest

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = str(PROJECT / ".venv" / "bin" / "python")
MAKE = shutil.which("make") or "make"
FAR_FUTURE = 10 * 365 * 24 * 3600
# Variables of the developer's or CI's environment that would change what is tested.
SCRUBBED = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "SECRET_KEY",
    "PORTAL_BASE_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "HOST",
    "PORT",
    "WEB_CONCURRENCY",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "CACHE_URL",
    "CACHE_DIR",
    "ELASTICSEARCH_URL",
    "PORTAL_SEARCH_ENGINE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "MAKEFLAGS",
    "MAKELEVEL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests in this process
}

pytestmark = [
    pytest.mark.xdist_group("serve"),
    # Every test here runs `make serve` or manage.py on a throwaway SQLite database of its
    # own, whatever the suite's database: the PostgreSQL run (`make test-postgres`) would
    # repeat the SQLite run's work exactly, so only `make test` runs them.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="runs on its own SQLite database: covered by the SQLite run (`make test`)",
    ),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(tmp, **extra):
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update(
        PORTAL_ENV_FILE=str(tmp / "missing.env"),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        CACHE_DIR=str(tmp / "cache"),
    )
    env.update(extra)
    return env


def manage(env, *args, settings="portal.settings.production"):
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [PYTHON, "manage.py", *args],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": settings},
        capture_output=True,
        text=True,
        timeout=300,
    )


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (our own server)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`make serve` on a free port; SECRET_KEY comes from the .env file, PORT from the
    environment although the .env file names another one (the environment wins)."""
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    env_file = tmp / "portal.env"
    env_file.write_text(
        f"SECRET_KEY={secrets.token_urlsafe(50)}\nPORT=1\nWEB_CONCURRENCY=2\n", encoding="utf-8"
    )
    env = clean_env(
        tmp,
        PORTAL_ENV_FILE=str(env_file),
        PORTAL_BASE_URL=f"http://127.0.0.1:{port}",
        PORT=str(port),
    )
    log = (tmp / "serve.log").open("w")
    # -o: never reinstall the shared virtualenv from a test.
    process = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [MAKE, "--no-print-directory", "-o", ".venv/.installed", "serve"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    try:
        while True:
            if process.poll() is not None:
                pytest.fail("make serve stopped:\n" + (tmp / "serve.log").read_text())
            try:
                if get(base + "/admin/login/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("make serve did not answer:\n" + (tmp / "serve.log").read_text())
            time.sleep(1)
        yield {"base": base, "tmp": tmp, "env": env, "log": tmp / "serve.log"}
    finally:
        if process.poll() is None:  # it may have stopped by itself (the failure above says why)
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def static_urls(html):
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def assert_hashed_and_compressed(base, path):
    assert re.search(r"\.[0-9a-f]{12}\.\w+$", path), f"{path} has no content hash"
    status, headers, plain = get(base + path)
    assert status == 200
    assert f"max-age={FAR_FUTURE}" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]
    status, headers, body = get(base + path, **{"Accept-Encoding": "br"})
    assert (status, headers["Content-Encoding"]) == (200, "br")
    assert brotli.decompress(body) == plain
    status, headers, body = get(base + path, **{"Accept-Encoding": "gzip"})
    assert (status, headers["Content-Encoding"]) == (200, "gzip")
    assert gzip.decompress(body) == plain
    assert "Accept-Encoding" in headers["Vary"]


def test_pages_and_hashed_compressed_static_files(server):
    base = server["base"]
    status, _headers, body = get(base + "/validation-criteria/")
    assert status == 200
    portal_css = [u for u in static_urls(body.decode()) if "/portal/css/portal." in u]
    assert len(portal_css) == 1
    assert_hashed_and_compressed(base, portal_css[0])

    status, _headers, body = get(base + "/admin/login/")
    assert status == 200
    admin_css = [u for u in static_urls(body.decode()) if u.endswith(".css")]
    assert admin_css
    assert_hashed_and_compressed(base, admin_css[0])

    # The home page (Wagtail's first page after migrate) is served through the Site that
    # migrate gave the public address.
    assert get(base + "/")[0] == 200
    with sqlite3.connect(server["tmp"] / "db.sqlite3") as db:
        sites = db.execute("SELECT hostname, port FROM wagtailcore_site").fetchall()
    assert sites == [("127.0.0.1", int(base.rsplit(":", 1)[1]))]

    # Unknown hosts are refused; access lines go to the log (stdout).
    assert get(base + "/", Host="evil.example.com")[0] == 400
    assert '"GET /validation-criteria/ HTTP/1.1" 200' in server["log"].read_text()


def test_no_demo_accounts_under_production_settings(server):
    env = {**server["env"], "PORTAL_BASE_URL": server["base"]}
    result = manage(env, "create_demo_users")
    assert result.returncode != 0
    assert "never created under production settings" in result.stderr
    assert "createsuperuser" in result.stderr
    assert "Traceback" not in result.stderr
    with sqlite3.connect(server["tmp"] / "db.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM auth_user").fetchone() == (0,)


def test_missing_settings_stop_make_serve_with_one_message(tmp_path):
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [MAKE, "--no-print-directory", "-o", ".venv/.installed", "serve"],
        cwd=PROJECT,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.count("The portal cannot start with production settings") == 1
    assert "SECRET_KEY:" in result.stderr and "PORTAL_BASE_URL:" in result.stderr
    assert not (tmp_path / "db.sqlite3").exists()


def test_gunicorn_alone_gives_the_same_message(tmp_path):
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [str(PROJECT / ".venv" / "bin" / "gunicorn"), "-c", "portal/gunicorn.conf.py"],
        cwd=PROJECT,
        env=clean_env(tmp_path, PORTAL_BASE_URL="practices.example.eu"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "SECRET_KEY:" in result.stderr
    assert "PORTAL_BASE_URL must start with https:// or http://" in result.stderr


def settings_under(tmp_path, base_url):
    names = [
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "WAGTAILADMIN_BASE_URL",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
        "DEBUG",
    ]
    env = clean_env(tmp_path, SECRET_KEY=secrets.token_urlsafe(50), PORTAL_BASE_URL=base_url)
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [PYTHON, "-c", code],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_https_address_turns_on_secure_cookies_hsts_and_the_redirect(tmp_path):
    values = settings_under(tmp_path, "https://practices.example.eu:8443/")
    assert values["ALLOWED_HOSTS"] == ["practices.example.eu"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://practices.example.eu:8443"]
    assert values["WAGTAILADMIN_BASE_URL"] == "https://practices.example.eu:8443"
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] >= 180 * 24 * 3600
    assert values["DEBUG"] is False


def test_an_http_address_does_not(tmp_path):
    values = settings_under(tmp_path, "http://portal.example.org:8080")
    assert values["ALLOWED_HOSTS"] == ["portal.example.org"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["http://portal.example.org:8080"]
    assert not values["SESSION_COOKIE_SECURE"] and not values["CSRF_COOKIE_SECURE"]
    assert not values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_deploy_check_is_silent_with_an_https_address(tmp_path):
    env = clean_env(
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(50),
        PORTAL_BASE_URL="https://practices.example.eu",
    )
    result = manage(env, "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert result.stderr == ""
