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
