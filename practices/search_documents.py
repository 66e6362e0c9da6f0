"""What the portal's search indexes for a practice (see docs/search.md for the contract)."""

import re

from django.utils.translation import gettext_lazy as _

from .models import NARRATIVE_SECTIONS, PracticePage

MARKDOWN_NOISE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_#>`|]+")


def _plain(markdown_text):
    """Markdown source without link targets and markup characters."""
    return MARKDOWN_NOISE.sub(lambda m: m.group(1) or " ", markdown_text or "")


def findable_practices():
    return (
        PracticePage.objects.live()
        .public()
        .with_card_data()
        .prefetch_related("partner_organisations")
    )


def _years(page):
    if not page.start_year:
        return ""
    end = page.end_year or _("ongoing")
    return f"{page.start_year}–{end}"


def practice_document(page):
    from search.registry import SearchDocument

    regions = list(page.regions.all())
    themes = list(page.themes.all())
    groups = list(page.target_groups.all())
    partners = list(page.partner_organisations.all())
    programme = page.effective_funding_programme
    programme_label = page.get_funding_programme_display_any()
    location = page.country.name
    if regions:
        location += " (" + ", ".join(r.name for r in regions) + ")"
    budget = float(page.budget_eur) if page.budget_eur is not None else None
    names = [page.country.name, page.lead_organisation.name]
    names += [r.name for r in regions] + [o.name for o in partners]
    names += [t.name for t in themes] + [g.name for g in groups]
    if page.project_id:
        names += [page.project.acronym, page.project.name]
    if programme_label:
        names.append(programme_label)
    facets = {
        "country": [(page.country.code, page.country.name)],
        "region": [(r.slug, r.name) for r in regions],
        "theme": [(t.slug, t.name) for t in themes],
        "target_group": [(g.slug, g.name) for g in groups],
        "status": [(page.status, str(page.get_status_display()))],
    }
    if page.project_id:
        facets["project"] = [(page.project.slug, page.project.acronym)]
    if programme:
        facets["programme"] = [(programme, programme_label)]
    return SearchDocument(
        type="practice",
        object_id=page.pk,
        title=page.title,
        url=page.get_url() or page.url_path,
        summary=page.summary,
        body="\n\n".join(_plain(getattr(page, name)) for name, _heading in NARRATIVE_SECTIONS),
        names=names,
        facets=facets,
        budget_eur=budget,
        start_year=page.start_year,
        published_at=page.first_published_at,
        display={
            "type_label": str(_("Good practice")),
            "location": location,
            "organisation": page.lead_organisation.name,
            "project": page.project.acronym if page.project_id else "",
            "status": page.status,
            "status_label": str(page.get_status_display()),
            "budget_eur": budget,
            "years": str(_years(page)),
        },
    )


def practice_search_type():
    from search.registry import SearchType

    return SearchType(
        key="practice",
        label=_("Good practice"),
        model=PracticePage,
        queryset=findable_practices,
        to_document=practice_document,
    )
