"""A participant's journey in Chromium: open the personal link, answer, save a draft, come
back later with the same link, finish and submit."""

import pytest
from playwright.sync_api import expect

from peer_reviews.models import SubmissionStatus, WorksheetSubmission
from tests.browser import browser_page  # noqa: F401
from tests.factories import make_practice, make_site
from tests.factories_reviews import make_invitation, make_worksheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_participant_saves_a_draft_returns_and_submits(browser_page):  # noqa: F811
    page = browser_page
    make_site()
    practice = make_practice(title="Village caretakers")
    worksheet = make_worksheet(title="Peer-review worksheet")
    invitation = make_invitation(worksheet, name="Aino Virtanen")
    link = worksheet.url + f"t/{invitation.token}/"

    page.goto(link)
    expect(page.locator(".participant")).to_contain_text("Answering as Aino Virtanen")
    page.get_by_label("How do you understand the host's policy challenge?").fill(
        "Households ask for help too late."
    )
    page.get_by_label("Strengths observed").fill("One case manager per household.")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_selector("text=Your draft is saved")
    assert WorksheetSubmission.objects.get().status == SubmissionStatus.DRAFT

    # Later, in a fresh tab with the same link: the draft is there.
    page.goto("about:blank")
    page.goto(link)
    expect(page.get_by_label("Strengths observed")).to_have_value("One case manager per household.")
    page.get_by_label("Weaknesses and risks").fill("High caseloads.")
    page.get_by_label("Short-term recommendations").fill("Pilot in two districts.")
    page.get_by_label(f"{practice.title} ({practice.country.name})").check()
    page.get_by_label("4", exact=True).check()

    # Submitting with everything required filled in.
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_selector("text=your answers are submitted")
    submission = WorksheetSubmission.objects.get()
    assert submission.status == SubmissionStatus.SUBMITTED
    names = {q.label: q.clean_name for q in worksheet.get_question_rows()}
    assert submission.form_data[names["Weaknesses and risks"]] == "High caseloads."
    assert submission.form_data[names["Practices from your region worth transferring"]] == [
        practice.pk
    ]
    assert submission.form_data[names["Overall transferability of the practice visited"]] == 4

    # And may still come back to change an answer before the deadline.
    page.get_by_role("link", name="Review or change your answers").click()
    # expect() waits for the page to load; is_visible() answered before it had (a CI flake).
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()
