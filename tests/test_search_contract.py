"""The search contract: the same cases for every engine.

Runs against the embedded engine on whichever database the tests use (SQLite by default,
PostgreSQL with DATABASE_URL=postgres://...), and against Elasticsearch when ELASTICSEARCH_URL
is set (skipped with that reason otherwise).
"""

import os

import pytest

from search.engines.embedded import EmbeddedEngine
from search.query import SearchQuery

pytestmark = pytest.mark.django_db

ES_URL = os.environ.get("ELASTICSEARCH_URL", "")


def _elastic_engine():
    from search.engines.elastic import ElasticsearchEngine

    return ElasticsearchEngine(url=ES_URL, index=f"portal_test_{os.getpid()}")


@pytest.fixture(
    params=[
        "embedded",
        pytest.param(
            "elasticsearch",
            marks=[
                pytest.mark.elasticsearch,
                pytest.mark.skipif(not ES_URL, reason="ELASTICSEARCH_URL is not set"),
            ],
        ),
    ]
)
def engine(request):
    if request.param == "embedded":
        return EmbeddedEngine()
    return _elastic_engine()


@pytest.fixture
def corpus(engine, shared_corpus, db):
    if not isinstance(engine, EmbeddedEngine):
        from search.registry import iter_documents

        engine.rebuild(iter_documents())
    yield shared_corpus
    if not isinstance(engine, EmbeddedEngine):
        engine.delete_index()


def titles(results):
    return [hit.title for hit in results.hits]


def found(engine, text="", per_page=20, **filters):
    sort = filters.pop("sort", "")
    page = filters.pop("page", 1)
    return engine.search(SearchQuery(text, filters, sort, page, per_page))


def counts(results, facet):
    result = results.facet(facet)
    return {value.value: value.count for value in result.values} if result else {}


def test_empty_query_browses_everything_newest_first(engine, corpus):
    results = found(engine)
    assert results.total == 5
    assert titles(results)[0] == "Food bank network"  # published last
    assert results.query.sort == "newest"


def test_all_words_must_match(engine, corpus):
    assert set(titles(found(engine, "older people care"))) == {"Help at Home"}
    assert titles(found(engine, "older housing")) == ["Social caretakers in public housing"]


def test_word_forms_match(engine, corpus):
    expected = {"Help at Home", "Inclusion of adults with ADHD"}
    for form in ("employ", "employed", "employment"):
        assert expected <= set(titles(found(engine, form))), form


def test_quoted_phrase_matches_words_in_order(engine, corpus):
    assert set(titles(found(engine, '"older people"'))) == {
        "Help at Home",
        "Social caretakers in public housing",
    }
    assert titles(found(engine, '"people older"')) == []


def test_minus_excludes_a_word(engine, corpus):
    with_youth = set(titles(found(engine, "training")))
    assert "Youth guarantee pathways" in with_youth
    assert "Youth guarantee pathways" not in set(titles(found(engine, "training -school")))
    only_negative = found(engine, "-food")
    assert only_negative.total == 4


def test_titles_weigh_more_than_body(engine, corpus):
    # "inclusion" is in one title and in another practice's body only.
    assert titles(found(engine, "inclusion")) == [
        "Inclusion of adults with ADHD",
        "Food bank network",
    ]


def test_organisation_region_and_theme_names_are_searchable(engine, corpus):
    assert titles(found(engine, "Banco Alimentare")) == ["Food bank network"]
    assert titles(found(engine, "Lombardia")) == ["Social caretakers in public housing"]
    assert titles(found(engine, "mental health")) == ["Inclusion of adults with ADHD"]


def test_matched_words_are_highlighted_and_escaped(engine, corpus):
    hit = found(engine, "caretakers").hits[0]
    assert "<mark>" in hit.snippet_html
    assert "Milan&#x27;s" in hit.snippet_html or "Milan&#39;s" in hit.snippet_html


def test_snippets_can_be_left_out(engine, corpus):
    marked = engine.search(SearchQuery("older people", sort="budget"))
    plain = engine.search(SearchQuery("older people", sort="budget", snippets=False))
    assert titles(plain) == titles(marked) and plain.total == marked.total
    assert "<mark>" in marked.hits[0].title_html + marked.hits[0].snippet_html
    assert all("<mark>" not in h.title_html + h.snippet_html for h in plain.hits)


@pytest.mark.parametrize(
    ("facet", "value", "expected"),
    [
        ("country", "IT", {"Social caretakers in public housing", "Food bank network"}),
        ("region", "valencia", {"Youth guarantee pathways"}),
        ("theme", "housing", {"Social caretakers in public housing"}),
        ("target_group", "older-people", {"Help at Home", "Social caretakers in public housing"}),
        ("project", "pact", {"Inclusion of adults with ADHD"}),
        ("programme", "easi", {"Inclusion of adults with ADHD"}),
        ("status", "pilot", {"Youth guarantee pathways"}),
        ("budget", "1m-5m", {"Social caretakers in public housing"}),
        ("budget", "5m-plus", {"Help at Home"}),
        ("start", "2020-2024", {"Youth guarantee pathways"}),
        ("start", "before-2010", {"Social caretakers in public housing"}),
        ("type", "practice", None),
    ],
)
def test_each_facet_filters(engine, corpus, facet, value, expected):
    results = found(engine, **{facet: [value]})
    if expected is None:
        assert results.total == 5
    else:
        assert set(titles(results)) == expected


