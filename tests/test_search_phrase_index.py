"""PostgreSQL answers quoted phrases from a RUM index when the extension is installed (see
search/migrations/0005_phrase_index.py); .ci/run installs it, so CI tests this path."""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import indexing
from search.engines.embedded import PHRASE_INDEX, EmbeddedEngine, phrase_index_exists
from search.query import SearchQuery
from tests.factories_search import make_search_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def rum():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's FTS5 answers phrases from its own index")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        available = cursor.fetchone() is not None
    if not available:
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs PostgreSQL with the RUM extension; .ci/run installs it")
        pytest.skip("the RUM extension is not installed (Debian: postgresql-15-rum)")


def _phrase_match_plan():
    with CaptureQueriesContext(connection) as queries:
        results = EmbeddedEngine().search(SearchQuery('"older people"'))
    (match,) = [q["sql"] for q in queries.captured_queries if "bit_or" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + match)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {hit.title for hit in results.hits}, plan


def test_phrases_are_answered_from_the_rum_index_also_after_a_rebuild(rum):
    make_search_corpus()
    expected = {"Help at Home", "Social caretakers in public housing"}
    assert phrase_index_exists()
    titles, plan = _phrase_match_plan()
    assert titles == expected
    assert PHRASE_INDEX in plan, plan
    # A rebuild builds the index again on its new rows (row-by-row upkeep is slow).
    indexing.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [PHRASE_INDEX])
        assert cursor.fetchone() is not None
    titles, plan = _phrase_match_plan()
    assert titles == expected
    assert PHRASE_INDEX in plan, plan
