"""/api/v1/practices/: the public, read-only JSON API other portals take practices away with.

The list is the public search (/search/) restricted to practices, through the same search
interface; each page of results is then read from the practice pages themselves in a fixed
number of queries. See docs/api.md.
"""

from functools import wraps
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from portal.parsing import clamp_int, parse_id
from portal.public_address import absolute_url, page_url
from portal.ratelimit import limit_exceeded
from search.engines import search
from search.facets import FACET_KEYS
from search.query import SORTS, SearchQuery

from .exports import exportable_practices, listed_practices, sorted_names, theme_names
from .models import NARRATIVE_SECTIONS, PracticeContact, PracticeLink
from .search_documents import practice_search_type

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
TYPE_FACET = "type"
SAFE_METHODS = ("GET", "HEAD")


def _json(data, status=200):
    response = JsonResponse(data, status=status)
    # Read-only public data: any site may fetch it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(message, status):
    return _json({"detail": message}, status=status)


def public_json_api(view):
    """GET and HEAD only (a JSON 405 otherwise), readable from any origin. CSRF-exempt so a
    POST gets the 405 rather than the CSRF failure page: no method here changes anything."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            response = _error(_("Method not allowed."), 405)
            response["Allow"] = ", ".join(SAFE_METHODS)
            return response
        denied = limit_exceeded(request, "api", json=True)
        if denied is not None:
            return denied
        return view(request, *args, **kwargs)

    return wrapped


def _per_page(value):
    """The page size asked for, clamped to 1..MAX_PER_PAGE; junk gives the default."""
    return clamp_int(value, DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)


def practice_summary(page, request):
    """The fields of a practice shown in the list (and at the top of its full record)."""
    return {
        "id": page.pk,
        "title": page.title,
        "url": page_url(page, request),
        "summary": page.summary,
        "country": {"code": page.country.code, "name": page.country.name},
        "regions": sorted_names(page.regions.all()),
        "lead_organisation": page.lead_organisation.name,
        "status": page.status,
        "start_year": page.start_year,
        "end_year": page.end_year,
        "budget_eur": float(page.budget_eur) if page.budget_eur is not None else None,
        "themes": theme_names(page),
        "target_groups": sorted_names(page.target_groups.all()),
        "project": page.project.name if page.project_id else None,
        "detail": absolute_url(reverse("practices_api:practice_detail", args=[page.pk])),
    }


def _isoformat(moment):
    return moment.isoformat() if moment else None


def _validation(page):
    validation = page.validation
    if validation is None:
        return None
    finished = validation.finished_at
    return {"validated_on": timezone.localdate(finished).isoformat() if finished else None}


def practice_record(page, request):
    """Everything public about a practice. Contacts are those who agreed to be shown, without
    their email address or phone number (the site keeps those from scrapers)."""
    programme = page.effective_funding_programme
    return {
        **practice_summary(page, request),
        "narrative": {name: getattr(page, name) for name, _heading in NARRATIVE_SECTIONS},
        "budgets": [
            {
                "amount": f"{budget.amount:f}",
                "currency": budget.currency,
                "period": budget.period,
                "funding_sources": budget.funding_sources,
            }
            for budget in page.budgets.all()
        ],
        "outcomes": [
            {
                "label": outcome.label,
                "value": f"{outcome.value:f}",
                "unit": outcome.unit,
                "year": outcome.year,
            }
            for outcome in page.outcomes.all()
        ],
        "partner_organisations": sorted_names(page.partner_organisations.all()),
        "links": [{"title": link.title, "url": link.url} for link in page.links.all()],
        "funding_programme": {
            "code": programme,
            "label": page.get_funding_programme_display_any(),
        }
        if programme
        else None,
        "validation": _validation(page),
        "contacts": [
            {"name": contact.name, "role": contact.role, "organisation": contact.organisation}
            for contact in page.public_contacts
        ],
        "first_published_at": _isoformat(page.first_published_at),
        "last_published_at": _isoformat(page.last_published_at),
    }


def _list_url(request, query, sort, per_page, page):
    """The absolute URL of another page of the same list (the cleaned parameters only)."""
    pairs = [("q", query.text)] if query.text else []
    for key in FACET_KEYS:
        if key != TYPE_FACET:
            pairs += [(key, value) for value in query.filters.get(key, [])]
    if sort:
        pairs.append(("sort", sort))
    if query.exact:
        pairs.append(("exact", "1"))
    if per_page != DEFAULT_PER_PAGE:
        pairs.append(("per_page", str(per_page)))
    if page > 1:
        pairs.append(("page", str(page)))
    return absolute_url(request.path + ("?" + urlencode(pairs) if pairs else ""))


def _facets(results):
    """The search's facets, without the type facet (the list holds practices only)."""
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


def _also_searched(query):
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


@public_json_api
def practice_list(request):
    """The public search in JSON, practices only: the /search/ parameters plus per_page."""
    per_page = _per_page(request.GET.get("per_page", DEFAULT_PER_PAGE))
    query = SearchQuery.from_params(request.GET, per_page=per_page)
    query.snippets = False  # the API returns no highlighted text: skip highlighting
    # Practices only, whatever the query string says: the type facet's value for them is
    # the key they are registered for search under.
    practice_type = practice_search_type().key
    query.filters[TYPE_FACET] = [practice_type]
    results = search(query)
    query = results.query  # the engine may have moved a page number past the end back
    sort = request.GET.get("sort", "") if request.GET.get("sort", "") in SORTS else ""

    hits = {hit.object_id: hit for hit in results.hits if hit.type == practice_type}
    ids = list(hits)
    pages = {}
    if ids:
        pages = {page.pk: page for page in listed_practices().filter(pk__in=ids)}
    num_pages = results.num_pages
    response = _json(
        {
            "engine": results.engine,
            "count": results.total,
            # How many of them hold every word of q; the rest hold only some (see match).
            "count_all_words": results.all_words_total,
            "page": query.page,
            "num_pages": num_pages,
            "next": _list_url(request, query, sort, per_page, query.page + 1)
            if query.page < num_pages
            else None,
            "previous": _list_url(request, query, sort, per_page, query.page - 1)
            if query.page > 1
            else None,
            # In the engine's order; a page made private since it was indexed is left out.
            # "match": "all" when the practice holds every word of q, "some" when it holds
            # only some (the partial tier, after those holding all).
            "results": [
                {
                    **practice_summary(pages[pk], request),
                    "match": "some" if hits[pk].partial else "all",
                }
                for pk in ids
                if pk in pages
            ],
            "facets": _facets(results),
            "also_searched": _also_searched(query),
        }
    )
    response["X-Search-Engine"] = results.engine
    return response


@public_json_api
def practice_detail(request, pk):
    """One live, public practice's full record; drafts and private practices are not found."""
    if parse_id(pk) is None:
        return not_found(request)
    page = (
        exportable_practices()
        .prefetch_related(
            Prefetch("links", queryset=PracticeLink.objects.order_by("sort_order")),
            Prefetch(
                "contacts",
                queryset=PracticeContact.objects.filter(public=True).order_by("sort_order"),
                to_attr="public_contacts",
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if page is None:
        return not_found(request)
    return _json(practice_record(page, request))


@public_json_api
def not_found(request, *args, **kwargs):
    return _error(_("Not found."), 404)
