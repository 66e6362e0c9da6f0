import re

import pytest
from playwright.sync_api import expect

from tests.browser import browser_page  # noqa: F401
from tests.factories_search import make_search_corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_searches_picks_a_facet_and_removes_it(browser_page):  # noqa: F811
    make_search_corpus()
    browser_page.goto("/")
    browser_page.locator("#header-q").fill("older people")
    browser_page.locator(".header-search button").click()
    # The practices holding both words (others, holding one, follow under their own heading).
    hits = browser_page.locator('.search-hit[data-match="all"] h3')
    expect(browser_page.locator("#partial-results")).to_be_visible()
    # Relevance decides the order; the test only cares which two are found.
    expect(hits).to_have_count(2)
    assert sorted(hits.all_inner_texts()) == ["Help at Home", "Social caretakers in public housing"]
    # A facet value is a link announced as a checkbox.
    browser_page.locator('[data-facet="country"]').get_by_role("checkbox", name="Italy").click()
    expect(browser_page).to_have_url(re.compile(r"country=IT"))
    expect(hits).to_have_text(["Social caretakers in public housing"])
    # Bulgaria is still offered with its count under the other facets' selection.
    expect(browser_page.locator('[data-facet="country"]')).to_contain_text("Bulgaria (1)")
    browser_page.get_by_role("link", name="Country: Italy").click()
    expect(browser_page).not_to_have_url(re.compile(r"country=IT"))
    expect(hits).to_have_count(2)
    browser_page.get_by_role("link", name="Help at Home").click()
    expect(browser_page.locator("h1")).to_have_text("Help at Home")


def test_visitor_ticks_two_results_and_compares_them(browser_page):  # noqa: F811
    make_search_corpus()
    page = browser_page
    page.goto("/search/?q=older+people&sort=budget")
    expect(page.locator('.search-hit[data-match="all"] h3')).to_have_count(2)
    page.get_by_label("Compare Social caretakers in public housing").check()
    page.get_by_label("Compare Help at Home").check()
    page.get_by_role("button", name="Compare selected").click()
    expect(page).to_have_url(re.compile(r"/practices/compare/\?p=\d+&p=\d+$"))
    # The columns come in the order of the results (largest budget first).
    columns = page.locator(".compare-table thead th")
    expect(columns).to_have_text(
        [re.compile(r"^\s*Help at Home"), re.compile(r"^\s*Social caretakers in public housing")]
    )
    expect(page.locator(".compare-table")).to_contain_text("Comune di Milano")
    columns.nth(0).get_by_role("link", name="Remove").click()
    expect(columns).to_have_count(1)
    expect(columns).to_contain_text("Social caretakers in public housing")
