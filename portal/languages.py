"""Pages in several languages: which version of a page an address serves, and the links to
its other versions (docs/languages.md).

The language of a public page is its address: English at today's addresses, every other
interface language under its prefix (``/de/practices/...``, Django's ``i18n_patterns``).
Nothing depends on a cookie, so public pages stay cacheable. A page with no version in the
address's language is served in its original version, with a notice (never a 404).
"""

import contextlib
from collections import defaultdict
from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.http import Http404
from django.urls import (
    NoReverseMatch,
    Resolver404,
    get_script_prefix,
    get_urlconf,
    resolve,
    reverse,
)
from django.utils import translation
from wagtail.models import Locale, Page, Site, TranslatableMixin

from .public_address import absolute_url, page_url, page_urls
from .visibility import public_pages

_locale_codes = {}


def locale_code(locale_id):
    """The language code of a Wagtail locale, without a query once known (locales are few
    and never change their code)."""
    if locale_id not in _locale_codes:
        _locale_codes.update(Locale.objects.values_list("pk", "language_code"))
    return _locale_codes.get(locale_id, settings.LANGUAGE_CODE)


def ensure_locales():
    """A Wagtail locale per content language (migration 0004 of portal makes them; this puts
    them back after a flush, for the demo loader and the tests)."""
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


def serve_page(request, path):
    """Wagtail's page serving, falling back to the site's original tree when the address's
    language has no version of the page: /de/practices/x/ shows the English practice (with
    the interface in German and a notice) until someone translates it."""
    from wagtail.views import serve  # imported late: it needs the app registry

    if Page.route_for_request(request, path) is None:
        site = Site.find_for_request(request)
        if site is not None and site.root_page.locale_id != _active_locale_id():
            components = [component for component in path.split("/") if component]
            with contextlib.suppress(Http404):
                request._wagtail_route_for_request = site.root_page.specific.route(
                    request, components
                )
    return serve(request, path)


def _active_locale_id():
    return _locale_id(translation.get_language())


def _locale_id(code):
    """The id of the Wagtail locale of language ``code``, or None."""
    for _attempt in range(2):
        for pk, language in _locale_codes.items():
            if language == code:
                return pk
        _locale_codes.update(Locale.objects.values_list("pk", "language_code"))
    return None


def original_version(page):
    """The original version of ``page`` (itself when it is one): the tree a listing shows,
    since a translated or aliased index page holds only the pages translated so far."""
    if page.alias_of_id is not None:
        return page.alias_of
    if locale_code(page.locale_id) == settings.LANGUAGE_CODE:
        return page  # written in the default language unless someone says otherwise
    original = (
        Page.objects.filter(translation_key=page.translation_key, translated_version__isnull=True)
        .exclude(pk=page.pk)
        .first()
    )
    return original or page


def language_marker(code):
    """What a listing shows beside a record read in another language than the visitor's:
    the language's code (for ``lang``) and its own name."""
    info = translation.get_language_info(code)
    return {"code": info["code"], "name": info["name_local"]}


def visitor_version(versions, original_language, language=None):
    """The one rule of every listing, the search results, the feeds, the API and the
    downloads: a record shows in the visitor's language (``language``, by default the
    active one) where it has a published version in it (``versions``: language code -> that
    version), otherwise in its original, marked with the original's language when that is
    not the visitor's. Returns ``(version or None, marker or None)``."""
    current = language or translation.get_language()
    version = versions.get(current)
    if version is not None:
        return version, None
    if original_language and original_language != current:
        return None, language_marker(original_language)
    return None, None


# What a page version read for a listing holds: enough for its title, summary, address and
# what it says about itself (a human or a machine translation).
VERSION_FIELDS = ["id", "title", "url_path", "translation_key", "locale_id"]


