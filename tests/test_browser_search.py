import pytest

from tests.browser import browser_page  # noqa: F401
from tests.factories_search import make_search_corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ensure_page_tree_root():
    """Another transactional test may have flushed the locale and root page the migrations
    create; put them back."""
    from django.conf import settings
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))


def test_visitor_searches_picks_a_facet_and_removes_it(browser_page):  # noqa: F811
    ensure_page_tree_root()
    make_search_corpus()
    browser_page.goto("/")
    browser_page.locator("#header-q").fill("older people")
    browser_page.locator(".header-search button").click()
    hits = browser_page.locator(".search-hit h3")
    assert sorted(hits.all_inner_texts()) == ["Help at Home", "Social caretakers in public housing"]
    browser_page.locator('[data-facet="country"]').get_by_role("link", name="Italy").click()
    assert hits.all_inner_texts() == ["Social caretakers in public housing"]
    assert "country=IT" in browser_page.url
    # Spain is still offered with its count under the other facets' selection.
    assert "Bulgaria (1)" in browser_page.locator('[data-facet="country"]').inner_text()
    browser_page.get_by_role("link", name="Country: Italy").click()
    assert len(hits.all_inner_texts()) == 2
    browser_page.get_by_role("link", name="Help at Home").click()
    assert browser_page.locator("h1").inner_text() == "Help at Home"
