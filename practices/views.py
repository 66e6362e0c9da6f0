from urllib.parse import urlencode

from django.contrib import messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.parsing import parse_id
from portal.ratelimit import rate_limit
from search.engines import search
from search.query import SearchQuery

from .exports import CHUNK, csv_response, practices_in_order, theme_names
from .forms import ContextForm
from .related import CONTEXT_SHOWN, ranked
from .validation import CRITERIA, Verdict

# Side by side, more than four columns no longer fit a screen or a printed page.
MAX_COMPARED = 4
# Practices the compare page's own search box offers to add.
CANDIDATES = 10
# A download of search results stops after this many rows (docs/api.md says so).
DOWNLOAD_LIMIT = 5000


def validation_criteria(request):
    """The published criteria validators check a practice against."""
    return TemplateResponse(
        request,
        "practices/validation_criteria.html",
        {"criteria": CRITERIA, "verdicts": Verdict.choices},
    )


def _chosen_ids(request):
    ids = []
    for raw in request.GET.getlist("p"):
        pk = parse_id(raw)
        if pk is not None and pk not in ids:
            ids.append(pk)
    return ids


@rate_limit("downloads", when=lambda request: request.GET.get("format") == "csv")
def compare(request):
    """Up to four practices side by side (?p=<id>&p=<id>…), or their CSV (&format=csv)."""
    ids = _chosen_ids(request)
    if len(ids) > MAX_COMPARED:
        messages.warning(
            request,
            _("Only %(max)d practices can be compared at a time; the first %(max)d are shown.")
            % {"max": MAX_COMPARED},
        )
        ids = ids[:MAX_COMPARED]
    practices = list(practices_in_order(ids))
    missing = len(ids) - len(practices)
    if missing:
        messages.warning(
            request,
            ngettext(
                "%(count)d of the chosen practices is not published (any more).",
                "%(count)d of the chosen practices are not published (any more).",
                missing,
            )
            % {"count": missing},
        )
    if request.GET.get("format") == "csv" and practices:
        return csv_response(request, practices, "practices-compared")
    chosen = [("p", p.pk) for p in practices]
    for practice in practices:
        practice.remove_url = "?" + urlencode([pair for pair in chosen if pair[1] != practice.pk])
        practice.theme_names = theme_names(practice, local=True)
    find = SearchQuery(text=request.GET.get("find", ""))
    room = len(practices) < MAX_COMPARED
    return TemplateResponse(
        request,
        "practices/compare.html",
        {
            "practices": practices,
            "max_compared": MAX_COMPARED,
            "room": room,
            "find": find.text,
            "found": _candidates(find, chosen) if find.parsed and room else None,
            "csv_url": "?" + urlencode([*chosen, ("format", "csv")]),
        },
    )


def _candidates(find, chosen):
    """Practices matching the compare page's own search box, each with the URL that adds it."""
    query = SearchQuery(find.text, {"type": ["practice"]}, per_page=CANDIDATES, snippets=False)
    taken = {pk for _key, pk in chosen}
    return [
        {
            "title": hit.title,
            "display": hit.display,
            "add_url": "?" + urlencode([*chosen, ("p", hit.object_id)]),
        }
        for hit in search(query).hits
        if hit.object_id not in taken
    ]


@rate_limit("downloads")
def download(request):
    """The practices the search page finds for the same query string, as CSV."""
    params = SearchQuery.from_params(request.GET)
    filters = {**params.filters, "type": ["practice"]}
    ids, page = [], 1
    while len(ids) < DOWNLOAD_LIMIT:
        query = SearchQuery(
            params.text,
            filters,
            params.sort,
            page,
            CHUNK,
            snippets=False,
            expansions=params.expansions,  # the same thesaurus expansion as the page
            exact=params.exact,
        )
        results = search(query)
        ids += [hit.object_id for hit in results.hits if hit.type == "practice"]
        if page >= results.num_pages:
            break
        page += 1
    return csv_response(request, practices_in_order(ids[:DOWNLOAD_LIMIT]), "practices")


def context(request):
    """The "find practices for my context" page: the form, and under it the practices ranked by the
    same rule as a practice page's related practices (practices/related.py)."""
    form = ContextForm.from_request(request)
    found = None
    if form.is_bound and form.is_valid():
        found = ranked(form.context(), CONTEXT_SHOWN)
    return TemplateResponse(
        request,
        "practices/context.html",
        {"form": form, "found": found, "share_url": request.get_full_path()},
    )
