"""What the portal's search indexes for a practice (see docs/search.md for the contract)."""

import re
from functools import lru_cache
from operator import itemgetter

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.formats import babel_locale, language_code
from search.thesaurus import reference_labels

from .models import NARRATIVE_SECTIONS, PracticePage, timescale

MARKDOWN_NOISE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_#>`|]+")
# The same substitution for text without "[" (no link can match there), without a Python
# callback per match: most narrative text takes this path during a rebuild.
MARKUP_RUNS = re.compile(r"[*_#>`|]+")
SECTION_NAMES = [name for name, _heading in NARRATIVE_SECTIONS]
_by_name = itemgetter(1)


def _plain(markdown_text):
    """Markdown source without link targets and markup characters."""
    text = markdown_text or ""
    if "[" in text:
        return MARKDOWN_NOISE.sub(lambda m: m.group(1) or " ", text)
    if any(char in text for char in "*_#>`|"):
        return MARKUP_RUNS.sub(" ", text)
    return text


def findable_practices():
    """Practices with what their documents need (the public record's recipe); search/ keeps
    the public ones."""
    return PracticePage.objects.with_record_data()


# What a practice's document is made of, read as plain values for a rebuild (instantiating
# tens of thousands of multi-table Page models costs more than the rest of the work).
DOCUMENT_FIELDS = [
    "pk",
    "title",
    "url_path",
    "summary",
    *SECTION_NAMES,
    "status",
    "funding_programme",
    "project_id",
    "project__programme",
    "project__acronym",
    "project__name",
    "project__slug",
    "country__code",
    "country__name",
    "lead_organisation__name",
    "budget_eur",
    "start_year",
    "end_year",
    "first_published_at",
]


def _page_values(page):
    """The DOCUMENT_FIELDS of one page instance, as findable_practices_bulk() reads them."""
    values = {name: getattr(page, name) for name in ("pk", "title", "url_path", "summary")}
    values.update((name, getattr(page, name)) for name in SECTION_NAMES)
    project = page.project if page.project_id else None
    values.update(
        status=page.status,
        funding_programme=page.funding_programme,
        project_id=page.project_id,
        project__programme=project.programme if project else None,
        project__acronym=project.acronym if project else None,
        project__name=project.name if project else None,
        project__slug=project.slug if project else None,
        country__code=page.country.code,
        country__name=page.country.name,
        lead_organisation__name=page.lead_organisation.name,
        budget_eur=page.budget_eur,
        start_year=page.start_year,
        end_year=page.end_year,
        first_published_at=page.first_published_at,
    )
    return values


def _related_in_bulk(ids):
    """{page id: (regions, themes, target groups, partner names)} in four queries, regions,
    themes and groups as (slug, name): the rebuild path for tens of thousands of pages."""
    from portal.models import Organisation

    from .models import PracticeTheme

    related = {pk: ([], [], [], []) for pk in ids}
    if not ids:
        return related
    # The pages' id range rather than an IN list of their ids (cheaper to build and run);
    # rows of pages outside the batch are skipped.
    low, high = min(ids), max(ids)
    through = PracticePage.regions.through
    for pk, slug, name in through.objects.filter(
        practicepage_id__gte=low, practicepage_id__lte=high
    ).values_list("practicepage_id", "region__slug", "region__name"):
        if pk in related:
            related[pk][0].append((slug, name))
    for pk, slug, name in PracticeTheme.objects.filter(
        content_object_id__gte=low, content_object_id__lte=high
    ).values_list("content_object_id", "tag__slug", "tag__name"):
        if pk in related:
            related[pk][1].append((slug, name))
    through = PracticePage.target_groups.through
    for pk, slug, name in through.objects.filter(
        practicepage_id__gte=low, practicepage_id__lte=high
    ).values_list("practicepage_id", "targetgroup__slug", "targetgroup__name"):
        if pk in related:
            related[pk][2].append((slug, name))
    # Partners without a join (with an empty or small link table SQLite scans every
    # organisation per batch), in name order as page.partner_organisations.all() gives them.
    through = PracticePage.partner_organisations.through
    links = [
        (pk, org)
        for pk, org in through.objects.filter(
            practicepage_id__gte=low, practicepage_id__lte=high
        ).values_list("practicepage_id", "organisation_id")
        if pk in related
    ]
    if links:
        # Ordered by the database (its collation), as the page's own query orders them.
        names = {
            pk: (rank, name)
            for rank, (pk, name) in enumerate(
                Organisation.objects.filter(pk__in={org for _pk, org in links})
                .order_by("name")
                .values_list("pk", "name")
            )
        }
        for pk, org in sorted(links, key=lambda link: names[link[1]]):
            related[pk][3].append(names[org][1])
    return related


def _bulk_url(roots):
    """A page's URL from the site root paths read once (what Page.get_url computes per page);
    only with a single site, where every URL is relative. Otherwise (several sites, or one
    site whose home page has language versions: a root path per language) Wagtail's own
    get_url, which reads nothing but the page's url_path and the cached root paths, on an
    unsaved instance: no query per page (a rebuild of 50,000 practices with a translation
    each spent most of its time fetching each page for this, issue 17)."""
    root = roots[0].root_path if len(roots) == 1 else None

    def url(pk, url_path):
        if root is not None and url_path.startswith(root):
            return "/" + url_path[len(root) :]
        page = PracticePage(pk=pk, url_path=url_path)
        return page.get_url() or url_path

    return url


def practice_documents(rows):
    """Documents for many practices at once, from findable_practices_bulk() rows (same result
    as practice_document)."""
    from wagtail.models import Site

    rows = list(rows)
    related = _related_in_bulk([row["pk"] for row in rows])
    url = _bulk_url(Site.get_site_root_paths())
    concepts = reference_labels()
    return [
        _document(row, related[row["pk"]], url(row["pk"], row["url_path"]), concepts)
        for row in rows
    ]


