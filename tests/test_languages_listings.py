"""Listings in the visitor's language (docs/languages.md, "Listings and search"): every list
of pages shows each record once, in the visitor's language version where a published one
exists, otherwise the original marked with its language (portal.languages.in_visitor_language,
the rule the search results follow too)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from portal.demo import ensure_translation
from tests.factories import CooperationProjectFactory, CountryFactory, RegionFactory, make_practice
from tests.factories_events import make_event_index, make_study_visit

pytestmark = pytest.mark.django_db

MARKER = 'class="language-marker"'


def italian(page):
    return page.get_translation(Locale.objects.get(language_code="it"))


@pytest.fixture
def records(home, practice_index):
    """A translated and an untranslated practice, in one region and project, and an event
    with an Italian version that visited both."""
    country = CountryFactory()
    region = RegionFactory(country=country)
    project = CooperationProjectFactory()
    translated = make_practice(
        practice_index,
        title="Village caretakers",
        summary="Caretakers visit older people who live alone.",
        regions=[region],
        project=project,
        country=country,
    )
    untranslated = make_practice(
        practice_index,
        title="Housing first in Ghent",
        summary="Homeless people get a flat first.",
        regions=[region],
        project=project,
        country=country,
    )
    ensure_translation(
        translated,
        "it",
        title="Custodi di quartiere",
        summary="I custodi visitano gli anziani che vivono soli.",
    )
    event = make_study_visit(
        make_event_index(home),
        title="Study visit to Milan",
        project=project,
        host_region=region,
        venue_country=country,
        practices=[translated, untranslated],
    )
    ensure_translation(event, "it", title="Visita di studio a Milano")
    return {
        "region": region,
        "project": project,
        "translated": translated,
        "untranslated": untranslated,
        "event": event,
    }


def practice_cards(html):
    return re.findall(r'<article class="card practice-card">.*?</article>', html, re.S)


def test_the_italian_practice_index_shows_each_practice_once_in_italian_where_it_can(
    client, records
):
    translated, untranslated = records["translated"], records["untranslated"]
    html = client.get("/it/practices/").content.decode()
    cards = practice_cards(html)
    assert len(cards) == 2
    [it_card] = [card for card in cards if "Custodi di quartiere" in card]
    assert f'href="{italian(translated).url}"' in it_card
    assert "I custodi visitano" in it_card and "Village caretakers" not in html
    assert MARKER not in it_card
    [en_card] = [card for card in cards if "Housing first in Ghent" in card]
    assert f'href="{untranslated.url}" lang="en"' in en_card
    assert '<p lang="en">Homeless people' in en_card
    assert en_card.count(MARKER) == 1 and "(English)" in en_card
    # The compare choice keeps the record's own id.
    assert f'value="{translated.pk}"' in it_card

    # In English: the originals, no marker.
    html = client.get("/practices/").content.decode()
    assert len(practice_cards(html)) == 2
    assert "Village caretakers" in html and "Custodi di quartiere" not in html
    assert MARKER not in html


def test_home_events_region_project_and_related_lists_follow_the_same_rule(client, records):
    translated, event = records["translated"], records["event"]
    pages = {
        "home": "/it/",
        "events": "/it/events/",
        "region": f"/it/regions/{records['region'].slug}/",
        "project": f"/it/projects/{records['project'].slug}/",
        "practice": f"/it{records['untranslated'].url}",
        "event": italian(event).url,
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        if name in ("home", "region", "project", "practice"):
            assert html.count("Custodi di quartiere") == 1 or name == "practice", name
            assert "Village caretakers" not in html, name
        if name in ("home", "events", "region", "project", "practice"):
            assert f'href="{italian(event).url}"' in html, name
            assert "Study visit to Milan" not in html, name
    # The Italian study visit lists the practices it visited by the same rule.
    html = client.get(italian(event).url).content.decode()
    visited = html.split('class="kind-study-visit"')[1].split("</section>")[0]
    assert f'href="{italian(translated).url}"' in visited and "Custodi di quartiere" in visited
    assert "Housing first in Ghent" in visited and visited.count(MARKER) == 1

    # A practice page lists the practices like it (the translated one, in Italian), and a
    # translation's list does not hold its own record.
    html = client.get(f"/it{records['untranslated'].url}").content.decode()
    related = html.split('class="card-list related-practices"')[1].split("</ol>")[0]
    assert f'href="{italian(translated).url}"' in related
    html = client.get(italian(translated).url).content.decode()
    related = html.split('class="card-list related-practices"')[1].split("</ol>")[0]
    assert "Custodi di quartiere" not in related and "Housing first in Ghent" in related

    # Compare: each chosen practice once, in the visitor's version or marked.
    html = client.get(
        "/it/practices/compare/",
        {"p": [translated.pk, records["untranslated"].pk]},
    ).content.decode()
    assert "Custodi di quartiere" in html and "Village caretakers" not in html
    assert html.count(MARKER) == 1


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/it/practices/", "/it/"])
def test_listing_query_counts_do_not_grow_with_the_translations(
    client, practice_index, url, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            practice = make_practice(practice_index)
            ensure_translation(practice, "it", title=f"Pratica {practice.pk}")
            make_practice(practice_index)  # and one nobody translated

    add(1)
    client.get(url)  # warm caches (site root paths, content types)
    few = count_queries(client, url)
    add(3)
    client.get(url)  # the search index catches up with the new pages once
    with django_assert_max_num_queries(few):
        html = client.get(url).content.decode()
    # Every practice on the index; the six newest on the home page.
    shown = 8 if url == "/it/practices/" else 6
    translated = len(re.findall(r">Pratica \d+</a>", html))
    assert translated + html.count(MARKER) == shown and translated >= 2
