"""``/sitemap.xml`` and ``/robots.txt``: what search engines should and should not crawl.

``/sitemap.xml`` is a sitemap index; each *section* (public pages, regions, cooperation
projects, and any an app adds with the ``portal_sitemap_sections`` hook) is served as
``/sitemap-<section>.xml`` in pages of ``LIMIT`` addresses (``?p=2``…), so that 200,000
practices stay within the protocol's 50,000 addresses per file. Every address is absolute,
on the portal's public address (portal/public_address.py), with ``lastmod``.

Only public pages are listed: live, without a view restriction (portal/visibility.py), and
not excluded by their app (hook ``portal_sitemap_exclude``: a function taking the page
queryset and returning it without the app's pages that are not for everyone, such as
peer-review worksheets).

hreflang: each address carries its other-language versions as ``<xhtml:link>``: a page's
translations (Wagtail locales) when it has any, otherwise the same address in each language
of ``settings.LANGUAGES`` when the URLs carry a language prefix (``i18n_patterns``); with one
language, or without prefixes, there are none.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Max, Q
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse, translate_url
from wagtail import hooks
from wagtail.models import Page

from .parsing import clamp_int
from .public_address import absolute_url, page_url
from .visibility import public_pages

LIMIT = 10_000


@dataclass
class Entry:
    location: str
    lastmod: datetime | None = None
    alternates: list = field(default_factory=list)


def path_alternates(path):
    """[(language, absolute URL)] of ``path`` in every language, when the URL changes with
    the language (i18n_patterns); [] otherwise."""
    used, _prefix_default = is_language_prefix_patterns_used(settings.ROOT_URLCONF)
    if not used:
        return []  # no i18n_patterns: one address for every language
    languages = [code for code, _name in settings.LANGUAGES]
    urls = [(code, translate_url(path, code)) for code in languages]
    if len({url for _code, url in urls}) <= 1:
        return []
    return [(code, absolute_url(url)) for code, url in urls]


class Section:
    """One part of the sitemap: ``items()`` an ordered queryset, ``entries(items, request)``
    its Entries for one page of it, ``latest()`` the newest lastmod (for the index)."""

    limit = LIMIT

    def items(self):
        raise NotImplementedError

    def entries(self, items, request):
        raise NotImplementedError

    def latest(self):
        return None

    def paginator(self):
        return Paginator(self.items(), self.limit)


class PageSection(Section):
    def items(self):
        pages = public_pages(Page.objects).filter(depth__gt=1)
        for exclude in hooks.get_hooks("portal_sitemap_exclude"):
            pages = exclude(pages)
        return (
            pages.select_related("locale")
            .only(
                "id", "path", "depth", "url_path", "translation_key", "locale", "last_published_at"
            )
            .order_by("path")
        )

    def latest(self):
        return self.items().aggregate(latest=Max("last_published_at"))["latest"]

    def entries(self, items, request):
        items = list(items)
        translations = self._translations(items, request)
        entries = []
        for page in items:
            url = page_url(page, request)
            if url is None:
                continue  # not under any site
            alternates = translations.get(page.translation_key, [])
            if len(alternates) <= 1:
                alternates = path_alternates(url[len(absolute_url("/")) - 1 :])
            entries.append(Entry(url, page.last_published_at, alternates))
        return entries

    def _translations(self, items, request):
        """{translation_key: [(language, URL)]} of the public translations, in one query;
        {} while the portal has pages in one locale only."""
        from wagtail.models import Locale

        if Locale.objects.count() <= 1:
            return {}
        keys = {page.translation_key for page in items}
        found = {}
        others = public_pages(Page.objects).filter(translation_key__in=keys)
        for page in others.select_related("locale").only(
            "id", "path", "depth", "url_path", "translation_key", "locale"
        ):
            url = page_url(page, request)
            if url:
                found.setdefault(page.translation_key, []).append((page.locale.language_code, url))
        return found


class ReferenceSection(Section):
    """Regions or cooperation projects: their own pages, lastmod the newest publication of
    a live practice they hold (they keep no date of their own)."""

    def __init__(self, records):
        self.records = records  # a callable giving the records' queryset

    def items(self):
        live = Q(practices__live=True)
        return (
            self.records()
            .annotate(lastmod=Max("practices__last_published_at", filter=live))
            .order_by("pk")
        )

    def latest(self):
        return self.items().aggregate(latest=Max("lastmod"))["latest"]

    def entries(self, items, request):
        return [
            Entry(absolute_url(item.get_absolute_url()), item.lastmod,
                  path_alternates(item.get_absolute_url()))
            for item in items
        ]  # fmt: skip


def sections():
    """{name: Section}, the portal's own and those apps add (``portal_sitemap_sections``
    hook: a function returning {name: Section})."""
    from .models import CooperationProject, Region

    found = {
        "pages": PageSection(),
        "regions": ReferenceSection(Region.objects.all),
        "projects": ReferenceSection(CooperationProject.objects.originals),
    }
    for contribute in hooks.get_hooks("portal_sitemap_sections"):
        found.update(contribute())
    return found


def sitemap_index(request):
    parts = []
    for name, section in sections().items():
        pages = section.paginator().num_pages
        location = absolute_url(reverse("sitemap_section", args=[name]))
        latest = section.latest()
        for number in range(1, pages + 1):
            parts.append(Entry(location + (f"?p={number}" if number > 1 else ""), latest))
    return TemplateResponse(
        request, "portal/sitemap_index.xml", {"sitemaps": parts}, content_type="application/xml"
    )


def sitemap_section(request, section):
    found = sections().get(section)
    if found is None:
        raise Http404
    number = clamp_int(request.GET.get("p"), 1, 1, 100_000)
    try:
        page = found.paginator().page(number)
    except EmptyPage as error:
        raise Http404 from error
    return TemplateResponse(
        request,
        "portal/sitemap.xml",
        {"entries": found.entries(page.object_list, request)},
        content_type="application/xml",
    )


# Addresses crawlers should leave alone: the admin and the downloads. The search and the
# comparison stay open to them (a policymaker's search engine may show a search for "Roma
# inclusion"); each names its canonical address without facets, sort and page, so their
# combinations are not indexed one by one (docs/discovery.md).
ROBOTS_DISALLOW = [
    "/admin/",
    "/django-admin/",
    "/practices/download/",
]


def robots_txt(request):
    disallowed = []
    for path in ROBOTS_DISALLOW:
        for variant in [path] + [url for _code, url in path_alternates(path)]:
            variant = variant.removeprefix(absolute_url("/")[:-1])
            if variant not in disallowed:
                disallowed.append(variant)
    lines = ["User-agent: *"] + [f"Disallow: {path}" for path in disallowed]
    lines += ["", f"Sitemap: {absolute_url(reverse('sitemap_index'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
