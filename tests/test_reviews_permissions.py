"""Who may read a worksheet's answers: organisers and the host organisation's group read
everything, each participant their own answers, nobody else (anonymous visitors, other
signed-in users, editors of the event pages and other participants included)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories_events import make_event_index, make_workshop
from tests.factories_reviews import (
    answer,
    make_invitation,
    make_organiser_group,
    make_user,
    make_worksheet,
)

pytestmark = pytest.mark.django_db

READ_ROUTES = ["results/", "results/csv/", "results/xlsx/", "report/", "report/pdf/"]
MANAGE_ROUTES = ["participants/", "report/edit/"]
ALL_ROUTES = READ_ROUTES + MANAGE_ROUTES

SECRET = "Only organisers and the host may read this."


@pytest.fixture
def world(home):
    index = make_event_index(home)
    workshop = make_workshop(index)
    host_group = Group.objects.create(name="Host organisation")
    organiser = make_user(username="organiser")
    worksheet = make_worksheet(workshop, organisers=[organiser], host_group=host_group)
    participant_user = make_user(username="participant")
    mine = make_invitation(worksheet, name="Me", user=participant_user)
    other = make_invitation(worksheet, name="Other")
    answer(worksheet, mine, {"Strengths observed": "My own strengths answer."})
    answer(worksheet, other, {"Strengths observed": SECRET})
    return {
        "worksheet": worksheet,
        "organiser": organiser,
        "host": make_user(host_group, username="host"),
        "superuser": make_user(username="admin", is_superuser=True, is_staff=True),
        "editor": make_user(make_organiser_group(index, "Editors of events"), username="editor"),
        "stranger": make_user(username="stranger"),
        "participant": participant_user,
        "mine": mine,
        "other": other,
    }


def get(client, world, role, route):
    if role != "anonymous":
        client.force_login(world[role])
    return client.get(world["worksheet"].url + route)


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, route):
    response = get(client, world, "anonymous", route)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("role", ["stranger", "editor", "participant"])
@pytest.mark.parametrize("route", ALL_ROUTES)
def test_others_may_not_read_answers(client, world, role, route):
    response = get(client, world, role, route)
    assert response.status_code == 403
    assert SECRET.encode() not in response.content


@pytest.mark.parametrize("role", ["organiser", "superuser", "host"])
@pytest.mark.parametrize("route", READ_ROUTES)
def test_organisers_and_host_group_read_answers(client, world, role, route):
    response = get(client, world, role, route)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    if route in ("results/", "results/csv/"):
        assert SECRET in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("route", MANAGE_ROUTES)
def test_only_organisers_manage(client, world, route):
    assert get(client, world, "host", route).status_code == 403
    client.logout()
    assert get(client, world, "organiser", route).status_code == 200
    client.logout()
    assert get(client, world, "superuser", route).status_code == 200


def test_participant_reads_own_answers_only(client, world):
    response = get(client, world, "participant", "")
    html = response.content.decode()
    assert "My own strengths answer." in html
    assert SECRET not in html
    client.logout()
    # With the other participant's link one sees that participant's answers, not mine.
    response = client.get(world["worksheet"].url + f"t/{world['other'].token}/")
    assert SECRET in response.content.decode()
    assert "My own strengths answer." not in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "stranger", "editor"])
def test_worksheet_shows_no_answers_to_others(client, world, role):
    response = get(client, world, role, "")
    html = response.content.decode()
    assert SECRET not in html and "My own strengths answer." not in html
    assert 'name="action"' not in html


def test_wagtail_forms_listing_hides_worksheets_from_mere_editors(client, world):
    client.force_login(world["editor"])
    response = client.get(reverse("wagtailforms:index"))
    assert response.status_code == 200
    assert world["worksheet"].title not in response.content.decode()
    response = client.get(reverse("wagtailforms:list_submissions", args=[world["worksheet"].pk]))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 403


def test_wagtail_forms_listing_sends_organisers_to_results(client, world):
    organiser = world["organiser"]
    organiser.is_staff = True
    organiser.save()
    group = make_organiser_group(world["worksheet"].get_parent(), "Workshop organisers")
    organiser.groups.add(group)
    client.force_login(organiser)
    response = client.get(reverse("wagtailforms:index"))
    assert world["worksheet"].title in response.content.decode()
    response = client.get(reverse("wagtailforms:list_submissions", args=[world["worksheet"].pk]))
    assert response.status_code == 302
    assert response["Location"].endswith("/results/")
