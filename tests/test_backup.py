"""manage.py backup / restore, run as an operator runs them: in their own processes, against
a database and media folder of their own (a throwaway SQLite file, or throwaway PostgreSQL
databases named after the test run's database so `make drop-test-databases` finds leftovers).

The round trips load the demo content plus one uploaded document, back it up, restore it into
an empty database and media folder, and compare the row count of every table and the rendered
HTML of a practice page (which links the document) before and after.
"""

import fcntl
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from django.db import connections

ROOT = Path(settings.BASE_DIR)
SLUG = "help-at-home"
DOCUMENT = b"Evaluation of Help at Home, 2014: 11,500 people received hourly services.\n"

# The test settings, but MEDIA_ROOT from the environment (portal.settings.test fixes it).
SETTINGS_MODULE = """
import os
from pathlib import Path

from portal.settings.test import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["MEDIA_ROOT"])
"""

# Runs inside the portal's own process: "seed" builds the content, "inspect" prints what we
# compare (row count of every table, a practice page's HTML, the document's bytes).
PROBE = """
import json, os, re, sys
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from wagtail.documents.models import Document
from practices.models import PracticeDocument, PracticePage

action, slug, text = sys.argv[1:]
if action == "seed":
    call_command("migrate", verbosity=0)
    call_command("load_demo_content", stdout=open(os.devnull, "w"))
    document = Document.objects.create(
        title="Evaluation report", file=ContentFile(text.encode(), name="evaluation.txt")
    )
    page = PracticePage.objects.get(slug=slug, locale__language_code="en")
    page.documents = [PracticeDocument(document=document)]
    page.save_revision().publish()
else:
    # Render first: the page makes its image renditions on first view, so the counts that
    # follow are those of a portal that has been visited.
    page = PracticePage.objects.live().get(slug=slug, locale__language_code="en")
    response = Client().get(page.url)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute("SELECT COUNT(*) FROM " + connection.ops.quote_name(table))
            counts[table] = cursor.fetchone()[0]
    document = Document.objects.get(title="Evaluation report")
    print(json.dumps({
        "status": response.status_code,
        "counts": counts,
        "html": html,
        "document_url": document.url,
        "document": document.file.open("rb").read().decode(),
    }))
"""


