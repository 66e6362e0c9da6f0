"""Public pages set no cookies and tell proxies they may cache them; the portal keeps them in
its own page cache and every change that can alter one makes the next response fresh;
personal pages and logged-in visitors are never cached (portal/cache.py)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from wagtail.models import PageViewRestriction

from portal.cache import PageCacheMiddleware
from tests.factories import RegionFactory, make_practice, make_site
from tests.factories_events import make_event_index, make_study_visit
from tests.factories_reviews import make_invitation, make_worksheet

pytestmark = pytest.mark.django_db

CSRF_FIELD = "csrfmiddlewaretoken"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PORTAL_PAGE_CACHE_TIMEOUT = 600


@pytest.fixture
def content():
    home, index = make_site()
    region = RegionFactory(name="Castilla y León")
    practice = make_practice(
        index,
        title="Help at Home",
        summary="Hourly home care.",
        country=region.country,
        regions=[region],
    )
    event = make_study_visit(make_event_index(home), title="Visit to Valladolid")
    return {"home": home, "index": index, "practice": practice, "event": event, "region": region}


def public_urls(content):
    return {
        "home": "/",
        "practice index": "/practices/",
        "practice": content["practice"].url,
        "practice markdown": content["practice"].url + "markdown/",
        "event index": "/events/",
        "event": content["event"].url,
        "search with facets": "/search/?q=home&status=ongoing&country=ES",
        "API list": "/api/v1/practices/",
        "regions": "/regions/",
        "region": content["region"].get_absolute_url(),
        "projects": "/projects/",
        "validation criteria": "/validation-criteria/",
    }


def assert_public(response, url=""):
    assert response.status_code == 200
    assert not response.cookies, response.cookies
    assert "Set-Cookie" not in str(response.serialize_headers())
    # The API keeps its own, shorter lifetime (portal/api_urls.py, docs/api.md).
    expected = "public, max-age=60" if url.startswith("/api/") else "public, max-age=300"
    assert response["Cache-Control"] == expected, url
    vary = {v.strip() for v in response["Vary"].split(",")}
    assert "Cookie" in vary
    assert CSRF_FIELD not in response.content.decode()


def assert_private(response):
    cache_control = {v.strip() for v in response["Cache-Control"].split(",")}
    assert "private" in cache_control
    assert "no-store" in cache_control or "no-cache" in cache_control
    assert response.get("X-Portal-Cache") != "hit"


def test_every_public_page_type_sets_no_cookie_and_may_be_cached(client, content):
    for name, url in public_urls(content).items():
        first = client.get(url)
        assert_public(first, url)
        assert first["X-Portal-Cache"] == "miss", name
        again = client.get(url)
        assert_public(again, url)
        assert again["X-Portal-Cache"] == "hit", name
        assert again.content == first.content, name
    assert not client.cookies


def test_a_cached_page_is_served_without_the_view_or_a_query(
    client, content, django_assert_num_queries
):
    for url in public_urls(content).values():
        client.get(url)
        with django_assert_num_queries(0):
            response = client.get(url)
        assert response["X-Portal-Cache"] == "hit"


def test_query_string_and_language_are_part_of_the_key(client, content):
    english = client.get("/search/?q=home")
    other_query = client.get("/search/?q=care")
    assert other_query["X-Portal-Cache"] == "miss"
    italian = client.get("/it/search/?q=home")
    assert italian["X-Portal-Cache"] == "miss"
    assert '<html lang="it">' in italian.content.decode()
    assert '<html lang="en">' in english.content.decode()
    again = client.get("/it/search/?q=home")
    assert again["X-Portal-Cache"] == "hit" and again.content == italian.content
    # The address decides, not the browser's language nor a cookie: one key per address.
    client.cookies["django_language"] = "es"
    same = client.get("/it/search/?q=home", HTTP_ACCEPT_LANGUAGE="es")
    assert same["X-Portal-Cache"] == "hit" and same.content == italian.content
    unprefixed = client.get("/search/?q=home", HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="en">' in unprefixed.content.decode()


# -- personal pages and logged-in visitors ----------------------------------------------------


def test_logged_in_visitors_are_never_served_or_stored(client, admin_client, content):
    url = content["practice"].url
    cached = client.get(url)
    assert cached["X-Portal-Cache"] == "miss"
    for _ in range(2):
        mine = admin_client.get(url)
        assert mine.status_code == 200
        assert_private(mine)
        assert "X-Portal-Cache" not in mine
    # ... and what they saw was not stored for anyone: the admin's page next.
    admin_page = admin_client.get("/admin/")
    assert_private(admin_page)
    assert client.get("/admin/").get("X-Portal-Cache") is None


def test_a_session_or_pending_message_cookie_bypasses_the_cache(content):
    url = content["practice"].url
    Client().get(url)
    for cookie in ("sessionid", "messages"):
        visitor = Client()
        visitor.cookies[cookie] = "anything"
        response = visitor.get(url)
        assert "X-Portal-Cache" not in response
        assert_private(response)


def test_pages_with_forms_are_private_and_never_stored(content):
    from practices.models import PracticeContact

    contact = PracticeContact.objects.create(
        practice=content["practice"], name="Jane Doe", email="jane@example.org", public=True
    )
    url = content["practice"].url + f"contact/{contact.pk}/"
    tokens = set()
    for _ in range(2):
        visitor = Client()
        response = visitor.get(url)
        assert response.status_code == 200
        assert_private(response)
        assert "X-Portal-Cache" not in response
        assert "csrftoken" in response.cookies
        tokens.add(visitor.cookies["csrftoken"].value)
    assert len(tokens) == 2  # each visitor got their own token, none came from a cache


def test_invitation_links_and_results_are_never_cached(client, content):
    worksheet = make_worksheet(make_study_visit(content["event"].get_parent()))
    invitation = make_invitation(worksheet)
    token = {"token": invitation.token}
    personal = worksheet.url + worksheet.reverse_subpage("personal", kwargs=token)
    results = worksheet.url + worksheet.reverse_subpage("results")
    for url in (personal, personal, results, results):
        response = client.get(url)
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert "X-Portal-Cache" not in response
        assert "public" not in response["Cache-Control"]


def test_a_cached_page_never_hands_out_a_cookie_or_token(content):
    """A visitor who already holds a CSRF cookie (from a form elsewhere) fills the cache; the
    next visitor gets the page without that visitor's token or cookie."""
    url = content["practice"].url
    first = Client()
    first.cookies["csrftoken"] = "A" * 32
    stored = first.get(url)
    assert stored["X-Portal-Cache"] == "miss"
    second = Client()
    served = second.get(url)
    assert served["X-Portal-Cache"] == "hit"
    assert_public(served)
    assert "A" * 32 not in served.content.decode()
    assert not second.cookies


