"""Practices taken away as a spreadsheet: the compare table's and the search results' CSV."""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exports import to_csv
from portal.formats import format_number
from portal.public_address import page_url
from portal.visibility import public_pages

from .models import PracticeBudget, PracticeOutcome, PracticePage, PracticeTheme, timescale

# Rows per query when reading practices for a download: bounded memory, few queries.
CHUNK = 500


def listed_practices():
    """Live, public practices with what a list entry shows (the JSON API's list). Themes
    come through their tag rows: the taggit manager's own prefetch builds a queryset per
    practice, a third of a large download's time."""
    from portal.models import Region

    return (
        public_pages(PracticePage.objects)
        .select_related("country", "lead_organisation", "project")
        .prefetch_related(
            Prefetch("regions", queryset=Region.objects.only("id", "name", "name_en")),
            "target_groups",
            Prefetch("theme_items", queryset=PracticeTheme.objects.select_related("tag")),
            Prefetch("budgets", queryset=PracticeBudget.objects.order_by("sort_order")),
        )
    )


def exportable_practices():
    """Live, public practices with everything a CSV row and the compare table show."""
    from portal.models import Organisation

    return listed_practices().prefetch_related(
        Prefetch("partner_organisations", queryset=Organisation.objects.only("id", "name")),
        Prefetch("outcomes", queryset=PracticeOutcome.objects.order_by("sort_order")),
    )


def theme_names(practice, local=False):
    """The practice's theme names, sorted, from the rows listed_practices() fetched; in the
    active language when ``local`` (pages and CSV), else the English names (API)."""
    if local:
        return sorted(item.tag.local_name for item in practice.theme_items.all())
    return sorted(item.tag.name for item in practice.theme_items.all())


def practices_in_order(ids):
    """The exportable practices with these ids, in the order of ``ids``; missing ones skipped."""
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        by_id = {p.pk: p for p in exportable_practices().filter(pk__in=chunk)}
        yield from (by_id[pk] for pk in chunk if pk in by_id)


def sorted_names(items):
    return sorted(item.name for item in items)


def _names(items):
    return "; ".join(sorted_names(items))


def _local_names(items):
    return "; ".join(sorted(item.local_name for item in items))


def _years(practice):
    return timescale(practice.start_year, practice.end_year, _("ongoing"))


def _outcomes(practice):
    return "; ".join(
        f"{o.label}: {format_number(o.value)} {o.unit}".strip() + (f" ({o.year})" if o.year else "")
        for o in practice.outcomes.all()
    )


def _budgets(practice):
    return "; ".join(b.display for b in practice.budgets.all())


def columns(request):
    """(heading, value of a practice) for each column, headings in the visitor's language."""
    return [
        (_("Title"), lambda p: p.title),
        (_("Web address"), lambda p: page_url(p, request)),
        (_("Country"), lambda p: p.country.local_name),
        (_("Regions"), lambda p: _local_names(p.regions.all())),
        (_("Lead organisation"), lambda p: p.lead_organisation.name),
        (_("Partners"), lambda p: _names(p.partner_organisations.all())),
        (_("Cooperation project"), lambda p: p.project.acronym if p.project else ""),
        (_("Funding programme"), lambda p: p.get_funding_programme_display_any()),
        (_("Themes"), lambda p: "; ".join(theme_names(p, local=True))),
        (_("Target groups"), lambda p: _local_names(p.target_groups.all())),
        (_("Status"), lambda p: p.get_status_display()),
        (_("Timescale"), _years),
        (_("Headline budget (EUR)"), lambda p: format_number(p.budget_eur)),
        (_("Budget"), _budgets),
        (_("Outcomes in figures"), _outcomes),
        (_("Summary"), lambda p: p.summary),
    ]


def csv_response(request, practices, name):
    """A CSV download of these practices, one row each."""
    cols = columns(request)
    rows = ([value(p) for _heading, value in cols] for p in practices)
    response = HttpResponse(
        to_csv([heading for heading, _value in cols], rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response