def test_values_within_a_facet_are_ored_facets_anded(engine, corpus):
    assert found(engine, country=["IT", "ES"]).total == 3
    assert titles(found(engine, country=["IT", "ES"], theme=["poverty"])) == ["Food bank network"]
    assert found(engine, country=["DK"], theme=["poverty"]).total == 0


def test_each_facet_counts_with_the_other_facets_applied(engine, corpus):
    results = found(engine, country=["IT"], theme=["employment"])
    assert results.total == 0
    # Country counts: the theme selection applies, not the country one.
    assert counts(results, "country") == {"BG": 1, "DK": 1, "ES": 1, "IT": 0}
    # Theme counts: the country selection applies.
    assert counts(results, "theme") == {"housing": 1, "poverty": 1, "employment": 0}
    # Other facets: both selections apply, so nothing is left.
    assert counts(results, "status") == {}

    results = found(engine, "older", country=["IT"])
    assert counts(results, "country") == {"BG": 1, "IT": 1}
    assert counts(results, "target_group") == {"older-people": 1}


def test_selected_values_stay_visible_at_zero_with_labels(engine, corpus):
    results = found(engine, "food", country=["DK"])
    selected = results.facet("country").selected
    assert [(v.value, v.label, v.count) for v in selected] == [("DK", "Denmark", 0)]


def test_unknown_facet_values_give_no_results_and_stay_removable(engine, corpus):
    results = found(engine, country=["XX"], budget=["lots"])
    assert results.total == 0
    assert [v.value for v in results.facet("country").selected] == ["XX"]
    assert [v.value for v in results.facet("budget").selected] == ["lots"]


def test_range_facets_list_buckets_in_order(engine, corpus):
    results = found(engine)
    assert list(counts(results, "budget")) == ["lt-100k", "100k-500k", "1m-5m", "5m-plus"]
    assert counts(results, "start") == {
        "before-2010": 1,
        "2010-2014": 1,
        "2015-2019": 2,
        "2020-2024": 1,
    }


def test_sorting(engine, corpus):
    by_budget = titles(found(engine, sort="budget"))
    assert by_budget[:2] == ["Help at Home", "Social caretakers in public housing"]
    assert by_budget[-1] == "Food bank network"  # no budget: last
    by_start = titles(found(engine, sort="start_year"))
    assert by_start[0] == "Youth guarantee pathways"
    assert by_start[-1] == "Social caretakers in public housing"
    assert titles(found(engine, "older", sort="newest"))[0] == "Social caretakers in public housing"


def test_pagination_and_out_of_range_pages(engine, corpus):
    first = found(engine, per_page=2)
    second = found(engine, per_page=2, page=2)
    assert first.num_pages == 3
    assert not set(titles(first)) & set(titles(second))
    past_the_end = found(engine, per_page=2, page=99)
    assert past_the_end.query.page == 3
    assert len(past_the_end.hits) == 1
    # With nothing found there is one (empty) page, whatever page was asked for.
    nothing = found(engine, "zzzzqqq", page=10_000)
    assert (nothing.query.page, nothing.num_pages, nothing.hits) == (1, 1, [])


def test_no_hits_explains_which_word_or_filter_to_drop(engine, corpus):
    results = found(engine, "older poverty", country=["IT"])
    assert results.total == 0
    labels = {item["label"]: item["count"] for item in results.relaxations}
    assert labels["without “older”"] == 1
    assert labels["without “poverty”"] == 1
    assert found(engine, "carretakers").suggestions == ["caretakers"]


def test_publish_unpublish_edit_and_delete_are_reflected(engine, corpus):
    if not isinstance(engine, EmbeddedEngine):
        pytest.skip(
            "signal-driven updates reach Elasticsearch after commit; see test_search_elastic"
        )
    home = corpus["home"]
    home.unpublish()
    assert titles(found(engine, "hourly")) == []
    revision = home.save_revision()
    revision.publish()
    assert titles(found(engine, "hourly")) == ["Help at Home"]
    home.refresh_from_db()
    home.title = "Help at Home, renamed"
    home.save_revision().publish()
    assert titles(found(engine, "renamed")) == ["Help at Home, renamed"]
    home.delete()
    assert titles(found(engine, "hourly")) == []
    assert found(engine).total == 4


def test_a_new_slug_moves_the_result_url(engine, corpus):
    if not isinstance(engine, EmbeddedEngine):
        pytest.skip(
            "signal-driven updates reach Elasticsearch after commit; see test_search_elastic"
        )
    page = corpus["food"]
    page.slug = "food-banks"
    page.save_revision().publish()
    hit = found(engine, "food").hits[0]
    assert hit.url.endswith("/food-banks/")