def test_redirects_and_errors_are_not_public(client, content):
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert "public" not in missing.get("Cache-Control", "")
    assert client.get("/no-such-page/").get("X-Portal-Cache") is None


def test_rate_limited_views_are_not_stored():
    """django-ratelimit marks the requests it counts (request.limited): such views run every
    time so that their limit still answers 429."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    calls = []

    def view(request):
        calls.append(request)
        request.limited = False
        request.user = AnonymousUser()
        return HttpResponse("counted")

    middleware = PageCacheMiddleware(view)
    for _ in range(2):
        response = middleware(RequestFactory().get("/api/v1/practices/"))
        assert response["Cache-Control"] == "public, max-age=300"
        assert "X-Portal-Cache" not in response
    assert len(calls) == 2


# -- invalidation -----------------------------------------------------------------------------


def cached(client, url):
    client.get(url)
    response = client.get(url)
    assert response["X-Portal-Cache"] == "hit"
    return response.content.decode()


def test_publishing_a_change_shows_at_once_everywhere(client, content):
    practice = content["practice"]
    urls = [practice.url, "/practices/", "/search/?q=home", "/api/v1/practices/"]
    for url in urls:
        assert "Help at Home" in cached(client, url)
    practice.title = "Care at Home"
    revision = practice.save_revision()
    # A draft changes nothing public: still served from the cache.
    assert client.get(practice.url)["X-Portal-Cache"] == "hit"
    revision.publish()
    for url in urls:
        response = client.get(url)
        assert response["X-Portal-Cache"] == "miss", url
        assert "Care at Home" in response.content.decode(), url


def test_unpublishing_and_deleting_make_the_page_go(client, content):
    practice = content["practice"]
    assert "Help at Home" in cached(client, "/practices/")
    cached(client, practice.url)
    practice.unpublish()
    assert client.get(practice.url).status_code == 404
    assert "Help at Home" not in client.get("/practices/").content.decode()

    other = make_practice(content["index"], title="Second practice")
    assert "Second practice" in cached(client, "/practices/")
    cached(client, other.url)
    other.delete()
    assert client.get(other.url).status_code == 404
    assert "Second practice" not in client.get("/practices/").content.decode()


def test_moving_a_page_makes_its_old_address_fresh(client, content):
    practice = content["practice"]
    old_url = practice.url
    cached(client, old_url)
    practice.move(content["home"], pos="last-child")
    practice.refresh_from_db()
    assert practice.url != old_url
    moved = client.get(old_url)  # Wagtail's automatic redirect, not the cached page
    assert moved.status_code == 301 and moved["Location"] == practice.url
    assert client.get(practice.url).status_code == 200


def test_view_restrictions_take_effect_at_once_and_lifting_them_too(client, content):
    practice = content["practice"]
    cached(client, practice.url)
    restriction = PageViewRestriction.objects.create(
        page=content["index"], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Partners only"))
    response = client.get(practice.url)
    assert response.status_code == 302
    assert "public" not in response["Cache-Control"]
    restriction.delete()
    assert client.get(practice.url).status_code == 200

    login = PageViewRestriction.objects.create(
        page=practice, restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get(practice.url).status_code == 302
    login.delete()
    assert client.get(practice.url).status_code == 200


def test_password_restriction_shows_the_form_uncached(client, content):
    practice = content["practice"]
    cached(client, practice.url)
    PageViewRestriction.objects.create(
        page=practice, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    for _ in range(2):
        response = client.get(practice.url)
        assert "Hourly home care" not in response.content.decode()
        assert_private(response)
        assert "X-Portal-Cache" not in response


def test_reference_data_changes_make_pages_fresh(client, content):
    region = content["region"]
    assert "Castilla y León" in cached(client, content["practice"].url)
    region.name = "Castile and León"
    region.save()
    assert "Castile and León" in client.get(content["practice"].url).content.decode()


def test_language_links_go_to_the_same_page_in_each_language_without_a_cookie(client, content):
    url = content["practice"].url
    response = client.get(url + "?a=1&b=2")
    assert_public(response)
    html = response.content.decode()
    assert f'href="/it{url}?a=1&amp;b=2" lang="it" hreflang="it"' in html
    assert f'href="/de{url}?a=1&amp;b=2" lang="de" hreflang="de"' in html
    german = client.get(f"/de{url}")
    assert_public(german)
    assert '<html lang="de">' in german.content.decode()
    assert german["X-Portal-Cache"] == "miss"
    assert not client.cookies


# -- the file store (production without Redis) -------------------------------------------------


@pytest.fixture
def file_store(settings, tmp_path):
    """The pages alias on portal.cache.PageFileCache, as the production settings have it
    (changing CACHES makes Django forget the stores it made)."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "portal.cache.PageFileCache",
            "LOCATION": str(tmp_path / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 200},
        },
    }
    return tmp_path / "pages"


