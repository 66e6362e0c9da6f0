"""What leaves the portal in a language follows the listings' rule (docs/languages.md,
"Feeds, calendars, the API and downloads"): the Atom feeds and iCalendar files under a
language prefix, the API with ?lang=, and the CSV/XLSX/JSON downloads of a page in a
language carry each record's version in that language where one is published, otherwise the
original, marked with its language. Without ?lang= the API answers with the originals."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from icalendar import Calendar
from wagtail.models import Locale

from portal.demo import ensure_translation
from portal.models import TranslatedVersion, TranslationKind
from tests.factories import CountryFactory, make_practice
from tests.factories_events import make_event_index, make_study_visit
from tests.factories_search import theme

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BASE = "http://localhost"


def german(page):
    return page.get_translation(Locale.objects.get(language_code="de"))


def in_german(text):
    with translation.override("de"):
        return translation.gettext(text)


@pytest.fixture
def records(home, practice_index):
    """A practice and an event with a German version, and one of each nobody translated."""
    country = CountryFactory(code="AT", name="Austria")
    translated = make_practice(
        practice_index,
        title="Village caretakers",
        summary="Caretakers visit older people who live alone.",
        country=country,
        themes=[theme("housing")],
    )
    ensure_translation(
        translated,
        "de",
        title="Dorfhausmeister",
        summary="Hausmeister besuchen ältere Menschen, die allein leben.",
    )
    untranslated = make_practice(
        practice_index,
        title="Housing first in Ghent",
        summary="Homeless people get a flat first.",
        country=country,
        themes=[theme("housing")],
    )
    events = make_event_index(home)
    soon = datetime.date.today() + datetime.timedelta(days=20)
    event = make_study_visit(
        events, title="Study visit to Graz", summary="Caretakers at work.", start_date=soon
    )
    ensure_translation(
        event, "de", title="Studienbesuch in Graz", summary="Hausmeister bei der Arbeit."
    )
    other = make_study_visit(
        events,
        title="Study visit to Ghent",
        summary="A flat first.",
        start_date=soon + datetime.timedelta(days=1),
    )
    return {
        "translated": translated,
        "untranslated": untranslated,
        "event": event,
        "other": other,
    }


def atom(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - the portal's own output


def entries_by_title(feed):
    found = {}
    for entry in feed.findall(f"{ATOM}entry"):
        found[entry.find(f"{ATOM}title").text] = {
            "lang": entry.get(XML_LANG),
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.find(f"{ATOM}summary").text,
        }
    return found


# --- Atom ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/de/practices/feed/", "/de/practices/feed/theme/housing/"])
def test_a_german_practice_feed_holds_the_german_version_or_the_marked_original(
    client, records, path
):
    feed = atom(client.get(path))
    assert feed.get(XML_LANG) == "de"
    title = feed.find(f"{ATOM}title").text
    assert title != "New good practices" and not title.startswith("New practices on")
    assert title in (
        in_german("New good practices"),
        in_german("New practices on %(name)s") % {"name": "housing"},
    )
    entries = entries_by_title(feed)
    assert set(entries) == {"Dorfhausmeister", "Housing first in Ghent"}
    assert entries["Dorfhausmeister"] == {
        "lang": "de",
        "link": BASE + german(records["translated"]).url,
        "summary": "Hausmeister besuchen ältere Menschen, die allein leben.",
    }
    assert entries["Housing first in Ghent"] == {
        "lang": "en",
        "link": BASE + records["untranslated"].url,
        "summary": "Homeless people get a flat first.",
    }
    assert feed.find(f"{ATOM}id") is not None


def test_the_english_feed_is_the_originals(client, records):
    feed = atom(client.get("/practices/feed/"))
    assert feed.get(XML_LANG) == "en"
    entries = entries_by_title(feed)
    assert set(entries) == {"Village caretakers", "Housing first in Ghent"}
    assert entries["Village caretakers"]["link"] == BASE + records["translated"].url
    assert {entry["lang"] for entry in entries.values()} == {"en"}


def test_the_german_events_feed_follows_the_same_rule(client, records):
    feed = atom(client.get("/de/events/feed/"))
    assert feed.get(XML_LANG) == "de"
    assert feed.find(f"{ATOM}title").text == in_german("Upcoming learning events")
    entries = entries_by_title(feed)
    assert set(entries) == {"Studienbesuch in Graz", "Study visit to Ghent"}
    assert entries["Studienbesuch in Graz"]["lang"] == "de"
    assert entries["Studienbesuch in Graz"]["link"] == BASE + german(records["event"]).url
    assert "Hausmeister bei der Arbeit." in entries["Studienbesuch in Graz"]["summary"]
    assert entries["Study visit to Ghent"]["lang"] == "en"
    assert entries["Study visit to Ghent"]["link"] == BASE + records["other"].url


# --- iCalendar -----------------------------------------------------------------------------


def vevents(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return {
        str(vevent["SUMMARY"]): vevent
        for vevent in Calendar.from_ical(response.content).walk("VEVENT")
    }


def test_the_german_calendar_holds_the_german_version_or_the_marked_original(client, records):
    found = vevents(client.get("/de/events/ics/"))
    assert set(found) == {"Studienbesuch in Graz", "Study visit to Ghent"}
    graz, ghent = found["Studienbesuch in Graz"], found["Study visit to Ghent"]
    assert graz["SUMMARY"].params["LANGUAGE"] == "de"
    assert graz["DESCRIPTION"].params["LANGUAGE"] == "de"
    assert "Hausmeister bei der Arbeit." in str(graz["DESCRIPTION"])
    assert str(graz["URL"]) == BASE + german(records["event"]).url
    assert ghent["SUMMARY"].params["LANGUAGE"] == "en"
    assert str(ghent["URL"]) == BASE + records["other"].url
    # The record keeps one identity in every language.
    english = vevents(client.get("/events/ics/"))
    assert str(english["Study visit to Graz"]["UID"]) == str(graz["UID"])
    assert english["Study visit to Graz"]["SUMMARY"].params["LANGUAGE"] == "en"


def test_one_events_calendar_in_german(client, records):
    found = vevents(client.get(german(records["event"]).url + "ics/"))
    assert list(found) == ["Studienbesuch in Graz"]
    assert str(found["Studienbesuch in Graz"]["URL"]) == BASE + german(records["event"]).url
    # Not translated: the original, with its language, at the German address.
    found = vevents(client.get("/de" + records["other"].url + "ics/"))
    assert list(found) == ["Study visit to Ghent"]
    assert found["Study visit to Ghent"]["SUMMARY"].params["LANGUAGE"] == "en"


# --- the API -------------------------------------------------------------------------------


def by_id(results):
    return {item["id"]: item for item in results}


def test_the_api_reads_each_practice_in_the_language_asked_for(client, records):
    translated, untranslated = records["translated"], records["untranslated"]
    data = client.get("/api/v1/practices/", {"lang": "de"}).json()
    found = by_id(data["results"])
    german_one = found[translated.pk]
    assert german_one["title"] == "Dorfhausmeister"
    assert german_one["summary"].startswith("Hausmeister besuchen")
    assert german_one["url"] == BASE + german(translated).url
    assert german_one["language"] == {
        "code": "de",
        "original": False,
        "translation": "human",
        "reviewed": None,
        "original_id": translated.pk,
        "original_url": BASE + translated.url,
    }
    assert german_one["detail"].endswith(f"/api/v1/practices/{translated.pk}/?lang=de")
    english_one = found[untranslated.pk]
    assert english_one["title"] == "Housing first in Ghent"
    assert english_one["url"] == BASE + untranslated.url
    assert english_one["language"]["code"] == "en" and english_one["language"]["original"]
    # The structured data stay the record's own.
    assert german_one["country"]["code"] == "AT"

    # Its detail in German, as the list entry says.
    detail = client.get(german_one["detail"].removeprefix(BASE)).json()
    assert detail["title"] == "Dorfhausmeister" and detail["language"]["code"] == "de"

    # Without lang: the originals, as before.
    plain = by_id(client.get("/api/v1/practices/").json()["results"])
    assert plain[translated.pk]["title"] == "Village caretakers"
    assert plain[translated.pk]["url"] == BASE + translated.url
    assert plain[translated.pk]["language"]["original"] is True
    assert plain[translated.pk]["detail"].endswith(f"/practices/{translated.pk}/")
    detail = client.get(f"/api/v1/practices/{translated.pk}/").json()
    assert detail["title"] == "Village caretakers" and detail["language"]["code"] == "en"


def test_the_api_says_a_machine_translation_and_its_review(client, records):
    version = TranslatedVersion.objects.get(page=german(records["translated"]))
    version.kind = TranslationKind.MACHINE
    version.save()
    url = f"/api/v1/practices/{records['translated'].pk}/"
    language = client.get(url, {"lang": "de"}).json()["language"]
    assert (language["translation"], language["reviewed"]) == ("machine", False)
    version.mark_reviewed(None)
    language = client.get(url, {"lang": "de"}).json()["language"]
    assert (language["translation"], language["reviewed"]) == ("machine", True)


def test_the_next_page_keeps_the_language(client, records):
    data = client.get("/api/v1/practices/", {"lang": "de", "per_page": 1}).json()
    assert data["next"].endswith("lang=de")
    following = client.get(data["next"].removeprefix(BASE)).json()
    assert following["results"] and following["results"][0]["language"]["code"] in ("de", "en")
    titles = {data["results"][0]["title"], following["results"][0]["title"]}
    assert titles == {"Dorfhausmeister", "Housing first in Ghent"}


def test_events_and_action_plans_take_lang_too(client, records):
    found = by_id(client.get("/api/v1/events/", {"lang": "de"}).json()["results"])
    assert found[records["event"].pk]["title"] == "Studienbesuch in Graz"
    assert found[records["other"].pk]["language"]["code"] == "en"
    assert client.get("/api/v1/action-plans/", {"lang": "de"}).status_code == 200


@pytest.mark.parametrize("value", ["xx", "DE", "german", ""])
def test_an_unknown_language_is_a_clear_422(client, records, value):
    response = client.get("/api/v1/practices/", {"lang": value})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", "lang"]
    assert "'de'" in problem["msg"]
    response = client.get(f"/api/v1/practices/{records['translated'].pk}/", {"lang": value})
    assert response.status_code == 422


def test_the_openapi_document_lists_the_languages(client, records):
    document = client.get("/api/v1/openapi.json").json()
    parameters = document["paths"]["/api/v1/practices/"]["get"]["parameters"]
    [lang] = [p for p in parameters if p["name"] == "lang"]
    text = str(lang["schema"])
    assert all(f"'{code}'" in text for code in ("en", "de", "it", "bg"))
    # Types that exist in one language only do not take it.
    parameters = document["paths"]["/api/v1/regions/"]["get"]["parameters"]
    assert "lang" not in [p["name"] for p in parameters]


# --- downloads -----------------------------------------------------------------------------


def csv_rows(response):
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def rows_by_title(rows):
    header, *rest = rows
    return header, {
        row[header.index(header[1])]: dict(zip(header, row, strict=True)) for row in rest
    }


@pytest.mark.parametrize(
    "path",
    [
        "/de/search/download/?type=practice&format=csv",
        "/de/practices/download/",
        "compare",
    ],
)
def test_a_german_download_holds_the_german_versions(client, records, path):
    translated, untranslated = records["translated"], records["untranslated"]
    if path == "compare":
        path = f"/de/practices/compare/?p={translated.pk}&p={untranslated.pk}&format=csv"
        page = client.get(path.replace("&format=csv", "")).content.decode()
        assert f'href="?p={translated.pk}&amp;p={untranslated.pk}&amp;format=csv"' in page
    elif path.startswith("/de/search/"):
        # The German search page links to its German download.
        page = client.get("/de/search/", {"type": "practice"}).content.decode()
        assert 'href="/de/search/download/?' in page
    header, rows = rows_by_title(csv_rows(client.get(path)))
    title, summary, language = (
        in_german("Title"),
        in_german("Summary"),
        in_german("Language"),
    )
    assert language != "Language" and title in header and language in header
    assert set(rows) == {"Dorfhausmeister", "Housing first in Ghent"}
    assert rows["Dorfhausmeister"][language] == "de"
    assert rows["Dorfhausmeister"][summary].startswith("Hausmeister besuchen")
    assert rows["Dorfhausmeister"][in_german("Web address")] == BASE + german(translated).url
    assert rows["Dorfhausmeister"][in_german("Id")] == str(translated.pk)
    assert rows["Housing first in Ghent"][language] == "en"

    # The same download from the English page: the originals.
    english_path = path.removeprefix("/de")
    header, rows = rows_by_title(csv_rows(client.get(english_path)))
    assert set(rows) == {"Village caretakers", "Housing first in Ghent"}
    assert {row["Language"] for row in rows.values()} == {"en"}


# --- query counts --------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/de/practices/feed/",
        "/de/practices/feed/theme/housing/",
        "/api/v1/practices/?lang=de",
        "/de/search/download/?type=practice&format=csv",
        "/de/events/ics/",
        "/de/events/feed/",
    ],
)
def test_query_counts_do_not_grow_with_the_translations(
    client, records, url, django_assert_max_num_queries
):
    client.get(url)  # warm caches (site root paths, content types)
    few = count_queries(client, url)
    events = make_event_index()
    for n in range(3):
        practice = make_practice(records["translated"].get_parent(), themes=[theme("housing")])
        ensure_translation(practice, "de", title=f"Praxis {n}", summary=f"Zusammenfassung {n}")
        make_practice(records["translated"].get_parent(), themes=[theme("housing")])
        event = make_study_visit(
            events, start_date=datetime.date.today() + datetime.timedelta(days=40 + n)
        )
        ensure_translation(event, "de", title=f"Besuch {n}")
    client.get(url)
    with django_assert_max_num_queries(few):
        response = client.get(url)
        if response.streaming:
            body = b"".join(response.streaming_content).decode()
        else:
            body = response.content.decode()
    assert "Praxis 2" in body or "Besuch 2" in body
