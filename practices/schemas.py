"""The public record of a good practice, declared once (portal/records.py): the JSON API's
list entry and full record, the CSV/XLSX/JSON downloads' rows and the Markdown export all
come from these schemas and the one recipe, ``PracticePage.objects.with_record_data()``."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from portal.formats import format_number
from portal.models import FundingProgramme
from portal.records import (
    Cell,
    Named,
    PublicRecord,
    RecordLanguage,
    Related,
    names,
    record_detail_url,
    related_in_bulk,
    resolve_page_url,
    resolve_record_language,
)
from portal.visibility import public_pages

from .models import (
    NARRATIVE_SECTIONS,
    PracticeBudget,
    PracticeContact,
    PracticeOutcome,
    PracticePage,
    PracticeTheme,
)


class Budget(Schema, Cell):
    amount: str
    currency: str
    period: str
    year: int | None = None
    funding_sources: str
    # How pages write it, in the reader's language: "800.000 € pro Jahr (Durchschnitt)".
    label: str

    def cell(self):
        return self.label

    @staticmethod
    def resolve_label(obj):
        return obj.display

    @staticmethod
    def resolve_amount(obj):
        return f"{obj.amount:f}"


class Outcome(Schema, Cell):
    label: str
    value: str
    unit: str
    year: int | None

    def cell(self):
        text = f"{self.label}: {format_number(Decimal(self.value))} {self.unit}".strip()
        return text + (f" ({self.year})" if self.year else "")

    @staticmethod
    def resolve_value(obj):
        return f"{obj.value:f}"


class Programme(Schema, Cell):
    code: str
    label: str

    def cell(self):
        return self.label


class Link(Schema):
    title: str
    url: str


class Contact(Schema):
    """A contact who agreed to be shown: never their email address or phone number."""

    name: str
    role: str
    organisation: str


class Validation(Schema):
    validated_on: datetime.date | None


class Narrative(Schema):
    context: str
    practice: str
    resources: str
    evidence: str
    difficulties: str
    transferability: str


assert list(Narrative.model_fields) == [name for name, _heading in NARRATIVE_SECTIONS]


class PracticeSummary(Schema):
    """A practice as a list entry and a download row."""

    id: int
    title: str
    url: str | None
    summary: str
    language: RecordLanguage
    country: Named
    regions: list[str]
    lead_organisation: str
    partner_organisations: list[str]
    project: str | None
    funding_programme: Programme | None
    themes: list[str]
    target_groups: list[str]
    status: str
    start_year: int | None
    end_year: int | None
    budget_eur: float | None
    budgets: list[Budget]
    outcomes: list[Outcome]
    first_published_at: datetime.datetime | None
    last_published_at: datetime.datetime | None
    detail: str

    resolve_url = staticmethod(resolve_page_url)
    resolve_language = staticmethod(resolve_record_language)

    # Names in the reader's language (the address's: English for the API), as pages write
    # them; the country keeps its stable code beside its name.
    @staticmethod
    def resolve_country(obj):
        return {"code": obj.country.code, "name": obj.country.local_name}

    @staticmethod
    def resolve_regions(obj):
        return names(obj.regions.all())

    @staticmethod
    def resolve_lead_organisation(obj):
        return obj.lead_organisation.name

    @staticmethod
    def resolve_partner_organisations(obj):
        return names(obj.partner_organisations.all())

    @staticmethod
    def resolve_project(obj):
        return obj.project.name if obj.project_id else None

    @staticmethod
    def resolve_funding_programme(obj):
        code = obj.effective_funding_programme
        return {"code": code, "label": str(FundingProgramme(code).label)} if code else None

    @staticmethod
    def resolve_themes(obj):
        return sorted(item.tag.local_name for item in obj.theme_items.all())

    @staticmethod
    def resolve_target_groups(obj):
        return sorted(group.local_name for group in obj.target_groups.all())

    @staticmethod
    def resolve_budget_eur(obj):
        return float(obj.budget_eur) if obj.budget_eur is not None else None

    @staticmethod
    def resolve_budgets(obj):
        return list(obj.budgets.all())

    @staticmethod
    def resolve_outcomes(obj):
        return list(obj.outcomes.all())

    @staticmethod
    def resolve_detail(obj):
        return record_detail_url("api:practice_detail", obj)


class PracticeRecord(PracticeSummary):
    """Everything public about a practice. Contacts are those who agreed to be shown, without
    their email address or phone number (the site keeps those from scrapers)."""

    narrative: Narrative
    links: list[Link]
    contacts: list[Contact]
    validation: Validation | None

    @staticmethod
    def resolve_narrative(obj):
        return {name: getattr(obj, name) for name, _heading in NARRATIVE_SECTIONS}

    @staticmethod
    def resolve_links(obj):
        return list(obj.links.all())

    @staticmethod
    def resolve_contacts(obj):
        # Never the contacts an editor sees: the API is the public's, signed in or not.
        if hasattr(obj, "public_contacts"):
            return obj.public_contacts
        return [c for c in obj.contacts.all() if c.public]

    @staticmethod
    def resolve_validation(obj):
        validation = obj.validation
        if validation is None:
            return None
        finished = validation.finished_at
        return {"validated_on": timezone.localdate(finished) if finished else None}


HEADINGS = {
    "id": _("Id"),
    "title": _("Title"),
    "url": _("Web address"),
    "summary": _("Summary"),
    "language": _("Language"),
    "country": _("Country"),
    "regions": _("Regions"),
    "lead_organisation": _("Lead organisation"),
    "partner_organisations": _("Partners"),
    "project": _("Cooperation project"),
    "funding_programme": _("Funding programme"),
    "themes": _("Themes"),
    "target_groups": _("Target groups"),
    "status": _("Status"),
    "start_year": _("Start year"),
    "end_year": _("End year"),
    "budget_eur": _("Headline budget (EUR)"),
    "budgets": _("Budget"),
    "outcomes": _("Outcomes in figures"),
    "first_published_at": _("First published"),
    "last_published_at": _("Last published"),
    "detail": _("API address"),
}


def public_practices():
    """Live, public practices with everything their public record holds."""
    return public_pages(PracticePage.objects).with_record_data()


class PracticeSource:
    """One practice as the summary's resolvers read it, from plain values (practice_sources):
    the model's own rule for the programme, not a copy of it."""

    effective_funding_programme = PracticePage.effective_funding_programme

    def __init__(self, values):
        self.__dict__.update(values)
        self.pk = values["id"]