def test_the_file_store_serves_and_invalidates_like_any_other(client, content, file_store):
    practice = content["practice"]
    urls = [practice.url, "/search/?q=home&status=ongoing", "/practices/"]
    for url in urls:
        assert "Help at Home" in cached(client, url)
    assert len(list(file_store.glob("*.djcache"))) >= len(urls)
    practice.title = "Care at Home"
    practice.save_revision().publish()
    for url in urls:
        response = client.get(url)
        assert response["X-Portal-Cache"] == "miss", url
        assert "Care at Home" in response.content.decode(), url


def test_the_file_store_stays_near_its_size_without_listing_itself_on_every_write(
    file_store, monkeypatch
):
    """Django's file cache lists its folder on every write (to cull); this one once every
    MAX_ENTRIES // 100 writes, so the folder holds at most that many pages more."""
    from django.core.cache import caches

    store = caches["pages"]
    listings = []
    original = type(store)._list_cache_files

    def counted(self):
        listings.append(1)
        return original(self)

    monkeypatch.setattr(type(store), "_list_cache_files", counted)
    page = (200, [("Content-Type", "text/html")], b"<p>a page</p>" * 100)
    for number in range(1000):
        store.set(f"page-{number}", page, 600)
    assert len(listings) == 500  # every second write: MAX_ENTRIES 200 // 100
    assert len(list(file_store.glob("*.djcache"))) <= 200 + 2
    assert store.get("page-999") == page
