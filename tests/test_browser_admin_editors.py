"""The admin editors in Chromium: axe-core finds nothing on the practice, learning-event and
worksheet editors, and the practice editor's region chooser and completeness box follow what
the author does."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.browser import axe_violations, browser_page  # noqa: F401
from tests.factories import (
    CountryFactory,
    RegionFactory,
    ensure_wagtail_tree,
    make_practice,
    make_site,
)
from tests.factories_events import make_event_index, make_study_visit
from tests.factories_reviews import make_worksheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page):
    get_user_model().objects.create_superuser("admin", "admin@example.org", "password")
    page.goto("/admin/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")


def test_admin_editors_are_accessible_and_the_practice_editor_helps(browser_page):  # noqa: F811
    page = browser_page
    ensure_wagtail_tree()
    home, index = make_site()
    finland = CountryFactory(code="FI", name="Finland")
    sweden = CountryFactory(code="SE", name="Sweden")
    RegionFactory(country=finland, name="Uusimaa")
    RegionFactory(country=sweden, name="Skåne")
    practice = make_practice(index, title="Vamos", country=finland, context="Why.")
    event = make_study_visit(make_event_index(home), title="Visit to Helsinki")
    worksheet = make_worksheet()
    log_in(page)

    found = {}
    for url in [
        reverse("wagtailadmin_pages:edit", args=[practice.pk]),
        reverse("wagtailadmin_pages:edit", args=[event.pk]),
        reverse("wagtailadmin_pages:edit", args=[worksheet.pk]),
    ]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        found[url] = axe_violations(page)
    assert found == {url: [] for url in found}

    # The practice editor: only Finland's regions are offered, the filter narrows them, and
    # the completeness box drops "Evidence of success" once the author writes some.
    page.goto(reverse("wagtailadmin_pages:edit", args=[practice.pk]))
    chooser = page.locator("[data-region-chooser]")
    assert chooser.locator(f'fieldset[data-country="{finland.pk}"]').is_visible()
    assert chooser.locator(f'fieldset[data-country="{sweden.pk}"]').is_hidden()
    box = page.locator("[data-completeness-status]")
    assert "Evidence of success" in box.inner_text()
    page.get_by_role("tab", name="Narrative").click()
    page.locator("textarea[name=evidence]").fill("Results: 1,400 young people reached.")
    page.wait_for_function(
        "() => !document.querySelector('[data-completeness-status]')"
        ".textContent.includes('Evidence of success')"
    )
    assert "Outcome figures" in box.inner_text()
