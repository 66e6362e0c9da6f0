"""What the portal's search indexes for a practice (see docs/search.md for the contract)."""

import re
from functools import lru_cache

from django.utils.translation import get_language
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


def _related_in_bulk(pages):
    """{page id: (regions, themes, target groups, partners)} in four queries, as light
    objects (slug, name): the rebuild path for tens of thousands of pages."""
    from types import SimpleNamespace

    from .models import PracticeTheme

    ids = [page.pk for page in pages]
    related = {pk: ([], [], [], []) for pk in ids}
    through = PracticePage.regions.through
    for pk, slug, name in through.objects.filter(practicepage_id__in=ids).values_list(
        "practicepage_id", "region__slug", "region__name"
    ):
        related[pk][0].append(SimpleNamespace(slug=slug, name=name))
    for pk, slug, name in PracticeTheme.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag__slug", "tag__name"
    ):
        related[pk][1].append(SimpleNamespace(slug=slug, name=name))
    through = PracticePage.target_groups.through
    for pk, slug, name in through.objects.filter(practicepage_id__in=ids).values_list(
        "practicepage_id", "targetgroup__slug", "targetgroup__name"
    ):
        related[pk][2].append(SimpleNamespace(slug=slug, name=name))
    through = PracticePage.partner_organisations.through
    for pk, name in through.objects.filter(practicepage_id__in=ids).values_list(
        "practicepage_id", "organisation__name"
    ):
        related[pk][3].append(SimpleNamespace(name=name))
    return related


def _bulk_url(roots):
    """A page's URL from the site root paths read once (what Page.get_url computes per page);
    only with a single site, where every URL is relative."""

    def url(page):
        if len(roots) == 1 and page.url_path.startswith(roots[0].root_path):
            return "/" + page.url_path[len(roots[0].root_path) :]
        return page.get_url() or page.url_path

    return url


def practice_documents(pages):
    """Documents for many practices at once (same result as practice_document)."""
    from wagtail.models import Site

    pages = list(pages)
    related = _related_in_bulk(pages)
    url = _bulk_url(Site.get_site_root_paths())
    return [practice_document(page, related[page.pk], url) for page in pages]


def _choice_labels():
    return _choice_labels_in(get_language())


@lru_cache(maxsize=16)
def _choice_labels_in(language):
    """Status and programme labels as plain strings, once (get_FOO_display per page is slow)."""
    from portal.models import FundingProgramme

    from .models import PracticeStatus

    return (
        {value: str(label) for value, label in PracticeStatus.choices},
        {value: str(label) for value, label in FundingProgramme.choices},
    )


def findable_practices_bulk():
    return (
        PracticePage.objects.live()
        .public()
        .select_related("country", "lead_organisation", "project")
    )


def practice_document(page, related=None, url=None):
    from search.registry import SearchDocument

    status_labels, programme_labels = _choice_labels()

    if related is None:
        related = (
            list(page.regions.all()),
            list(page.themes.all()),
            list(page.target_groups.all()),
            list(page.partner_organisations.all()),
        )
    regions, themes, groups, partners = related
    regions = sorted(regions, key=lambda r: r.name)
    themes = sorted(themes, key=lambda t: t.name)
    groups = sorted(groups, key=lambda g: g.name)
    programme = page.effective_funding_programme
    programme_label = programme_labels.get(programme, "") if programme else ""
    status_label = status_labels.get(page.status, page.status)
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
        "status": [(page.status, status_label)],
    }
    if page.project_id:
        facets["project"] = [(page.project.slug, page.project.acronym)]
    if programme:
        facets["programme"] = [(programme, programme_label)]
    return SearchDocument(
        type="practice",
        object_id=page.pk,
        title=page.title,
        url=url(page) if url else (page.get_url() or page.url_path),
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
            "status_label": status_label,
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
        bulk_queryset=findable_practices_bulk,
        to_documents=practice_documents,
    )