@dataclass
class Portal:
    """One database and media folder, driven through manage.py in subprocesses."""

    database_url: str
    media: Path
    settings_dir: Path

    def env(self, **extra):
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "backup_test_settings",
            "PYTHONPATH": os.pathsep.join([str(self.settings_dir), str(ROOT)]),
            "DATABASE_URL": self.database_url,
            "MEDIA_ROOT": str(self.media),
            **extra,
        }

    def run(self, *args, **extra_env):
        return subprocess.run(  # noqa: S603
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def manage(self, *args, **extra_env):
        return self.run("manage.py", *args, **extra_env)

    def probe(self, action):
        done = self.run("-c", PROBE, action, SLUG, DOCUMENT.decode())
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if action == "inspect" else None


def assert_ok(done):
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def assert_refused(done, *words):
    """Failed with one clear line (no traceback) containing every word."""
    assert done.returncode != 0, done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("CommandError: "), lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def assert_same_portal(before, after):
    assert before["status"] == after["status"] == 200
    # The 13 demo practices and their 14 language versions (fixtures/practices/translations.yaml).
    assert before["counts"]["practices_practicepage"] == 27
    assert before["counts"]["wagtaildocs_document"] == 1
    assert len(before["counts"]) > 50
    assert after["counts"] == before["counts"]
    assert "Help at Home" in before["html"]
    assert before["document_url"] in before["html"]
    assert after["html"] == before["html"]
    assert after["document"] == before["document"] == DOCUMENT.decode()


def manifest_of(archive):
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def rewrite_archive(source, target, change, extra=()):
    """Copy an archive member by member, passing each (name, bytes) through change(), then
    add the (name, bytes) pairs of extra."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        members = [(m.name, change(m.name, old.extractfile(m).read())) for m in old]
        for name, data in [*members, *extra]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


@pytest.fixture(scope="module")
def settings_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("backup-settings")
    (folder / "backup_test_settings.py").write_text(SETTINGS_MODULE)
    return folder


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("backup")


def sqlite_portal(workdir, settings_dir, name):
    return Portal(f"sqlite:///{workdir / name}.sqlite3", workdir / f"{name}-media", settings_dir)


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory, settings_dir):
    """(source portal, archive, inspection before) of the demo content on SQLite. pytest-xdist
    may hand this module's tests to several workers: the first builds the source and its
    archive, the others wait for it and share them (the tests only read them)."""
    if connections["default"].vendor == "postgresql":
        pytest.skip("SQLite backups are tested by the SQLite run (`make test`)")
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    shared = root / "backup-source"
    shared.mkdir(exist_ok=True)
    source = Portal(f"sqlite:///{shared / 'source'}.sqlite3", shared / "media", settings_dir)
    archive = shared / "sqlite-backup.tar.gz"
    inspected = shared / "before.json"
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not inspected.exists():
            source.probe("seed")
            before = source.probe("inspect")
            out = assert_ok(source.manage("backup", str(archive)))
            assert f"Backup written to {archive}" in out
            # Every file of the media folder (the seed's document, the demo illustrations).
            files = sum(1 for path in (shared / "media").rglob("*") if path.is_file())
            assert files >= 1 and f"media: {files} files" in out
            inspected.write_text(json.dumps(before))
    return source, archive, json.loads(inspected.read_text())


def test_sqlite_round_trip(sqlite_backup, workdir, settings_dir):
    _source, archive, before = sqlite_backup
    target = sqlite_portal(workdir, settings_dir, "restored")
    (target.media / "documents").mkdir(parents=True)  # empty folders are allowed
    out = assert_ok(target.manage("restore", str(archive)))
    assert "Restored sqlite database and media." in out
    assert_same_portal(before, target.probe("inspect"))


def test_manifest_lists_every_file_with_its_checksum(sqlite_backup):
    source, archive, _before = sqlite_backup
    manifest = manifest_of(archive)
    assert manifest["format_version"] == 1
    assert manifest["portal_version"] == "0.1.0"
    assert manifest["database"]["vendor"] == "sqlite"
    assert "0001_initial" in manifest["migrations"]["practices"]
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.name != "manifest.json"}
    listed = {entry["path"]: entry for entry in manifest["files"]}
    # The database and every file of the media folder (the seed's document, the demo
    # illustrations and their renditions).
    media = {
        "media/" + path.relative_to(source.media).as_posix()
        for path in source.media.rglob("*")
        if path.is_file()
    }
    assert "media/documents/evaluation.txt" in media
    assert set(listed) == set(members) == {"database/db.sqlite3"} | media
    for name, data in members.items():
        assert listed[name]["size"] == len(data)
        assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest()
    assert members["media/documents/evaluation.txt"] == DOCUMENT


def test_restore_refuses_a_database_with_tables(sqlite_backup):
    source, archive, _before = sqlite_backup
    database = Path(urlsplit(source.database_url).path)
    unchanged = hashlib.sha256(database.read_bytes()).hexdigest()
    line = assert_refused(source.manage("restore", str(archive)), "tables", "--force")
    assert "media folder" in line and "has files" in line
    assert hashlib.sha256(database.read_bytes()).hexdigest() == unchanged


def test_restore_refuses_a_media_folder_with_files(sqlite_backup, workdir, settings_dir):
    _source, archive, _before = sqlite_backup
    target = sqlite_portal(workdir, settings_dir, "media-not-empty")
    (target.media / "images").mkdir(parents=True)
    (target.media / "images" / "kept.jpg").write_bytes(b"not ours")
    line = assert_refused(target.manage("restore", str(archive)), "has files", "--force")
    assert "tables" not in line
    assert (target.media / "images" / "kept.jpg").read_bytes() == b"not ours"
    assert not (target.media / "documents").exists()


def test_force_replaces_what_is_there(sqlite_backup, workdir, settings_dir):
    _source, archive, before = sqlite_backup
    target = sqlite_portal(workdir, settings_dir, "forced")
    database = Path(urlsplit(target.database_url).path)
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE leftover (x)")
    target.media.mkdir()
    (target.media / "stray.txt").write_text("old")
    out = assert_ok(target.manage("restore", "--force", str(archive)))
    assert "Deleting the 1 tables" in out and "(--force)" in out
    assert not (target.media / "stray.txt").exists()
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        pages = db.execute("SELECT COUNT(*) FROM practices_practicepage").fetchone()[0]
    assert "leftover" not in tables
    assert pages == before["counts"]["practices_practicepage"]
    assert (target.media / "documents" / "evaluation.txt").read_bytes() == DOCUMENT


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("checksum", ["media/documents/evaluation.txt does not match its checksum"]),
        ("truncated", ["not a readable backup archive"]),
        ("foreign", ["not a portal backup", "etc/passwd"]),
    ],
)
def test_damaged_archives_are_refused_before_anything_changes(
    sqlite_backup, workdir, settings_dir, damage, words
):
    _source, archive, _before = sqlite_backup
    broken = workdir / f"broken-{damage}.tar.gz"
    if damage == "checksum":
        rewrite_archive(
            archive, broken, lambda name, data: data.upper() if name.startswith("media/") else data
        )
    elif damage == "truncated":
        broken.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    else:
        rewrite_archive(
            archive, broken, lambda name, data: data, extra=[("../etc/passwd", b"root")]
        )
    target = sqlite_portal(workdir, settings_dir, f"damaged-{damage}")
    assert_refused(target.manage("restore", str(broken)), *words)
    assert not target.media.exists() or not list(target.media.rglob("*"))
    assert not (workdir / "etc").exists()
    database = Path(urlsplit(target.database_url).path)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0


def test_backup_refuses_to_overwrite_or_to_write_into_media(sqlite_backup, workdir):
    source, archive, _before = sqlite_backup
    unchanged = archive.read_bytes()
    assert_refused(source.manage("backup", str(archive)), "already exists")
    assert archive.read_bytes() == unchanged
    assert_refused(source.manage("backup", str(source.media / "b.tar.gz")), "inside MEDIA_ROOT")
    assert_refused(source.manage("backup", str(workdir / "missing" / "b.tar.gz")), "does not exist")


def test_backup_into_a_folder_names_the_archive_by_date(sqlite_backup, workdir):
    source, _archive, _before = sqlite_backup
    folder = workdir / "nightly"
    folder.mkdir()
    assert_ok(source.manage("backup", str(folder)))
    (written,) = folder.iterdir()
    assert written.name.startswith("portal-backup-") and written.name.endswith(".tar.gz")
    assert manifest_of(written)["database"]["vendor"] == "sqlite"


# --- PostgreSQL ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres(django_db_setup, django_db_blocker):
    """make_database(suffix) -> Portal on a new, empty PostgreSQL database; dropped after."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("PostgreSQL round trip runs under `make test-postgres`")

    test_settings = connections["default"].settings_dict
    base = urlsplit(os.environ["DATABASE_URL"])
    admin = psycopg.connect(
        host=test_settings["HOST"] or None,
        port=test_settings["PORT"] or None,
        user=test_settings["USER"] or None,
        password=test_settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    created = []

    def make_database(suffix, settings_dir, media):
        # The test database's name starts with test_<run>, which drop-test-databases matches.
        name = f"{test_settings['NAME']}_{suffix}"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return Portal(urlunsplit(base._replace(path=f"/{name}")), media, settings_dir)

    yield make_database
    for name in created:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_postgres_round_trip(postgres, workdir, settings_dir):
    source = postgres("bksrc", settings_dir, workdir / "pg-source-media")
    source.probe("seed")
    before = source.probe("inspect")
    archive = workdir / "pg-backup.tar.gz"
    out = assert_ok(source.manage("backup", str(archive)))
    files = sum(1 for path in source.media.rglob("*") if path.is_file())
    assert files > 1 and "database (postgresql)" in out and f"media: {files} files" in out
    manifest = manifest_of(archive)
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["database"]["dump_tool"].startswith("pg_dump (PostgreSQL)")

    elsewhere = sqlite_portal(workdir, settings_dir, "pg-into-sqlite")
    assert_refused(
        elsewhere.manage("restore", str(archive)),
        "the archive holds a postgresql database but the configured database is sqlite",
    )

    target = postgres("bkdst", settings_dir, workdir / "pg-restored-media")
    out = assert_ok(target.manage("restore", str(archive)))
    assert "Restored postgresql database and media." in out
    assert_same_portal(before, target.probe("inspect"))

    assert_refused(target.manage("restore", str(archive)), "tables", "--force")
    (target.media / "stray.txt").write_text("old")
    with psycopg.connect(target.database_url) as db:
        db.execute("CREATE TABLE leftover (x integer)")
    out = assert_ok(target.manage("restore", "--force", str(archive)))
    assert "Deleting the" in out and "(--force)" in out
    assert not (target.media / "stray.txt").exists()
    with psycopg.connect(target.database_url) as db:
        pages = db.execute("SELECT COUNT(*) FROM practices_practicepage").fetchone()[0]
        tables = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        assert sorted(row[0] for row in tables) == sorted(before["counts"])
    assert pages == before["counts"]["practices_practicepage"]


def test_backup_needs_a_fitting_pg_dump(postgres, workdir, settings_dir):
    portal = postgres("bktool", settings_dir, workdir / "pg-tool-media")
    bin_dir = workdir / "old-client"
    bin_dir.mkdir()
    assert_refused(
        portal.manage("backup", str(workdir / "x.tar.gz"), PATH=str(bin_dir)),
        "pg_dump is not installed",
    )
    # An old client: pg_dump refuses newer servers, so the backup says so before trying.
    fake = bin_dir / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)
    assert_refused(
        portal.manage("backup", str(workdir / "x.tar.gz"), PATH=str(bin_dir)),
        "pg_dump (PostgreSQL) 9.6.24 cannot dump a PostgreSQL",
    )
    assert not (workdir / "x.tar.gz").exists()


# --- a backup while another connection writes ----------------------------------------------

WRITER = """
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=20)
batch = 1000
while not os.path.exists(sys.argv[2]):
    batch += 1
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO ledger (batch, padding) VALUES (?, ?)", [(batch, "x" * 400)] * 100)
    db.execute("COMMIT")
    time.sleep(0.002)
"""


def test_sqlite_backup_while_another_connection_writes_is_consistent(workdir, settings_dir):
    """Every transaction of the writer adds 100 rows of one batch: the archived database has
    whole batches only, some written before the backup and none of those committed after."""
    if connections["default"].vendor == "postgresql":
        pytest.skip("SQLite backups are tested by the SQLite run (`make test`)")
    portal = sqlite_portal(workdir, settings_dir, "busy")
    database = Path(urlsplit(portal.database_url).path)
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE ledger (batch INTEGER, padding TEXT)")
        for batch in range(200):  # some megabytes, so copying them takes a while
            db.executemany("INSERT INTO ledger VALUES (?, ?)", [(batch, "x" * 400)] * 100)

    def batches():
        with closing(sqlite3.connect(database, timeout=20)) as db:
            return db.execute("SELECT COUNT(DISTINCT batch) FROM ledger").fetchone()[0]

    stop = workdir / "stop-writer"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(database), str(stop)])  # noqa: S603
    try:
        while batches() < 210:
            time.sleep(0.05)
        archive = workdir / "busy.tar.gz"
        assert_ok(portal.manage("backup", str(archive)))
        during = batches()
    finally:
        stop.touch()
        writer.wait(timeout=60)
    after = batches()

    with tarfile.open(archive) as tar:
        (workdir / "busy-copy.sqlite3").write_bytes(tar.extractfile("database/db.sqlite3").read())
    with closing(sqlite3.connect(workdir / "busy-copy.sqlite3")) as copy:
        assert copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        sizes = copy.execute("SELECT batch, COUNT(*) FROM ledger GROUP BY batch").fetchall()
    assert {size for _batch, size in sizes} == {100}
    # Batches before the snapshot, and batches committed while the command was still running.
    assert 210 <= len(sizes) < during <= after
