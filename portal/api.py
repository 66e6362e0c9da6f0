"""/api/v1/: the public, read-only JSON API, on django-ninja (docs/api.md).

One list and one detail operation per public record type (portal/records.py), built from
the type's schemas and recipe. Lists of searchable types are the public search (/search/)
restricted to the type, through the same search interface, with its facet counts; each page
of results is then read through the type's recipe in a fixed number of queries. The
OpenAPI 3.1 document is at /api/v1/openapi.json, browsable at /api/v1/docs (Swagger UI from
the portal's own static files). Rate limit, CORS and conditional requests: portal/api_urls.py.
"""

from typing import Annotated, Literal
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja import Path as PathParam
from ninja.errors import HttpError
from ninja.openapi.docs import DocsBase
from pydantic import create_model

from search.engines import search
from search.facets import FACET_KEYS
from search.query import MAX_PAGE, SORTS, SearchQuery

from .public_address import absolute_url
from .records import public_records, records_in_language

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
TYPE_FACET = "type"
LIST_FACETS = [key for key in FACET_KEYS if key != TYPE_FACET]


class SwaggerFromStatic(DocsBase):
    """Swagger UI served from the portal's static files (vendored from npm, see docs/api.md):
    no CDN, no inline script, so the strict Content-Security-Policy holds."""

    def render_page(self, request, api, **kwargs):
        return render(
            request,
            "portal/api_docs.html",
            {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)},
        )


# --- shared schemas -----------------------------------------------------------------------


class Message(Schema):
    detail: str


class TooManyRequests(Schema):
    detail: str
    retry_after: int


class ValidationProblem(Schema):
    detail: list[dict]


class FacetValue(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetCounts(Schema):
    key: str
    label: str
    values: list[FacetValue]


class Alternative(Schema):
    words: str
    weight: float


class AlsoSearched(Schema):
    words: str
    concept: str
    alternatives: list[Alternative]


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    per_page: int = Field(
        DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE, description="Results per page (1-100)."
    )


class SearchParams(PageParams):
    """The search page's parameters (docs/search.md)."""

    q: str = Field("", max_length=200, description='Words; "a phrase"; -word excludes.')
    sort: Literal["", *SORTS] = Field(  # type: ignore[valid-type]
        "",
        description="relevance (default with words), newest (default without), budget, start_year.",
    )
    exact: Literal["", "0", "1"] = Field("", description="1: without the thesaurus.")
    country: list[str] = Field(default_factory=list, description="Country codes (IT, ES…).")
    region: list[str] = Field(default_factory=list, description="Region slugs.")
    theme: list[str] = Field(default_factory=list, description="Theme slugs.")
    target_group: list[str] = Field(default_factory=list, description="Target group slugs.")
    project: list[str] = Field(default_factory=list, description="Project slugs.")
    programme: list[str] = Field(default_factory=list, description="Funding programme codes.")
    status: list[str] = Field(default_factory=list, description="Status codes.")
    budget: list[str] = Field(default_factory=list, description="Budget bands (1m-5m…).")
    start: list[str] = Field(default_factory=list, description="Start-year ranges.")


assert [name for name in SearchParams.model_fields if name in FACET_KEYS] == LIST_FACETS

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


class LanguageParams(Schema):
    """The language a record type that exists in several languages is read in."""

    lang: Literal[LANGUAGE_CODES] | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "Each record in this language where it has a published version in it, otherwise "
            "its original (each record's `language` says which). Without it: the originals."
        ),
    )


class TranslatedPageParams(PageParams, LanguageParams):
    pass


class TranslatedSearchParams(SearchParams, LanguageParams):
    pass


def list_schema(record):
    """The envelope of a list of ``record``'s summaries, each with its "match"."""
    hit = create_model(
        f"{record.summary.__name__}Hit",
        __base__=record.summary,
        match=(Literal["all", "some"], "all"),
    )
    return create_model(
        f"{record.summary.__name__}List",
        __base__=Schema,
        engine=(str, ...),
        count=(int, ...),
        count_all_words=(int | None, None),
        page=(int, ...),
        num_pages=(int, ...),
        next=(str | None, None),
        previous=(str | None, None),
        results=(list[hit], ...),
        facets=(list[FacetCounts], []),
        also_searched=(list[AlsoSearched], []),
    )


