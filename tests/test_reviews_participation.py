"""The participant's side: drafts, one submission, changes until the deadline, closed
worksheets, withdrawn or unknown links, a lost session, and nothing typed is ever lost."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from peer_reviews.models import SubmissionStatus, WorksheetSubmission
from tests.factories_reviews import make_invitation, make_user, make_worksheet

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"field_type": "section", "label": "About the visit", "help_text": "First impressions."},
    {"field_type": "short_text", "label": "Your role"},
    {"field_type": "long_text", "label": "Recommendation"},
    {
        "field_type": "rating",
        "label": "Transferability",
        "scale_low_label": "Hard",
        "scale_high_label": "Easy",
    },
    {"field_type": "single_choice", "label": "Best session", "choices": "Visit\nDebate"},
    {
        "field_type": "multiple_choice",
        "label": "Topics",
        "choices": "Housing\nWork\nHealth",
        "required": False,
    },
    {"field_type": "yes_no", "label": "Would you transfer it?"},
    {"field_type": "practice", "label": "Practices to look at", "required": False},
]

COMPLETE = {
    "your_role": "Case manager",
    "recommendation": "Start with one district.",
    "transferability": "5",
    "best_session": "Visit",
    "topics": ["Housing", "Health"],
    "would_you_transfer_it": "yes",
}


@pytest.fixture
def worksheet(site_pages):
    return make_worksheet(questions=QUESTIONS)


@pytest.fixture
def invitation(worksheet):
    return make_invitation(worksheet, name="Aino")


def link(worksheet, invitation):
    return worksheet.url + f"t/{invitation.token}/"


def test_every_question_type_is_rendered(client, worksheet, invitation):
    html = client.get(link(worksheet, invitation)).content.decode()
    assert "<h2>About the visit</h2>" in html
    assert 'type="text" name="your_role"' in html
    assert "<textarea" in html
    assert "1 – Hard" in html and "5 – Easy" in html
    assert html.count('name="transferability"') == 5
    assert 'type="checkbox" name="topics"' in html
    assert 'value="yes"' in html and 'value="no"' in html


def test_submission_stores_typed_values(client, worksheet, invitation):
    response = client.post(link(worksheet, invitation), {"action": "submit", **COMPLETE})
    assert response.status_code == 200
    submission = WorksheetSubmission.objects.get(invitation=invitation)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.submitted_at is not None
    assert submission.form_data["transferability"] == 5
    assert submission.form_data["topics"] == ["Housing", "Health"]
    assert submission.form_data["practices_to_look_at"] == []


def test_draft_may_be_incomplete_and_comes_back(client, worksheet, invitation):
    url = link(worksheet, invitation)
    response = client.post(url, {"action": "draft", "recommendation": "Half a thought"})
    assert response.status_code == 302
    submission = WorksheetSubmission.objects.get(invitation=invitation)
    assert submission.status == SubmissionStatus.DRAFT
    html = client.get(url).content.decode()
    assert "Half a thought" in html
    assert "Your draft is saved" in html


def test_double_submit_records_one_submission(client, worksheet, invitation):
    url = link(worksheet, invitation)
    for _ in range(2):
        assert client.post(url, {"action": "submit", **COMPLETE}).status_code == 200
    assert WorksheetSubmission.objects.filter(invitation=invitation).count() == 1


def test_database_refuses_a_second_row(worksheet, invitation):
    WorksheetSubmission.objects.create(page=worksheet, invitation=invitation, form_data={})
    with pytest.raises(IntegrityError), transaction.atomic():
        WorksheetSubmission.objects.create(page=worksheet, invitation=invitation, form_data={})


def test_answers_may_be_changed_until_the_deadline(client, worksheet, invitation):
    url = link(worksheet, invitation)
    client.post(url, {"action": "submit", **COMPLETE})
    html = client.get(url).content.decode()
    assert "Save changes" in html and "Save draft" not in html
    # A draft click after submitting is a full save: it stays submitted, with validation.
    client.post(url, {"action": "draft", **COMPLETE, "recommendation": "Changed my mind."})
    submission = WorksheetSubmission.objects.get(invitation=invitation)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.form_data["recommendation"] == "Changed my mind."


def test_validation_errors_keep_every_answer(client, worksheet, invitation):
    typed = {**COMPLETE, "your_role": "x" * 300, "best_session": "Not an option"}
    response = client.post(link(worksheet, invitation), {"action": "submit", **typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value has at most 255 characters" in html
    assert "Select a valid choice" in html
    assert "Start with one district." in html
    assert 'value="5" name="transferability"' in html or 'name="transferability" value="5"' in html
    assert "checked" in html
    assert not WorksheetSubmission.objects.exists()


def test_closed_worksheet_refuses_changes_and_shows_them_back(client, invitation, worksheet):
    client.post(link(worksheet, invitation), {"action": "submit", **COMPLETE})
    worksheet.deadline = timezone.now() - datetime.timedelta(minutes=1)
    worksheet.save()
    url = link(worksheet, invitation)
    response = client.get(url)
    html = response.content.decode()
    assert "This worksheet closed on" in html
    assert "Start with one district." in html  # their answers, read-only
    assert 'name="action"' not in html
    response = client.post(url, {"action": "submit", **COMPLETE, "recommendation": "Too late"})
    assert response.status_code == 403
    assert "Too late" in response.content.decode()
    assert "were not saved" in response.content.decode()
    assert WorksheetSubmission.objects.get().form_data["recommendation"] == (
        "Start with one district."
    )


def test_withdrawn_link_explains_and_keeps_typed_answers(client, worksheet, invitation):
    url = link(worksheet, invitation)
    invitation.revoke()
    response = client.get(url)
    assert response.status_code == 403
    assert "withdrawn by the organisers" in response.content.decode()
    response = client.post(url, {"action": "submit", **COMPLETE})
    assert response.status_code == 403
    assert "Start with one district." in response.content.decode()
    assert not WorksheetSubmission.objects.exists()


def test_a_new_link_replaces_the_old_one(client, worksheet, invitation):
    old = link(worksheet, invitation)
    invitation.revoke()
    invitation.renew()
    assert client.get(old).status_code == 404
    assert client.get(link(worksheet, invitation)).status_code == 200


def test_unknown_link_explains_what_to_do(client, worksheet):
    response = client.get(worksheet.url + "t/not-a-real-token/")
    assert response.status_code == 404
    assert "This personal link is not valid" in response.content.decode()


def test_link_of_another_event_does_not_open_this_worksheet(client, worksheet):
    elsewhere = make_worksheet()
    stranger = make_invitation(elsewhere, name="Elsewhere")
    assert client.get(link(worksheet, stranger)).status_code == 404


def test_lost_session_keeps_the_answers_and_explains(client, worksheet):
    account = make_user(username="aino")
    make_invitation(worksheet, name="Aino", user=account)
    client.force_login(account)
    assert 'name="action"' in client.get(worksheet.url).content.decode()
    client.logout()  # the session expired while Aino was typing
    response = client.post(worksheet.url, {"action": "submit", **COMPLETE})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your answers were not saved" in html
    assert "Start with one district." in html
    assert "Sign in" in html


def test_signed_in_but_not_invited(client, worksheet):
    client.force_login(make_user(username="someone"))
    response = client.get(worksheet.url)
    assert response.status_code == 403
    assert "not invited" in response.content.decode()


def test_personal_pages_are_private(client, worksheet, invitation):
    response = client.get(link(worksheet, invitation))
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert len(invitation.token) >= 40
