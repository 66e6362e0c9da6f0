"""The privacy notice, accessibility statement and legal notice: demo content at their
addresses, the standard wording in the visitor's language, linked from every page's footer
without a query per request."""

import re

import polib
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from portal.demo import DemoDataError, load_legal_pages
from portal.legal import CACHE_KEY
from portal.models import (
    AccessibilityStatementPage,
    HomePage,
    LegalNoticePage,
    PrivacyNoticePage,
)
from tests.factories import make_practice
from tests.factories_events import make_event_index

pytestmark = pytest.mark.django_db

ADDRESSES = ["/privacy/", "/accessibility/", "/legal-notice/"]
# The footer's lookup names the page types (as parameters: the executed SQL shows them).
LEGAL_TABLES = ("privacynoticepage", "accessibilitystatementpage")


@pytest.fixture
def legal(home):
    load_legal_pages(home)
    return {
        "privacy": PrivacyNoticePage.objects.get(),
        "accessibility": AccessibilityStatementPage.objects.get(),
        "legal": LegalNoticePage.objects.get(),
    }


def footer(html):
    return html[html.index('<footer class="site-footer">') :]


def footer_links(client, path):
    html = footer(client.get(path).content.decode())
    return re.findall(r'<nav aria-label="Legal information".*?</nav>', html, re.S)


def test_demo_pages_at_their_addresses_with_the_model_forms_sections(client, legal):
    expected = {
        "/privacy/": [
            "Privacy notice",
            "Who is responsible",
            "What we keep and why",
            "Contact persons of good practices",
            "Participants in peer reviews",
            "User accounts",
            "Server logs and cookies",
            "How long we keep it",
            "Your rights",
            "Social Services of Castilla y León",
            "privacy@practices.example.eu",
            "Agencia Española de Protección de Datos",
        ],
        "/accessibility/": [
            "Accessibility statement",
            "is committed to making its website accessible, in accordance with Royal Decree "
            "1112/2018",
            "Compliance status",
            "This website is partially compliant with EN 301 549 V3.2.1",
            "Non-accessible content",
            "Disproportionate burden",
            "Preparation of this accessibility statement",
            "The method used to prepare it is a self-assessment.",
            "Feedback and contact information",
            "You will receive an answer within 20 days.",
            "Enforcement procedure",
        ],
        "/legal-notice/": [
            "Legal notice",
            "This portal is published by Social Services of Castilla y León.",
            "Liability",
            "Copyright and reuse",
            "Creative Commons Attribution 4.0 International (CC BY 4.0)",
            "co-funded by the European Union",
        ],
    }
    for path, texts in expected.items():
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode().replace("&#x27;", "'")
        for text in texts:
            assert text in html, (path, text)
    # Loading again creates nothing and keeps what an editor changed.
    legal["privacy"].organisation_name = "Edited"
    legal["privacy"].save_revision().publish()
    assert load_legal_pages(legal["privacy"].get_parent()) == (
        "Legal pages: 0 created, 3 already there"
    )
    assert PrivacyNoticePage.objects.get().organisation_name == "Edited"


def test_retention_text_uses_the_setting(client, legal, settings):
    settings.PORTAL_PERSONAL_DATA_RETENTION_MONTHS = 7
    html = client.get("/privacy/").content.decode()
    assert "deleted 7 months after the deadline of the event's last worksheet" in html.replace(
        "&#x27;", "'"
    )
    settings.PORTAL_PERSONAL_DATA_RETENTION_MONTHS = 1
    html = client.get("/privacy/").content.decode()
    assert "deleted 1 month after the deadline" in html


def test_accessibility_status_follows_the_field(client, legal):
    page = legal["accessibility"]
    page.compliance_status = "full"
    page.non_accessible_content = ""
    page.save_revision().publish()
    html = client.get("/accessibility/").content.decode()
    assert "This website is fully compliant with EN 301 549" in html
    assert "Non-accessible content" not in html
    page.compliance_status = "none"
    page.save_revision().publish()
    assert "This website is not compliant with" in client.get("/accessibility/").content.decode()


@pytest.fixture
def italian(tmp_path, settings):
    """An Italian catalogue with the privacy notice's first paragraph and the footer labels,
    placed before the portal's own: what a translator adds to locale/it."""
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for msgid, msgstr in {
        "Privacy notice": "Informativa sulla privacy",
        "Accessibility statement": "Dichiarazione di accessibilità",
        "Legal notice": "Note legali",
        "This notice explains which personal data this portal keeps, why, on what legal basis "
        "and for how long, and which rights you have. It is given under Articles 13 and 14 of "
        'the General Data Protection Regulation (Regulation (EU) 2016/679, "GDPR").': (
            "Questa informativa spiega quali dati personali conserva il portale."
        ),
        "%(organisation)s is responsible for this portal and for the personal data it "
        "processes (the controller). For any question about your data, write to:": (
            "%(organisation)s è il titolare del trattamento. Scrivete a:"
        ),
    }.items():
        catalogue.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    folder = tmp_path / "it" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalogue.save_as_mofile(str(folder / "django.mo"))
    settings.LOCALE_PATHS = [str(tmp_path), *django_settings.LOCALE_PATHS]


