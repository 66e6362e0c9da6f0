"""What the portal's search indexes for its reference data: cooperation projects, regions and
partner organisations (contract: docs/search.md).

They are plain models, not pages, and have no notion of draft or privacy: every one of them is
public reference data (the project and region pages list them all), so all are indexed.
Counts on their result cards (practices, learning events) are asked of the domain apps for the
page of results shown (hook ``portal_reference_counts``), so they are never stale.
"""

from html import unescape

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .languages import locale_code
from .markdown import render_markdown
from .models import CooperationProject, FundingProgramme, Organisation, OrganisationType, Region
from .schemas import findable_organisations, findable_projects, findable_regions, organisation_url


def _plain(markdown_text):
    return unescape(strip_tags(render_markdown(markdown_text))).strip()


def _period(start, end):
    """ "2019 – 2023", "from 2021", "until 2020" or "": years are what a card needs."""
    if start and end:
        return f"{start.year} – {end.year}" if start.year != end.year else str(start.year)
    if start:
        return str(_("from %(year)s") % {"year": start.year})
    if end:
        return str(_("until %(year)s") % {"year": end.year})
    return ""


def reference_counts(model, pks):
    """{pk: [phrase, …]} for these regions or organisations: what the domain apps count for
    them ("3 good practices", "1 learning event"), through the ``portal_reference_counts`` hook.

    A hook takes (model, pks) and returns None (nothing to count for that model) or
    ``(wording, {pk: count})``, ``wording(count)`` giving the phrase in the current language.
    Each app answers in a bounded number of queries, whatever the number of pks."""
    pks = list(pks)
    phrases = {pk: [] for pk in pks}
    if not pks:
        return phrases
    for count in hooks.get_hooks("portal_reference_counts"):
        answer = count(model, pks)
        if answer is None:
            continue
        wording, counts = answer
        for pk in pks:
            phrases[pk].append(wording(counts.get(pk, 0)))
    return phrases


def _with_counts(model):
    def annotate(hits):
        counts = reference_counts(model, [hit.object_id for hit in hits])
        for hit in hits:
            hit.display["counts"] = counts.get(hit.object_id, [])

    return annotate


# Projects ---------------------------------------------------------------------------------


def project_document(project):
    from search.registry import SearchDocument

    countries = sorted(project.countries.all(), key=lambda c: c.name)
    partners = sorted(project.partners.all(), key=lambda o: o.name)
    regions = sorted({o.region for o in partners if o.region}, key=lambda r: r.name)
    programme = project.get_programme_display()
    title = project.acronym
    if project.name and project.name != project.acronym:
        title = f"{project.acronym}: {project.name}"
    names = [project.acronym, project.name, str(programme)]
    names += [c.name for c in countries] + [o.name for o in partners] + [r.name for r in regions]
    language = locale_code(project.locale_id)
    return SearchDocument(
        type="project",
        language=language,
        object_id=project.pk,
        title=title,
        url=project.get_absolute_url(),
        summary=_plain(project.summary),
        names=names,
        facets={
            "country": [(c.code, c.name) for c in countries],
            "region": [(r.slug, r.name) for r in regions],
            "project": [(project.slug, project.acronym)],
            "programme": [(project.programme, str(programme))],
        },
        start_year=project.start_date.year if project.start_date else None,
        display={
            "type_label": str(_("Cooperation project")),
            # The language its text is written in (the marker when read in another).
            "language": language,
            "acronym": project.acronym,
            "name": project.name,
            "programme": project.programme,
            "programme_label": str(programme),
            "countries": [c.name for c in countries],
            "years": _period(project.start_date, project.end_date),
            # Raw values, so that localise_project_display can word them in any language.
            "start_date": project.start_date.isoformat() if project.start_date else None,
            "end_date": project.end_date.isoformat() if project.end_date else None,
        },
    )


def project_dependents(project):
    """Organisation documents list the projects they take part in; a translation's text is
    in its original's document."""
    if project.original_id:
        return [(CooperationProject, [project.original_id])]
    return [(Organisation, [o.pk for o in project.partners.all()])]


def project_translations(translation_keys):
    """The translations indexed with their originals (search.registry.with_translations)."""
    return (
        CooperationProject.objects.translations()
        .filter(translation_key__in=translation_keys)
        .prefetch_related("countries", "partners__region")
        .order_by("pk")
    )


