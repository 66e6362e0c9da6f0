"""The public records: what the portal publishes of each kind of thing, declared once.

Each app declares its public record types through the ``register_public_record`` Wagtail
hook (a function taking no argument and returning a :class:`PublicRecord`). A record type is
one pair of schemas (django-ninja ``Schema``, i.e. pydantic) and one queryset recipe; the JSON
API (portal/api.py), the CSV, XLSX and JSON downloads (portal/downloads.py) and the Markdown
export of practices all read a record through them, so a record has one shape. See
docs/api.md.
"""

import datetime
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from typing import Literal

from django.urls import reverse
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import BaseModel
from wagtail import hooks

from .languages import locale_code, shown_versions, take_text
from .public_address import base_url, page_urls


@dataclass
class PublicRecord:
    """A public record type.

    - ``key``: the stable name ("practice"); also its search type's key when ``searchable``.
    - ``path``: its address under /api/v1/ ("practices").
    - ``label`` / ``label_plural``: what it is called (translatable).
    - ``summary``: the schema of a list entry and of a download row; its fields, in order, are
      the download's columns, headed by ``headings[field]``.
    - ``detail``: the schema of the full record (it extends ``summary``).
    - ``queryset``: callable returning the public objects fetched with what ``summary`` reads
      (select/prefetch_related): the one recipe of the type.
    - ``detail_queryset``: callable returning the public objects fetched with what ``detail``
      reads (defaults to ``queryset``).
    - ``searchable``: lists go through the search (search/); otherwise they are plain pages
      of ``queryset`` in ``ordering``.
    - ``modified``: the attribute holding when a record last changed (Last-Modified), if any.
    - ``sources``: optional callable taking ids and returning {id: object the summary's
      resolvers read}, for the public ones among them, read in a fixed number of queries
      without building a model instance and prefetch caches per record: what a download of
      thousands reads (portal/downloads.py). Without it, downloads read ``queryset``.
    - ``page_model``: for a record that is a Wagtail page, its model: the record then exists
      in several languages (``records_in_language``), and its objects carry ``translation_key`` and
      ``locale_id``.
    """

    key: str
    path: str
    label: object
    label_plural: object
    summary: type
    detail: type
    queryset: object
    headings: dict = field(default_factory=dict)
    detail_queryset: object = None
    searchable: bool = True
    ordering: tuple = ("pk",)
    modified: str = ""
    sources: object = None
    page_model: type | None = None

    @property
    def translatable(self):
        return self.page_model is not None

    def detail_objects(self):
        return (self.detail_queryset or self.queryset)()

    def summary_sources(self, ids):
        """{id: what ``summary``'s resolvers read} of the public records among ``ids``."""
        if self.sources is not None:
            return self.sources(ids)
        return {obj.pk: obj for obj in self.queryset().filter(pk__in=ids)}

    def columns(self):
        """(field name, heading) of each download column: the summary schema's fields."""
        return [(name, self.headings.get(name, name)) for name in self.summary.model_fields]


class Related(list):
    """Related objects read in bulk, as a schema resolver reads a relation: ``.all()``."""

    def all(self):
        return self


def related_in_bulk(pairs, objects):
    """{owner id: Related(objects)} from (owner id, object id) rows and {object id: object}."""
    found = {}
    for owner, pk in pairs:
        found.setdefault(owner, Related()).append(objects[pk])
    return found


# --- many records at once ----------------------------------------------------------------


def _nested_schema(annotation):
    """(schema, many) when a field holds a nested schema (``Named``, ``Named | None``,
    ``list[Budget]``), else None."""
    origin = typing.get_origin(annotation)
    if origin in (list, tuple):
        inner = _nested_schema(typing.get_args(annotation)[0])
        return (inner[0], True) if inner else None
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                found = _nested_schema(arg)
                if found:
                    return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None


@cache
def _fields(schema):
    """[(name, resolver function or None, it takes the context, nested schema or None, many,
    has a default)] of a schema's fields, worked out once."""
    plan = []
    for name, info in schema.model_fields.items():
        resolver = schema._ninja_resolvers.get(name)
        nested, many = _nested_schema(info.annotation) or (None, False)
        plan.append(
            (
                name,
                resolver._func if resolver else None,
                bool(resolver and resolver._takes_context),
                nested,
                many,
                not info.is_required(),
            )
        )
    return tuple(plan)


# Values django-ninja's getter gives back unchanged (it converts managers, querysets, files
# and callables): read without it, which a download does a hundred thousand times.
_AS_THEY_ARE = frozenset(
    {str, int, float, bool, type(None), Decimal, datetime.date, datetime.datetime, list, dict}
)
_MISSING = object()


@cache
def _plain(schema):
    """Whether a schema's fields are all read as they are (no resolver, no nested schema):
    then a dict of them from a resolver is what the getter would read, value for value."""
    return all(
        resolver is None and nested is None for _n, resolver, _c, nested, _m, _o in _fields(schema)
    )


