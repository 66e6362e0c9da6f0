"""Backups: the database and the media files in one archive, taken while the portal runs.

``manage.py backup PATH`` and ``manage.py restore PATH`` (docs/operations.md) are thin
wrappers around :func:`create_backup` and :func:`restore_backup`. The archive is a gzipped tar:

- ``database/db.sqlite3`` (SQLite, a snapshot through the online backup API) or
  ``database/portal.pgdump`` (PostgreSQL, ``pg_dump`` custom format);
- ``media/...``: every regular file under ``MEDIA_ROOT``;
- ``manifest.json`` (last, since it lists the sizes and SHA-256 sums of everything before it):
  format version, portal version, database vendor, creation time, applied migrations, files.

The database is copied first and the media files after it, so every file a database row
refers to is in the archive (files uploaded meanwhile are extra, which does no harm).
"""

import gzip
import hashlib
import io
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import tomllib
import zlib
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import django
import wagtail
from django.conf import settings
from django.core.cache import cache
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "good-practice-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DATABASE_DIR = "database"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A problem the operator can fix; the commands print its message as one line."""


def one_line(text):
    """Error text from a driver or a tool, squeezed onto one line."""
    return " ".join(str(text).split())


@contextmanager
def failures_as_command_errors(what):
    """Inside the backup and restore commands: every expected failure is one clear line
    ("Backup failed: ..."), never a traceback."""
    try:
        yield
    except BackupError as exc:
        raise CommandError(f"{what} failed: {exc}") from exc
    except (DatabaseError, sqlite3.Error) as exc:
        raise CommandError(f"{what} failed: database error: {one_line(exc)}") from exc
    except OSError as exc:
        raise CommandError(f"{what} failed: {one_line(exc)}") from exc


# --- databases -------------------------------------------------------------------------------


class SQLiteDatabase:
    vendor = "sqlite"
    member = f"{DATABASE_DIR}/db.sqlite3"

    def __init__(self, connection):
        self.connection = connection

    def describe(self):
        return f"SQLite database {self.connection.settings_dict['NAME']}"

    def _raw(self):
        self.connection.ensure_connection()
        return self.connection.connection

    def dump(self, folder):
        """A consistent copy: the backup API copies every page in one step, inside one read
        transaction, so writers carry on (WAL) and what they commit meanwhile is not seen."""
        target = Path(folder) / "db.sqlite3"
        with closing(sqlite3.connect(target)) as copy:
            self._raw().backup(copy)
            # The copy inherits the WAL flag; a self-contained file needs no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            status = copy.execute("PRAGMA quick_check").fetchone()[0]
        if status != "ok":
            raise BackupError(f"the database copy failed SQLite's check: {status}")
        return target, {"server_version": sqlite3.sqlite_version}

    def check_restore(self, manifest, dump):
        with closing(sqlite3.connect(f"file:{dump}?mode=ro", uri=True)) as source:
            status = source.execute("PRAGMA quick_check").fetchone()[0]
        if status != "ok":
            raise BackupError(f"the database in the archive failed SQLite's check: {status}")

    def clear(self):
        """Nothing to do: the backup API replaces every page of the destination."""

    def load(self, dump):
        with closing(sqlite3.connect(f"file:{dump}?mode=ro", uri=True)) as source:
            source.backup(self._raw())


# libpq reads these from the environment; DATABASES["default"]["OPTIONS"] may carry them.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def tool_major_version(version_text):
    """12 from 'pg_dump (PostgreSQL) 12.4 (Debian ...)', 9 from '... 9.6.24'."""
    match = re.search(r"\)\s*(\d+)", version_text) or re.search(r"(\d+)\.\d+", version_text)
    return int(match.group(1)) if match else None