def test_standard_wording_comes_from_the_catalogues(client, legal, italian):
    html = client.get("/it/privacy/").content.decode()
    assert "Questa informativa spiega quali dati personali conserva il portale." in html
    assert "Social Services of Castilla y León è il titolare del trattamento." in html
    assert "This notice explains" not in html
    assert '<a href="/privacy/">Informativa sulla privacy</a>' in footer(html)
    assert '<a href="/legal-notice/">Note legali</a>' in footer(html)


def test_every_page_type_links_the_legal_pages(client, legal, home):
    practice = make_practice(title="Help at Home")
    make_event_index(home)
    pages = [
        "/",
        "/practices/",
        practice.url,
        "/events/",
        "/search/?q=home",
        "/regions/",
        "/projects/",
        *ADDRESSES,
    ]
    for path in pages:
        links = footer_links(client, path)
        assert links, path
        for address in ADDRESSES:
            assert f'href="{address}"' in links[0], (path, address)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'href="/privacy/"' in footer(response.content.decode())


def test_footer_costs_no_query_once_cached(client, legal):
    with CaptureQueriesContext(connection) as cold:
        client.get("/")
    lookups = [q for q in cold.captured_queries if any(t in q["sql"] for t in LEGAL_TABLES)]
    assert len(lookups) == 1  # one query finds all three pages
    with CaptureQueriesContext(connection) as warm:
        response = client.get("/")
    assert 'href="/privacy/"' in footer(response.content.decode())
    assert not any(t in q["sql"] for q in warm.captured_queries for t in LEGAL_TABLES)


def test_footer_follows_publishing_moving_restricting_and_deleting(client, legal, home):
    privacy = legal["privacy"]
    assert 'href="/privacy/"' in footer_links(client, "/")[0]
    privacy.unpublish()
    assert 'href="/privacy/"' not in footer_links(client, "/")[0]
    privacy.save_revision().publish()
    assert 'href="/privacy/"' in footer_links(client, "/")[0]

    restriction = PageViewRestriction.objects.create(
        page=privacy, restriction_type=PageViewRestriction.LOGIN
    )
    assert 'href="/privacy/"' not in footer_links(client, "/")[0]
    restriction.delete()
    assert 'href="/privacy/"' in footer_links(client, "/")[0]
    # A restriction on an ancestor (the home page) hides every legal page under it.
    assert "/privacy/" in "".join(footer_links(client, "/search/"))
    restriction = PageViewRestriction.objects.create(
        page=home, restriction_type=PageViewRestriction.LOGIN
    )
    assert "privacy" not in "".join(footer_links(client, "/search/"))
    restriction.delete()
    assert 'href="/privacy/"' in footer_links(client, "/")[0]

    legal["legal"].slug = "imprint"
    legal["legal"].save_revision().publish()
    assert 'href="/imprint/"' in footer_links(client, "/")[0]

    legal["accessibility"].delete()
    links = footer_links(client, "/")[0]
    assert "/accessibility/" not in links and 'href="/privacy/"' in links


def test_no_legal_pages_no_footer_list(client, home):
    assert footer_links(client, "/") == []


def test_one_of_each_under_the_home_page(legal, home):
    for model in (PrivacyNoticePage, AccessibilityStatementPage, LegalNoticePage):
        assert model.allowed_parent_page_models() == [HomePage]
        assert not model.can_create_at(home)  # one exists already
        assert model.allowed_subpage_models() == []


def test_admin_edits_a_legal_page(admin_client, legal):
    page = legal["accessibility"]
    response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for field in (
        "organisation_name",
        "compliance_status",
        "non_accessible_content",
        "prepared_on",
    ):
        assert f'name="{field}"' in html


def test_demo_file_errors_name_the_file_and_the_field(home, tmp_path, monkeypatch):
    import portal.demo

    (tmp_path / "pages").mkdir()
    monkeypatch.setattr(portal.demo, "FIXTURES_DIR", tmp_path)
    legal_file = tmp_path / "pages" / "legal.yaml"
    legal_file.write_text("privacy:\n  title: Privacy\n  slug: privacy\n  colour: red\n")
    with pytest.raises(DemoDataError, match=r"legal.yaml: privacy: unknown field 'colour'"):
        load_legal_pages(home)
    legal_file.write_text("privacy:\n  title: Privacy\n  slug: privacy\n")
    with pytest.raises(DemoDataError, match=r"legal.yaml: privacy: .*contact_email"):
        load_legal_pages(home)
    legal_file.write_text("imprint:\n  title: Imprint\n")
    with pytest.raises(DemoDataError, match=r"unknown page 'imprint'"):
        load_legal_pages(home)
    assert not PrivacyNoticePage.objects.exists()


def test_cache_key_is_forgotten_on_publish(legal):
    from django.core.cache import cache

    from portal.legal import legal_links

    legal_links()
    assert cache.get(CACHE_KEY) is not None
    legal["privacy"].save_revision().publish()
    assert cache.get(CACHE_KEY) is None
