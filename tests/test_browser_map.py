import re

import pytest
from playwright.sync_api import expect

from tests.browser import browser_page  # noqa: F401
from tests.factories_search import make_search_corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_clicks_a_country_on_the_map_and_lands_on_its_results(browser_page):  # noqa: F811
    make_search_corpus()
    page = browser_page
    page.goto("/practices/")
    italy = page.get_by_role("link", name="Italy: 2 practices")
    expect(italy).to_be_visible()
    italy.click()
    expect(page).to_have_url(re.compile(r"/search/\?type=practice&country=IT$"))
    expect(page.locator(".search-results")).to_contain_text("2 results")
    hits = page.locator(".search-hit h3")
    expect(hits).to_have_count(2)
    assert sorted(hits.all_inner_texts()) == [
        "Food bank network",
        "Social caretakers in public housing",
    ]
