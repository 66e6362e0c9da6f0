"""Caching of public pages: one rule decides which responses are public, and the same rule
decides what the portal keeps in its own page cache (docs/performance.md, "Page cache").

A response is *public* when an anonymous visitor GETs it without a session or a pending
message, it is a 200, the view said nothing about caching itself (or declared itself
``public`` with a lifetime of its own, as the API does: ``max-age=60``), it sets no cookie and
it carries no CSRF token. A public response gets ``Cache-Control: public, max-age=…`` (unless
the view chose its own) and ``Vary: Cookie`` so a reverse proxy or CDN may keep it; every other
response the view left silent gets ``Cache-Control: private, no-store``. A stored answer with
an ``ETag``/``Last-Modified`` still answers a conditional GET with 304. The language of a
public page is its address (``/de/...``, portal/languages.py), so it needs no ``Vary`` of its
own. The API counts its rate limit in the view (portal/ratelimit.py), so only its misses
count: a hit costs no query.

The portal keeps public GET responses in the ``pages`` cache, keyed by a site-wide
*generation*, scheme, host, language (the address's) and full path. Any change that can
alter a public page (publish, unpublish, move, delete, a view restriction, reference data,
snippets, images, documents, sites) replaces the generation, so every key changes at once and
old entries are never read again (they expire on their own). A counter per page would have to
know every listing, search result, facet count and related-practice box a change reaches; the
generation needs no such knowledge and cannot miss one.
"""

import hashlib
import pickle
import uuid
import zlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import parse_http_date_safe

GENERATION_KEY = "portal:pages:generation"
# Headers a stored response may vary on: the key holds the language, and the request cookies
# that matter (session, pending messages) make the request bypass the cache altogether.
KEYED_VARY = {"accept-language", "cookie"}
STATUS_HEADER = "X-Portal-Cache"


def page_cache():
    return caches[getattr(settings, "PORTAL_PAGE_CACHE_ALIAS", "default")]


def max_age():
    return getattr(settings, "PORTAL_CACHE_MAX_AGE", 300)


def page_cache_timeout():
    return getattr(settings, "PORTAL_PAGE_CACHE_TIMEOUT", 600)


class PageFileCache(FileBasedCache):
    """Django's file cache, for rendered pages (the ``pages`` alias without Redis).

    Django's version lists its folder on every write to see whether it holds MAX_ENTRIES and
    must cull: at the 5,000 pages kept by default that listing cost a search ~7 ms of CPU,
    more than the page took to render (docs/performance.md, "Load"). Here each process lists
    it once every ``MAX_ENTRIES // 100`` writes (and on its first), so a write costs the same
    whatever the folder holds; between two checks the folder may grow past MAX_ENTRIES by that
    many pages per process (and thread), and the next check culls as Django's would. Pages are
    compressed at zlib's fastest level: a search page of 61 KB takes 9.9 KB instead of
    8.7, in a third of the time (0.3 ms instead of 0.8).
    """

    COMPRESSION_LEVEL = 1

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._cull_every = max(1, self._max_entries // 100)
        self._writes_since_cull = self._cull_every  # the first write checks

    def _cull(self):
        self._writes_since_cull += 1
        if self._writes_since_cull >= self._cull_every:
            self._writes_since_cull = 0
            super()._cull()

    def _write_content(self, file, timeout, value):
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), self.COMPRESSION_LEVEL))


# -- invalidation ------------------------------------------------------------------------------


def new_generation(**_kwargs):
    """Make every page the portal has cached stale: now, and again when the current
    transaction commits (a request rendered between the two would otherwise keep the
    uncommitted state's predecessor under the new generation)."""
    page_cache().set(GENERATION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: page_cache().set(GENERATION_KEY, uuid.uuid4().hex, None))


def current_generation(cache):
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Never set, or evicted: a fresh value, so no entry stored before can be read.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


# -- the rule ----------------------------------------------------------------------------------


def request_may_use_cache(request):
    """An anonymous GET without cookies that personalise the page (session, messages) and
    without credentials."""
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def is_public(request, response):
    """Whether ``response`` may be kept by shared caches (see the module docstring). Called
    after the view and the middleware below this one have run."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a cookie or a CSRF token (a form) belongs to one visitor
    if getattr(request, "is_preview", False):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _vary(response):
    return {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}


def _declares_public(response):
    """Whether a view's own Cache-Control lets shared caches keep the response."""
    directives = {
        d.strip().split("=", 1)[0].lower()
        for d in cc_delim_re.split(response.get("Cache-Control", ""))
        if d.strip()
    }
    return "public" in directives and not directives & {"private", "no-store", "no-cache"}


