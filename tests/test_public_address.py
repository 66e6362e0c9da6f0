"""PORTAL_BASE_URL is the one public address: every absolute URL in what the portal writes
(CSV, API list and detail, iCalendar, Atom, invitation emails and links, Wagtail's
notification emails) starts with it, whatever Host the request came with; the Wagtail Site
takes its host and port."""

import csv
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Site

from portal.public_address import absolute_url, sync_default_site
from portal.settings.environment import address_settings
from tests.factories import CountryFactory, OrganisationFactory, make_practice
from tests.factories_events import make_event_index, make_study_visit, make_workshop
from tests.factories_reviews import make_organiser_group, make_user, make_worksheet
from tests.factories_roles import make_author, make_validator, practice_form_data

pytestmark = pytest.mark.django_db

BASES = ["https://practices.example.eu:8443", "http://portal.example.org:8080"]
# What a request arrives with behind a proxy that does not pass the public Host on.
PROXY_HOST = {"HTTP_HOST": "10.0.0.7:8000"}
URL = re.compile(r"https?://[^\s\"'<>\\]+")
XML_NAMESPACES = ("http://www.w3.org/",)


@pytest.fixture(params=BASES)
def base(request, settings):
    for name, value in address_settings(request.param).items():
        if name in {"PORTAL_BASE_URL", "WAGTAILADMIN_BASE_URL"}:
            setattr(settings, name, value)
    return request.param


def urls_in(text):
    """Every absolute URL in ``text`` (iCalendar folds long lines; unfold them first)."""
    text = text.replace("\r\n ", "").replace("\\n", "\n").replace("\\,", ",")
    return [u for u in URL.findall(text) if not u.startswith(XML_NAMESPACES)]


def assert_all_start_with(base, urls, *expected):
    assert urls, "no absolute URL found at all"
    assert [u for u in urls if not u.startswith(base + "/")] == []
    for url in expected:
        assert url in urls


def test_csv_web_address(client, base, practice_index):
    practice = make_practice(practice_index, title="Help at Home")
    response = client.get(
        reverse("practices:compare"), {"p": [practice.pk], "format": "csv"}, **PROXY_HOST
    )
    text = response.getvalue().decode("utf-8-sig")  # the download is streamed
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["Web address"] == f"{base}/practices/help-at-home/"
    assert_all_start_with(base, urls_in(text))


def test_api_list_pagination_and_detail(client, base, practice_index):
    first = make_practice(practice_index, title="Help at Home")
    make_practice(practice_index, title="Social caretakers")
    listing = client.get("/api/v1/practices/", {"per_page": 1, "page": 1}, **PROXY_HOST)
    data = listing.json()
    assert data["next"] == f"{base}/api/v1/practices/?per_page=1&page=2"
    assert_all_start_with(base, urls_in(listing.content.decode()), data["next"])
    second_page = client.get(data["next"].removeprefix(base), **PROXY_HOST).json()
    assert second_page["previous"] == f"{base}/api/v1/practices/?per_page=1"

    detail = client.get(f"/api/v1/practices/{first.pk}/", **PROXY_HOST)
    assert detail.json()["url"] == f"{base}/practices/help-at-home/"
    assert_all_start_with(
        base,
        urls_in(detail.content.decode()),
        f"{base}/practices/help-at-home/",
        f"{base}/api/v1/practices/{first.pk}/",
    )


def test_icalendar_and_atom_feed(client, base, home):
    index = make_event_index(home)
    visit = make_study_visit(index, title="Study visit to Murcia")
    expected = f"{base}/events/{visit.slug}/"

    for path in ("/events/ics/", f"/events/{visit.slug}/ics/"):
        calendar = client.get(path, **PROXY_HOST).content.decode()
        assert_all_start_with(base, urls_in(calendar), expected)
        # The event's UID names the public host, not the one the request came through.
        assert f"@{base.split('://')[1].split(':')[0]}" in calendar

    feed = client.get("/events/feed/", **PROXY_HOST).content.decode()
    assert_all_start_with(base, urls_in(feed), expected, f"{base}/events/", f"{base}/events/feed/")


def test_invitation_email_and_participants_page_links(client, base, home):
    workshop = make_workshop(make_event_index(home), title="Peer review in Valladolid")
    organiser = make_user(make_organiser_group(workshop), username="organiser")
    worksheet = make_worksheet(workshop, organisers=[organiser], slug="worksheet")
    client.force_login(organiser)
    participants = worksheet.url + "participants/"
    response = client.post(
        participants,
        {"action": "invite", "name": "Aino", "email": "aino@example.org"},
        **PROXY_HOST,
    )
    assert response.status_code == 302
    (email,) = mail.outbox
    links = urls_in(email.body)
    assert_all_start_with(base, links)
    assert any(link.startswith(f"{base}/events/{workshop.slug}/worksheet/t/") for link in links)

    page = client.get(participants, **PROXY_HOST).content.decode()
    personal = [u for u in urls_in(page) if "/t/" in u]
    assert personal and set(personal) <= set(links) | {u.rstrip("/") for u in links}


def test_wagtail_notification_email_links(client, base, practice_index):
    country = CountryFactory(name="Spain", code="ES")
    organisation = OrganisationFactory(name="Social Services", country=country)
    author = make_author(organisation, username="ana", email="ana@example.org")
    make_validator(username="val", email="val@example.org")
    client.force_login(author)
    add_url = reverse(
        "wagtailadmin_pages:add", args=("practices", "practicepage", practice_index.pk)
    )
    response = client.post(
        add_url,
        practice_form_data(
            country=country.pk, lead_organisation=organisation.pk, **{"action-submit": "Submit"}
        ),
        **PROXY_HOST,
    )
    assert response.status_code == 302
    (notice,) = [m for m in mail.outbox if "val@example.org" in m.to]
    bodies = [notice.body] + [body for body, _type in getattr(notice, "alternatives", [])]
    assert_all_start_with(base, urls_in("\n".join(bodies)))
    assert f"{base}/admin/" in "\n".join(bodies)


def test_absolute_url_takes_paths_only(settings):
    settings.PORTAL_BASE_URL = "https://practices.example.eu"
    assert absolute_url("/api/v1/") == "https://practices.example.eu/api/v1/"
    with pytest.raises(ValueError):
        absolute_url("http://elsewhere.example.com/")


@pytest.mark.parametrize(
    ("base", "hostname", "port"),
    [
        ("https://practices.example.eu", "practices.example.eu", 443),
        ("http://portal.example.org", "portal.example.org", 80),
        ("https://practices.example.eu:8443/", "practices.example.eu", 8443),
    ],
)
def test_the_default_site_takes_the_public_host_and_port(settings, home, base, hostname, port):
    settings.PORTAL_BASE_URL = address_settings(base)["PORTAL_BASE_URL"]
    call_command("migrate", verbosity=0)  # what `make serve` runs on every start
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_page_id) == (hostname, port, home.pk)
    assert not sync_default_site()  # idempotent: nothing left to change
