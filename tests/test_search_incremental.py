"""Facet bitmaps kept current in place: two engines play two gunicorn workers of one
database. After each publish, unpublish, move, delete or re-index made elsewhere, both answer
what an engine loading the index afresh answers, and neither reloads its bitmaps."""

import pytest

from search.engines import bitmaps
from search.engines.embedded import EmbeddedEngine
from search.query import SearchQuery
from tests.factories import CountryFactory, make_practice

pytestmark = pytest.mark.django_db


def _answer(engine, text="", filters=None):
    results = engine.search(SearchQuery(text, filters or {}, "", 1, 20, snippets=False))
    facets = {f.key: {v.value: v.count for v in f.values} for f in results.facets}
    return results.total, [(h.type, h.object_id) for h in results.hits], facets


QUERIES = [("", None), ("older", None), ("", {"country": ["IT", "FI"]}), ("care", {"type": []})]


@pytest.fixture
def loads(monkeypatch):
    """How many times any engine loaded its bitmaps from the index tables."""
    calls = []
    original = bitmaps.FacetBitmaps.load.__func__

    def counted(cls, *args, **kwargs):
        calls.append(args)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(bitmaps.FacetBitmaps, "load", classmethod(counted))
    return calls


def _check(workers, loads):
    """Each worker answers like a fresh engine, catching up without a reload."""
    before = len(loads)
    answers = [[_answer(worker, *query) for query in QUERIES] for worker in workers]
    assert len(loads) == before, "a worker reloaded its bitmaps instead of catching up"
    fresh = [_answer(EmbeddedEngine(), *query) for query in QUERIES]
    for answer in answers:
        assert answer == fresh
    return fresh


def test_workers_catch_up_with_publish_unpublish_move_and_delete(corpus, loads):
    index = corpus["home"].get_parent()
    workers = [EmbeddedEngine(), EmbeddedEngine()]
    first = _check(workers, [])  # each loads once
    finland = CountryFactory(code="FI", name="Finland")

    # Published: found at once, with its country counted.
    practice = make_practice(
        index, title="Older people's saunas", summary="Warm rooms.", country=finland
    )
    published = _check(workers, loads)
    practices = first[0][2]["type"]["practice"]
    assert published[0][2]["type"]["practice"] == practices + 1
    finnish = published[0][2]["country"]["FI"]  # the practice and its organisation
    assert ("practice", practice.pk) in published[1][1]  # "older"

    # Moved (re-indexed under its new URL) and edited: counted once, with its new country.
    practice.country = corpus["home"].country
    practice.save_revision().publish()
    practice.move(index, pos="first-child")
    moved = _check(workers, loads)
    assert moved[0][2]["type"] == published[0][2]["type"]
    assert moved[0][2]["country"]["FI"] == finnish - 1

    # Unpublished: gone from totals and facets.
    practice.refresh_from_db()
    practice.unpublish()
    unpublished = _check(workers, loads)
    assert unpublished[0][2]["type"]["practice"] == practices

    # Published again, then deleted.
    practice.refresh_from_db()
    practice.save_revision().publish()
    assert _check(workers, loads)[0][2]["type"]["practice"] == practices + 1
    practice.delete()
    assert _check(workers, loads)[0][2]["type"]["practice"] == practices


def test_a_worker_whose_state_is_not_the_chain_start_reloads(corpus, loads):
    """A write that does not record its change (a rebuild) or a worker holding a state that
    was never committed (rolled back) makes the next search reload, never apply a delta on
    the wrong base."""
    from django.db import transaction

    worker = EmbeddedEngine()
    _answer(worker)
    # This worker saw a write that was then rolled back.
    with transaction.atomic():
        sid = transaction.savepoint()
        make_practice(corpus["home"].get_parent(), title="Never committed", summary="Gone.")
        seen = _answer(worker)
        transaction.savepoint_rollback(sid)
    make_practice(corpus["home"].get_parent(), title="Committed", summary="Here.")
    before = len(loads)
    answer = _answer(worker)
    assert len(loads) == before + 1
    assert answer == _answer(EmbeddedEngine())
    assert answer[0] == seen[0]  # one practice more than the start either way
    # A rebuild: every worker reloads.
    bitmaps.bump_token()
    before = len(loads)
    _answer(worker)
    assert len(loads) == before + 1
