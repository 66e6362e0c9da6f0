"""The "learned from" map in Chromium: clicking an arrow opens the action it stands for,
clicking a region opens the region's page (server-drawn SVG, no script)."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser import browser_page  # noqa: F401
from tests.factories import (
    CooperationProjectFactory,
    CountryFactory,
    RegionFactory,
    make_practice,
    make_site,
)
from tests.factories_policy import make_plan, make_plan_index

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clicking_the_map_lands_on_the_action(browser_page):  # noqa: F811
    page = browser_page
    home, practices = make_site()
    country = CountryFactory()
    teacher = RegionFactory(country=country, name="Bihor")
    learner = RegionFactory(country=country, name="Castilla")
    practice = make_practice(practices, title="Integrated community centres", country=country)
    practice.regions.set([teacher])
    practice.save()
    index = make_plan_index(home)
    plan = make_plan(
        index,
        project=CooperationProjectFactory(acronym="NEAR"),
        region=learner,
        actions=[
            {"title": "One household team", "practices": [practice]},
            {"title": "Shared case file", "history": [("planned", datetime.date(2025, 1, 1))]},
        ],
    )
    action = plan.actions.get(title="One household team")

    page.goto(index.url + index.reverse_subpage("learned_from"))
    expect(page.locator("svg.learned-from-graph")).to_be_visible()
    page.locator("a.edge .edge-handle").click()
    page.wait_for_url(f"**{plan.url}#action-{action.pk}")
    expect(page.locator(f"#action-{action.pk} h3")).to_have_text("One household team")

    page.go_back()
    page.locator('a.node[data-region="bihor"] circle').click()
    page.wait_for_url(f"**{teacher.get_absolute_url()}")
    expect(page.locator("h1")).to_have_text("Bihor")
    expect(page.get_by_role("link", name="One household team")).to_be_visible()
