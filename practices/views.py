from urllib.parse import urlencode

from django.contrib import messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.downloads import FORMATS, records_in_order, records_response, search_download
from portal.languages import in_visitor_language
from portal.parsing import parse_id
from portal.ratelimit import rate_limit
from search.engines import search
from search.query import SearchQuery
from search.registry import show_versions

from .forms import ContextForm
from .related import CONTEXT_SHOWN, ranked
from .schemas import practice_record, public_practices
from .validation import CRITERIA, Verdict

# Side by side, more than four columns no longer fit a screen or a printed page.
MAX_COMPARED = 4
# Practices the compare page's own search box offers to add.
CANDIDATES = 10


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


def practices_in_order(ids):
    """The public practices with these ids, through the record's recipe, in the order of
    ``ids``; missing ones skipped."""
    by_id = {p.pk: p for p in public_practices().filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def _format(request):
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else ""


@rate_limit("downloads", when=_format)
def compare(request):
    """Up to four practices side by side (?p=<id>&p=<id>…), or their download
    (&format=csv, xlsx or json)."""
    ids = _chosen_ids(request)
    if len(ids) > MAX_COMPARED:
        messages.warning(
            request,
            _("Only %(max)d practices can be compared at a time; the first %(max)d are shown.")
            % {"max": MAX_COMPARED},
        )
        ids = ids[:MAX_COMPARED]
    practices = practices_in_order(ids)
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
    if _format(request) and practices:
        record = practice_record()
        summaries = records_in_order(record, [p.pk for p in practices], request)
        about = [(_("Compared practices"), len(practices))]
        return records_response(
            request, record, summaries, _format(request), "practices-compared", about
        )
    chosen = [("p", p.pk) for p in practices]
    practices = in_visitor_language(practices)
    for practice in practices:
        practice.remove_url = "?" + urlencode([pair for pair in chosen if pair[1] != practice.pk])
        practice.theme_names = sorted(item.tag.local_name for item in practice.theme_items.all())
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
            "xlsx_url": "?" + urlencode([*chosen, ("format", "xlsx")]),
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
        for hit in show_versions(search(query).hits)
        if hit.object_id not in taken
    ]


@rate_limit("downloads")
def download(request):
    """The practices the search page finds for the same query string, as CSV (or
    ``format=xlsx`` / ``json``): /search/download/ for practices (portal/downloads.py)."""
    return search_download(request, practice_record(), _format(request) or "csv")


def context(request):
    """The "find practices for my context" page: the form, and under it the practices ranked by the
    same rule as a practice page's related practices (practices/related.py)."""
    form = ContextForm.from_request(request)
    found = None
    if form.is_bound and form.is_valid():
        found = in_visitor_language(ranked(form.context(), CONTEXT_SHOWN))
    return TemplateResponse(
        request,
        "practices/context.html",
        {"form": form, "found": found, "share_url": request.get_full_path()},
    )
