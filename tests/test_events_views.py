"""The events index (order, filters, pagination), the iCalendar exports and the Atom feed,
with bounded query counts."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from tests.factories import CooperationProjectFactory, CountryFactory
from tests.factories_events import (
    make_event_index,
    make_masterclass,
    make_staff_exchange,
    make_study_visit,
    make_workshop,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
ATOM = "{http://www.w3.org/2005/Atom}"


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def index(home):
    return make_event_index(home)


@pytest.fixture
def events(index):
    """Two projects, three countries, two years, past and upcoming, every kind."""
    es, fi = CountryFactory(code="ES", name="Spain"), CountryFactory(code="FI", name="Finland")
    near, citicess = (
        CooperationProjectFactory(acronym="NEAR", slug="near"),
        CooperationProjectFactory(acronym="CITICESS", slug="citicess"),
    )
    return {
        "past_visit": make_study_visit(index, title="Past visit", start_date=days(-60),
                                       end_date=days(-59), venue_country=es, project=near),
        "soon_workshop": make_workshop(index, title="Soon workshop", start_date=days(10),
                                       end_date=days(10), venue_country=es, project=near),
        "later_masterclass": make_masterclass(index, title="Later masterclass",
                                              start_date=days(40), end_date=days(40),
                                              venue_country=fi, project=citicess),
        "older_exchange": make_staff_exchange(index, title="Older exchange", start_date=days(-400),
                                              end_date=days(-396), venue_country=fi),
        "draft": make_study_visit(index, title="Draft visit", publish=False, start_date=days(5),
                                  end_date=days(5), venue_country=es),
    }  # fmt: skip


def titles(response):
    return [e.title for e in response.context["events"]]


def test_upcoming_first_soonest_first_then_past_latest_first(client, events):
    response = client.get("/events/")
    assert response.status_code == 200
    assert titles(response) == [
        "Soon workshop",
        "Later masterclass",
        "Past visit",
        "Older exchange",
    ]
    content = response.content.decode()
    assert content.index("Upcoming events") < content.index("Past events")
    assert "Draft visit" not in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "peer-review-workshop"}, ["Soon workshop"]),
        ({"kind": "study-visit"}, ["Past visit"]),
        ({"project": "near"}, ["Soon workshop", "Past visit"]),
        ({"country": "FI"}, ["Later masterclass", "Older exchange"]),
        ({"year": str(days(-400).year), "country": "FI"}, ["Older exchange"]),
        ({"project": "citicess", "kind": "study-visit"}, []),
    ],
)
def test_filters(client, events, query, expected):
    response = client.get("/events/", query)
    assert response.status_code == 200
    assert titles(response) == expected
    if not expected:
        assert "No events match these filters." in response.content.decode()


def test_junk_filters_are_ignored_with_a_notice(client, events):
    response = client.get(
        "/events/",
        {"kind": "party", "year": "20x7", "project": "nope", "country": "<b>", "page": "-3"},
    )
    assert response.status_code == 200
    assert len(titles(response)) == 4
    content = response.content.decode()
    assert "have been ignored: Kind, Cooperation project, Host country, Year" in content
    assert "&lt;b&gt;" not in content  # the junk value is not echoed back


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["kind", "project", "country", "year", "page"]),
        st.text(max_size=12),
        max_size=5,
    )
)
def test_no_query_string_breaks_the_index_or_calendar(client, index, params):
    params = {k: v.replace("\x00", "") for k, v in params.items()}
    assert client.get("/events/", params).status_code == 200
    assert client.get("/events/ics/", params).status_code == 200


def test_pagination(client, index, settings):
    settings.PORTAL_PAGE_SIZE = 3
    for n in range(7):
        make_masterclass(index, title=f"Class {n}", start_date=days(n + 1), end_date=days(n + 1))
    first = client.get("/events/")
    assert titles(first) == ["Class 0", "Class 1", "Class 2"]
    last = client.get("/events/", {"page": "3"})
    assert titles(last) == ["Class 6"]
    assert client.get("/events/", {"page": "99"}).context["events"].number == 3


def _calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].endswith('.ics"')
    return Calendar.from_ical(response.content)


def test_event_ics_imports_with_its_time_zone(client, index):
    event = make_study_visit(
        index, title="Helsinki visit", start_date=datetime.date(2027, 10, 6),
        start_time=datetime.time(9, 0), end_date=datetime.date(2027, 10, 7),
        end_time=datetime.time(16, 30), time_zone="Europe/Helsinki", venue_city="Helsinki",
        is_example=True,
    )  # fmt: skip
    calendar = _calendar(client.get(f"{event.url}ics/"))
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Helsinki visit"
    start = vevent.decoded("DTSTART")
    assert start.utcoffset() == datetime.timedelta(hours=3)
    assert start.astimezone(datetime.UTC) == datetime.datetime(
        2027, 10, 6, 6, 0, tzinfo=datetime.UTC
    )
    assert vevent["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]
    assert "Helsinki" in str(vevent["LOCATION"])
    assert str(vevent["URL"]).endswith(event.url)
    assert "Example event" in str(vevent["DESCRIPTION"])
    assert str(vevent["STATUS"]) == "TENTATIVE"


def test_all_day_and_cancelled_event_ics(client, index):
    event = make_workshop(
        index, start_date=datetime.date(2027, 1, 10), end_date=datetime.date(2027, 1, 12),
        status="cancelled",
    )  # fmt: skip
    (vevent,) = _calendar(client.get(f"{event.url}ics/")).walk("VEVENT")
    assert vevent.decoded("DTSTART") == datetime.date(2027, 1, 10)
    assert vevent.decoded("DTEND") == datetime.date(2027, 1, 13)  # exclusive end
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_list_ics_follows_the_filters(client, events):
    calendar = _calendar(client.get("/events/ics/", {"country": "ES"}))
    assert sorted(str(v["SUMMARY"]) for v in calendar.walk("VEVENT")) == [
        "Past visit",
        "Soon workshop",
    ]
    all_events = _calendar(client.get("/events/ics/")).walk("VEVENT")
    assert len(all_events) == 4
    assert len({str(v["UID"]) for v in all_events}) == 4


def test_atom_feed_of_upcoming_events(client, events):
    response = client.get("/events/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 (our own response)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Soon workshop", "Later masterclass"]
    assert entries[0].find(f"{ATOM}link").get("href").startswith("http://")
    assert feed.find(f"{ATOM}updated") is not None


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/events/", "/events/?country=ES&kind=study-visit", "/events/ics/", "/events/feed/"]
)
def test_query_counts_do_not_grow_with_the_number_of_events(
    client, index, url, django_assert_max_num_queries
):
    country = CountryFactory(code="ES", name="Spain")
    for n in range(2):
        make_study_visit(index, start_date=days(n + 1), venue_country=country)
    client.get(url)  # warm caches (site root paths, content types)
    few = _count_queries(client, url)
    for n in range(8):
        maker = [make_study_visit, make_masterclass, make_workshop, make_staff_exchange][n % 4]
        maker(index, start_date=days(n + 3), venue_country=country,
              project=CooperationProjectFactory())  # fmt: skip
    with django_assert_max_num_queries(few):
        client.get(url)
    with django_assert_max_num_queries(20):
        client.get(url)


def test_event_page_query_count(client, index, django_assert_max_num_queries):
    event = make_study_visit(
        index,
        agenda=[{"date": days(30), "title": f"Session {n}"} for n in range(10)],
        sites=[{"name": f"Site {n}"} for n in range(5)],
    )
    client.get(event.url)
    with django_assert_max_num_queries(25):
        response = client.get(event.url)
    assert "Session 9" in response.content.decode()
