"""/search/ through HTTP: facets and links, bad input, query count, demo phrasings."""

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.models import CooperationProject, Organisation, Region
from search.engines.embedded import EmbeddedEngine
from tests.factories import make_practice

pytestmark = pytest.mark.django_db


def test_search_page_shows_hits_with_highlight_and_facets(client, corpus, settings):
    settings.PORTAL_SEARCH_PAGE_SIZE = 2  # the two holding both words fill the page
    response = client.get("/search/", {"q": "older people"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 results" in html and "partial-results" not in html
    assert "<mark>older</mark>" in html.lower() or "<mark>Older</mark>" in html
    assert f'href="{corpus["home"].url}"' in html
    assert "Bulgaria" in html and "Agency for Social Assistance" in html
    assert "€16,000,000" in html
    assert 'data-facet="country"' in html and 'data-facet="budget"' in html


def _listed(html, css_class):
    """Titles of the result list with this class, in order."""
    import re

    start = html.index(f'class="{css_class}"')
    end = html.index("</ol>", start)
    found = re.findall(r"<h3><a [^>]*>(.*?)</a></h3>", html[start:end])
    return [re.sub(r"</?mark>", "", title) for title in found]


def test_results_holding_only_some_words_are_listed_under_their_own_heading(client, corpus):
    response = client.get("/search/", {"q": "older people employment"})
    html = response.content.decode()
    assert "4 results" in html
    assert "1 result holds every word you searched for; the others hold only some" in html
    assert _listed(html, "search-hits") == ["Help at Home"]
    heading = html.index('id="partial-results"')
    assert html.index("Help at Home") < heading
    assert "Results with only some of your words" in html[heading:]
    assert len(_listed(html, "search-hits search-hits-partial")) == 3
    # Numbering runs on across the two lists.
    assert 'class="search-hits search-hits-partial" start="2"' in html
    assert html.count('data-match="some"') == 3 and html.count('data-match="all"') == 1
    # Nothing holds every word: the page says so, and lists what holds most of them.
    html = client.get("/search/", {"q": "help older people stay at home"}).content.decode()
    assert "No result holds every word you searched for" in html
    assert _listed(html, "search-hits search-hits-partial") == ["Help at Home"]
    assert "No practices match" not in html


def test_the_blank_page_sends_no_sort_so_typed_words_are_ranked(client, corpus):
    """A query typed on the blank page is ranked by relevance: the form's sort menu starts
    on its default (an empty value), which means newest without words, relevance with."""
    import re

    html = client.get("/search/").content.decode()
    menu = html[html.index('<select id="search-sort"') : html.index("</select>")]
    chosen = re.findall(r'<option value="([^"]*)" selected>', menu)
    assert chosen == [""]
    assert 'value="newest"' not in menu and 'value="relevance"' not in menu
    # The form as a browser submits it: q typed, sort as selected.
    response = client.get("/search/", {"q": "caretakers older", "sort": chosen[0]})
    assert response.context["query"].sort == "relevance"
    assert response.context["pages"] is None
    html = response.content.decode()
    menu = html[html.index('<select id="search-sort"') : html.index("</select>")]
    assert re.findall(r'<option value="([^"]*)" selected>', menu) == [""]
    assert ">Relevance<" in menu and 'value="newest"' in menu
    # A sort the visitor chose sticks, in the menu and in the links.
    response = client.get("/search/", {"q": "older", "sort": "newest"})
    html = response.content.decode()
    assert response.context["query"].sort == "newest"
    assert '<option value="newest" selected>' in html
    italy = next(
        v
        for f in response.context["facets"]
        if f["key"] == "country"
        for v in f["values"]
        if v["value"] == "IT"
    )
    assert italy["url"] == "?q=older&country=IT&sort=newest"
    # Chosen on the blank page, newest stays listed and selected there too.
    html = client.get("/search/", {"sort": "newest"}).content.decode()
    assert '<option value="newest" selected>' in html


def test_every_facet_link_is_the_query_string_of_its_toggled_selection(client, corpus):
    """The view writes facet links per facet group (search/views.py); each must be exactly
    query_string() of the selection with that one value toggled, whatever the selection."""
    from search.facets import FACET_KEYS
    from search.query import query_string

    params = {
        "q": "care & more",
        "country": ["IT", "BG", "X&Y=Z"],
        "target_group": ["older-people"],
        "status": ["ongoing"],
        "sort": "newest",
        "exact": "1",
    }
    response = client.get("/search/", params)
    chosen = response.context["query"].filters
    links = 0
    for facet in response.context["facets"]:
        for value in facet["values"]:
            toggled = {k: list(v) for k, v in chosen.items()}
            values = toggled.setdefault(facet["key"], [])
            if value["value"] in values:
                values.remove(value["value"])
            else:
                values.append(value["value"])
            expected = query_string("care & more", toggled, "newest", exact=True)
            assert value["url"] == expected
            links += 1
            if facet["key"] in FACET_KEYS[:3]:
                assert f'href="{expected.replace("&", "&amp;")}"' in response.content.decode()
    assert links > 10


def test_facet_links_toggle_values_and_keep_the_query(client, corpus):
    response = client.get("/search/", {"q": "older"})
    italy = next(
        v
        for f in response.context["facets"]
        if f["key"] == "country"
        for v in f["values"]
        if v["value"] == "IT"
    )
    assert italy["url"] == "?q=older&country=IT"
    response = client.get("/search/" + italy["url"])
    assert [h.title for h in response.context["hits"]] == ["Social caretakers in public housing"]
    chip = response.context["selected"][0]
    assert chip["label"] == "Italy" and chip["url"] == "?q=older"
    assert response.context["clear_url"] == "?q=older"
    html = response.content.decode()
    assert "Clear all filters" in html and 'aria-current="true"' in html


def test_pagination_links_keep_the_state(client, corpus, settings):
    settings.PORTAL_SEARCH_PAGE_SIZE = 2
    response = client.get(
        "/search/", {"type": "practice", "country": ["IT", "ES", "BG"], "sort": "budget"}
    )
    pages = response.context["pages"]
    assert pages["count"] == 2
    assert pages["next"] == "?type=practice&country=IT&country=ES&country=BG&sort=budget&page=2"


def test_no_hits_page_helps(client, corpus):
    response = client.get("/search/", {"q": "carretakers", "country": "DK"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No practices match" in html
    assert "Did you mean" in html and "?q=caretakers&amp;country=DK" in html
    response = client.get("/search/", {"q": "caretakers", "country": "DK"})
    html = response.content.decode()
    assert "without the Country filter" in html and 'href="?q=caretakers"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"q": '"unbalanced quote'},
        {"q": 'NEAR(a b) * OR : ^ "" - -- "-"'},
        {"q": "title:care^2 AND (older OR"},
        {"country": "nowhere", "budget": "-5"},
        {"page": "-3"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"sort": "drop table"},
        {"start": "1990-'2000"},
        {"q": "\x00\ud7ff", "country": "I\x00T"},
    ],
)
def test_bad_input_never_errors(client, corpus, params):
    assert client.get("/search/", params).status_code == 200


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=st.text(max_size=300),
    value=st.text(max_size=120),
    page=st.text(max_size=12),
    key=st.sampled_from(["country", "region", "theme", "budget", "start", "sort", "type", "x"]),
)
def test_arbitrary_input_gives_200_or_a_clean_400(client, corpus, q, value, page, key):
    response = client.get("/search/", {"q": q, key: value, "page": page})
    assert response.status_code in (200, 400)


def test_query_count_is_bounded(client, corpus, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.engines.bitmaps import bump_token

    # PostgreSQL: one more, the planner setting of the search's transaction.
    extra = 1 if connection.vendor == "postgresql" else 0
    bump_token()
    # The first search after an index change also loads the facet bitmaps (3 queries), and
    # the first search of all the thesaurus into the cache (1 query with no concepts, as
    # here; 5 with some; tests/test_thesaurus.py checks a warm one costs none), and the first
    # page of all the footer's legal links (2 queries: the view restrictions, the pages).
    with django_assert_max_num_queries(10 + 2 + extra):
        client.get("/search/", {"q": "older", "country": ["IT", "BG"], "theme": "housing"})
    # Then: index state, matches, at most three relevance tiers (title, title/summary/names,
    # everything), the page's rows, their snippets.
    with django_assert_max_num_queries(7 + extra):
        client.get("/search/", {"q": "older", "country": ["IT", "BG"], "theme": "housing"})
    with django_assert_max_num_queries(2 + extra):
        client.get("/search/", {"country": "IT", "budget": "1m-5m", "start": "before-2010"})
    # With a partial tier: the groups' bitmaps, and one ranking of the documents holding
    # some of the words, besides the three tiers of those holding all.
    with django_assert_max_num_queries(9 + extra):
        response = client.get("/search/", {"q": "older people employment", "country": "IT"})
    assert response.context["results"].partial_total == 1
    # A facet taken away, the same words: their match and the partial tier's layers are
    # remembered, so the groups' bitmaps (one statement, a UNION ALL of the words) are not
    # asked for again.
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/search/", {"q": "older people employment"})
    assert response.context["results"].partial_total >= 1
    assert not [q["sql"] for q in captured.captured_queries if "UNION ALL" in q["sql"]]
    # The empty-result page explains itself with a few counts more, still bounded.
    with django_assert_max_num_queries(12 + extra):
        client.get("/search/", {"q": "older poverty zzzz", "country": "IT", "theme": "x"})


def test_search_index_command_rebuilds_and_reports(corpus, capsys, monkeypatch):
    # One batch exactly: the full bar is reported once, not after the batch and at the end.
    # The corpus's 5 practices and its regions, organisations and projects.
    total = 5 + Region.objects.count() + Organisation.objects.count()
    total += CooperationProject.objects.count()
    monkeypatch.setattr(EmbeddedEngine._IndexWriter, "BATCH", total)
    call_command("search_index", "--rebuild")
    out = capsys.readouterr().out
    assert f"indexed {total} documents" in out
    # The full bar is drawn once and ends its line (the engine's log line comes after it).
    assert out.count(f"{total}/{total}") == 1 and f"{total}/{total}\n" in out
    call_command("search_index")
    assert f"{total} documents indexed" in capsys.readouterr().out


def _word_matches(queries):
    """The full-text statements among ``queries`` (both dialects' bitmap of a word match)."""
    return [query["sql"] for query in queries if ") >> 5" in query["sql"]]


def test_words_asked_again_reuse_their_match_until_the_index_changes(client, corpus):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.engines.bitmaps import bump_token

    bump_token()
    with CaptureQueriesContext(connection) as first:
        response = client.get("/search/", {"q": "older", "country": "IT"})
    assert _word_matches(first.captured_queries)
    total = response.context["results"].total
    # Narrowed by another facet, the same words: their match is not asked again, and the
    # counts are those of a fresh match.
    with CaptureQueriesContext(connection) as again:
        response = client.get("/search/", {"q": "older", "country": ["IT", "BG"]})
    assert not _word_matches(again.captured_queries)
    assert response.context["results"].total >= total
    # A change to the index: the words are matched again, and the new practice is found.
    index = corpus["home"].get_parent()
    make_practice(index, title="Older carers' allotments", summary="Gardens.")
    with CaptureQueriesContext(connection) as after:
        response = client.get("/search/", {"q": "older"})
    assert _word_matches(after.captured_queries)
    assert "allotments" in response.content.decode()