def shown_versions(records, language=None, model=None):
    """[(record, version or None, marker or None)]: ``visitor_version``'s answer for each of
    ``records`` (originals: pages, translatable records such as cooperation projects, or any
    object with their ``pk``, ``translation_key`` and ``locale_id``; ``model`` their model
    when they are not model instances themselves) in ``language`` (by default the active
    one). One query per model, none when every record is already in that language."""
    records = list(records)
    current = language or translation.get_language()
    keys = defaultdict(set)
    for record in records:
        if locale_code(record.locale_id) != current:
            keys[model or type(record)].add(record.translation_key)
    found = {}
    locale_id = _locale_id(current) if keys else None
    for record_model, translation_keys in keys.items() if locale_id is not None else ():
        for version in _versions_in(record_model, translation_keys, locale_id):
            found[record_model, version.translation_key] = version
    shown = []
    for record in records:
        version = found.get((model or type(record), record.translation_key))
        version, marker = visitor_version(
            {current: version} if version is not None else {},
            locale_code(record.locale_id),
            current,
        )
        shown.append((record, version, marker))
    return shown


def _versions_in(model, translation_keys, locale_id):
    """The versions in one locale of these records: for pages, the published public ones
    with what they say about themselves (``translated_version``); for other translatable
    records, the fields their translators translate."""
    if issubclass(model, Page):
        fields = list(VERSION_FIELDS)
        if any(field.name == "summary" for field in model._meta.concrete_fields):
            fields.append("summary")
        return (
            public_pages(
                model.objects.filter(
                    translation_key__in=translation_keys,
                    locale_id=locale_id,
                    alias_of__isnull=True,
                ),
                originals_only=False,
            )
            .select_related("translated_version")
            .only(*fields, "translated_version__kind", "translated_version__reviewed_at")
        )
    return model._default_manager.filter(
        translation_key__in=translation_keys, locale_id=locale_id
    ).only("id", "translation_key", "locale_id", *translated_text(model))


def translated_text(model):
    """The fields of a translatable record (not a page) that translators translate
    (wagtail-localize's ``translatable_fields``): what a visitor reads in their language."""
    from wagtail_localize.fields import TranslatableField, get_translatable_fields

    return [
        field.field_name
        for field in get_translatable_fields(model)
        if isinstance(field, TranslatableField)
    ]


def take_text(record, version):
    """What a record shown in another version takes of it: a page's title and summary (the
    record's structured data and id stay its own), another record's translated fields. For
    listings, feeds, the API and downloads alike."""
    if isinstance(version, Page):
        record.title = version.title
        if hasattr(version, "summary"):
            record.summary = version.summary
        return
    for name in translated_text(type(version)):
        setattr(record, name, getattr(version, name))


def in_visitor_language(records):
    """The originals of a listing (pages, or translatable records such as cooperation
    projects), each shown by ``visitor_version``'s rule: a record with a version in the
    visitor's language takes that version's text (``take_text``) and, a page, its address
    (``listed_url``; ``listed_url_path`` its ``url_path``); the structured data (country,
    groups, budget, partners...) stay the record's own, and ``pk`` the original's (compare,
    downloads, choosers). A record read in another language gets ``original_language`` (the
    marker), and every page ``listed_language``, the code of the language it is shown in.
    One query per type listed (and, for pages, Wagtail's view-restriction query), none when
    every record is in the visitor's language. Returns the records as a list."""
    records = list(records)
    listed = [record for record in records if isinstance(record, TranslatableMixin)]
    for record, version, marker in shown_versions(listed):
        record.original_language = marker
        is_page = isinstance(record, Page)
        if is_page:
            record.listed_language = locale_code(record.locale_id)
        if version is None or version.pk == record.pk:
            continue
        take_text(record, version)
        if is_page:
            record.listed_url = version.url
            record.listed_url_path = version.url_path
            record.listed_language = locale_code(version.locale_id)
    return records


def listed_address(page, request=None, urls=None):
    """The public absolute address of the version of ``page`` that ``in_visitor_language``
    chose (feeds, iCalendar files); ``urls`` a ``public_address.page_urls()`` to reuse."""
    path = getattr(page, "listed_url_path", None)
    if path is None:
        return page_url(page, request)
    return (urls or page_urls())(path)


def in_language(path, code):
    """``path`` (with its query string) on this site, in language ``code``: the same view
    under the other language's prefix."""
    return in_languages(path, [code])[code]


def in_languages(path, codes):
    """{code: ``path`` in language ``code``} for each of ``codes``: what Django's
    ``translate_url`` gives for each, with the path resolved once rather than once per
    language (a page's header links to every language), and remembered per path."""
    if not codes:
        return {}
    parsed = urlsplit(path)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    paths = _paths_in_languages(parsed.path, tuple(codes), urlconf, get_script_prefix())
    return {
        code: path
        if localized is None
        else urlunsplit((parsed.scheme, parsed.netloc, localized, parsed.query, parsed.fragment))
        for code, localized in paths
    }


