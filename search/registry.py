"""What the search indexes: each content type declares itself here, search/ never reaches into
another app's models.

An app registers a :class:`SearchType` through the ``register_search_type`` Wagtail hook (a
function taking no argument and returning the ``SearchType``). ``to_document`` turns one object
into a plain :class:`SearchDocument`; the engines store and search those documents only.
See docs/search.md for the contract.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import translation
from django.utils.html import escape
from wagtail import hooks
from wagtail.models import Page

from portal.languages import locale_code, visitor_version
from portal.visibility import public_pages


@dataclass
class SearchDocument:
    """One indexable thing, as plain data.

    ``facets`` maps a facet key (see search.facets.FACETS) to a list of ``(value, label)``
    pairs: the value is stable (a slug or code, used in URLs), the label is shown.
    Range facets (budget band, start year) are derived by search/ from ``budget_eur`` and
    ``start_year``; the content type only gives the numbers.
    """

    type: str
    object_id: int
    title: str
    url: str
    summary: str = ""
    body: str = ""
    # Names of the organisations, places, themes, groups and projects involved: searchable,
    # weighted between the summary and the body.
    names: list[str] = field(default_factory=list)
    facets: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    budget_eur: float | None = None
    start_year: int | None = None
    published_at: datetime | None = None
    # Shown on the result card, never searched: {"location", "organisation", "status", ...}.
    display: dict = field(default_factory=dict)
    # The language the text above is written in (a code of settings.LANGUAGES; empty: the
    # site's), so each engine analyses it in that language (search/languages.py).
    language: str = ""
    # Other language versions of the text (translations): {language code:
    # DocumentText(title, summary, body)}, indexed with the document so that a record is
    # found through any of its versions. None yet (the languages issue adds them).
    translations: dict = field(default_factory=dict)

    @property
    def key(self):
        return f"{self.type}:{self.object_id}"


@dataclass(frozen=True)
class DocumentText:
    """One language version of a document's searchable text."""

    title: str = ""
    summary: str = ""
    body: str = ""


def document_texts(document):
    """{language code: DocumentText} of every version of ``document``: its own text in its
    language, then its translations."""
    from .languages import code_of

    texts = {
        code_of(document.language): DocumentText(document.title, document.summary, document.body)
    }
    for language, text in document.translations.items():
        texts.setdefault(code_of(language), text)
    return texts


@dataclass
class SearchType:
    """A content type the search indexes.

    - ``key``: short stable name ("practice"), the value of the type facet.
    - ``label``: shown in the type facet.
    - ``model``: the Django model; saves and deletes of it are tracked by the index.
    - ``queryset``: callable returning the objects to index, fetched with what
      ``to_document`` needs (select/prefetch_related). For pages, search/ keeps only the
      public ones (``portal.visibility.public_pages``: live, no view restriction on the page
      or an ancestor) through ``findable()``; a type need not filter them itself.
    - ``to_document``: callable turning one object into a SearchDocument.
    - ``is_indexable``: callable deciding whether one object belongs in the index now.
    - ``bulk_queryset`` / ``to_documents`` (optional, for rebuilds of large indexes): a lighter
      queryset (it may be a ``.values()`` one, with "pk" among its fields) and a callable
      turning a list of its objects (or rows) into documents in a few queries.
    - ``compare_url_name`` (optional): URL name of a view that shows chosen objects side by
      side (``?p=<id>&p=<id>``); the results page offers it. Downloads of what a search
      finds are offered for every type that is a public record (portal/records.py).
    - ``context_url_name`` / ``context_label`` (optional): a page that finds objects of the
      type for a visitor's context (practices: /practices/context/); the search page links to
      it with the label.
    - ``choice_labels`` / ``localise`` (optional): the index keeps labels in the language it
      was built in. ``choice_labels()`` gives {facet key: {value: label}} for facet values
      that come from code (statuses, programmes), and ``localise(display)`` returns a hit's
      display dict with its code-made labels in the current language (search/labels.py).
    - ``card_template`` (optional): the template of this type's result card (it gets ``hit``);
      without one, the search page's own card (practices, events).
    - ``annotate`` (optional): ``annotate(hits)`` adds live figures to the display of the hits
      of this type on the page shown (counts, say), in a bounded number of queries.
    - ``dependents`` (optional, for models that are not pages): ``dependents(obj)`` lists
      ``(model, pks)`` of other indexed objects whose documents show this one (a project
      names its partners); saving or deleting it re-indexes them too (search/signals.py).
    - ``translations`` (optional, for translatable models that are not pages, such as
      cooperation projects): ``translations(translation_keys)`` gives the translations of
      the records with these keys, fetched for ``to_document``; each is indexed with its
      original (``with_translations``), whose ``queryset`` holds the originals only.
    """

    key: str
    label: str
    model: type
    queryset: object
    to_document: object
    is_indexable: object = None
    bulk_queryset: object = None
    to_documents: object = None
    compare_url_name: str = ""
    context_url_name: str = ""
    context_label: str = ""
    choice_labels: object = None
    localise: object = None
    card_template: str = ""
    annotate: object = None
    dependents: object = None
    translations: object = None

    def indexable(self, obj):
        if self.is_indexable is not None:
            return self.is_indexable(obj)
        return True

    def findable(self, bulk=False):
        """What the index may hold: the type's queryset (or its bulk one), public pages only."""
        queryset = self.bulk_queryset() if bulk else self.queryset()
        if issubclass(self.model, Page):
            queryset = public_pages(queryset)
        return queryset