def _storable(request, response):
    return (
        request_may_use_cache(request)
        and not response.streaming
        and _vary(response) <= KEYED_VARY
        # django-ratelimit marks every request it counts: a rate-limited view must run each
        # time, or cached answers would never reach the limit (and never answer 429).
        and not hasattr(request, "limited")
    )


def _key(request, generation):
    # The address decides the language (i18n_patterns, English without a prefix).
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"portal:page:{generation}:{request.scheme}:{request.get_host()}:{language}:{path}"


class PageCacheMiddleware:
    """Answers public GETs from the page cache and marks every response public or private.

    Placed right after SecurityMiddleware (and whitenoise), before the session, locale, CSRF
    and authentication middleware: a hit skips all of them and the URL resolver. The
    middleware above it still processes hits, so their security headers are per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = page_cache_timeout()
        key = None
        if timeout and request_may_use_cache(request):
            cache = page_cache()
            key = _key(request, current_generation(cache))
            stored = cache.get(key)
            if stored is not None:
                return self._rebuild(request, stored)
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            # The view decided (private pages, Wagtail's restrictions, ...). One that declared
            # itself public with a lifetime of its own (the API's 60 s, portal/api_urls.py)
            # keeps it, and is public and kept here like any other public page.
            if not (_declares_public(response) and is_public(request, response)):
                return response
        elif not is_public(request, response):
            patch_cache_control(response, private=True, no_store=True)
            return response
        else:
            patch_cache_control(response, public=True, max_age=max_age())
        patch_vary_headers(response, ("Cookie",))
        if key is not None and _storable(request, response):
            headers = [(k, v) for k, v in response.items() if k.lower() != STATUS_HEADER.lower()]
            page_cache().set(key, (response.status_code, headers, response.content), timeout)
            response[STATUS_HEADER] = "miss"
        return response

    @staticmethod
    def _rebuild(request, stored):
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response[STATUS_HEADER] = "hit"
        if response.has_header("ETag") or response.has_header("Last-Modified"):
            # A stored answer that carries validators (the API's) still answers a client that
            # holds it with 304, as the view would have.
            response = get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                response=response,
            )
        return response


# -- what invalidates --------------------------------------------------------------------------


def _public_models():
    """Models whose saving or deleting can change a public page besides the pages themselves:
    reference data and snippets, tags, view restrictions, sites, images and documents."""
    from django.apps import apps
    from taggit.models import Tag
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.snippets.models import get_snippet_models

    models = {Tag, PageViewRestriction, Site, get_image_model(), get_document_model()}
    models.update(get_snippet_models())
    models.update(
        model for model in apps.get_app_config("portal").get_models() if not issubclass(model, Page)
    )
    return frozenset(models)


def connect():
    """Connect the receivers that start a new generation (PortalConfig.ready())."""
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.models import Page
    from wagtail.signals import (
        page_published,
        page_slug_changed,
        page_unpublished,
        post_page_move,
        pre_page_move,
    )

    for signal, name in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (pre_page_move, "pre_move"),
        (post_page_move, "post_move"),
        (page_slug_changed, "slug_changed"),
    ):
        signal.connect(new_generation, dispatch_uid=f"portal_page_cache_{name}")

    public = []

    def affects_public_pages(sender):
        if not public:
            public.append(_public_models())
        return sender in public[0]

    def saved(sender, **kwargs):
        # Saving a page itself is a draft until page_published says otherwise.
        if affects_public_pages(sender):
            new_generation()

    def deleted(sender, **kwargs):
        if affects_public_pages(sender) or issubclass(sender, Page):
            new_generation()

    def m2m(sender, instance, action, **kwargs):
        if action.startswith("post_") and affects_public_pages(type(instance)):
            new_generation()

    post_save.connect(saved, weak=False, dispatch_uid="portal_page_cache_saved")
    post_delete.connect(deleted, weak=False, dispatch_uid="portal_page_cache_deleted")
    m2m_changed.connect(m2m, weak=False, dispatch_uid="portal_page_cache_m2m")
