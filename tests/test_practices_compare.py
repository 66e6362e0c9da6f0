"""Policymakers compare practices side by side and take them away as CSV: /practices/compare/,
/practices/download/ (/search/download/ for practices), and the links to them on the search
page and the practice list. Downloads in every format: tests/test_downloads.py."""

import csv
import io
import re

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from portal import downloads
from practices.models import PracticePage
from tests.factories import make_practice
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

COMPARE = "/practices/compare/"
DOWNLOAD = "/practices/download/"


def rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def column_titles(html):
    head = html.split("<thead>")[1].split("</thead>")[0]
    return re.findall(r'<th scope="col">\s*<a href="[^"]*">([^<]+)</a>', head)


def test_two_practices_side_by_side_in_the_order_chosen(client, corpus):
    home, randers = corpus["home"], corpus["randers"]
    response = client.get(COMPARE, {"p": [randers.pk, home.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert column_titles(html) == ["Inclusion of adults with ADHD", "Help at Home"]
    for fact in ["Bulgaria", "Denmark (Midtjylland)", "Older people", "€16,000,000"]:
        assert fact in html
    assert "City of Randers" in html and "Agency for Social Assistance" in html
    # Each column's remove link keeps the other practice.
    assert f'href="?p={home.pk}"' in html and f'href="?p={randers.pk}"' in html
    assert "<title>Compare good practices" in html


def test_junk_drafts_and_private_practices_are_left_out_with_a_message(client, corpus):
    draft = make_practice(title="Draft kitchens", publish=False)
    private = make_practice(title="Members-only kitchens")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    home = corpus["home"]
    junk = ["abc", "-3", "0", "9" * 30, "", " ", str(home.pk), str(home.pk)]
    response = client.get(COMPARE, {"p": [*junk, draft.pk, private.pk, 987654]})
    assert response.status_code == 200
    html = response.content.decode()
    assert column_titles(html) == ["Help at Home"]
    assert "Draft kitchens" not in html and "Members-only kitchens" not in html
    assert "3 of the chosen practices are not published (any more)." in html


def test_at_most_four_practices_and_an_explanation_when_none(client, corpus):
    chosen = [corpus[key].pk for key in ["home", "randers", "caretaker", "youth", "food"]]
    html = client.get(COMPARE, {"p": chosen}).content.decode()
    assert len(column_titles(html)) == 4 and "Food bank network" not in html
    assert "Only 4 practices can be compared at a time" in html

    empty = client.get(COMPARE)
    assert empty.status_code == 200
    assert "Choose up to 4 practices" in empty.content.decode()


def test_comparison_downloads_as_csv(client, corpus):
    home = corpus["home"]
    formula = make_practice(title="=HYPERLINK(1)")  # a spreadsheet formula stays text
    table = rows(client.get(COMPARE, {"p": [home.pk, formula.pk], "format": "csv"}))
    assert table[0][:4] == ["Id", "Title", "Web address", "Summary"]
    assert [row[1] for row in table[1:]] == ["Help at Home", "'=HYPERLINK(1)"]
    record = dict(zip(table[0], table[1], strict=True))
    assert record["Web address"] == "http://localhost/practices/help-at-home/"
    assert record["Headline budget (EUR)"] == "16,000,000"  # in the reader's number format
    assert record["Cooperation project"] == "Project NEAR"
    assert record["Themes"] == "employment; home care"
    assert (record["Start year"], record["End year"]) == ("2015", "")
    assert record["Budget"] == "€16,000,000"  # as the page writes it


def test_compare_query_count_does_not_grow_with_columns(
    client, corpus, django_assert_max_num_queries
):
    keys = ["home", "randers", "caretaker", "youth"]
    with django_assert_max_num_queries(14) as two:
        client.get(COMPARE, {"p": [corpus[k].pk for k in keys[:2]]})
    with django_assert_max_num_queries(len(two.captured_queries)):
        client.get(COMPARE, {"p": [corpus[k].pk for k in keys]})


def test_search_page_offers_compare_and_download(client, corpus):
    html = client.get("/search/", {"q": "older people", "country": "IT"}).content.decode()
    assert (
        f'<form id="compare-practice" class="compare-form" method="get" action="{COMPARE}">' in html
    )
    checkbox = (
        f'<input type="checkbox" name="p" value="{corpus["caretaker"].pk}" form="compare-practice">'
    )
    assert checkbox in html
    search_download = "/search/download/?q=older+people&amp;type=practice&amp;country=IT"
    for fmt in ("csv", "xlsx", "json"):
        assert f'href="{search_download}&amp;sort=relevance&amp;format={fmt}"' in html
    # Nothing to compare or take away when no practice is found or only events are asked for.
    for params in [{"q": "zzzz"}, {"type": "event"}]:
        html = client.get("/search/", params).content.decode()
        assert "format=csv" not in html and COMPARE not in html


def test_no_practice_tools_when_only_events_are_found(client, corpus):
    from tests.factories_events import make_workshop

    make_workshop(title="Peer review of the Zagreb kitchens")
    html = client.get("/search/", {"q": "zagreb"}).content.decode()
    assert "1 result" in html
    assert COMPARE not in html and 'name="p"' not in html
    # The event found downloads as events, not as practices.
    assert "type=event&amp;sort=relevance&amp;format=csv" in html
    assert "type=practice" not in html


def test_practice_list_offers_compare(client, corpus):
    html = client.get("/practices/").content.decode()
    assert 'id="compare-practices"' in html
    assert f'value="{corpus["food"].pk}" form="compare-practices"' in html


def test_download_holds_what_the_search_finds_in_its_order(client, corpus):
    table = rows(client.get(DOWNLOAD, {"sort": "budget"}))
    assert [row[1] for row in table[1:]] == [
        "Help at Home",
        "Social caretakers in public housing",
        "Inclusion of adults with ADHD",
        "Youth guarantee pathways",
        "Food bank network",
    ]
    narrowed = rows(client.get(DOWNLOAD, {"q": "older people", "country": "IT", "type": "event"}))
    # The caretakers hold both words; the food bank only "people" (the partial tier: fewer
    # than a page hold both), as on the search page.
    assert [row[1] for row in narrowed[1:]] == [
        "Social caretakers in public housing",
        "Food bank network",
    ]
    page = client.get("/search/", {"q": "older people", "country": "IT"})
    assert [row[1] for row in narrowed[1:]] == [hit.title for hit in page.context["hits"]]
    # Junk in the query string still gives a file, of nothing.
    junk = client.get(DOWNLOAD, {"q": "\x00zzzz", "page": "x", "budget": "nonsense"})
    assert junk.status_code == 200 and len(rows(junk)) == 1


def test_download_pages_through_the_engine_and_stops_at_the_limit(client, corpus, monkeypatch):
    monkeypatch.setattr(downloads, "CHUNK", 2)
    monkeypatch.setattr(downloads, "DOWNLOAD_LIMIT", 3)
    table = rows(client.get(DOWNLOAD, {"sort": "budget"}))
    assert [row[1] for row in table[1:]] == [
        "Help at Home",
        "Social caretakers in public housing",
        "Inclusion of adults with ADHD",
    ]


def test_a_practice_cannot_take_the_slug_of_the_compare_page(admin_client, corpus):
    index = corpus["home"].get_parent()
    add_url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", index.pk])
    data = form_data(admin_client, add_url)
    data.update(
        {
            "title": "Compare",
            "slug": "compare",
            "summary": "Typed summary.",
            "country": corpus["home"].country_id,
            "lead_organisation": corpus["home"].lead_organisation_id,
            "status": "ongoing",
        }
    )
    response = admin_client.post(add_url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is taken by a page of the portal" in html and "Typed summary." in html
    assert not PracticePage.objects.filter(slug="compare").exists()


def test_the_compare_page_finds_and_adds_practices(client, corpus):
    home, caretaker = corpus["home"], corpus["caretaker"]
    # From a practice page, straight to a comparison that starts with it.
    html = client.get(home.url).content.decode()
    assert f'href="{COMPARE}?p={home.pk}"' in html

    html = client.get(COMPARE, {"p": home.pk, "find": "older people"}).content.decode()
    assert column_titles(html) == ["Help at Home"]
    # The box keeps what was typed and the chosen practice, and offers the others found.
    assert 'name="find" value="older people"' in html
    assert f'<input type="hidden" name="p" value="{home.pk}">' in html
    assert f'href="?p={home.pk}&amp;p={caretaker.pk}"' in html
    assert f"p={home.pk}&amp;p={home.pk}" not in html  # not offered twice

    html = client.get(COMPARE, {"p": [home.pk, caretaker.pk]}).content.decode()
    assert column_titles(html) == ["Help at Home", "Social caretakers in public housing"]

    nothing = client.get(COMPARE, {"find": "zzzz"}).content.decode()
    assert "No other practice matches “zzzz”." in nothing
    # A full comparison offers no box.
    full = [corpus[key].pk for key in ["home", "randers", "caretaker", "youth"]]
    assert 'name="find"' not in client.get(COMPARE, {"p": full}).content.decode()
