"""The demo learning events: loaded by load_demo_content, idempotent, linked to the seed
practices, and marked as examples."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from learning_events import demo
from learning_events.models import (
    LearningEventPage,
    PeerReviewWorkshopPage,
    StaffExchangePage,
    StudyVisitPage,
)
from portal.demo import DemoDataError
from portal.models import HomePage

# One worker, so the demo content the later tests share is loaded once (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("events_demo")]


def _load():
    out = StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


def test_demo_events_load_twice_without_changes(client):
    first = _load()
    assert "Learning events: 13 created, 0 updated, 0 unchanged" in first
    second = _load()
    assert "Learning events: 0 created, 0 updated, 13 unchanged" in second
    assert LearningEventPage.objects.live().count() == 13

    near = StudyVisitPage.objects.filter(project__acronym="NEAR")
    workshops = PeerReviewWorkshopPage.objects.filter(project__acronym="NEAR")
    assert sorted(near.values_list("venue_country__code", flat=True)) == [
        "BE",
        "CZ",
        "ES",
        "FI",
        "IT",
    ]
    assert sorted(workshops.values_list("venue_country__code", flat=True)) == [
        "BE",
        "CZ",
        "ES",
        "FI",
        "IT",
    ]
    assert StaffExchangePage.objects.count() == 1
    assert LearningEventPage.objects.filter(project__acronym="CITICESS").count() == 2
    assert not LearningEventPage.objects.filter(is_example=False).exists()

    visit = StudyVisitPage.objects.get(slug="near-3-study-visit-helsinki")
    assert [r.practice.slug for r in visit.visited_practices.all()] == ["vamos-youth-programme"]
    page = client.get(visit.url).content.decode()
    assert "Example event." in page
    assert "Vamos Youth Programme" in page
    practice_page = client.get(visit.visited_practices.get().practice.url).content.decode()
    assert visit.title in practice_page


def test_a_load_that_fails_leaves_what_it_saved_searchable(tmp_path, monkeypatch, client):
    """The command indexes once, at the end; failing before the end, it still indexes the
    practices it had saved (the events load after them)."""
    for source in demo.EVENTS_DIR.glob("*.yaml"):
        text = source.read_text()
        (tmp_path / source.name).write_text(text.replace("kind: masterclass", "kind: conference"))
    monkeypatch.setattr(demo, "EVENTS_DIR", tmp_path)
    with pytest.raises(CommandError, match="unknown kind 'conference'"):
        call_command("load_demo_content", stdout=StringIO())
    assert not LearningEventPage.objects.exists()
    hits = client.get("/search/", {"q": "home care", "type": "practice"}).context["hits"]
    assert "Help at Home" in [hit.title for hit in hits]


@pytest.fixture
def home(demo_content):
    """The demo content's home page (the demo content is loaded once for the module; these
    tests come after the one that loads it from scratch)."""
    return HomePage.objects.get(locale__language_code="en")  # not its language versions


def test_a_changed_fixture_updates_the_event(tmp_path, monkeypatch, home):
    # Every event file: the rest of the demo (action plans) names events of all of them.
    for source in demo.EVENTS_DIR.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text())
    monkeypatch.setattr(demo, "EVENTS_DIR", tmp_path)
    path = tmp_path / "staff-exchanges.yaml"
    path.write_text(path.read_text().replace("staff_count: 2", "staff_count: 3"))
    message = demo.load_demo_events(home)
    assert "0 created, 1 updated (near-staff-exchange-valladolid-helsinki), " in message
    unchanged = LearningEventPage.objects.count() - 1
    assert f"{unchanged} unchanged" in message
    assert StaffExchangePage.objects.get().staff_count == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("vamos-youth-programme", "no-such-practice"), "unknown practice 'no-such-practice'"),
        (("end: 2026-10-07 16:30", "end: 2026-10-01 16:30"), "must end after it starts"),
        (("kind: masterclass", "kind: conference"), "unknown kind 'conference'"),
    ],
)
def test_broken_fixture_names_the_file_and_saves_nothing(
    tmp_path, monkeypatch, home, change, message
):
    count = LearningEventPage.objects.count()
    for name in ("regions.yaml", "near-learning-route.yaml", "citicess.yaml"):
        text = (demo.EVENTS_DIR / name).read_text()
        (tmp_path / name).write_text(text.replace(*change))
    monkeypatch.setattr(demo, "EVENTS_DIR", tmp_path)
    with pytest.raises(DemoDataError) as info:
        demo.load_demo_events(home)
    assert message in str(info.value)
    assert ".yaml: event" in str(info.value)
    assert LearningEventPage.objects.count() == count
