"""Browser journey through the events index. The test is transactional (the live server runs
in another thread), so it recreates Wagtail's root page if an earlier transactional test's
flush removed it."""

import datetime

import pytest

from tests.browser import browser_page  # noqa: F401
from tests.factories import CountryFactory, ensure_wagtail_tree, make_site
from tests.factories_events import (
    make_event_index,
    make_study_visit,
    make_workshop,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_visitor_filters_the_events_and_opens_one(browser_page):  # noqa: F811
    ensure_wagtail_tree()
    home, _practices = make_site()
    index = make_event_index(home)
    soon = datetime.date.today() + datetime.timedelta(days=20)
    make_study_visit(
        index,
        title="Study visit to Helsinki",
        start_date=soon,
        venue_country=CountryFactory(code="FI", name="Finland"),
        is_example=True,
    )
    make_workshop(index, title="Peer review in Valladolid", start_date=soon,
                  venue_country=CountryFactory(code="ES", name="Spain"))  # fmt: skip
    browser_page.goto("/events/")
    assert browser_page.get_by_role("link", name="Peer review in Valladolid").is_visible()
    browser_page.get_by_label("Kind").select_option("study-visit")
    browser_page.get_by_role("button", name="Filter").click()
    browser_page.wait_for_url("**/events/?*kind=study-visit*")
    assert browser_page.get_by_role("link", name="Peer review in Valladolid").count() == 0
    browser_page.get_by_role("link", name="Study visit to Helsinki").click()
    assert browser_page.locator("h1").inner_text() == "Study visit to Helsinki"
    assert "Example event" in browser_page.locator(".example-notice").inner_text()
