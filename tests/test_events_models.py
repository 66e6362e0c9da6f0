"""Learning event models: page tree rules, validation, time zones, and the factories."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from learning_events.models import (
    AgendaSession,
    LearningEventIndexPage,
    LearningEventPage,
    MasterclassPage,
    PeerReviewWorkshopPage,
    StaffExchangePage,
    StudyVisitPage,
    StudyVisitPractice,
)
from portal.models import HomePage, StandardPage
from practices.models import PracticePage
from tests.factories import CountryFactory, OrganisationFactory, RegionFactory, make_practice
from tests.factories_events import (
    make_event_index,
    make_masterclass,
    make_staff_exchange,
    make_study_visit,
    make_workshop,
)

pytestmark = pytest.mark.django_db

KINDS = [StudyVisitPage, MasterclassPage, PeerReviewWorkshopPage, StaffExchangePage]


@pytest.fixture
def index(home):
    return make_event_index(home)


def test_factories_build_published_routable_events(index, client):
    practice = make_practice()
    events = [
        make_study_visit(index, practices=[practice], sites=[{"name": "Day centre"}]),
        make_masterclass(index, experts=[{"name": "A. Expert"}]),
        make_workshop(index, peer_regions=[RegionFactory()]),
        make_staff_exchange(index),
    ]
    assert [type(e) for e in events] == KINDS
    for event in events:
        assert event.live
        assert event.get_parent().specific == index
        assert client.get(event.url).status_code == 200
    assert events[0].visited_practices.get().practice == practice
    assert events[2].peer_regions.count() == 1
    assert make_event_index(index.get_parent()) == index  # created once


def test_page_tree_rules():
    assert LearningEventIndexPage.can_create_at(HomePage())
    assert set(LearningEventIndexPage.allowed_subpage_models()) == set(KINDS)
    assert not LearningEventPage.is_creatable
    for kind in KINDS:
        assert kind.is_creatable
        assert kind.allowed_parent_page_models() == [LearningEventIndexPage]
    # Peer-review worksheets (another app) live under a workshop: its subpages stay open.
    assert StandardPage in PeerReviewWorkshopPage.allowed_subpage_models()
    for kind in (StudyVisitPage, MasterclassPage, StaffExchangePage):
        assert kind.allowed_subpage_models() == []


def _unsaved(**fields):
    country = CountryFactory()
    defaults = {
        "title": "Visit",
        "slug": "visit",
        "summary": "s",
        "start_date": datetime.date(2027, 3, 1),
        "end_date": datetime.date(2027, 3, 2),
        "venue_city": "Brno",
        "venue_country": country,
    }
    defaults.update(fields)
    return StudyVisitPage(**defaults)


def _errors(page):
    with pytest.raises(ValidationError) as info:
        page.clean()
    return info.value.message_dict


def test_end_must_be_after_start():
    page = _unsaved(end_date=datetime.date(2027, 2, 28))
    assert "end_date" in _errors(page)
    same_day = _unsaved(
        end_date=datetime.date(2027, 3, 1),
        start_time=datetime.time(14, 0),
        end_time=datetime.time(9, 0),
    )
    assert "end_time" in _errors(same_day)
    _unsaved().clean()  # a valid event passes


def test_venue_city_required_unless_online():
    assert "venue_city" in _errors(_unsaved(venue_city=""))
    _unsaved(venue_city="", event_format="online").clean()


def test_host_region_must_be_in_host_country():
    page = _unsaved()
    page.host_region = RegionFactory()  # in another country
    assert "host_region" in _errors(page)
    page.host_region = RegionFactory(country=page.venue_country)
    page.clean()


def test_staff_exchange_organisations_and_duration():
    org = OrganisationFactory()
    page = StaffExchangePage(
        title="x", slug="x", summary="s", venue_city="Gent", venue_country=CountryFactory(),
        start_date=datetime.date(2027, 1, 4), end_date=datetime.date(2027, 1, 8),
        sending_organisation=org, receiving_organisation=org, duration_days=9,
    )  # fmt: skip
    errors = _errors(page)
    assert "receiving_organisation" in errors
    assert "duration_days" in errors
    page.receiving_organisation = OrganisationFactory()
    page.duration_days = None
    page.clean()
    assert page.duration == 5


def test_a_practice_visited_must_be_published(index):
    draft = make_practice(publish=False, title="Draft practice")
    row = StudyVisitPractice(practice=PracticePage.objects.get(pk=draft.pk))
    with pytest.raises(ValidationError) as info:
        row.clean()
    assert "Draft practice" in str(info.value.message_dict["practice"])
    StudyVisitPractice(practice=make_practice()).clean()
    session = AgendaSession(date=datetime.date(2027, 3, 1), title="Talk", practice=row.practice)
    with pytest.raises(ValidationError) as info:
        session.clean()
    assert "practice" in info.value.message_dict
    session.end_time, session.start_time = datetime.time(9), datetime.time(10)
    session.practice = None
    with pytest.raises(ValidationError) as info:
        session.clean()
    assert "end_time" in info.value.message_dict


def test_instants_follow_the_event_time_zone(index):
    event = make_study_visit(
        index,
        start_date=datetime.date(2026, 10, 6),
        start_time=datetime.time(9, 0),
        end_date=datetime.date(2026, 10, 7),
        end_time=datetime.time(16, 30),
        time_zone="Europe/Helsinki",
    )
    assert event.starts_at == datetime.datetime(2026, 10, 6, 6, 0, tzinfo=datetime.UTC)
    assert event.ends_at == datetime.datetime(2026, 10, 7, 13, 30, tzinfo=datetime.UTC)
    all_day = make_study_visit(
        index, start_date=datetime.date(2027, 1, 10), end_date=datetime.date(2027, 1, 10),
        time_zone="Europe/Madrid",
    )  # fmt: skip
    assert all_day.is_all_day
    assert all_day.starts_at == datetime.datetime(2027, 1, 9, 23, 0, tzinfo=datetime.UTC)
    assert all_day.ends_at == datetime.datetime(2027, 1, 10, 22, 59, 59, tzinfo=datetime.UTC)


def test_unknown_time_zone_is_rejected():
    page = _unsaved(time_zone="Mars/Olympus")
    with pytest.raises(ValidationError) as info:
        page.full_clean(
            exclude=["path", "depth", "url_path", "draft_title", "starts_at", "ends_at"]
        )
    assert "time_zone" in info.value.message_dict
