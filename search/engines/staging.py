# SQL here is assembled from table and index names read from the catalogue or the models;
# no value from a visitor reaches it.
# ruff: noqa: S608
"""PostgreSQL rebuilds: the new index is written into tables beside the live ones, which are
swapped in at the end by renaming (ACCESS EXCLUSIVE for milliseconds).

Why not delete and insert in place, as on SQLite: with the live tables' GIN and RUM indexes
kept up to date row by row, and every old row left dead, a rebuild of 50,000 documents took
68 s; into bare tables, with the indexes built once at the end, it takes 32 s on the same
machine (docs/performance.md).
Outside a transaction the work is shared between two more connections (the page reading and
document building stay in this one), so both cores compute vectors and build indexes. Inside
a transaction (tests, or a caller's ``atomic``) one connection does it all, the same way.

Index writes wait while a rebuild runs (``rebuild_lock``): a page published meanwhile is
indexed into the new tables once they are in place, not into the old ones about to go.
"""

import logging
import queue
import re
import threading
import time
from contextlib import contextmanager

from django.db import connection, transaction

from .bitmaps import bump_token
from .embedded import DOCUMENTS_TABLE, FACET_VALUE_COLUMNS, FACET_VALUES_TABLE, VOCABULARY_TABLE

# Tables a rebuild replaces, and the suffix of their stand-ins while it runs.
TABLES = (DOCUMENTS_TABLE, FACET_VALUES_TABLE)
SUFFIX = "_next"
# Connections writing beside this one, when not inside a transaction.
WORKERS = 2
# The advisory lock key shared by rebuilds (exclusive) and index writes (shared).
LOCK_KEY = 0x5EA2C4  # "search"

logger = logging.getLogger("search")

INDEX_DEF = re.compile(r"^(CREATE (?:UNIQUE )?INDEX) (\S+) ON (?:ONLY )?(\S+) (USING .*)$")


def staging_name(name):
    return name + SUFFIX


def lock_for_write(cursor):
    """Taken by every index write (inside its transaction): waits while a rebuild runs."""
    cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [LOCK_KEY])


@contextmanager
def rebuild_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def rebuild_by_swap(writer, batches):
    """Write ``batches`` of documents into stand-in tables with ``writer`` (an
    EmbeddedEngine._IndexWriter), build the live tables' indexes on them, swap them in.
    Returns how many documents were written."""
    if connection.in_atomic_block:
        # One connection, and a savepoint: a failure leaves the caller's transaction usable.
        with rebuild_lock(), transaction.atomic():
            _drop_staging()  # left by a rebuild that was killed
            return _rebuild(writer, batches, workers=0)
    with rebuild_lock():
        _drop_staging()
        try:
            return _rebuild(writer, batches, workers=WORKERS)
        except BaseException:
            _drop_staging()
            raise


def _rebuild(writer, batches, workers):
    definitions = _index_definitions()
    _create_staging()
    total = 0
    phases = _Phases()
    with _Workers(workers) as pool:
        for batch in batches:
            ids = range(total + 1, total + 1 + len(batch))
            documents = writer.document_rows(batch, first_id=ids.start)
            pool.run(_write_batch, writer, documents, writer.facet_rows(batch, ids))
            total += len(batch)
        pool.wait()
        phases.done("rows")
        for statement, _index in definitions:
            pool.run(_execute, statement)
        pool.wait()
        phases.done("indexes")
        # VACUUM (it cannot run in a transaction) sets the visibility map, so that index-only
        # scans need not visit the rows; ANALYZE after the indexes, for their expressions.
        command = "VACUUM ANALYZE" if workers else "ANALYZE"
        for table in TABLES:
            pool.run(_execute, f"{command} {staging_name(table)}")
        pool.wait()
        phases.done(command)
    with transaction.atomic():
        _swap(definitions)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {VOCABULARY_TABLE}")
        writer.finish()
        bump_token()
    phases.done("swap")
    logger.info("Search index rebuilt: %s documents; %s", total, phases)
    return total


