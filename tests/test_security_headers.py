"""Security headers on every public page type and on the admin, and no third-party resource
in any page (docs/security.md)."""

import datetime
import re
from urllib.parse import urlsplit

import pytest

from portal.models import StandardPage
from practices.models import PracticeContact
from tests.factories import CooperationProjectFactory, RegionFactory, make_practice
from tests.factories_events import make_event_index, make_study_visit, make_workshop
from tests.factories_reviews import make_invitation, make_worksheet

pytestmark = pytest.mark.django_db


def directives(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.fixture
def urls(home):
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
    visit = make_study_visit(events, practices=[practice])
    worksheet = make_worksheet(make_workshop(events))
    invitation = make_invitation(worksheet)
    about = home.add_child(instance=StandardPage(title="About", slug="about", body="Hello"))
    return {
        "home": "/",
        "practices index": "/practices/",
        "practice": practice.url,
        "practice markdown": practice.url + "markdown/",
        "contact": practice.url + f"contact/{contact.pk}/",
        "compare": f"/practices/compare/?p={practice.pk}",
        "compare CSV": f"/practices/compare/?p={practice.pk}&format=csv",
        "download CSV": "/practices/download/",
        "search": "/search/?q=kitchens",
        "events index": "/events/",
        "event": visit.url,
        "event iCalendar": visit.url + "ics/",
        "events feed": "/events/feed/",
        "worksheet": worksheet.url,
        "invitation link": worksheet.url + f"t/{invitation.token}/",
        "region list": "/regions/",
        "region": region.get_absolute_url(),
        "project list": "/projects/",
        "project": project.get_absolute_url(),
        "standard page": about.url,
        "validation criteria": "/validation-criteria/",
        "API list": "/api/v1/practices/",
        "API detail": f"/api/v1/practices/{practice.pk}/",
        "API 404": "/api/v1/nothing/",
        "404": "/no-such-page/",
    }


def assert_security_headers(response, where, framing="'none'"):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"], where
    assert policy["script-src"] == ["'self'"], where  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == ["'self'"], where
    assert policy["object-src"] == ["'none'"], where
    assert policy["frame-ancestors"] == [framing], where
    for sources in policy.values():
        assert not any(s.startswith(("http:", "https:", "*")) for s in sources), where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions, where


def test_every_public_page_type_sends_the_security_headers(client, urls):
    for where, url in urls.items():
        response = client.get(url)
        assert response.status_code in (200, 404), (where, response.status_code)
        assert_security_headers(response, where)
        assert response["X-Frame-Options"] == "DENY", where


def test_admin_login_and_dashboard_send_the_security_headers(client, admin_client):
    assert_security_headers(client.get("/admin/login/"), "login", framing="'self'")
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert_security_headers(response, "dashboard", framing="'self'")


def test_the_page_preview_may_be_framed_by_the_admin_only(admin_client, urls):
    from wagtail.models import Page

    practice = Page.objects.get(url_path__endswith="/neighbourhood-kitchens/")
    preview = admin_client.get(f"/admin/pages/{practice.pk}/edit/preview/?in_preview_panel=1")
    assert preview.status_code == 200
    assert directives(preview)["frame-ancestors"] == ["'self'"]
    # The same page served to the public refuses every frame.
    assert directives(admin_client.get(practice.url))["frame-ancestors"] == ["'none'"]


RESOURCE = re.compile(
    r"<(script|link|img|iframe|source|video|audio)\b[^>]*?\b(src|href|srcset)=\"([^\"]+)\"", re.I
)
# Links a browser does not load: the other language versions of a page (absolute addresses
# on the portal's public host, docs/languages.md).
# Links that name an address rather than load it: the language versions and the canonical
# address (absolute, from PORTAL_BASE_URL).
ALTERNATE = re.compile(r'<link rel="(?:alternate" hreflang="[\w-]+|canonical)" href="[^"]*">')


def foreign_resources(html, host="testserver"):
    """src/href of scripts, styles, images, frames that point to another host."""
    found = []
    for tag, _attr, url in RESOURCE.findall(ALTERNATE.sub("", html)):
        parts = urlsplit(url.split()[0])
        if parts.netloc and parts.netloc != host:
            found.append((tag, url))
    return found


def test_no_page_loads_anything_from_another_host(client, admin_client, urls):
    pages = {where: client.get(url) for where, url in urls.items()}
    pages["admin login"] = client.get("/admin/login/")
    pages["admin dashboard"] = admin_client.get("/admin/")
    pages["admin account"] = admin_client.get("/admin/account/")
    pages["admin users"] = admin_client.get("/admin/users/")
    from wagtail.models import Page

    practice = Page.objects.get(url_path__endswith="/neighbourhood-kitchens/")
    pages["admin page editor"] = admin_client.get(f"/admin/pages/{practice.pk}/edit/")
    for where, response in pages.items():
        if response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            assert foreign_resources(html) == [], where
            assert "gravatar" not in html.lower(), where


def test_the_resource_check_sees_a_foreign_script():
    html = '<script src="https://cdn.example.com/x.js"></script><img src="/media/a.png">'
    assert foreign_resources(html) == [("script", "https://cdn.example.com/x.js")]
    assert foreign_resources('<link rel="stylesheet" href="//fonts.example.com/f.css">') == [
        ("link", "//fonts.example.com/f.css")
    ]


def test_no_inline_handler_or_inline_script_in_the_portal_templates():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    inline_script = re.compile(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", re.I)
    offenders = []
    for path in root.glob("*/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text()
        # (report_pdf.html's <style> block is read by the PDF renderer, never by a browser.)
        if handler.search(text) or inline_script.search(text) or 'style="' in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
