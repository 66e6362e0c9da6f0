"""PostgreSQL rebuilds write stand-in tables beside the live ones and swap them in
(search/engines/staging.py). Outside a transaction the writing is shared with worker
connections, so these tests commit (transaction=True) like a real rebuild does."""

import threading

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from search.engines import staging
from search.engines.embedded import EmbeddedEngine
from search.models import IndexedDocument
from search.query import SearchQuery
from search.registry import iter_documents
from tests.factories import make_practice
from tests.factories_search import make_search_corpus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def corpus():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite rebuilds in place, in one transaction")
    return make_search_corpus()


def _schema():
    """What migrations made of the index tables: columns (generated expressions and identity
    included), indexes, constraints and the id sequences."""
    tables = list(staging.TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, "
            "is_identity, is_generated, generation_expression "
            "FROM information_schema.columns WHERE table_name = ANY(%s) "
            "ORDER BY table_name, ordinal_position",
            [tables],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE tablename = ANY(%s) ORDER BY indexname",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) ORDER BY conname",
            [tables],
        )
        constraints = cursor.fetchall()
        sequences = []
        for table in tables:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequences.append(cursor.fetchone()[0])
    return columns, indexes, constraints, sequences


def _stand_ins():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname LIKE %s",
            ["%" + staging.SUFFIX.replace("_", r"\_")],
        )
        return [row[0] for row in cursor.fetchall()]


def _titles(text):
    return sorted(hit.title for hit in EmbeddedEngine().search(SearchQuery(text=text)).hits)


def test_rebuild_swaps_in_tables_like_the_migrated_ones(corpus, monkeypatch):
    before = _schema()
    phrase = _titles('"older people"')
    assert phrase == ["Help at Home", "Social caretakers in public housing"]
    writers = set()
    write_batch = staging._write_batch

    def spy(*args):
        writers.add(threading.current_thread())
        write_batch(*args)

    monkeypatch.setattr(staging, "_write_batch", spy)
    monkeypatch.setattr(EmbeddedEngine._IndexWriter, "BATCH", 2)

    # The corpus's five practices and the countries, regions and organisations they name
    # (findable records too): as many documents as the index held before the rebuild.
    indexed = IndexedDocument.objects.count()
    assert IndexedDocument.objects.filter(doc_type="practice").count() == 5
    assert EmbeddedEngine().rebuild(iter_documents(batch_size=2)) == indexed
    # The rows were written by the worker connections, not this one.
    assert writers and threading.current_thread() not in writers
    assert _schema() == before
    assert _stand_ins() == []
    assert _titles('"older people"') == phrase
    assert _titles("ADHD") == ["Inclusion of adults with ADHD"]
    results = EmbeddedEngine().search(
        SearchQuery(text="", filters={"country": ["IT"], "type": ["practice"]})
    )
    assert results.total == 2

    # Publishing goes on into the new tables, with ids after the rebuild's.
    last = IndexedDocument.objects.order_by("id").last().id
    make_practice(
        corpus["home"].get_parent(), title="Swapped-in kiosk", summary="A kiosk for carers."
    )
    assert _titles("kiosk") == ["Swapped-in kiosk"]
    assert IndexedDocument.objects.get(doc_type="practice", title="Swapped-in kiosk").id > last


def _broken(sources, fail):
    for search_type, count, documents in sources:
        yield search_type, count, fail(documents)


def test_a_failed_rebuild_keeps_the_live_index_and_leaves_nothing_behind(corpus):
    engine = EmbeddedEngine()
    before = _titles("care")

    def stop_midway(documents):
        for number, document in enumerate(documents):
            if number == 3:
                raise RuntimeError("page 4 could not be read")
            yield document

    with pytest.raises(RuntimeError, match="page 4"):
        engine.rebuild(_broken(iter_documents(batch_size=2), stop_midway))
    assert _titles("care") == before
    assert _stand_ins() == []

    # An error in a worker connection (here: one document twice breaks the unique
    # constraint built at the end) reaches the caller the same way.
    def twice(documents):
        for document in documents:
            yield document
            yield document

    with pytest.raises(IntegrityError):
        engine.rebuild(_broken(iter_documents(), twice))
    assert _titles("care") == before
    assert _stand_ins() == []
    # The rebuild lock was released: writes go on.
    make_practice(corpus["home"].get_parent(), title="After the failure", summary="Kiosk.")
    assert _titles("kiosk") == ["After the failure"]


def test_index_writes_wait_while_a_rebuild_runs(corpus):
    """A rebuild holds the lock from start to swap; a page published meanwhile waits for it
    rather than writing into tables about to be dropped."""
    document = next(next(iter_documents())[2])
    rebuilding = connections.create_connection("default")
    try:
        with rebuilding.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [staging.LOCK_KEY])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        try:
            with pytest.raises(DatabaseError, match="lock timeout"):
                EmbeddedEngine().index_documents([document])
            with rebuilding.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [staging.LOCK_KEY])
            EmbeddedEngine().index_documents([document])
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        rebuilding.close()
    assert IndexedDocument.objects.filter(object_id=document.object_id).count() == 1


@pytest.mark.parametrize("in_transaction", [False, True])
def test_rebuild_after_a_killed_one_and_of_nothing(corpus, in_transaction):
    """Stand-ins left by a rebuild that was killed are replaced; an empty source gives an
    empty index that takes writes again."""
    with connection.cursor() as cursor:
        for table in staging.TABLES:
            cursor.execute(f"CREATE TABLE {staging.staging_name(table)} (leftover int)")
    rebuild = EmbeddedEngine().rebuild
    if in_transaction:
        with transaction.atomic():
            assert rebuild([]) == 0
    else:
        assert rebuild([]) == 0
    assert _stand_ins() == []
    assert IndexedDocument.objects.count() == 0
    assert EmbeddedEngine().search(SearchQuery(text="care")).total == 0
    make_practice(corpus["home"].get_parent(), title="First again", summary="Kiosk.")
    assert _titles("kiosk") == ["First again"]
    # Ids start again at 1 (the practice and the records it names: its organisation, …).
    first = IndexedDocument.objects.order_by("id").first()
    assert first.id == 1
    assert IndexedDocument.objects.filter(doc_type="practice").count() == 1
