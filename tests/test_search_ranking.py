"""Relevance in the embedded engine: tiers (title, then title/summary/names, then anywhere),
and the same order whichever path ranks the page (the tiers' full lists for large
selections, only the selected documents for small ones)."""

import random

import pytest

from search.engines import embedded
from search.engines.embedded import EmbeddedEngine
from search.query import SearchQuery
from search.registry import SearchDocument

pytestmark = pytest.mark.django_db

FILLER = ["plain", "words", "about", "local", "services", "and", "neighbourhood", "support"]


def _text(rng, words, with_word=0):
    text = [rng.choice(FILLER) for _ in range(words)]
    for _ in range(with_word):
        text.insert(rng.randrange(len(text) + 1), "harbour")
    return " ".join(text)


@pytest.fixture
def ranked_index():
    """60 documents; "harbour" in the title of some, the summary or names of others, the body
    only of the rest, repeated up to four times; two countries, three statuses."""
    rng = random.Random(7)
    documents = []
    for number in range(1, 61):
        place = number % 4  # 0 title, 1 summary, 2 names, 3 body only
        documents.append(
            SearchDocument(
                type="practice",
                object_id=number,
                title=_text(rng, 4, with_word=place == 0),
                url=f"/practices/{number}/",
                summary=_text(rng, 20, with_word=place == 1),
                names=["Harbour authority" if place == 2 else "City council"],
                body=_text(rng, 80, with_word=rng.randint(1, 4) if place == 3 else 0),
                facets={
                    "country": [("IT", "Italy")] if number % 2 else [("ES", "Spain")],
                    "status": [(("pilot", "ongoing", "ended")[number % 3], "Status")],
                },
            )
        )
    EmbeddedEngine().index_documents(documents)
    return {d.object_id: d for d in documents}


def _all_ids(filters, per_page=7):
    engine = EmbeddedEngine()
    ids, page = [], 1
    while True:
        results = engine.search(SearchQuery("harbour", filters, "relevance", page, per_page))
        ids += [hit.object_id for hit in results.hits]
        if page >= results.num_pages:
            return ids, results.total
        page += 1


def _tier(document):
    if "harbour" in document.title:
        return 0
    if "harbour" in document.summary or "Harbour" in " ".join(document.names):
        return 1
    return 2


def test_title_matches_come_first_then_summary_and_names_then_body(ranked_index):
    ids, total = _all_ids({})
    assert total == 60 and sorted(ids) == list(range(1, 61))
    tiers = [_tier(ranked_index[pk]) for pk in ids]
    assert tiers == sorted(tiers), tiers
    assert tiers[0] == 0 and tiers[-1] == 2


@pytest.mark.parametrize(
    "filters",
    [
        {"country": ["IT"]},
        {"status": ["pilot", "ended"]},
        {"country": ["ES"], "status": ["ongoing"]},
    ],
)
@pytest.mark.parametrize("sparse_limit", [0, 10_000])
def test_facets_narrow_the_same_ranking_on_every_path(
    ranked_index, monkeypatch, filters, sparse_limit
):
    everything, _total = _all_ids({})
    monkeypatch.setattr(embedded, "SPARSE_SELECTION", sparse_limit)
    narrowed, total = _all_ids(filters)

    def selected(pk):
        facets = ranked_index[pk].facets
        return all(
            {v for v, _label in facets[key]} & set(values) for key, values in filters.items()
        )

    assert narrowed == [pk for pk in everything if selected(pk)]
    assert total == len(narrowed) > 0


def test_facet_rows_of_documents_outside_the_index_are_not_counted(ranked_index):
    from search.engines.bitmaps import bump_token
    from search.models import IndexedDocument, IndexedFacetValue

    highest = IndexedDocument.objects.order_by("-id").values_list("id", flat=True).first()
    # A row left by a write this process has not seen yet, or by a crashed one.
    IndexedFacetValue.objects.create(document_id=highest + 100, facet="country", value="IT")
    bump_token()
    results = EmbeddedEngine().search(SearchQuery("", {}, "", 1, 20))
    countries = {v.value: v.count for v in results.facet("country").values}
    assert countries == {"IT": 30, "ES": 30}
    assert results.total == 60


WORDS = ("harbour", "ferry", "pier")


@pytest.fixture
def partial_index():
    """48 documents holding different sets of three words (in the title, summary or body),
    so that one holds all three and many hold two or one."""
    rng = random.Random(11)
    documents = []
    for number in range(1, 49):
        held = [word for word, every in zip(WORDS, (2, 3, 8), strict=True) if number % every == 0]
        fields = {"title": [], "summary": [], "body": []}
        for word in held:
            fields[rng.choice(list(fields))].append(word)
        documents.append(
            SearchDocument(
                type="practice",
                object_id=number,
                title=" ".join([*fields["title"], _text(rng, 3)]),
                url=f"/practices/{number}/",
                summary=" ".join([*fields["summary"], _text(rng, 12)]),
                body=" ".join([*fields["body"], _text(rng, 40)]),
                facets={"country": [("IT", "Italy")] if number % 4 else [("ES", "Spain")]},
            )
        )
    EmbeddedEngine().index_documents(documents)
    return {
        d.object_id: set(WORDS) & set(f"{d.title} {d.summary} {d.body}".split()) for d in documents
    }


def _ids_and_flags(text, filters, per_page=5):
    engine = EmbeddedEngine()
    found, page = [], 1
    while True:
        results = engine.search(SearchQuery(text, filters, "relevance", page, per_page))
        found += [(hit.object_id, hit.partial) for hit in results.hits]
        if page >= results.num_pages:
            return found, results
        page += 1


@pytest.mark.parametrize("filters", [{}, {"country": ["IT"]}, {"country": ["ES"]}])
@pytest.mark.parametrize(
    ("sparse_limit", "any_rows"),
    # Ranked by id; from the first rows of the ranking of any word; from all of them when
    # the first rows (two on the first page: -18 + 4 x 5) hold too few.
    [(10_000, 1000), (0, 1000), (0, -18)],
)
def test_partial_tier_ranks_by_words_held_on_every_path(
    partial_index, monkeypatch, filters, sparse_limit, any_rows
):
    everything, results = _ids_and_flags("harbour ferry pier", {})
    held = {pk: len(words) for pk, words in partial_index.items()}
    # 24 and 48 hold all three words; ten hold two (harbour with ferry or pier); the ones
    # holding one (less than half) are not shown.
    assert [held[pk] for pk, _partial in everything] == sorted(
        (held[pk] for pk, _partial in everything), reverse=True
    )
    assert {pk for pk, _p in everything} == {pk for pk, n in held.items() if n >= 2}
    assert [pk for pk, partial in everything if not partial] == [24, 48]
    assert results.all_words_total == 2 and results.total == 12
    monkeypatch.setattr(embedded, "SPARSE_SELECTION", sparse_limit)
    monkeypatch.setattr(embedded, "ANY_RANKING_ROWS", any_rows)
    asked = []
    ranking = EmbeddedEngine._any_ranking

    def any_ranking(dialect, words, shared, need):
        asked.append(need)
        return ranking(dialect, words, shared, need)

    monkeypatch.setattr(EmbeddedEngine, "_any_ranking", staticmethod(any_ranking))
    narrowed, results = _ids_and_flags("harbour ferry pier", filters)
    assert (None in asked) == (any_rows < 0)
    assert bool(asked) == (sparse_limit == 0)

    def selected(pk):
        return not filters or ("IT" if pk % 4 else "ES") in filters["country"]

    assert narrowed == [item for item in everything if selected(item[0])]
    assert results.total == len(narrowed)