@lru_cache(maxsize=4096)
def _paths_in_languages(path, codes, _urlconf, _script_prefix):
    """((code, path in that language, or None when it has none), ...): what resolving and
    reversing give, which depends on nothing but the path, the URL configuration and the
    script prefix (the key); every search, listing and page of the header asks it again."""
    current = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(current):
        try:
            match = resolve(unquote(path))  # the address may be encoded
        except Resolver404:
            return tuple((code, None) for code in codes)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    paths = []
    for code in codes:
        with translation.override(code):
            try:
                paths.append((code, reverse(name, args=match.args, kwargs=match.kwargs)))
            except NoReverseMatch:
                paths.append((code, None))
    return tuple(paths)


def _page_path(page, request):
    """A page's address as a path (Wagtail gives a full URL when several sites exist)."""
    url = page.get_url(request)
    if url and not url.startswith("/"):
        parts = urlsplit(url)
        url = parts.path + (f"?{parts.query}" if parts.query else "")
    return url


def _unprefixed(path):
    """``path`` without its language prefix."""
    code = translation.get_language_from_path(path.split("?", 1)[0])
    if code and path.startswith(f"/{code}/"):
        return path[len(code) + 1 :]
    return path


def language_names():
    return [
        (code, translation.get_language_info(code)["name_local"]) for code, _ in settings.LANGUAGES
    ]


class PageLanguages:
    """What a public response shows about languages: links to every language (the header's
    switcher and the ``hreflang`` alternates) and, for a page, which version it is."""

    def __init__(self, request, page=None):
        self.current = translation.get_language()
        page = page if isinstance(page, Page) and page.pk else None
        self.page = page
        self.versions = {}  # language code -> live public page
        self.original = None
        self.translated = None  # the page's TranslatedVersion, if it is a translation
        if page is not None:
            self._read_versions(page)
        self.links = self._links(request)

    def _read_versions(self, page):
        pages = (
            Page.objects.filter(translation_key=page.translation_key)
            .live()
            .public()
            .select_related("translated_version")
        )
        for version in pages:
            translated = getattr(version, "translated_version", None)
            if translated is None:
                self.original = version
            if version.pk == page.pk:
                self.translated = translated
            if version.alias_of_id is None or version.pk == page.pk:
                self.versions[locale_code(version.locale_id)] = version
        self.page_language = locale_code(page.locale_id)

    def _links(self, request):
        path = request.get_full_path()
        base = self.original or self.page
        base_url = _page_path(base, request) if base is not None else None
        # What the address adds to the page's own (a sub-page such as markdown/, a query
        # string), kept in every language.
        suffix = ""
        if self.page is not None:
            own, full = _unprefixed(_page_path(self.page, request) or ""), _unprefixed(path)
            if own and full.startswith(own):
                suffix = full[len(own) :]
        names = language_names()
        own = {
            code: version
            for code, version in self.versions.items()
            if version is not None and version.alias_of_id is None
        }
        # The other languages' addresses of the page (or, off a page, of the view) at once.
        missing = [code for code, _name in names if code not in own]
        if base_url:
            urls = {code: url + suffix for code, url in in_languages(base_url, missing).items()}
        else:
            urls = in_languages(path, [*missing, settings.LANGUAGE_CODE])
        links = []
        for code, name in names:
            url = _page_path(own[code], request) + suffix if code in own else urls[code]
            links.append({"code": code, "name": name, "url": url, "absolute": absolute_url(url)})
        default = base_url + suffix if base_url else urls[settings.LANGUAGE_CODE]
        self.x_default = absolute_url(default)
        self.canonical = next(
            (link["absolute"] for link in links if link["code"] == self.current),
            absolute_url(path),
        )
        return links

    @property
    def is_fallback(self):
        """The page shown is not in the address's language (nobody translated it yet)."""
        if self.page is None:
            return False
        return self.page_language != self.current or self.page.alias_of_id is not None

    @property
    def original_language(self):
        if self.original is None:
            return None
        return translation.get_language_info(locale_code(self.original.locale_id))

    @property
    def has_translations(self):
        return len(self.versions) > 1
