"""The search contract: the same cases for every engine.

Runs against the embedded engine on whichever database the tests use (SQLite by default,
PostgreSQL with DATABASE_URL=postgres://...), and against Elasticsearch when ELASTICSEARCH_URL
is set (skipped with that reason otherwise).
"""

import os

import pytest

from search.engines.embedded import EmbeddedEngine
from search.query import Expansion, SearchQuery, Term

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


def found(engine, text="", per_page=20, expansions=(), **filters):
    """The corpus's cases are about its five practices: narrowed to them unless a type is
    chosen, since its countries, regions and organisations are findable records too (their
    cases: tests/test_search_reference.py)."""
    sort = filters.pop("sort", "")
    page = filters.pop("page", 1)
    filters.setdefault("type", ["practice"])
    query = SearchQuery(text, filters, sort, page, per_page, expansions=expansions)
    return engine.search(query)


def tiers(results):
    """(titles holding every word, titles holding only some), in the order shown."""
    return (
        [hit.title for hit in results.hits if not hit.partial],
        [hit.title for hit in results.hits if hit.partial],
    )


def counts(results, facet):
    result = results.facet(facet)
    return {value.value: value.count for value in result.values} if result else {}


def test_empty_query_browses_everything_newest_first(engine, corpus):
    results = found(engine)
    assert results.total == 5
    assert titles(results)[0] == "Food bank network"  # published last
    assert results.query.sort == "newest"


def test_documents_holding_every_word_come_first(engine, corpus, settings):
    # With search pages of one, the all-words tier fills one: nothing else is shown or
    # counted (whatever the query's own page size).
    settings.PORTAL_SEARCH_PAGE_SIZE = 1
    results = found(engine, "older people care", per_page=5)
    assert tiers(results) == (["Help at Home"], []) and results.total == 1
    assert results.all_words_total == 1
    only = found(engine, "older housing")
    assert titles(only) == ["Social caretakers in public housing"] and only.total == 1


def test_fewer_than_a_page_holding_every_word_are_followed_by_most_of_the_words(engine, corpus):
    # older, people, employment: Help at Home holds all three; caretakers (older, people),
    # Randers (people in a target group's name, employment) and the youth pathways (young
    # people, employment) two; the food bank only "people" (one of three: not shown).
    results = found(engine, "older people employment")
    all_words, partial = tiers(results)
    assert all_words == ["Help at Home"]
    assert set(partial) == {
        "Social caretakers in public housing",
        "Inclusion of adults with ADHD",
        "Youth guarantee pathways",
    }
    assert results.total == 4 and results.all_words_total == 1
    assert titles(results)[0] == "Help at Home"


def test_an_everyday_question_finds_the_practice_holding_most_of_its_words(engine, corpus):
    # Help at Home holds help, older, people and home, not "stay": nothing holds every word.
    results = found(engine, "help older people stay at home")
    assert tiers(results) == ([], ["Help at Home"])
    assert results.total == 1 and results.all_words_total == 0
    assert "<mark>" in results.hits[0].title_html + results.hits[0].snippet_html


def test_more_words_held_rank_first_in_the_partial_tier(engine, corpus):
    # Help at Home holds older, people, employment (3 of 4); the others two: people with
    # poverty (food bank), older (caretakers), employment (Randers, youth pathways).
    results = found(engine, "older people poverty employment")
    assert results.all_words_total == 0 and results.total == 5
    assert titles(results)[0] == "Help at Home"
    assert all(hit.partial for hit in results.hits)


def test_a_query_with_any_known_word_never_answers_nothing(engine, corpus):
    # No practice holds two of the three words: those holding one are shown.
    results = found(engine, "caretakers zyxwv qwzrt")
    assert tiers(results) == ([], ["Social caretakers in public housing"])
    assert found(engine, "zyxwv qwzrt").total == 0


def test_phrases_and_exclusions_stay_strict_in_the_partial_tier(engine, corpus):
    # "older people" is required of every result: the youth pathways and Randers hold
    # employment but not the phrase.
    results = found(engine, '"older people" poverty employment')
    assert tiers(results) == ([], ["Help at Home"])
    results = found(engine, "older people poverty employment -caretakers")
    assert "Social caretakers in public housing" not in titles(results)
    assert results.total == 4