class _Phases:
    """Seconds per phase of a rebuild, for the log (bench/search.py prints it)."""

    def __init__(self):
        self.last = time.monotonic()
        self.seconds = {}

    def done(self, name):
        now = time.monotonic()
        self.seconds[name] = now - self.last
        self.last = now

    def __str__(self):
        return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.seconds.items())


def _write_batch(writer, documents, facet_values):
    with connection.cursor() as cursor:
        columns = "id, " + writer.COLUMNS
        writer.write_rows(cursor, staging_name(DOCUMENTS_TABLE), columns, documents)
        facet_table = staging_name(FACET_VALUES_TABLE)
        writer.write_rows(cursor, facet_table, FACET_VALUE_COLUMNS, facet_values)


def _execute(statement):
    with connection.cursor() as cursor:
        cursor.execute(statement)


def _drop_staging():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(staging_name(t) for t in TABLES)}")


def _create_staging():
    """Stand-ins with the live tables' columns (generated vectors, identity ids included),
    without indexes: those are built once the rows are in."""
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"CREATE TABLE {staging_name(table)} (LIKE {table} INCLUDING ALL EXCLUDING INDEXES)"
            )


def _index_definitions():
    """Statements building the live tables' valid indexes and index-backed constraints on
    the stand-ins, under staging names; the largest (slowest to build) first, so the two
    connections finish close together. Read from the catalogue, so that what migrations
    add is rebuilt too."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid), con.conname, "
            "pg_get_constraintdef(con.oid), t.relname "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_class t ON t.oid = i.indrelid "
            "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid "
            "AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u') "
            "WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace "
            "AND i.indisvalid ORDER BY pg_relation_size(i.indexrelid) DESC, c.relname",
            [list(TABLES)],
        )
        rows = cursor.fetchall()
    definitions = []
    for index, definition, constraint, constraint_definition, table in rows:
        if constraint:
            # The constraint's index takes the constraint's name (the live one's, as a rule).
            statement = (
                f"ALTER TABLE {staging_name(table)} ADD CONSTRAINT {staging_name(constraint)} "
                f"{constraint_definition}"
            )
            index = constraint
        else:
            create, _name, _table, using = INDEX_DEF.match(definition).groups()
            statement = f"{create} {staging_name(index)} ON {staging_name(table)} {using}"
        definitions.append((statement, index))
    return definitions


def _swap(definitions):
    with connection.cursor() as cursor:
        tables = ", ".join(TABLES)
        cursor.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"DROP TABLE {tables}")
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {staging_name(table)} RENAME TO {table}")
            # The identity's sequence, created with the stand-in, takes the usual name and
            # continues after the ids the rebuild gave.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {table}_id_seq")
            cursor.execute(
                f"SELECT setval('{table}_id_seq', coalesce(max(id), 0) + 1, false) FROM {table}"
            )
        for _statement, index in definitions:
            # Renames the constraint too when the index backs one.
            cursor.execute(f"ALTER INDEX {staging_name(index)} RENAME TO {index}")


class _Workers:
    """Runs tasks on ``count`` threads, each with its own database connection, or on this
    thread when ``count`` is 0. ``wait`` returns when every task so far has run, and raises
    the first task's error, if any (later tasks are then skipped)."""

    def __init__(self, count):
        self.count = count
        self.tasks = queue.Queue(maxsize=2 * count or 1)
        self.error = None
        self.threads = [threading.Thread(target=self._work, daemon=True) for _ in range(count)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        for _thread in self.threads:
            self.tasks.put(None)
        for thread in self.threads:
            thread.join()

    def run(self, function, *args):
        if self.error is not None:
            raise self.error
        if not self.count:
            function(*args)
            return
        self.tasks.put((function, args))

    def wait(self):
        if self.count:
            self.tasks.join()
        if self.error is not None:
            raise self.error

    def _work(self):
        try:
            while (task := self.tasks.get()) is not None:
                try:
                    if self.error is None:
                        function, args = task
                        function(*args)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller by wait()
                    self.error = exc
                finally:
                    self.tasks.task_done()
        finally:
            connection.close()