def _choice_labels():
    return _choice_labels_in(get_language())


@lru_cache(maxsize=16)
def _choice_labels_in(language):
    """Status and programme labels, the type label and "ongoing" as plain strings, once
    (get_FOO_display and gettext per page are slow)."""
    from portal.models import FundingProgramme

    from .models import PracticeStatus

    return (
        {value: str(label) for value, label in PracticeStatus.choices},
        {value: str(label) for value, label in FundingProgramme.choices},
        str(_("Good practice")),
        str(_("ongoing")),
    )


def practice_choice_labels():
    status_labels, programme_labels, _type_label, _ongoing = _choice_labels()
    labels = {"status": status_labels, "programme": programme_labels}
    language = language_code()
    if language != "en":
        # The index stores English names; facets show the reader's: countries from CLDR (no
        # query), target groups and themes from their labels (one query each, only those
        # that have a name in this language).
        from portal.models import TargetGroup, Theme

        labels["country"] = _country_names(language)
        for facet, model in (("target_group", TargetGroup), ("theme", Theme)):
            labels[facet] = {
                slug: names[language]
                for slug, names in model.objects.filter(labels__has_key=language).values_list(
                    "slug", "labels"
                )
            }
    return labels


@lru_cache(maxsize=16)
def _country_names(language):
    return {
        code: name
        for code, name in babel_locale(language).territories.items()
        if len(code) == 2 and code.isalpha()
    }


def localise_practice_display(display):
    """A hit's display with its type, status and "ongoing" in the current language."""
    status_labels, _programmes, type_label, ongoing = _choice_labels()
    display["type_label"] = type_label
    display["status_label"] = status_labels.get(display.get("status"), display.get("status_label"))
    if display.get("start_year"):
        display["years"] = timescale(display["start_year"], display.get("end_year"), ongoing)
    return display


def findable_practices_bulk():
    """Practices as the rows practice_documents() reads; search/ keeps the public ones."""
    return PracticePage.objects.values(*DOCUMENT_FIELDS)


def practice_document(page):
    related = (
        [(r.slug, r.name) for r in page.regions.all()],
        [(item.tag.slug, item.tag.name) for item in page.theme_items.all()],
        [(g.slug, g.name) for g in page.target_groups.all()],
        [o.name for o in page.partner_organisations.all()],
    )
    return _document(
        _page_values(page), related, page.get_url() or page.url_path, reference_labels()
    )


def _concept_labels(themes, groups, concepts, names):
    """The thesaurus labels (synonyms in every language) of the concepts linked to the
    practice's themes and target groups, not already among ``names``: a practice for "older
    people" is found by "seniors" even where its text never says it."""
    known = {name.lower() for name in names}
    labels = []
    references = [("theme", slug) for slug, _name in themes]
    references += [("target_group", slug) for slug, _name in groups]
    for reference in references:
        for label in concepts.get(reference, ()):
            if label.lower() not in known:
                known.add(label.lower())
                labels.append(label)
    return labels


def _document(page, related, url, concepts):
    """The SearchDocument of one practice from its DOCUMENT_FIELDS values; ``concepts`` is
    search.thesaurus.reference_labels(), read once per batch."""
    from search.registry import SearchDocument

    status_labels, programme_labels, type_label, ongoing = _choice_labels()
    regions, themes, groups, partners = related
    regions = sorted(regions, key=_by_name)
    themes = sorted(themes, key=_by_name)
    groups = sorted(groups, key=_by_name)
    project_id = page["project_id"]
    programme = page["funding_programme"] or (page["project__programme"] if project_id else "")
    programme_label = programme_labels.get(programme, "") if programme else ""
    status = page["status"]
    status_label = status_labels.get(status, status)
    country = page["country__name"]
    lead = page["lead_organisation__name"]
    location = country
    if regions:
        location += " (" + ", ".join(name for _slug, name in regions) + ")"
    budget = float(page["budget_eur"]) if page["budget_eur"] is not None else None
    start_year = page["start_year"]
    names = [country, lead]
    names += [name for _slug, name in regions] + partners
    names += [name for _slug, name in themes] + [name for _slug, name in groups]
    if project_id:
        names += [page["project__acronym"], page["project__name"]]
    if programme_label:
        names.append(programme_label)
    names += _concept_labels(themes, groups, concepts, names)
    facets = {
        "country": [(page["country__code"], country)],
        "region": regions,
        "theme": themes,
        "target_group": groups,
        "status": [(status, status_label)],
    }
    if project_id:
        facets["project"] = [(page["project__slug"], page["project__acronym"])]
    if programme:
        facets["programme"] = [(programme, programme_label)]
    years = timescale(start_year, page["end_year"], ongoing)
    return SearchDocument(
        type="practice",
        object_id=page["pk"],
        title=page["title"],
        url=url,
        summary=page["summary"],
        body="\n\n".join(_plain(page[name]) for name in SECTION_NAMES),
        names=names,
        facets=facets,
        budget_eur=budget,
        start_year=start_year,
        published_at=page["first_published_at"],
        display={
            "type_label": type_label,
            "location": location,
            "organisation": lead,
            "project": page["project__acronym"] if project_id else "",
            "status": status,
            "status_label": status_label,
            "budget_eur": budget,
            "years": years,
            # Raw values, so that search/labels.py can word the years in any language.
            "start_year": start_year,
            "end_year": page["end_year"],
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
        compare_url_name="practices:compare",
        context_url_name="practices:context",
        context_label=_("Find practices for my context"),
        choice_labels=practice_choice_labels,
        localise=localise_practice_display,
    )
