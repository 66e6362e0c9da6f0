"""What learning events add to practice, project, region and home pages."""

import datetime

import pytest

from tests.factories import CooperationProjectFactory, RegionFactory, make_practice
from tests.factories_events import (
    make_event_index,
    make_masterclass,
    make_study_visit,
    make_workshop,
)

pytestmark = pytest.mark.django_db


def days(n):
    return datetime.date.today() + datetime.timedelta(days=n)


@pytest.fixture
def index(home):
    return make_event_index(home)


def test_practice_page_lists_events_where_it_was_visited_or_presented(client, index):
    practice = make_practice(title="Help at Home")
    make_study_visit(index, title="Visit to Help at Home", practices=[practice])
    make_masterclass(
        index, title="Masterclass presenting it",
        agenda=[{"date": days(30), "title": "Presentation", "practice": practice}],
    )  # fmt: skip
    make_workshop(index, title="Unrelated workshop")
    make_study_visit(index, title="Draft visit", practices=[practice], publish=False)
    content = client.get(practice.url).content.decode()
    assert "Learning events where this practice was presented or visited" in content
    assert "Visit to Help at Home" in content
    assert "Masterclass presenting it" in content
    assert "Unrelated workshop" not in content
    assert "Draft visit" not in content


def test_practice_without_events_has_no_section(client, index):
    practice = make_practice()
    assert "presented or visited" not in client.get(practice.url).content.decode()


def test_project_page_shows_its_learning_journey_in_order(client, index):
    project = CooperationProjectFactory(acronym="NEAR", slug="near")
    make_workshop(index, title="Second step", project=project, start_date=days(20))
    make_study_visit(index, title="First step", project=project, start_date=days(-20))
    make_study_visit(index, title="Other project", project=CooperationProjectFactory())
    response = client.get("/projects/near/")
    content = response.content.decode()
    assert "Learning journey" in content
    assert content.index("First step") < content.index("Second step")
    assert "Other project" not in content


def test_region_page_shows_events_it_hosted(client, index):
    region = RegionFactory(name="Uusimaa", slug="uusimaa")
    make_study_visit(index, title="Hosted visit", host_region=region, venue_country=region.country)
    make_study_visit(index, title="Elsewhere")
    content = client.get("/regions/uusimaa/").content.decode()
    assert "Learning events hosted" in content
    assert "Hosted visit" in content and "Elsewhere" not in content


def test_home_page_shows_upcoming_events_only(client, index):
    make_workshop(index, title="Upcoming workshop", start_date=days(3))
    make_study_visit(index, title="Past visit", start_date=days(-30))
    content = client.get("/").content.decode()
    assert "Upcoming learning events" in content
    assert "Upcoming workshop" in content
    assert "Past visit" not in content
    assert "learning events" in content  # the count


def test_hook_sections_have_bounded_queries(client, index, django_assert_max_num_queries):
    project = CooperationProjectFactory(acronym="NEAR", slug="near")
    practice = make_practice()
    for n in range(6):
        make_study_visit(index, project=project, practices=[practice], start_date=days(n))
    client.get("/projects/near/")
    with django_assert_max_num_queries(20):
        assert client.get("/projects/near/").status_code == 200
    client.get(practice.url)
    # The practice page's own sections (related practices, inspired actions) and each app's
    # hook section cost a fixed number of queries, whatever the number of events (38 with 2 or
    # 12 events). Since the merges: the language links (h-locale: the locale, the page's
    # translations by translation_key, their locale), the words of "Practices like this one"
    # through the search engine (practices/related.py: index state, full-text matches, the
    # documents) and the view-restriction checks of the pages listed.
    with django_assert_max_num_queries(38):
        assert client.get(practice.url).status_code == 200