# --- what a list answers ------------------------------------------------------------------


def list_url(request, query, sort, per_page, page, language=None):
    """The absolute URL of another page of the same list (the cleaned parameters only)."""
    pairs = [("q", query.text)] if query.text else []
    for key in LIST_FACETS:
        pairs += [(key, value) for value in query.filters.get(key, [])]
    if sort:
        pairs.append(("sort", sort))
    if query.exact:
        pairs.append(("exact", "1"))
    if per_page != DEFAULT_PER_PAGE:
        pairs.append(("per_page", str(per_page)))
    if page > 1:
        pairs.append(("page", str(page)))
    if language:
        pairs.append(("lang", language))
    return absolute_url(request.path + ("?" + urlencode(pairs) if pairs else ""))


def facet_counts(results):
    """The search's facets, without the type facet (a list holds one type)."""
    return [
        {
            "key": facet.key,
            "label": str(facet.label),
            "values": [
                {
                    "value": value.value,
                    "label": str(value.label),
                    "count": value.count,
                    "selected": value.selected,
                }
                for value in facet.values
            ],
        }
        for facet in results.facets
        if facet.key != TYPE_FACET
    ]


def also_searched(query):
    """What the thesaurus added to the words (empty with exact=1), docs/api.md."""
    return [
        {
            "words": " ".join(" ".join(term.words) for term in expansion.terms),
            "concept": expansion.label,
            "alternatives": [
                {"words": " ".join(term.words), "weight": weight}
                for term, weight in expansion.alternatives
            ],
        }
        for expansion in query.expansions
    ]


def objects_in_order(record, ids, language=None):
    """What the summaries of the public records with these ids are read from (the type's
    ``sources``, or its recipe), in the order of ``ids`` (one no longer public is left out),
    each in ``language`` where it has a version in it (``records.records_in_language``)."""
    by_id = record.summary_sources(ids) if ids else {}
    objects = [by_id[pk] for pk in ids if pk in by_id]
    return records_in_language(record, objects, language) if language else objects


def note_modified(request, record, objects):
    """Remember when the newest of ``objects`` changed, for Last-Modified (api_urls.py)."""
    if record.modified:
        moments = [getattr(obj, record.modified) for obj in objects]
        moments = [moment for moment in moments if moment]
        if moments:
            request.api_last_modified = max(moments)


def search_list(request, record, language=None):
    """A page of the public search restricted to ``record``'s type, in ``language``."""
    per_page = int(request.GET.get("per_page") or DEFAULT_PER_PAGE)
    query = SearchQuery.from_params(request.GET, per_page=per_page)
    # This type only, whatever the query string says.
    query.filters[TYPE_FACET] = [record.key]
    results = search(query)
    query = results.query  # the engine may have moved a page number past the end back
    sort = request.GET.get("sort", "") if request.GET.get("sort", "") in SORTS else ""
    partial = {hit.object_id: hit.partial for hit in results.hits if hit.type == record.key}
    objects = objects_in_order(record, list(partial), language)
    for obj in objects:
        obj.match = "some" if partial[obj.pk] else "all"
    note_modified(request, record, objects)
    request.api_headers = {"X-Search-Engine": results.engine}
    num_pages = results.num_pages
    return {
        "engine": results.engine,
        "count": results.total,
        # How many of them hold every word of q; the rest hold only some (see match).
        "count_all_words": results.all_words_total,
        "page": query.page,
        "num_pages": num_pages,
        "next": list_url(request, query, sort, per_page, query.page + 1, language)
        if query.page < num_pages
        else None,
        "previous": list_url(request, query, sort, per_page, query.page - 1, language)
        if query.page > 1
        else None,
        "results": objects,
        "facets": facet_counts(results),
        "also_searched": also_searched(query),
    }