# The practice's own columns the summary reads (the related ones come in bulk below).
SOURCE_FIELDS = [
    "id",
    "title",
    "url_path",
    "summary",
    "status",
    "funding_programme",
    "start_year",
    "end_year",
    "budget_eur",
    "first_published_at",
    "last_published_at",
    "country_id",
    "lead_organisation_id",
    "project_id",
    "translation_key",
    "locale_id",
]


def practice_sources(ids):
    """{id: PracticeSource} of the public practices among ``ids``: what the recipe
    (public_practices) fetches, read as values in nine queries whatever the number, with the
    reference data (countries, organisations, projects, regions, groups, themes) read once."""
    from portal.models import CooperationProject, Country, Organisation, Region, TargetGroup, Theme

    rows = list(public_pages(PracticePage.objects).filter(pk__in=ids).values(*SOURCE_FIELDS))
    if not rows:
        return {}
    ids = [row["id"] for row in rows]

    def pairs(through, owner, other):
        return through.objects.filter(**{f"{owner}__in": ids}).values_list(owner, other)

    def by_pk(model, pks, *fields):
        queryset = model.objects.filter(pk__in=set(pks))
        return {obj.pk: obj for obj in (queryset.only(*fields) if fields else queryset)}

    region_pairs = list(pairs(PracticePage.regions.through, "practicepage_id", "region_id"))
    group_pairs = list(
        pairs(PracticePage.target_groups.through, "practicepage_id", "targetgroup_id")
    )
    theme_pairs = list(pairs(PracticeTheme, "content_object_id", "tag_id"))
    partner_pairs = list(
        pairs(PracticePage.partner_organisations.through, "practicepage_id", "organisation_id")
    )
    countries = by_pk(Country, [row["country_id"] for row in rows])
    projects = by_pk(CooperationProject, [row["project_id"] for row in rows if row["project_id"]])
    organisations = by_pk(
        Organisation,
        [row["lead_organisation_id"] for row in rows] + [pk for _p, pk in partner_pairs],
        "id",
        "name",
    )
    regions = related_in_bulk(region_pairs, by_pk(Region, [pk for _p, pk in region_pairs]))
    groups = related_in_bulk(group_pairs, by_pk(TargetGroup, [pk for _p, pk in group_pairs]))
    # A theme item as the resolver reads it: its tag.
    themes = by_pk(Theme, [pk for _p, pk in theme_pairs])
    theme_items = related_in_bulk(
        theme_pairs, {pk: SimpleNamespace(tag=theme) for pk, theme in themes.items()}
    )
    partners = related_in_bulk(partner_pairs, organisations)
    budgets, outcomes = {}, {}
    for budget in PracticeBudget.objects.filter(practice_id__in=ids).order_by("sort_order"):
        budgets.setdefault(budget.practice_id, Related()).append(budget)
    for outcome in PracticeOutcome.objects.filter(practice_id__in=ids).order_by("sort_order"):
        outcomes.setdefault(outcome.practice_id, Related()).append(outcome)
    sources = {}
    for row in rows:
        pk = row["id"]
        source = PracticeSource(row)
        source.country = countries[row["country_id"]]
        source.lead_organisation = organisations[row["lead_organisation_id"]]
        source.project = projects.get(row["project_id"])
        source.regions = regions.get(pk, Related())
        source.target_groups = groups.get(pk, Related())
        source.theme_items = theme_items.get(pk, Related())
        source.partner_organisations = partners.get(pk, Related())
        source.budgets = budgets.get(pk, Related())
        source.outcomes = outcomes.get(pk, Related())
        sources[pk] = source
    return sources


