"""The public records of the reference data (portal/records.py): cooperation projects,
regions and partner organisations, each one schema pair and one queryset recipe, read by the
API, the downloads and the search documents (portal/search_documents.py)."""

import datetime
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from .models import CooperationProject, FundingProgramme, Organisation, Region
from .public_address import absolute_url
from .records import Named, PublicRecord, detail_url, names

# --- the recipes: what each record (and its search document) reads -----------------------


def findable_projects():
    return CooperationProject.objects.originals().prefetch_related("countries", "partners__region")


def findable_regions():
    return Region.objects.select_related("country")


def findable_organisations():
    return Organisation.objects.select_related("country", "region").prefetch_related(
        Prefetch("projects", queryset=CooperationProject.objects.originals())
    )


def organisation_url(organisation):
    """Organisations have no page of their own: their card leads to what names them (the
    practices, events and projects they take part in)."""
    name = organisation.name.replace('"', " ")
    return reverse("search:search") + "?" + urlencode({"q": f'"{name}"'})


def _api(name, pk):
    return detail_url(f"api:{name}", pk)


# --- schemas ------------------------------------------------------------------------------


class ProjectSummary(Schema):
    id: int
    acronym: str
    name: str
    slug: str
    url: str
    programme: str
    programme_label: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    countries: list[Named]
    partners: list[str]
    website: str
    detail: str

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_programme_label(obj):
        return str(FundingProgramme(obj.programme).label) if obj.programme else ""

    @staticmethod
    def resolve_countries(obj):
        return sorted(obj.countries.all(), key=lambda c: c.name)

    @staticmethod
    def resolve_partners(obj):
        return names(obj.partners.all())

    @staticmethod
    def resolve_detail(obj):
        return _api("project_detail", obj.pk)


class ProjectRecord(ProjectSummary):
    summary: str


class RegionSummary(Schema):
    id: int
    name: str
    slug: str
    nuts_code: str
    url: str
    country: Named
    detail: str

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_detail(obj):
        return _api("region_detail", obj.pk)


class RegionRecord(RegionSummary):
    pass


class OrganisationSummary(Schema):
    id: int
    name: str
    organisation_type: str
    organisation_type_label: str
    url: str
    country: Named | None
    region: str | None
    website: str
    projects: list[str]
    detail: str

    @staticmethod
    def resolve_organisation_type_label(obj):
        return str(obj.get_organisation_type_display())

    @staticmethod
    def resolve_url(obj):
        return absolute_url(organisation_url(obj))

    @staticmethod
    def resolve_region(obj):
        return obj.region.name if obj.region_id else None

    @staticmethod
    def resolve_projects(obj):
        return sorted(p.acronym for p in obj.projects.all())

    @staticmethod
    def resolve_detail(obj):
        return _api("organisation_detail", obj.pk)


class OrganisationRecord(OrganisationSummary):
    pass


COMMON_HEADINGS = {
    "id": _("Id"),
    "name": _("Name"),
    "url": _("Web address"),
    "country": _("Country"),
    "website": _("Website"),
    "detail": _("API address"),
}


def project_record():
    return PublicRecord(
        key="project",
        path="projects",
        label=_("cooperation project"),
        label_plural=_("cooperation projects"),
        summary=ProjectSummary,
        detail=ProjectRecord,
        queryset=findable_projects,
        headings={
            **COMMON_HEADINGS,
            "acronym": _("Acronym"),
            "slug": _("Slug"),
            "programme": _("Funding programme (code)"),
            "programme_label": _("Funding programme"),
            "start_date": _("Start date"),
            "end_date": _("End date"),
            "countries": _("Partner countries"),
            "partners": _("Partner organisations"),
        },
    )


def region_record():
    return PublicRecord(
        key="region",
        path="regions",
        label=_("region"),
        label_plural=_("regions"),
        summary=RegionSummary,
        detail=RegionRecord,
        queryset=findable_regions,
        headings={**COMMON_HEADINGS, "slug": _("Slug"), "nuts_code": _("NUTS code")},
    )


def organisation_record():
    return PublicRecord(
        key="organisation",
        path="organisations",
        label=_("partner organisation"),
        label_plural=_("partner organisations"),
        summary=OrganisationSummary,
        detail=OrganisationRecord,
        queryset=findable_organisations,
        headings={
            **COMMON_HEADINGS,
            "organisation_type": _("Type (code)"),
            "organisation_type_label": _("Type"),
            "region": _("Region"),
            "projects": _("Cooperation projects"),
        },
    )
