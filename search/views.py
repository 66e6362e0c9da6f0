"""/search/: the public faceted search. Everything the page shows is in its URL."""

from urllib.parse import quote_plus, urlencode

from django.conf import settings
from django.http import Http404
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.ratelimit import rate_limit

from .engines import search as run_search
from .facets import FACET_KEYS
from .query import SORTS, SearchQuery, query_string, search_page_size
from .registry import search_types

FACETS_SHOWN = 8

# The sort menu's first choice, value "": the default sort, relevance as soon as words are
# typed and newest without words. A page showing the default sends no sort, so a query
# typed on the blank page is ranked by relevance; a sort sticks only when chosen.
DEFAULT_SORT_LABELS = {
    True: _("Relevance"),
    False: _("Newest (relevance once you search for words)"),
}


def _sorts(query, chosen):
    """The sort menu: the default first, then every sort a visitor may choose here."""
    words = bool(query.parsed.required)
    default = "relevance" if words else "newest"
    sorts = [{"value": "", "label": DEFAULT_SORT_LABELS[words], "selected": not chosen}]
    for key, label in SORTS.items():
        if key == default and chosen != key:
            continue
        if key == "relevance" and not words:
            continue
        sorts.append({"value": key, "label": label, "selected": key == chosen})
    return sorts


def _toggle_urls(query, sort, key):
    """A function value -> the page's query string with ``value`` of facet ``key`` toggled,
    exactly as query_string() writes it (facets in display order, then sort and exact).
    What comes before and after the facet is encoded once per facet, not once per value:
    a page lists a few hundred values."""
    before, after = [], []
    target = before
    for facet_key in FACET_KEYS:
        if facet_key == key:
            target = after
            continue
        target += [(facet_key, value) for value in query.filters.get(facet_key, [])]
    head = urlencode(([("q", query.text)] if query.text else []) + before)
    tail = urlencode(after + ([("sort", sort)] if sort else []) + ([("exact", "1")] * query.exact))
    chosen = query.filters.get(key, [])
    chosen_pairs = urlencode([(key, value) for value in chosen])
    prefix = f"{key}="

    def url(value):
        if value in chosen:
            middle = urlencode([(key, v) for v in chosen if v != value])
        else:
            added = prefix + quote_plus(value)
            middle = f"{chosen_pairs}&{added}" if chosen_pairs else added
        return "?" + "&".join(part for part in (head, middle, tail) if part)

    return url