def plain_list(request, record, page, per_page, language=None):
    """A page of a type the search does not index, in the type's order, in ``language``."""
    queryset = record.queryset().order_by(*record.ordering)
    count = queryset.count()
    num_pages = max(1, -(-count // per_page))
    page = min(page, num_pages)
    objects = list(queryset[(page - 1) * per_page : page * per_page])
    note_modified(request, record, objects)
    if language:
        objects = records_in_language(record, objects, language)

    def url(number):
        pairs = [("per_page", per_page)] if per_page != DEFAULT_PER_PAGE else []
        pairs += [("page", number)] if number > 1 else []
        pairs += [("lang", language)] if language else []
        return absolute_url(request.path + ("?" + urlencode(pairs) if pairs else ""))

    return {
        "engine": "database",
        "count": count,
        "count_all_words": None,
        "page": page,
        "num_pages": num_pages,
        "next": url(page + 1) if page < num_pages else None,
        "previous": url(page - 1) if page > 1 else None,
        "results": objects,
    }


# Ids are positive 32-bit integers: anything else is refused (422) before the database sees it.
RecordId = Annotated[int, PathParam(..., ge=1, le=2**31 - 1, description="The record's id.")]

ERRORS = {404: Message, 422: ValidationProblem, 429: TooManyRequests}


def add_record_operations(api, record):
    """GET /<path>/ and /<path>/{id}/ for one record type."""
    url_prefix = record.key
    tags = [str(record.label_plural).capitalize()]

    # A record type that exists in several languages takes ?lang= (docs/api.md).
    translatable = record.translatable
    if record.searchable:
        search_params = TranslatedSearchParams if translatable else SearchParams

        def list_view(request, params: Query[search_params]):
            return search_list(request, record, getattr(params, "lang", None))

        description = _(
            "The public search restricted to %(things)s: the parameters of /search/, the "
            "facet counts, pages of results."
        ) % {"things": record.label_plural}
    else:
        page_params = TranslatedPageParams if translatable else PageParams

        def list_view(request, params: Query[page_params]):
            return plain_list(
                request, record, params.page, params.per_page, getattr(params, "lang", None)
            )

        description = _("Every public %(thing)s, a page at a time.") % {"thing": record.label}

    api.get(
        f"/{record.path}/",
        response={200: list_schema(record), **ERRORS},
        url_name=f"{url_prefix}_list",
        operation_id=f"list_{record.path.replace('-', '_')}",
        summary=str(_("List %(things)s") % {"things": record.label_plural}),
        description=str(description),
        tags=tags,
    )(list_view)

    def read_detail(request, pk, language=None):
        obj = record.detail_objects().filter(pk=pk).first()
        if obj is None:
            raise HttpError(404, _("Not found."))
        note_modified(request, record, [obj])
        return records_in_language(record, [obj], language)[0] if language else obj

    if translatable:

        def detail_view(request, id: RecordId, params: Query[LanguageParams]):  # noqa: A002 - the path parameter's public name
            return read_detail(request, id, params.lang)
    else:

        def detail_view(request, id: RecordId):  # noqa: A002 - as above
            return read_detail(request, id)

    api.get(
        f"/{record.path}/{{id}}/",
        response={200: record.detail, **ERRORS},
        url_name=f"{url_prefix}_detail",
        operation_id=f"get_{record.key}",
        summary=str(_("One %(thing)s") % {"thing": record.label}),
        tags=tags,
    )(detail_view)


def build_api():
    api = NinjaAPI(
        title="Good-practice portal API",
        version="1",
        description=(
            "Public, read-only data of the good-practice portal: practices, learning events, "
            "cooperation projects, regions, partner organisations and action plans. "
            "No key; 120 requests a minute per address (429 with Retry-After beyond). "
            "See docs/api.md."
        ),
        urls_namespace="api",
        openapi_url="/openapi.json",
        docs_url="/docs",
        docs=SwaggerFromStatic(),
    )
    for record in public_records().values():
        add_record_operations(api, record)
    return api