class PostgresDatabase:
    vendor = "postgresql"
    member = f"{DATABASE_DIR}/portal.pgdump"

    def __init__(self, connection):
        self.connection = connection

    def describe(self):
        s = self.connection.settings_dict
        return f"PostgreSQL database {s['NAME']} on {s.get('HOST') or 'localhost'}"

    def environment(self):
        """libpq settings for pg_dump/pg_restore, the password in the environment, not argv."""
        s = self.connection.settings_dict
        env = dict(os.environ)
        for key, value in (
            ("PGHOST", s.get("HOST")),
            ("PGPORT", s.get("PORT")),
            ("PGUSER", s.get("USER")),
            ("PGPASSWORD", s.get("PASSWORD")),
            ("PGDATABASE", s.get("NAME")),
        ):
            if value:
                env[key] = str(value)
        for option, variable in LIBPQ_OPTIONS.items():
            if s.get("OPTIONS", {}).get(option):
                env[variable] = str(s["OPTIONS"][option])
        return env

    def server_major(self):
        self.connection.ensure_connection()
        return self.connection.pg_version // 10000

    def tool(self, name):
        """(path, version text) of a client tool; one clear error when it is missing."""
        path = shutil.which(name)
        if not path:
            raise BackupError(
                f"{name} is not installed or not on PATH; install the PostgreSQL client tools "
                f"of the server's version (Debian: apt-get install "
                f"postgresql-client-{self.server_major()})"
            )
        version = self.run([path, "--version"], name).strip()
        if tool_major_version(version) is None:
            raise BackupError(f"cannot tell the version of {path} from '{version}'")
        return path, version

    def run(self, args, name):
        try:
            done = subprocess.run(  # noqa: S603 (arguments are ours, never a shell)
                args, env=self.environment(), capture_output=True, text=True, check=False
            )
        except OSError as exc:
            raise BackupError(f"cannot run {name}: {one_line(exc)}") from exc
        if done.returncode != 0:
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            detail = one_line(lines[-1] if lines else f"exit status {done.returncode}")
            raise BackupError(f"{name} failed: {detail}")
        return done.stdout

    def dump(self, folder):
        """pg_dump reads everything in one repeatable-read snapshot: consistent while the
        portal writes. pg_dump refuses servers newer than itself, so we say so first."""
        path, version = self.tool("pg_dump")
        server = self.server_major()
        if tool_major_version(version) < server:
            raise BackupError(
                f"{version} cannot dump a PostgreSQL {server} server; install "
                f"postgresql-client-{server} (or put its bin folder first on PATH)"
            )
        target = Path(folder) / "portal.pgdump"
        self.run([path, "--format=custom", "--no-password", f"--file={target}"], "pg_dump")
        return target, {"server_version": self.connection.pg_version, "dump_tool": version}

    def check_restore(self, manifest, dump):
        path, version = self.tool("pg_restore")
        made_by = manifest["database"].get("dump_tool", "")
        if (tool_major_version(made_by) or 0) > tool_major_version(version):
            raise BackupError(
                f"the archive was written by {made_by}; {version} cannot read it. Install the "
                f"client tools of version {tool_major_version(made_by)} or newer"
            )
        listing = self.run([path, "--list", str(dump)], "pg_restore")
        needed = set(re.findall(r"\bEXTENSION - (\S+)", listing))
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_available_extensions")
            available = {row[0] for row in cursor.fetchall()}
        missing = sorted(needed - available)
        if missing:
            raise BackupError(
                "the archive needs PostgreSQL extensions this server lacks: "
                + ", ".join(missing)
                + " (Debian: apt-get install "
                + " ".join(f"postgresql-{self.server_major()}-{name}" for name in missing)
                + ")"
            )
        self.pg_restore = path

    def clear(self):
        """--force: drop everything in the portal's schema (tables, sequences, extensions)."""
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = self.connection.ops.quote_name(cursor.fetchone()[0])
            cursor.execute(f"DROP SCHEMA {schema} CASCADE")
            cursor.execute(f"CREATE SCHEMA {schema}")
        self.connection.close()

    def load(self, dump):
        self.connection.close()  # pg_restore works alone; nothing of ours holds locks
        self.run(
            [
                self.pg_restore,
                "--no-owner",  # objects belong to the configured user, whoever dumped them
                "--no-privileges",
                "--single-transaction",  # all or nothing
                "--exit-on-error",
                "--no-password",
                f"--dbname={self.connection.settings_dict['NAME']}",
                str(dump),
            ],
            "pg_restore",
        )


DATABASES = {db.vendor: db for db in (SQLiteDatabase, PostgresDatabase)}


def database_for(alias=DEFAULT_DB_ALIAS):
    connection = connections[alias]
    if connection.vendor not in DATABASES:
        raise BackupError(
            f"backups support SQLite and PostgreSQL; this database is {connection.vendor}"
        )
    return DATABASES[connection.vendor](connection)


def table_names(connection):
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def applied_migrations(connection):
    applied = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


# --- files -----------------------------------------------------------------------------------


