"""Every public page type at a phone's width (360 px): no horizontal scrolling of the page.

One browser session visits one page of each type, built with long words (German compounds,
the longest budget period) where a narrow column would overflow; the comparison scrolls inside its
own frame, which is allowed, the page around it is not. The search filters fold into a
"Filters" disclosure above the results, which opens with the keyboard.
"""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from portal.demo import load_legal_pages
from practices.models import BudgetPeriod
from tests.browser import browser_page  # noqa: F401
from tests.factories import (
    CooperationProjectFactory,
    CountryFactory,
    RegionFactory,
    TargetGroupFactory,
    UserFactory,
    make_practice,
    make_site,
)
from tests.factories_events import make_event_index, make_workshop
from tests.factories_policy import make_plan, make_plan_index
from tests.factories_reviews import make_worksheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
LONG = "Arbeitsmarktintegrationsförderungsprogramm"


def _world():
    home, index = make_site()
    load_legal_pages(home)
    country = CountryFactory(code="DE", name="Deutschland")
    region = RegionFactory(country=country, name=f"Regierungsbezirk {LONG}", slug="rb")
    project = CooperationProjectFactory(acronym="NEAR", slug="near", name=f"Projekt {LONG}")
    group = TargetGroupFactory(name=f"Langzeitarbeitslose {LONG}teilnehmende")
    practices = [
        make_practice(
            index,
            title=f"{LONG} {n}",
            summary=f"Ein {LONG} für Menschen in {LONG}regionen. " * 3,
            country=country,
            regions=[region],
            project=project,
            target_groups=[group],
            budgets=[
                {
                    "amount": Decimal("800000"),
                    "currency": "EUR",
                    "period": BudgetPeriod.PER_YEAR_AVERAGE,  # the longest label
                    "funding_sources": f"Europäischer Sozialfonds Plus, {LONG}",
                }
            ],
            outcomes=[{"label": f"{LONG}teilnehmende", "value": Decimal("12345678")}],
            start_year=2019,
        )
        for n in range(3)
    ]
    events = make_event_index(home)
    workshop = make_workshop(
        events,
        title=f"Peer-Review-Werkstatt {LONG}",
        start_date=datetime.date.today() + datetime.timedelta(days=20),
        project=project,
    )
    worksheet = make_worksheet(workshop)
    plan = make_plan(
        make_plan_index(home),
        project=project,
        region=region,
        actions=[{"title": f"Maßnahme {LONG}", "practices": [practices[0]]}],
        indicators=[{"name": f"{LONG}quote", "values": [(40, datetime.date(2025, 6, 1))]}],
    )
    compare = "/practices/compare/?" + "&".join(f"p={p.pk}" for p in practices)
    public = {
        "home": "/",
        "practices": "/practices/",
        "search": f"/search/?q={LONG}&country=DE",
        "practice": practices[0].url,
        "compare": compare,
        "events": events.url,
        "event": workshop.url,
        "worksheet": worksheet.url,
        "region": region.get_absolute_url(),
        "project": project.get_absolute_url(),
        "action plan": plan.url,
        "privacy": "/privacy/",
    }
    organiser = {
        "results": worksheet.url + worksheet.reverse_subpage("results"),
        "report": worksheet.url + worksheet.reverse_subpage("report"),
    }
    return public, organiser


OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => !el.closest('.compare-scroll, .visually-hidden'))
    .slice(0, 3).map((el) => el.tagName + '.' + el.className);
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def test_every_public_page_type_fits_a_phone(browser_page, live_server):  # noqa: F811
    public, organiser = _world()
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = browser_page
    page.set_viewport_size(PHONE)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    too_wide = {}
    for name, url in {**public, **organiser}.items():
        response = page.goto(url)
        assert response.status == 200, (name, url, response.status)
        measured = page.evaluate(OVERFLOW)
        if measured["scroll"] > measured["width"]:
            too_wide[name] = measured
    assert too_wide == {}

    # The comparison scrolls inside its frame, the row headings stay in view.
    page.goto(public["compare"])
    frame = page.locator(".compare-scroll")
    assert frame.evaluate("(el) => el.scrollWidth > el.clientWidth")
    frame.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    heading = page.get_by_role("rowheader", name="Summary")
    box, frame_box = heading.bounding_box(), frame.bounding_box()
    assert box["x"] >= frame_box["x"] - 1 and box["x"] < frame_box["x"] + 10

    # Search: the filters are folded above the results; the keyboard opens them; a facet
    # value is announced as a checkbox, ticked when its filter is on.
    page.goto(public["search"])
    summary = page.locator(".filters-disclosure > summary")
    expect(summary).to_be_visible()
    country = page.get_by_role("checkbox", name="Deutschland")
    expect(country).to_be_hidden()
    summary.focus()
    page.keyboard.press("Enter")
    expect(country).to_be_visible()
    expect(country).to_have_attribute("aria-checked", "true")
    results = page.locator(".search-results").bounding_box()
    assert summary.bounding_box()["y"] < results["y"]
