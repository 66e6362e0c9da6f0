import re

import pytest
from playwright.sync_api import expect

from tests.browser import browser_page  # noqa: F401
from tests.factories import make_practice, make_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_goes_from_index_to_a_practice(browser_page):  # noqa: F811
    _home, index = make_site()
    make_practice(index, title="Help at Home", summary="Hourly home care for older people.")
    browser_page.goto("/practices/")
    browser_page.get_by_role("link", name="Help at Home").click()
    # expect() retries until the new page is there; inner_text() could read the old one.
    expect(browser_page.locator("h1")).to_have_text("Help at Home")
    expect(browser_page.locator(".lead")).to_contain_text("Hourly home care")


def test_visitor_switches_the_interface_to_italian(browser_page):  # noqa: F811
    make_site()
    browser_page.goto("/search/?q=care")
    expect(browser_page.locator("h1")).to_have_text("Search good practices")
    browser_page.get_by_role("navigation", name="Language").get_by_role(
        "link", name="italiano"
    ).click()
    # Back on the same page, with the query kept, in Italian, at the Italian address; and the
    # choice sticks: the header's links stay in Italian (the language lives in the address).
    expect(browser_page.locator("h1")).to_have_text("Cerca buone pratiche")
    expect(browser_page.locator("#search-q")).to_have_value("care")
    assert "/it/search/" in browser_page.url
    browser_page.get_by_role("navigation", name="Menu principale").get_by_role(
        "link", name="Pratiche"
    ).click()
    expect(browser_page).to_have_url(re.compile(r"/it/practices/$"))
    expect(browser_page.locator("html")).to_have_attribute("lang", "it")
    expect(browser_page.get_by_role("link", name="Cerca e filtra")).to_be_visible()
