"""The validation journey in Chromium: a validator sends a submitted practice back with a
comment from the dashboard, the author sees it and resubmits a fix, the validator approves
it with the checklist and the public page shows it was validated."""

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import Workflow

from practices.validation import CRITERION_NAMES
from tests.browser import browser_page  # noqa: F401
from tests.factories import (
    CountryFactory,
    OrganisationFactory,
    ensure_wagtail_tree,
    make_practice,
    make_site,
)
from tests.factories_roles import make_author, make_validator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")


def act_from_dashboard(page, action, verdicts, comment):
    panel = page.locator("section", has_text="Awaiting your review")
    panel.get_by_role("button", name="Actions").click()
    panel.get_by_role("button", name=action).click()
    modal = page.locator(".modal")
    for name in CRITERION_NAMES:
        modal.locator(f"input[name={name}][value={verdicts.get(name, 'met')}]").check()
    modal.locator("textarea[name=comment]").fill(comment)
    modal.locator("button[type=submit]").click()
    # The modal posts in the background, then the page moves on.
    modal.locator("button[type=submit]").wait_for(state="detached")
    page.wait_for_load_state()


def test_validator_sends_back_then_approves_in_the_browser(browser_page):  # noqa: F811
    page = browser_page
    ensure_wagtail_tree()  # an earlier transactional test may have flushed it
    _home, index = make_site()
    country = CountryFactory()
    organisation = OrganisationFactory(country=country)
    author = make_author(organisation, username="author")
    make_validator(username="validator")
    practice = make_practice(
        index,
        title="Neighbourhood kitchens",
        country=country,
        lead_organisation=organisation,
        publish=False,
        owner=author,
    )
    Workflow.objects.get(name="Practice validation").start(practice, author)

    log_in(page, "validator")
    act_from_dashboard(page, "Request changes", {"evidence": "not-met"}, "Add figures, please.")

    log_in(page, "author")
    panel = page.locator("#my-practices-section")
    expect(panel).to_contain_text(re.compile("changes requested", re.IGNORECASE))
    expect(panel).to_contain_text("Add figures, please.")
    panel.get_by_role("link", name="Neighbourhood kitchens").click()
    page.get_by_role("tab", name="Narrative").click()
    page.fill("textarea[name=evidence]", "120 families cooked together every week in 2024.")
    page.locator("footer [data-w-dropdown-target=toggle]").click()
    page.get_by_role("button", name="Resubmit to Validation against the published criteria").click()
    page.wait_for_url("**/admin/pages/*/")  # back in the listing once saved

    log_in(page, "validator")
    act_from_dashboard(page, "Approve", {"sustainability": "partly"}, "Convincing.")

    page.goto(practice.url)
    validation = page.locator(".validation-box")
    expect(validation).to_contain_text("Validated on")
    expect(validation).to_contain_text("Evidence of results")
    expect(validation).not_to_contain_text("Sustainability")
    expect(page.locator(".narrative-evidence")).to_contain_text("120 families")
