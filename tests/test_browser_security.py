"""The Content-Security-Policy in Chromium: the key public pages, the admin dashboard and the
page editors load with no policy violation, every request goes to the portal's own host, and
the report's print button prints once."""

import datetime
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from practices.models import PracticeContact
from tests.browser import browser_page  # noqa: F401
from tests.factories import CooperationProjectFactory, RegionFactory, UserFactory, make_practice
from tests.factories_events import make_event_index, make_study_visit, make_workshop
from tests.factories_reviews import answer, make_invitation, make_worksheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in every page before its own scripts (Playwright injects it outside the page's CSP):
# records each violation the browser reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
      ` at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class Watch:
    """Every CSP violation (event or console message) and every request of a browser page."""

    def __init__(self, page):
        self.page = page
        self.console = []
        self.requests = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)
        page.on("request", lambda request: self.requests.append(request.url))

    def _on_console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url):
        response = self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        self.check(url)
        return response

    def check(self, where):
        violations = self.console + self.page.evaluate("window.__cspViolations || []")
        assert violations == [], f"{where}: {violations}"

    def foreign_requests(self, host):
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(url).netloc != host
        ]


@pytest.fixture
def content():
    region = RegionFactory()
    project = CooperationProjectFactory()
    practice = make_practice(
        title="Neighbourhood kitchens", country=region.country, regions=[region], project=project
    )
    contact = PracticeContact.objects.create(
        practice=practice,
        name="Jane Doe",
        email="jane@example.org",
        public=True,
        consent_date=datetime.date(2024, 1, 1),
    )
    events = make_event_index()
    visit = make_study_visit(events, title="Study visit to Valladolid", practices=[practice])
    worksheet = make_worksheet(make_workshop(events))
    invitation = make_invitation(worksheet, name="Ana")
    return {
        "practice": practice,
        "contact": contact,
        "region": region,
        "project": project,
        "visit": visit,
        "worksheet": worksheet,
        "invitation": invitation,
    }


def log_in_as_superuser(page):
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    page.goto("/admin/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")


def test_public_pages_have_no_csp_violation_and_no_third_party_request(
    browser_page,  # noqa: F811
    live_server,
    content,
):
    page = browser_page
    watch = Watch(page)
    practice = content["practice"]
    urls = [
        "/",
        "/practices/",
        practice.url,
        f"/practices/compare/?p={practice.pk}",
        "/search/?q=kitchens",
        "/events/",
        content["visit"].url,
        content["worksheet"].url + f"t/{content['invitation'].token}/",
        content["region"].get_absolute_url(),
        content["project"].get_absolute_url(),
        "/regions/",
        "/projects/",
        "/no-such-page/",
    ]
    for url in urls:
        watch.visit(url)
    # The contact reveal is a form post.
    watch.visit(practice.url + f"contact/{content['contact'].pk}/")
    page.get_by_role("button", name="Show the email address").click()
    page.wait_for_load_state("networkidle")
    watch.check("contact reveal")
    expect(page.get_by_text("jane@example.org")).to_be_visible()
    assert watch.foreign_requests(urlsplit(live_server.url).netloc) == []


def test_admin_dashboard_and_page_editors_work_under_the_policy(
    browser_page,  # noqa: F811
    live_server,
    content,
):
    page = browser_page
    watch = Watch(page)
    log_in_as_superuser(page)
    watch.check("login")
    watch.visit("/admin/")
    # The practice editor: its inline panels still add rows, and a new row's document
    # chooser (started from data, not an inline script) opens its modal.
    watch.visit(f"/admin/pages/{content['practice'].pk}/edit/")
    page.get_by_role("tab", name="Budget, outcomes and contacts").click()
    page.locator("#id_budgets-ADD").click()
    expect(page.locator("#id_budgets-TOTAL_FORMS")).to_have_value("1")
    expect(page.locator("#id_budgets-0-amount")).to_be_visible()
    page.locator("#id_documents-ADD").click()
    page.locator("#inline_child_documents-0").get_by_role(
        "button", name="Choose a document"
    ).click()
    expect(page.locator(".modal")).to_be_visible()
    watch.check("adding rows and opening a chooser")
    page.keyboard.press("Escape")
    # The event editor: a new agenda row's date picker opens.
    watch.visit(f"/admin/pages/{content['visit'].pk}/edit/")
    # The preview panel frames the page from the admin itself.
    page.get_by_role("button", name="Toggle preview").click()
    page.frame_locator("#w-preview-iframe").get_by_role(
        "heading", name="Study visit to Valladolid"
    ).wait_for()
    watch.check("preview")
    page.get_by_role("tab", name="Agenda").click()
    page.locator("#id_agenda_sessions-ADD").click()
    page.locator("#id_agenda_sessions-0-date").click()
    expect(page.locator(".xdsoft_datetimepicker:visible").first).to_be_visible()
    watch.check("adding an agenda row and opening its date picker")
    # Snippets, images, documents, users.
    for url in ("/admin/snippets/", "/admin/images/", "/admin/documents/", "/admin/users/"):
        watch.visit(url)
    assert watch.foreign_requests(urlsplit(live_server.url).netloc) == []


def test_report_print_button_prints_once(browser_page, live_server, content):  # noqa: F811
    page = browser_page
    worksheet = content["worksheet"]
    answer(worksheet, content["invitation"], {})
    watch = Watch(page)
    page.add_init_script("window.__prints = 0; window.print = () => { window.__prints += 1; };")
    log_in_as_superuser(page)
    watch.visit(worksheet.url + "report/")
    page.get_by_role("button", name="Print").click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__prints") == 1