def construct(schema, source, context=None):
    """``schema.model_validate(source, context=context)`` for data the portal's own recipe
    read from its database: the same resolvers, attributes read and converted by
    django-ninja's own getter, and nested schemas, but pydantic's ``model_construct`` instead
    of its per-field validation, which costs more than the rest of a large download. Tests
    compare the two (tests/test_downloads.py)."""
    if type(source) is dict and _plain(schema) and source.keys() == schema.model_fields.keys():
        # A resolver's dict (a country, a programme, a record's language), as it is.
        return schema.model_construct(**source)
    getter = DjangoGetter(source, schema, context)
    values = {}
    for name, resolver, takes_context, nested, many, optional in _fields(schema):
        if resolver is not None:
            value = resolver(source, context=context) if takes_context else resolver(source)
            if type(value) not in _AS_THEY_ARE:
                value = getter._convert_result(value)  # a manager to a list, as ninja does
        else:
            value = getattr(source, name, _MISSING) if type(source) is not dict else _MISSING
            if value is _MISSING or type(value) not in _AS_THEY_ARE:
                try:
                    value = getattr(getter, name)
                except AttributeError:
                    if optional:
                        continue  # model_construct puts the default, as validation would
                    raise
        if nested is not None and value is not None:
            if many:
                value = [construct(nested, item, context) for item in value]
            else:
                value = construct(nested, value, context)
        values[name] = value
    return schema.model_construct(**values)


def public_records():
    """Every registered PublicRecord, keyed by ``key``, in hook order."""
    records = {}
    for hook in hooks.get_hooks("register_public_record"):
        record = hook()
        records[record.key] = record
    return records


def context_request(context):
    """The request a schema resolver was given (``context={"request": ...}``), or None."""
    return (context or {}).get("request") if isinstance(context, dict) else None


def resolve_page_url(obj, context):
    """A page's public absolute URL, for the ``url`` field of page records: from its
    ``url_path`` and the site roots read once per request (public_address.page_urls), so a
    list or download of thousands costs no lookup per record."""
    return _page_url(obj.url_path, context)


def _page_url(url_path, context):
    request = context_request(context)
    urls = getattr(request, "portal_page_urls", None)
    if urls is None:
        urls = page_urls()
        if request is not None:
            request.portal_page_urls = urls
    return urls(url_path)


@lru_cache(maxsize=64)
def _detail_template(url_name, base):
    return base + reverse(url_name, args=[PLACEHOLDER_ID])


PLACEHOLDER_ID = 987654321


def detail_url(url_name, pk):
    """The absolute address of a record in the API (``url_name`` e.g. "api:practice_detail"),
    reversed once per name: a download writes thousands."""
    # Keyed by the public address too: the cache must not outlive a change of it.
    return _detail_template(url_name, base_url()).replace(str(PLACEHOLDER_ID), str(pk))


def record_detail_url(url_name, obj):
    """``detail_url`` of a record, asking for the version it shows when that is not the
    original (``records_in_language``), so the detail holds what the list entry or row holds."""
    url = detail_url(url_name, obj.pk)
    language = getattr(obj, "requested_language", None)
    return f"{url}?lang={language}" if language else url


def names(items):
    """The names of related objects, sorted: a list field of a record."""
    return sorted(item.name for item in items)


# --- one record as spreadsheet cells ------------------------------------------------------

LIST_SEPARATOR = "; "


class Cell:
    """Mixin for nested schemas: ``cell()`` gives the value a download shows for it."""

    def cell(self):
        return " ".join(str(v) for v in self.model_dump().values() if v not in (None, ""))


class Named(Schema, Cell):
    """A related object by its stable code or slug and its name."""

    code: str
    name: str

    def cell(self):
        return self.name


def cell_value(value):
    """One field of a record as a cell: numbers stay numbers and dates dates (XLSX), nested
    objects their ``cell()``, lists joined with "; "."""
    if value is None or isinstance(value, bool | int | float | Decimal | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(cell_value(item)) for item in value if item is not None)
    if hasattr(value, "cell"):
        return value.cell()
    return str(value)


def record_row(record, names_):
    """The cells of one validated record (a schema instance), for these field names."""
    return [cell_value(getattr(record, name)) for name in names_]


# --- which version of a record ------------------------------------------------------------


class RecordLanguage(Schema, Cell):
    """Which version of a record a list entry, a detail or a download row holds."""

    code: str
    original: bool
    translation: Literal["human", "machine"] | None
    reviewed: bool | None
    original_id: int
    original_url: str | None

    def cell(self):
        return self.code


def records_in_language(record, objects, language):
    """Each of ``objects`` (what ``record``'s summary resolvers read: its original pages or
    their sources) shown in ``language`` by the rule of every listing
    (``portal.languages.visitor_version``): a record with a published version in that
    language takes its title, summary and address, and says so in ``language``; the
    structured data and the ``id`` stay the record's own. One query per call (the versions of
    all the objects), none when every one is already in that language. Returns ``objects``."""
    objects = list(objects)
    if not record.translatable:
        return objects
    for obj, version, _marker in shown_versions(objects, language, model=record.page_model):
        if version is None or version.pk == obj.pk:
            continue
        obj.shown_version = version
        obj.requested_language = language  # its detail in the API: the same version
        obj.original_url_path = obj.url_path
        take_text(obj, version)
        obj.url_path = version.url_path
    return objects


def resolve_record_language(obj, context):
    """The ``language`` field of a translatable record (see ``records_in_language``): the original's
    language unless the record was read in another language that it has a version in."""
    version = getattr(obj, "shown_version", None)
    if version is None:
        return {
            "code": locale_code(obj.locale_id),
            "original": True,
            "translation": None,
            "reviewed": None,
            "original_id": obj.pk,
            "original_url": resolve_page_url(obj, context),
        }
    translated = getattr(version, "translated_version", None)
    machine = translated is not None and translated.is_machine
    return {
        "code": locale_code(version.locale_id),
        "original": False,
        "translation": "machine" if machine else "human",
        "reviewed": translated.reviewed_at is not None if machine else None,
        "original_id": obj.pk,
        "original_url": _page_url(obj.original_url_path, context),
    }
