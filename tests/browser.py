"""Playwright in Debian's Chromium for the key journeys.

Import the ``browser_page`` fixture from here in a test module (``from tests.browser import
browser_page  # noqa: F401``) and mark the tests ``@pytest.mark.browser``. Without Chromium the
tests skip with the reason, except under CI=true where a missing browser is a failure.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_missing_reason():
    if not os.path.exists(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture
def browser_page(live_server):
    reason = _chromium_missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # An earlier transactional test flushed what Wagtail's migrations created.
    from tests.factories import ensure_wagtail_tree

    ensure_wagtail_tree()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # Inside sync_playwright() the ORM runs in another context and so opens its own
            # database connection; left open, it keeps PostgreSQL from dropping the test
            # database at the end of the run.
            from django.db import connections

            connections.close_all()


AXE_JS = os.path.join(os.path.dirname(__file__), "vendor", "axe-core-4.10.3.min.js")


def axe_violations(page, context=None):
    """axe-core's violations on the page now (WCAG 2.1 A/AA and best practices), as
    ["rule: target, …"] lines so a failure says what to fix."""
    # evaluate(), not add_script_tag(): the portal's Content-Security-Policy refuses inline
    # scripts, and scripts run through the DevTools protocol are not subject to it.
    with open(AXE_JS, encoding="utf-8") as source:
        page.evaluate(source.read())
    result = page.evaluate(
        "async (context) => await axe.run(context || document, {resultTypes: ['violations']})",
        context,
    )
    return [
        f"{v['id']} ({v['impact']}): " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]