def search_types():
    """Every registered SearchType, keyed by ``key``."""
    types = {}
    for hook in hooks.get_hooks("register_search_type"):
        search_type = hook()
        types[search_type.key] = search_type
    return types


def search_type_for_model(model):
    for search_type in search_types().values():
        if issubclass(model, search_type.model):
            return search_type
    return None


def with_translations(search_type, documents):
    """Documents of original records, each also carrying the title, summary and body of its
    translations (docs/languages.md; for pages, the published ones): a record is found
    through any of its versions and listed once. ``display["versions"]`` keeps each
    translation's title, summary and address for the results page, ``display["language"]``
    the original's."""
    if not documents:
        return documents
    by_pk = {document.object_id: document for document in documents}
    if issubclass(search_type.model, Page):
        originals, translated = _page_translations(search_type, by_pk)
    elif search_type.translations is not None:
        originals, translated = _record_translations(search_type, by_pk)
    else:
        return documents
    for version, (key, language) in translated:
        document = by_pk[originals[key]]
        # Indexed with the original, each engine analysing it in its own language.
        document.translations[language] = DocumentText(
            version.title,
            version.summary if version.summary != document.summary else "",
            version.body if version.body != document.body else "",
        )
        document.display.setdefault("versions", {})[language] = {
            "title": version.title,
            "summary": version.summary,
            "url": version.url,
        }
    return documents


def _page_translations(search_type, by_pk):
    """({translation key: original pk}, [(document, (key, language))]) for the published
    translations of these original pages."""
    originals = {}
    for pk, key, locale_id in Page.objects.filter(pk__in=by_pk).values_list(
        "pk", "translation_key", "locale_id"
    ):
        originals[key] = pk
        by_pk[pk].display["language"] = by_pk[pk].language = locale_code(locale_id)
    rows = list(
        public_pages(
            Page.objects.filter(translation_key__in=originals, alias_of__isnull=True),
            originals_only=False,
        )
        .filter(translated_version__isnull=False)
        .values_list("pk", "translation_key", "locale_id")
    )
    if not rows:
        return originals, []
    wanted = {pk: (key, locale_code(locale_id)) for pk, key, locale_id in rows}
    if search_type.to_documents is not None:
        translated = search_type.to_documents(
            list(search_type.bulk_queryset().filter(pk__in=wanted).order_by("pk"))
        )
    else:
        queryset = search_type.queryset().filter(pk__in=wanted).order_by("pk")
        translated = [search_type.to_document(obj) for obj in queryset]
    return originals, [(version, wanted[version.object_id]) for version in translated]


def _record_translations(search_type, by_pk):
    """The same for translatable records that are not pages (cooperation projects): every
    translation counts, they have no draft state. Their documents give their own language;
    a translation's address is its original's under the translation's language prefix."""
    originals = dict(
        search_type.model._default_manager.filter(pk__in=by_pk).values_list("translation_key", "pk")
    )
    translated = []
    for version in search_type.translations(list(originals)):
        language = locale_code(version.locale_id)
        with translation.override(language):
            document = search_type.to_document(version)
        translated.append((document, (version.translation_key, language)))
    return originals, translated


def show_versions(hits):
    """Each hit in the visitor's language where its record has a version in it; otherwise
    the original, marked with its language (``portal.languages.visitor_version``: the rule
    every listing follows)."""
    for hit in hits:
        display = hit.display or {}
        version, marker = visitor_version(display.get("versions", {}), display.get("language"))
        if version is not None:
            hit.title, hit.url = version["title"], version["url"]
            hit.title_html = escape(version["title"])
            if version["summary"]:
                hit.snippet_html = escape(version["summary"])
        elif marker is not None:
            hit.original_language = marker
    return hits


def prepare_hits(hits):
    """Give each hit its version in the visitor's language, its type's card template and
    live figures (``annotate``)."""
    show_versions(hits)
    types = search_types()
    by_type = {}
    for hit in hits:
        search_type = types.get(hit.type)
        if search_type is not None:
            hit.card_template = search_type.card_template
            by_type.setdefault(hit.type, []).append(hit)
    for key, typed_hits in by_type.items():
        if types[key].annotate is not None:
            types[key].annotate(typed_hits)
    return hits


def iter_documents(batch_size=500):
    """(SearchType, total, generator of SearchDocument) for each registered type."""
    for search_type in search_types().values():
        queryset = search_type.findable()
        yield search_type, queryset.count(), _documents(search_type, batch_size)


def _documents(search_type, batch_size):
    bulk = search_type.to_documents is not None
    queryset = search_type.findable(bulk=bulk)
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        first, last = ids[start], ids[min(start + batch_size, len(ids)) - 1]
        # A range of the sorted ids rather than an IN list of them: cheaper to build and run.
        chunk = [
            obj
            for obj in queryset.filter(pk__gte=first, pk__lte=last).order_by("pk")
            if search_type.indexable(obj)
        ]
        if bulk:
            documents = search_type.to_documents(chunk)
        else:
            documents = [search_type.to_document(obj) for obj in chunk]
        yield from with_translations(search_type, documents)