class HashingReader:
    """A file object that sums what tarfile reads from it."""

    def __init__(self, fileobj):
        self.fileobj = fileobj
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.fileobj.read(size)
        self.sha256.update(data)
        return data


def media_files(media_root):
    """Sorted (relative POSIX path, absolute path) of every regular file under media_root;
    symlinks and special files are skipped (and counted)."""
    files, skipped = [], 0
    if not media_root.is_dir():
        return files, skipped
    for folder, dirnames, filenames in os.walk(media_root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                skipped += 1
                continue
            files.append((path.relative_to(media_root).as_posix(), path))
    return files, skipped


def add_file(tar, path, name):
    """Add one file under ``name``; returns its manifest entry."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(os.path.getmtime(path)), 0o644
        reader = HashingReader(handle)
        try:
            tar.addfile(info, reader)
        except OSError as exc:
            raise BackupError(
                f"{path} changed while it was being archived ({one_line(exc)}); run the "
                "backup again"
            ) from exc
    return {"path": name, "size": size, "sha256": reader.sha256.hexdigest()}


def portal_version():
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def human_size(size):
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return None


def archive_path_for(target, media_root):
    """The archive to write: ``target`` itself, or a dated file in it when it is a folder."""
    target = Path(target).expanduser().absolute()
    if target.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = target / f"portal-backup-{stamp}.tar.gz"
    if target.exists():
        raise BackupError(f"{target} already exists; choose another name or remove it first")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    if target.is_relative_to(media_root.absolute()):
        raise BackupError(f"{target} is inside MEDIA_ROOT; write backups somewhere else")
    return target


# --- backup ----------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    vendor: str
    database_size: int
    media_files: int
    media_size: int
    skipped: int
    notes: list = field(default_factory=list)


def create_backup(target, log=print):
    """Write one archive of the database and MEDIA_ROOT to ``target`` (a file or a folder)."""
    database = database_for()
    media_root = Path(settings.MEDIA_ROOT)
    path = archive_path_for(target, media_root)
    log(f"Backing up the {database.describe()} and the media folder {media_root}")
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        with tempfile.TemporaryDirectory(prefix="portal-backup-") as scratch:
            migrations = applied_migrations(database.connection)
            dump, details = database.dump(scratch)
            with tarfile.open(partial, "w:gz") as tar:
                entries = [add_file(tar, dump, database.member)]
                files, skipped = media_files(media_root)
                for relative, absolute in files:
                    try:
                        entries.append(add_file(tar, absolute, f"{MEDIA_DIR}/{relative}"))
                    except FileNotFoundError:
                        skipped += 1  # deleted since the walk: not referenced any more
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "portal_version": portal_version(),
                    "versions": {
                        "python": platform.python_version(),
                        "django": django.__version__,
                        "wagtail": wagtail.__version__,
                    },
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "database": {"vendor": database.vendor, "file": database.member, **details},
                    "migrations": migrations,
                    "files": entries,
                }
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
                tar.addfile(info, io.BytesIO(data))
            with open(partial, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    media_entries = entries[1:]
    return BackupResult(
        path=path,
        vendor=database.vendor,
        database_size=entries[0]["size"],
        media_files=len(media_entries),
        media_size=sum(entry["size"] for entry in media_entries),
        skipped=skipped,
    )


# --- restore ---------------------------------------------------------------------------------


def safe_member_name(name):
    """The member's path if it is one a backup writes; None otherwise (absolute, '..', …)."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    if name == MANIFEST or (len(path.parts) > 1 and path.parts[0] in (DATABASE_DIR, MEDIA_DIR)):
        return path
    return None


def extract_and_verify(archive, folder):
    """Unpack ``archive`` into ``folder`` and check it against its manifest; returns it."""
    sums = {}
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                path = safe_member_name(member.name)
                if path is None or not member.isfile() or member.name in sums:
                    raise BackupError(
                        f"{archive} is not a portal backup: unexpected entry '{member.name}'"
                    )
                destination = Path(folder, *path.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with tar.extractfile(member) as source, open(destination, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                sums[member.name] = (size, digest.hexdigest())
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BackupError(f"{archive} is not a readable backup archive: {one_line(exc)}") from exc

    if MANIFEST not in sums:
        raise BackupError(f"{archive} has no {MANIFEST}; it is not a portal backup")
    try:
        manifest = json.loads(Path(folder, MANIFEST).read_text())
        listed = {entry["path"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
        vendor = manifest["database"]["vendor"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{archive}: {MANIFEST} is damaged ({one_line(exc)})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not a portal backup")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(
            f"{archive} has format version {manifest['format_version']}; this portal reads "
            f"up to {FORMAT_VERSION}. Restore it with the portal version that wrote it "
            f"({manifest.get('portal_version', 'unknown')}) or newer"
        )
    del sums[MANIFEST]
    for name in sorted(set(listed) | set(sums)):
        if name not in sums:
            raise BackupError(f"{archive} is damaged: {name} is listed but missing")
        if name not in listed:
            raise BackupError(f"{archive} is damaged: {name} is not in the manifest")
        if sums[name] != listed[name]:
            raise BackupError(f"{archive} is damaged: {name} does not match its checksum")
    if vendor not in DATABASES or DATABASES[vendor].member not in listed:
        raise BackupError(f"{archive} holds no database this portal can restore")
    return manifest


def media_is_empty(media_root):
    return not any(path.is_file() or path.is_symlink() for path in media_root.rglob("*"))


def clear_media(media_root):
    for entry in media_root.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def staging_folder(media_root):
    """Unpack beside MEDIA_ROOT when we may (moving into place is then a rename)."""
    try:
        return tempfile.TemporaryDirectory(prefix=".portal-restore-", dir=media_root.parent)
    except OSError:
        return tempfile.TemporaryDirectory(prefix="portal-restore-")


@dataclass
class RestoreResult:
    vendor: str
    manifest: dict
    media_files: int
    media_size: int
    unknown_migrations: list
    pending_migrations: int
    forced: bool


def migration_differences(applied):
    """(migrations in the archive this code lacks, migrations of this code not in it)."""
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    apps = {app for app, _name in on_disk}
    in_archive = {(app, name) for app, names in applied.items() for name in names}
    unknown = sorted(f"{app}.{name}" for app, name in in_archive - on_disk if app in apps)
    pending = len({key for key in on_disk - in_archive if key[0] in apps})
    return unknown, pending


def restore_backup(archive, force=False, log=print):
    """Restore ``archive`` into the configured database and MEDIA_ROOT, which must be empty
    unless ``force`` (then their current content is deleted first)."""
    archive = Path(archive).expanduser().absolute()
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist")
    database = database_for()
    media_root = Path(settings.MEDIA_ROOT)

    tables = table_names(database.connection)
    media_empty = not media_root.exists() or media_is_empty(media_root)
    if (tables or not media_empty) and not force:
        problems = []
        if tables:
            problems.append(f"the {database.describe()} has {len(tables)} tables")
        if not media_empty:
            problems.append(f"the media folder {media_root} has files")
        raise BackupError(
            " and ".join(problems) + "; restore needs an empty database and media folder "
            "(--force deletes what is there first)"
        )

    with staging_folder(media_root) as folder:
        log(f"Checking {archive}")
        manifest = extract_and_verify(archive, folder)
        vendor = manifest["database"]["vendor"]
        if vendor != database.vendor:
            raise BackupError(
                f"the archive holds a {vendor} database but the configured database is "
                f"{database.vendor}; restore into the same kind of database"
            )
        dump = Path(folder, *PurePosixPath(manifest["database"]["file"]).parts)
        database.check_restore(manifest, dump)
        unknown, pending = migration_differences(manifest.get("migrations", {}))

        if force and tables:
            log(f"Deleting the {len(tables)} tables of the {database.describe()} (--force)")
            database.clear()
        if force and not media_empty:
            log(f"Deleting the files in {media_root} (--force)")
            clear_media(media_root)
        log(f"Restoring the {database.describe()}")
        database.load(dump)

        media_entries = [e for e in manifest["files"] if e["path"].startswith(f"{MEDIA_DIR}/")]
        # File by file: MEDIA_ROOT may already hold (empty) folders of the same names.
        media_root.mkdir(parents=True, exist_ok=True)
        for entry in media_entries:
            relative = PurePosixPath(entry["path"]).relative_to(MEDIA_DIR)
            destination = media_root.joinpath(*relative.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(Path(folder, *PurePosixPath(entry["path"]).parts), destination)
    # Pages and fragments cached before the restore describe other content.
    cache.clear()
    return RestoreResult(
        vendor=vendor,
        manifest=manifest,
        media_files=len(media_entries),
        media_size=sum(entry["size"] for entry in media_entries),
        unknown_migrations=unknown,
        pending_migrations=pending,
        forced=force,
    )
