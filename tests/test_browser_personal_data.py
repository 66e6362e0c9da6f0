"""In Chromium: a visitor finds the privacy notice from the footer; an organiser downloads a
participant's data and erases them, keeping the answers without identity."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from peer_reviews.models import Invitation, WorksheetSubmission
from portal.demo import load_legal_pages
from tests.browser import browser_page  # noqa: F401
from tests.factories import make_site
from tests.factories_reviews import answer, make_invitation, make_user, make_worksheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_footer_leads_to_the_privacy_notice(browser_page):  # noqa: F811
    page = browser_page
    home, _index = make_site()
    load_legal_pages(home)
    page.goto("/")
    page.get_by_role("navigation", name="Legal information").get_by_role(
        "link", name="Privacy notice"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    expect(page.get_by_role("heading", name="Your rights")).to_be_visible()


def test_organiser_exports_then_anonymises_a_participant(browser_page):  # noqa: F811
    page = browser_page
    make_site()
    organiser = make_user(username="organiser", is_superuser=True, is_staff=True)
    worksheet = make_worksheet(
        title="Peer-review worksheet",
        organisers=[organiser],
        questions=[{"field_type": "long_text", "label": "Advice"}],
    )
    aino = make_invitation(worksheet, name="Aino Virtanen", email="aino@example.org")
    answer(worksheet, aino, {"Advice": "Go to people early."})

    page.goto("/admin/login/")
    page.fill("input[name=username]", "organiser")
    page.fill("input[name=password]", "password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")

    page.goto(worksheet.url + "participants/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the data of Aino Virtanen").click()
    record = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert record["participant"]["email"] == "aino@example.org"

    page.get_by_role("link", name="Erase Aino Virtanen…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase Aino Virtanen")
    page.get_by_label("Anonymise", exact=False).check()
    page.get_by_role("button", name="Erase").click()
    expect(page.locator(".messages")).to_contain_text("Aino Virtanen is erased")
    assert not Invitation.objects.exists()
    assert WorksheetSubmission.objects.get().invitation is None

    page.goto(worksheet.url + "results/")
    expect(page.locator("body")).to_contain_text("Anonymous participant")
    expect(page.locator("body")).to_contain_text("Go to people early.")
