"""A participant's personal data over HTTP: an organiser downloads everything stored about
one participant and erases it, answers anonymised or deleted, and the results follow."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from peer_reviews.models import (
    Invitation,
    QuotedAnswer,
    RecommendationsReport,
    WorksheetSubmission,
)
from tests.factories_events import make_event_index, make_workshop
from tests.factories_reviews import answer, make_invitation, make_user, make_worksheet

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"field_type": "section", "label": "Ratings"},
    {"field_type": "rating", "label": "Transferability"},
    {"field_type": "long_text", "label": "Advice"},
]


@pytest.fixture
def world(home):
    index = make_event_index(home)
    workshop = make_workshop(index)
    organiser = make_user(username="organiser")
    host_group = Group.objects.create(name="Host organisation")
    worksheet = make_worksheet(
        workshop, questions=QUESTIONS, organisers=[organiser], host_group=host_group
    )
    second = make_worksheet(workshop, questions=QUESTIONS, organisers=[organiser])
    account = make_user(username="ana", email="ana@example.org")
    ana = make_invitation(worksheet, name="Ana Pop", email="ana@example.org", user=account)
    ben = make_invitation(worksheet, name="Ben Berg")
    cleo = make_invitation(worksheet, name="Cleo Dax")
    answer(worksheet, ana, {"Transferability": 1, "Advice": "Ana's advice on outreach."})
    answer(second, ana, {"Advice": "Ana's unfinished draft."}, submit=False)
    answer(worksheet, ben, {"Transferability": 3, "Advice": "Ben's advice."})
    answer(worksheet, cleo, {"Transferability": 5, "Advice": "Cleo's advice."})
    report = RecommendationsReport.objects.create(worksheet=worksheet, synthesis="Synthesis.")
    QuotedAnswer.objects.create(
        report=report,
        submission=WorksheetSubmission.objects.get(page=worksheet, invitation=ana),
        field_name="advice",
    )
    other_event = make_workshop(index, title="Another workshop", slug="another-workshop")
    stranger_invitation = make_invitation(other_event, name="Elsewhere")
    return {
        "worksheet": worksheet,
        "second": second,
        "organiser": organiser,
        "host": make_user(host_group, username="host"),
        "stranger": make_user(username="stranger"),
        "participant": account,
        "superuser": make_user(username="admin", is_superuser=True, is_staff=True),
        "ana": ana,
        "ben": ben,
        "elsewhere": stranger_invitation,
    }


def url(world, route, invitation=None):
    worksheet = world["worksheet"]
    pk = invitation.pk if hasattr(invitation, "pk") else invitation
    return worksheet.url + f"participants/{pk}/{route}/"


def results_figures(client, world):
    """(invited, started, submitted, answers to the rating, mean) read off the results page."""
    html = client.get(world["worksheet"].url + "results/").content.decode()
    progress = re.findall(r"<li><strong>(\d+)</strong>", html)
    section = html[html.index('id="r-transferability"') :]
    section = section[: section.index("</section>")]
    n = re.search(r"(\d+) answers?", section).group(1)
    mean = re.search(r"mean ([\d.]+) out of 5", section).group(1)
    return [int(x) for x in progress[:3]] + [int(n), float(mean)]


def test_organiser_downloads_everything_stored_about_a_participant(client, world):
    client.force_login(world["organiser"])
    response = client.get(url(world, "data", world["ana"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="participant-{world["ana"].pk}-'
    )
    assert response["Cache-Control"] == "private, no-store"
    record = json.loads(response.content)
    person = record["participant"]
    assert person["name"] == "Ana Pop"
    assert person["email"] == "ana@example.org"
    assert person["account"] == "ana"
    assert person["organisation"] == world["ana"].organisation.name
    assert person["region"] == world["ana"].region.name
    assert person["invited_at"]
    assert record["event"]["title"] == world["worksheet"].get_parent().title
    # Both worksheets of the event, the draft included, with times and quotes.
    by_title = {w["worksheet"]: w for w in record["worksheets"]}
    submitted = by_title[world["worksheet"].title]
    assert submitted["status"] == "submitted"
    assert submitted["submitted_at"] and submitted["last_saved_at"] and submitted["started_at"]
    answers = {a["question"]: a for a in submitted["answers"]}
    assert answers["Transferability"]["value"] == 1
    assert answers["Advice"]["text"] == "Ana's advice on outreach."
    assert answers["Advice"]["quoted_in_report"] is True
    assert answers["Transferability"]["quoted_in_report"] is False
    draft = by_title[world["second"].title]
    assert draft["status"] == "draft" and draft["submitted_at"] is None
    assert [a["text"] for a in draft["answers"] if a["text"]] == ["Ana's unfinished draft."]
    # The personal link is a password, not information about the person.
    assert world["ana"].token not in response.content.decode()
    # Nothing about anyone else.
    assert "Ben" not in response.content.decode()


def test_anonymise_keeps_the_answers_in_the_results_without_identity(client, world):
    client.force_login(world["organiser"])
    before = results_figures(client, world)
    assert before == [3, 3, 3, 3, 3.0]

    confirm = client.get(url(world, "erase", world["ana"]))
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Ana Pop" in html and 'name="csrfmiddlewaretoken"' in html
    assert Invitation.objects.filter(pk=world["ana"].pk).exists()  # a GET changes nothing

    response = client.post(url(world, "erase", world["ana"]), {"answers": "anonymise"})
    assert response.status_code == 302
    assert response["Location"].endswith("/participants/")
    page = client.get(response["Location"]).content.decode()
    assert "Ana Pop is erased" in page

    assert not Invitation.objects.filter(pk=world["ana"].pk).exists()
    kept = WorksheetSubmission.objects.get(page=world["worksheet"], invitation=None)
    assert kept.form_data["advice"] == "Ana's advice on outreach."
    assert not WorksheetSubmission.objects.filter(page=world["second"]).exists()  # draft gone
    # One fewer invited; the answer still counts, so the mean is unchanged.
    assert results_figures(client, world) == [2, 3, 3, 3, 3.0]
    results = client.get(world["worksheet"].url + "results/").content.decode()
    assert "Ana Pop" not in results and "Anonymous participant" in results
    assert "Ana&#x27;s advice on outreach." in results
    # The report still quotes the answer, unnamed.
    report = client.get(world["worksheet"].url + "report/").content.decode()
    assert "Ana&#x27;s advice on outreach." in report
    assert "Ana Pop" not in report and "Anonymous participant" in report
    csv_text = client.get(world["worksheet"].url + "results/csv/").content.decode("utf-8-sig")
    assert "Ana Pop" not in csv_text and "Anonymous participant" in csv_text
    assert "ana@example.org" not in csv_text
    # The account itself is not the organiser's to delete.
    assert world["participant"].__class__.objects.filter(pk=world["participant"].pk).exists()


def test_delete_removes_the_answers_from_the_results(client, world):
    client.force_login(world["organiser"])
    assert results_figures(client, world) == [3, 3, 3, 3, 3.0]
    response = client.post(url(world, "erase", world["ana"]), {"answers": "delete"})
    assert response.status_code == 302
    assert not Invitation.objects.filter(pk=world["ana"].pk).exists()
    assert not WorksheetSubmission.objects.filter(invitation=None).exists()
    assert WorksheetSubmission.objects.count() == 2
    assert not QuotedAnswer.objects.exists()
    # Ratings 3 and 5 remain: mean 4.
    assert results_figures(client, world) == [2, 2, 2, 2, 4.0]
    html = client.get(world["worksheet"].url + "results/").content.decode()
    assert "outreach" not in html
    report = client.get(world["worksheet"].url + "report/").content.decode()
    assert "outreach" not in report


def test_erasing_needs_a_choice_and_loses_nothing_without_one(client, world):
    client.force_login(world["organiser"])
    for data in ({}, {"answers": "everything"}):
        response = client.post(url(world, "erase", world["ana"]), data)
        assert response.status_code == 400
        assert "Choose what happens to the answers." in response.content.decode()
    assert Invitation.objects.filter(pk=world["ana"].pk).exists()
    assert WorksheetSubmission.objects.count() == 4


def test_erasing_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["organiser"])
    response = client.post(url(world, "erase", world["ana"]), {"answers": "delete"})
    assert response.status_code == 403
    assert Invitation.objects.filter(pk=world["ana"].pk).exists()
    # With the token from the confirmation page it works.
    confirm = client.get(url(world, "erase", world["ana"])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm).group(1)
    response = client.post(
        url(world, "erase", world["ana"]), {"answers": "delete", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert not Invitation.objects.filter(pk=world["ana"].pk).exists()


@pytest.mark.parametrize("route", ["data", "erase"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, route):
    response = client.get(url(world, route, world["ana"]))
    assert response.status_code == 302 and "login" in response["Location"]
    response = client.post(url(world, "erase", world["ana"]), {"answers": "delete"})
    assert response.status_code == 302
    assert Invitation.objects.filter(pk=world["ana"].pk).exists()


@pytest.mark.parametrize("role", ["host", "stranger", "participant"])
@pytest.mark.parametrize("route", ["data", "erase"])
def test_only_organisers_export_and_erase(client, world, role, route):
    client.force_login(world[role])
    response = client.get(url(world, route, world["ana"]))
    assert response.status_code == 403
    assert b"ana@example.org" not in response.content
    response = client.post(url(world, "erase", world["ana"]), {"answers": "delete"})
    assert response.status_code == 403
    assert Invitation.objects.filter(pk=world["ana"].pk).exists()
    assert WorksheetSubmission.objects.count() == 4


@pytest.mark.parametrize(
    "invitation_id", ["elsewhere", "999999", "99999999999999999999999999999", "0", "%C2%B2", "x"]
)
@pytest.mark.parametrize("route", ["data", "erase"])
def test_unknown_or_other_events_participants_are_404(client, world, route, invitation_id):
    client.force_login(world["superuser"])
    target = world["elsewhere"] if invitation_id == "elsewhere" else invitation_id
    assert client.get(url(world, route, target)).status_code == 404
    assert client.post(url(world, "erase", target), {"answers": "delete"}).status_code == 404
    assert Invitation.objects.count() == 4


def test_participants_page_links_to_export_and_erase(client, world):
    client.force_login(world["organiser"])
    html = client.get(world["worksheet"].url + "participants/").content.decode()
    assert url(world, "data", world["ben"]) in html
    assert url(world, "erase", world["ben"]) in html
    assert "Download the data of Ben Berg" in html