def test_facet_counts_describe_both_tiers_with_the_same_semantics(engine, corpus):
    text = "older people employment"
    results = found(engine, text)
    assert counts(results, "country") == {"BG": 1, "DK": 1, "ES": 1, "IT": 1}
    narrowed = found(engine, text, country=["IT", "DK"])
    assert set(titles(narrowed)) == {
        "Social caretakers in public housing",
        "Inclusion of adults with ADHD",
    }
    assert narrowed.total == 2 and narrowed.all_words_total == 0
    # The country facet ignores its own selection; the others apply it.
    assert counts(narrowed, "country") == {"BG": 1, "DK": 1, "ES": 1, "IT": 1}
    assert counts(narrowed, "theme") == {"housing": 1, "employment": 1, "mental-health": 1}
    both = found(engine, text, country=["IT", "DK"], theme=["employment"])
    assert titles(both) == ["Inclusion of adults with ADHD"] and both.total == 1
    assert counts(both, "country") == {"BG": 1, "DK": 1, "ES": 1, "IT": 0}


def test_pagination_runs_through_both_tiers(engine, corpus):
    text = "older people poverty employment"
    pages = [found(engine, text, per_page=2, page=n) for n in (1, 2, 3)]
    assert [p.total for p in pages] == [5, 5, 5] and pages[0].num_pages == 3
    shown = [title for page in pages for title in titles(page)]
    assert len(shown) == len(set(shown)) == 5
    assert shown == titles(found(engine, text))
    by_budget = [found(engine, text, per_page=2, page=n, sort="budget") for n in (1, 2, 3)]
    assert [t for page in by_budget for t in titles(page)][0] == "Help at Home"


def _elderly_practice(corpus):
    from tests.factories import make_practice

    return make_practice(
        corpus["home"].get_parent(),
        title="Day centres",
        summary="Day centres where neighbours meet.",
        practice="The centres welcome elderly residents every afternoon.",
    )


ELDERLY = Expansion(
    terms=(Term(("elderly",)),),
    alternatives=((Term(("older", "people")), 0.8), (Term(("seniors",)), 0.8)),
    label="older people",
)


def test_an_expansion_finds_other_ways_of_saying_a_word_ranked_below_the_word(engine, corpus):
    if not isinstance(engine, EmbeddedEngine):
        pytest.skip("the page added here reaches Elasticsearch after commit")
    _elderly_practice(corpus)
    assert titles(found(engine, "elderly")) == ["Day centres"]
    results = found(engine, "elderly", expansions=(ELDERLY,))
    # "elderly" only in the body still ranks above "older people" in a title or summary.
    assert titles(results)[0] == "Day centres"
    assert set(titles(results)[1:]) == {"Help at Home", "Social caretakers in public housing"}
    assert results.all_words_total == results.total == 3
    assert not any(hit.partial for hit in results.hits)


def test_an_expansion_of_several_words_and_its_group_counts_as_one_word(engine, corpus):
    if not isinstance(engine, EmbeddedEngine):
        pytest.skip("the page added here reaches Elasticsearch after commit")
    _elderly_practice(corpus)
    older_people = Expansion(
        terms=(Term(("older",)), Term(("people",))),
        alternatives=((Term(("elderly",)), 0.8),),
    )
    results = found(engine, "older people", expansions=(older_people,))
    assert set(titles(results)[:2]) == {"Help at Home", "Social caretakers in public housing"}
    assert titles(results)[2:] == ["Day centres"] and results.total == 3
    # help / elderly-or-older-people / stay / home: Help at Home holds three of the four
    # groups; the day centres and the caretakers one (less than half: not shown).
    results = found(engine, "help elderly stay home", expansions=(ELDERLY,))
    assert tiers(results) == ([], ["Help at Home"])
    # An expansion that does not fit the query's words changes nothing.
    unrelated = found(engine, "food", expansions=(ELDERLY,))
    assert titles(unrelated) == ["Food bank network"]


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
    # A quoted phrase is strict: nothing in Italy holds it together with "poverty".
    results = found(engine, '"older people" poverty', country=["IT"])
    assert results.total == 0
    labels = {item["label"]: item["count"] for item in results.relaxations}
    assert labels['without “"older people"”'] == 1
    assert labels["without “poverty”"] == 1
    results = found(engine, "older poverty", country=["DK"])
    assert results.total == 0
    labels = {item["label"]: item["count"] for item in results.relaxations}
    assert labels["without the Country filter"] == 3
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
