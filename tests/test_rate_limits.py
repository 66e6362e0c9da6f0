"""Rate limits (portal/ratelimit.py): past the limit a URL answers 429 with Retry-After and a
friendly message (JSON for the API); other clients are not affected."""

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings
from wagtail.models import PageViewRestriction

from practices.models import PracticeContact
from tests.factories import make_practice
from tests.factories_reviews import make_invitation, make_worksheet

pytestmark = pytest.mark.django_db

# Two an hour: django-ratelimit counts in fixed windows (each client's offset at random), so a
# test whose requests straddle a window's end starts counting afresh; with an hour's window
# that is a rare event, with a minute's it failed on a loaded machine.
TWO = {"api": "2/h", "downloads": "2/h", "contact": "2/h", "tokens": "2/h", "passwords": "2/h"}


def hit(client, method, url, ip="10.0.0.1", **extra):
    return getattr(client, method)(url, REMOTE_ADDR=ip, **extra)


def assert_limited(client, method, url, json=False, **extra):
    for _ in range(2):
        assert hit(client, method, url, **extra).status_code != 429
    response = hit(client, method, url, **extra)
    assert response.status_code == 429, url
    assert 1 <= int(response["Retry-After"]) <= 3600
    if json:
        assert response["Content-Type"] == "application/json"
        assert response.json()["retry_after"] == int(response["Retry-After"])
        assert "Too many requests" in response.json()["detail"]
    else:
        assert "Too many requests" in response.content.decode()
    # Another address is served as usual.
    assert hit(client, method, url, ip="10.0.0.2", **extra).status_code != 429


@pytest.fixture
def practice(practice_index):
    page = make_practice(practice_index, title="Neighbourhood kitchens")
    return page


@override_settings(PORTAL_RATE_LIMITS=TWO)
def test_api_downloads_and_compare_csv(client, practice):
    assert_limited(client, "get", "/api/v1/practices/", json=True)
    assert_limited(client, "get", "/practices/download/")


@override_settings(PORTAL_RATE_LIMITS=TWO)
def test_compare_counts_only_its_csv(client, practice):
    for _ in range(5):
        assert client.get(f"/practices/compare/?p={practice.pk}").status_code == 200
    assert_limited(client, "get", f"/practices/compare/?p={practice.pk}&format=csv")


@override_settings(PORTAL_RATE_LIMITS=TWO)
def test_contact_reveal_counts_posts(client, practice):
    contact = PracticeContact.objects.create(
        practice=practice,
        name="Jane",
        email="jane@example.org",
        public=True,
        consent_date=datetime.date(2024, 1, 1),
    )
    url = practice.url + f"contact/{contact.pk}/"
    for _ in range(4):
        assert client.get(url).status_code == 200
    assert_limited(client, "post", url)


@override_settings(PORTAL_RATE_LIMITS=TWO)
def test_invitation_links_and_answer_exports(client, admin_client, home):
    worksheet = make_worksheet()
    invitation = make_invitation(worksheet)
    assert_limited(client, "get", worksheet.url + f"t/{invitation.token}/")
    # One budget for every token, so guessing other tokens does not start afresh.
    assert hit(client, "get", worksheet.url + "t/guessed-token/").status_code == 429
    assert_limited(admin_client, "get", worksheet.url + "results/csv/")


@override_settings(PORTAL_RATE_LIMITS=TWO)
def test_page_password_form_and_admin_account(client, admin_client, practice):
    restriction = PageViewRestriction.objects.create(
        page=practice, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    url = f"/_util/authenticate_with_password/{restriction.pk}/{practice.pk}/"
    assert_limited(client, "post", url, data={"password": "wrong", "return_url": practice.url})
    # One budget for every password form from one address.
    assert hit(admin_client, "post", "/admin/account/", data={}).status_code == 429
    cache.clear()
    assert_limited(admin_client, "post", "/admin/account/", data={})


@override_settings(PORTAL_RATE_LIMITS={**TWO, "api": None})
def test_a_limit_set_to_none_is_off(client, practice):
    for _ in range(5):
        assert client.get("/api/v1/practices/").status_code == 200


@override_settings(PORTAL_RATE_LIMITS=TWO)
def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(client, practice):
    url = "/api/v1/practices/"
    for n in range(2):
        hit(client, "get", url, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    # Untrusted: changing the header does not make a new client.
    assert hit(client, "get", url, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    with override_settings(PORTAL_TRUSTED_PROXY_COUNT=1):
        # Behind one trusted proxy, the address it saw is the client.
        assert hit(client, "get", url, HTTP_X_FORWARDED_FOR="192.0.2.50").status_code == 200
        assert hit(client, "get", url, HTTP_X_FORWARDED_FOR="192.0.2.50").status_code == 200
        assert hit(client, "get", url, HTTP_X_FORWARDED_FOR="192.0.2.50").status_code == 429
        # A forged first entry does not help: the proxy appended the real address last.
        spoofed = "1.2.3.4, 192.0.2.50"
        assert hit(client, "get", url, HTTP_X_FORWARDED_FOR=spoofed).status_code == 429