def practices_with_contacts():
    """public_practices() with the links and public contacts the full record adds."""
    from django.db.models import Prefetch

    from .models import PracticeLink

    return public_practices().prefetch_related(
        Prefetch("links", queryset=PracticeLink.objects.order_by("sort_order")),
        Prefetch(
            "contacts",
            queryset=PracticeContact.objects.filter(public=True).order_by("sort_order"),
            to_attr="public_contacts",
        ),
    )


def practice_record():
    return PublicRecord(
        key="practice",
        page_model=PracticePage,
        path="practices",
        label=_("good practice"),
        label_plural=_("good practices"),
        summary=PracticeSummary,
        detail=PracticeRecord,
        headings=HEADINGS,
        queryset=public_practices,
        detail_queryset=practices_with_contacts,
        sources=practice_sources,
        modified="last_published_at",
    )


class FileContact(Schema):
    """A contact as a Markdown file holds it (editors' downloads hold every contact)."""

    name: str
    role: str
    organisation: str
    email: str
    phone: str
    public: bool
    consent_date: datetime.date | None


class PracticeFile(PracticeRecord):
    """The public record with the references a Markdown file names things by and what only
    editors see (practices/markdown_io.py): the file format is this record, not a shape of
    its own."""

    slug: str
    project_acronym: str | None
    own_funding_programme: str | None
    target_group_slugs: list[str]
    file_contacts: list[FileContact]

    @staticmethod
    def resolve_project_acronym(obj):
        return obj.project.acronym if obj.project_id else None

    @staticmethod
    def resolve_own_funding_programme(obj):
        return obj.funding_programme or None

    @staticmethod
    def resolve_target_group_slugs(obj):
        return [group.slug for group in obj.target_groups.all()]

    @staticmethod
    def resolve_file_contacts(obj):
        return list(obj.contacts.all())