def localise_project_display(display):
    import datetime

    display["type_label"] = str(_("Cooperation project"))
    programme = display.get("programme")
    if programme in FundingProgramme.values:
        display["programme_label"] = str(FundingProgramme(programme).label)
    start, end = (
        datetime.date.fromisoformat(value) if value else None
        for value in (display.get("start_date"), display.get("end_date"))
    )
    display["years"] = _period(start, end)
    return display


# Regions ----------------------------------------------------------------------------------


def region_document(region):
    from search.registry import SearchDocument

    country = region.country
    names = [country.name] + ([region.nuts_code] if region.nuts_code else [])
    return SearchDocument(
        type="region",
        object_id=region.pk,
        title=region.name,
        url=region.get_absolute_url(),
        names=names,
        facets={"country": [(country.code, country.name)], "region": [(region.slug, region.name)]},
        display={
            "type_label": str(_("Region")),
            "location": country.name,
            "nuts_code": region.nuts_code,
        },
    )


def region_dependents(region):
    """Organisations show their region, projects list their partners' regions."""
    organisations = list(region.organisations.values_list("pk", flat=True))
    projects = CooperationProject.objects.originals().filter(partners__region=region).distinct()
    return [(Organisation, organisations), (CooperationProject, [p.pk for p in projects])]


def localise_region_display(display):
    display["type_label"] = str(_("Region"))
    return display


# Organisations ----------------------------------------------------------------------------


def organisation_document(organisation):
    from search.registry import SearchDocument

    kind = organisation.get_organisation_type_display()
    projects = sorted(organisation.projects.all(), key=lambda p: p.acronym)
    places = [p for p in (organisation.region, organisation.country) if p]
    facets = {"project": [(p.slug, p.acronym) for p in projects]}
    if organisation.country_id:
        facets["country"] = [(organisation.country.code, organisation.country.name)]
    if organisation.region_id:
        facets["region"] = [(organisation.region.slug, organisation.region.name)]
    names = [str(kind)] + [p.name for p in places]
    names += [p.acronym for p in projects] + [p.name for p in projects]
    return SearchDocument(
        type="organisation",
        object_id=organisation.pk,
        title=organisation.name,
        url=organisation_url(organisation),
        names=names,
        facets=facets,
        display={
            "type_label": str(_("Partner organisation")),
            "kind": organisation.organisation_type,
            "kind_label": str(kind),
            "location": ", ".join(p.name for p in places),
            "website": organisation.website,
            "projects": [p.acronym for p in projects],
        },
    )


def organisation_dependents(organisation):
    """Project documents name their partners."""
    return [
        (CooperationProject, list(organisation.projects.originals().values_list("pk", flat=True)))
    ]


def localise_organisation_display(display):
    display["type_label"] = str(_("Partner organisation"))
    kind = display.get("kind")
    if kind in OrganisationType.values:
        display["kind_label"] = str(OrganisationType(kind).label)
    return display


def programme_choice_labels():
    return {"programme": dict(FundingProgramme.choices)}


def project_search_type():
    from search.registry import SearchType

    return SearchType(
        key="project",
        label=_("Cooperation project"),
        model=CooperationProject,
        queryset=findable_projects,
        to_document=project_document,
        dependents=project_dependents,
        translations=project_translations,
        choice_labels=programme_choice_labels,
        localise=localise_project_display,
        card_template="portal/search/project_card.html",
    )


def region_search_type():
    from search.registry import SearchType

    return SearchType(
        key="region",
        label=_("Region"),
        model=Region,
        queryset=findable_regions,
        to_document=region_document,
        dependents=region_dependents,
        localise=localise_region_display,
        annotate=_with_counts(Region),
        card_template="portal/search/region_card.html",
    )


def organisation_search_type():
    from search.registry import SearchType

    return SearchType(
        key="organisation",
        label=_("Partner organisation"),
        model=Organisation,
        queryset=findable_organisations,
        to_document=organisation_document,
        dependents=organisation_dependents,
        localise=localise_organisation_display,
        annotate=_with_counts(Organisation),
        card_template="portal/search/organisation_card.html",
    )