def _facet_items_html(values, remove_label):
    """The <li> elements of a facet's values, built here rather than by a template loop:
    the page lists a few hundred values, and rendering them cost as much as the search."""
    grouping = settings.USE_THOUSAND_SEPARATOR
    remove = f' aria-current="true" title="{escape(remove_label)}"'
    parts = []
    for value in values:
        count = number_format(value["count"]) if grouping else value["count"]
        selected = value["selected"]
        # Drawn and announced as a checkbox (portal.css, portal.js ticks it with Space).
        parts.append(
            f'<li class="facet-value{" selected" if selected else ""}">'
            f'<a href="{escape(value["url"])}" role="checkbox" '
            f'aria-checked="{"true" if selected else "false"}"{remove if selected else ""}>'
            f'<span class="box" aria-hidden="true"></span> '
            f'<span class="label">{escape(value["label"])} <span class="count">({count})</span>'
            "</span></a></li>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


def _hits_html(hits, compare_types):
    """The <li> element of each hit, built here rather than by including a template per hit:
    twenty hits cost ~4 ms through the template engine, more than the search's SQL. A type's
    own card (SearchType.card_template) and the language marker are still templates; values
    are written as a template writes them (escaped, localized: render_value_in_context)."""
    context = Context(autoescape=True)

    def text(value):
        return render_value_in_context(value, context)

    compare_label = None
    parts = []
    for hit in hits:
        parts.append(
            f'<li class="search-hit search-hit-{text(hit.type)}" '
            f'data-match="{"some" if hit.partial else "all"}">\n        '
        )
        if hit.card_template:
            parts.append(render_to_string(hit.card_template, {"hit": hit}))
            parts.append("\n      </li>\n")
            continue
        language = getattr(hit, "original_language", None)
        lang = f' lang="{text(language["code"])}"' if language else ""
        marker = (
            render_to_string("portal/includes/language_marker.html", {"language": language})
            if language
            else ""
        )
        parts.append(f'\n        <h3><a href="{text(hit.url)}"{lang}>{text(hit.title_html)}</a>')
        parts.append(f"{marker}</h3>\n        ")
        if hit.type in compare_types:
            if compare_label is None:
                compare_label = text(gettext("Compare"))
            parts.append(
                '<label class="compare-choice no-print"><input type="checkbox" name="p" '
                f'value="{text(hit.object_id)}" form="compare-{text(hit.type)}"> {compare_label}'
                f'<span class="visually-hidden"> {text(hit.title)}</span></label>'
            )
        display = hit.display
        parts.append(
            '\n        <p class="meta">\n          '
            f'<span class="type">{text(display.get("type_label", ""))}</span>\n          '
        )
        for key in ("location", "organisation"):
            if display.get(key):
                parts.append(f"· {text(display[key])}")
            parts.append("\n          ")
        parts[-1] = "\n        "
        parts.append('</p>\n        <p class="meta">\n          ')
        if display.get("status_label"):
            parts.append(
                f'<span class="status status-{text(display.get("status", ""))}">'
                f"{text(display['status_label'])}</span>"
            )
        parts.append("\n          ")
        if display.get("budget_eur"):
            budget = text(floatformat(display["budget_eur"], "0g"))
            parts.append(f"· {text(gettext('Budget'))}: €{budget}")
        parts.append("\n          ")
        for key in ("years", "project"):
            if display.get(key):
                parts.append(f"· {text(display[key])}")
            parts.append("\n          ")
        parts[-1] = "\n        "
        parts.append(f'</p>\n        <p class="snippet">{text(hit.snippet_html)}</p>\n        ')
        parts.append("\n      </li>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value written by render_value_in_context


def _tools(query, results):
    """Compare forms of the result types on this page (see SearchType), and the downloads
    of each type found that is a public record (portal/records.py), in every format."""
    from portal.downloads import FORMATS
    from portal.records import public_records

    type_facet = results.facet("type")
    found = {value.value: value.count for value in type_facet.values} if type_facet else {}
    chosen_types = query.filters.get("type", [])
    records = public_records()
    compare, downloads = [], []
    for key, search_type in search_types().items():
        if not found.get(key) or (chosen_types and key not in chosen_types):
            continue
        if search_type.compare_url_name:
            compare.append({"type": key, "url": reverse(search_type.compare_url_name)})
        if key in records:
            filters = {**query.filters, "type": [key]}
            base = reverse("search:download") + query_string(
                query.text, filters, query.sort, exact=query.exact
            )
            downloads.append(
                {
                    "label": _("Download these results (%(type)s, %(count)s):")
                    % {"type": search_type.label, "count": found[key]},
                    "formats": [
                        {"label": fmt.upper(), "url": f"{base}&format={fmt}"} for fmt in FORMATS
                    ],
                }
            )
    return compare, downloads


@rate_limit("downloads")
def download(request):
    """The records of one type (``type``) that this page finds for the same query string, as
    CSV, XLSX or JSON (``format``): the same rows as the search says (docs/api.md)."""
    from portal.downloads import FORMATS, search_download
    from portal.records import public_records

    types = request.GET.getlist("type")
    record = public_records().get(types[0]) if len(types) == 1 else None
    if record is None or not record.searchable:
        raise Http404(_("Choose one type of result to download."))
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        fmt = "csv"
    return search_download(request, record, fmt)


def search(request):
    query = SearchQuery.from_params(request.GET, per_page=search_page_size())
    results = run_search(query)
    query = results.query  # the engine may have moved a page number past the end back
    # Keep the sort the visitor asked for in links only when it is not the default.
    sort = request.GET.get("sort", "") if request.GET.get("sort", "") in SORTS else ""
    if sort == "relevance" and not query.parsed.required:
        sort = ""  # relevance without words reads as the default

    facets = []
    selected = []
    remove_label = gettext("Remove this filter")
    for facet in results.facets:
        values = []
        url = _toggle_urls(query, sort, facet.key)
        for value in facet.values:
            item = {
                "value": value.value,
                "label": value.label,
                "count": value.count,
                "selected": value.selected,
                "url": url(value.value),
            }
            values.append(item)
            if value.selected:
                selected.append({"facet": facet.label, **item})
        facets.append(
            {
                "key": facet.key,
                "label": facet.label,
                "values": values,
                "shown_html": _facet_items_html(values[:FACETS_SHOWN], remove_label),
                "more_html": _facet_items_html(values[FACETS_SHOWN:], remove_label),
                "more": max(0, len(values) - FACETS_SHOWN),
            }
        )
    pages = None
    if results.num_pages > 1:
        pages = {
            "number": query.page,
            "count": results.num_pages,
            "previous": query_string(
                query.text, query.filters, sort, query.page - 1, exact=query.exact
            )
            if query.page > 1
            else None,
            "next": query_string(query.text, query.filters, sort, query.page + 1, exact=query.exact)
            if query.page < results.num_pages
            else None,
        }
    compare, downloads = _tools(query, results)
    types = [form["type"] for form in compare]
    context = {
        "context_links": [
            {"url": reverse(search_type.context_url_name), "label": search_type.context_label}
            for search_type in search_types().values()
            if search_type.context_url_name
        ],
        "query": query,
        "compare_forms": compare,
        "downloads": downloads,
        "results": results,
        "hits": results.hits,
        # The partial tier (documents holding only some of the words) is listed apart,
        # under its own heading, after the documents holding every word.
        "hits_all_words": _hits_html([hit for hit in results.hits if not hit.partial], types),
        "hits_partial": _hits_html([hit for hit in results.hits if hit.partial], types),
        "partial_first_rank": query.offset + 1 + sum(1 for hit in results.hits if not hit.partial),
        "facets": facets,
        "selected": selected,
        "clear_url": query_string(query.text, exact=query.exact) if query.filters else None,
        # What the thesaurus added, with a link to the words alone (docs/search.md).
        "also_searched": query.also_searched,
        "exact_url": query_string(query.text, query.filters, sort, exact=True)
        if query.expansions
        else None,
        "expand_url": query_string(query.text, query.filters, sort) if query.exact else None,
        "clear_query_url": query_string("", query.filters, sort) if query.text else None,
        "sorts": _sorts(query, sort),
        "hidden_filters": [(k, v) for k, values in query.filters.items() for v in values],
        "pages": pages,
        "first_rank": query.offset + 1,
        "suggestions": [
            {"text": text, "url": query_string(text, query.filters, sort)}
            for text in results.suggestions
        ],
        "relaxations": [
            {
                "label": item["label"],
                "count": item["count"],
                "url": query_string(item["text"], item["filters"], sort),
            }
            for item in results.relaxations
        ],
        "page_title": _("Search results for “%(q)s”") % {"q": query.text}
        if query.text
        else _("Search"),
    }
    return TemplateResponse(request, "search/search.html", context)
