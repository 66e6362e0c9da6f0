"""The public record of an action plan (portal/records.py): one schema pair and one queryset
recipe, read by the API and the downloads. Only plans the public may see (endorsed or later,
published, no view restriction) are records."""

import datetime

from django.utils.translation import gettext_lazy as _
from ninja import Schema

from portal.records import (
    Cell,
    PublicRecord,
    RecordLanguage,
    names,
    record_detail_url,
    resolve_page_url,
    resolve_record_language,
)

from .models import ActionPlanPage
from .queries import public_action_plans


def plans_with_record_data():
    return public_action_plans(ActionPlanPage.objects.with_card_data()).prefetch_related(
        "instruments"
    )


class PlannedAction(Schema, Cell):
    title: str
    who: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    budget: float | None

    def cell(self):
        return self.title

    @staticmethod
    def resolve_budget(obj):
        return float(obj.budget) if obj.budget is not None else None


class ActionPlanSummary(Schema):
    id: int
    title: str
    url: str | None
    language: RecordLanguage
    project: str
    region: str
    country: str
    responsible_organisation: str | None
    plan_status: str
    instruments: list[str]
    actions: list[PlannedAction]
    last_published_at: datetime.datetime | None
    detail: str

    resolve_url = staticmethod(resolve_page_url)
    resolve_language = staticmethod(resolve_record_language)

    @staticmethod
    def resolve_project(obj):
        return obj.project.acronym

    @staticmethod
    def resolve_region(obj):
        return obj.region.name

    @staticmethod
    def resolve_country(obj):
        return obj.region.country.name

    @staticmethod
    def resolve_responsible_organisation(obj):
        return obj.responsible_organisation.name if obj.responsible_organisation_id else None

    @staticmethod
    def resolve_instruments(obj):
        return names(obj.instruments.all())

    @staticmethod
    def resolve_actions(obj):
        return list(obj.actions.all())

    @staticmethod
    def resolve_detail(obj):
        return record_detail_url("api:action_plan_detail", obj)


class ActionPlanRecord(ActionPlanSummary):
    pass


def action_plan_record():
    return PublicRecord(
        key="action_plan",
        page_model=ActionPlanPage,
        path="action-plans",
        label=_("action plan"),
        label_plural=_("action plans"),
        summary=ActionPlanSummary,
        detail=ActionPlanRecord,
        queryset=plans_with_record_data,
        searchable=False,
        ordering=("title", "pk"),
        modified="last_published_at",
        headings={
            "id": _("Id"),
            "title": _("Title"),
            "url": _("Web address"),
            "language": _("Language"),
            "project": _("Cooperation project"),
            "region": _("Region"),
            "country": _("Country"),
            "responsible_organisation": _("Responsible organisation"),
            "plan_status": _("Status"),
            "instruments": _("Policy instruments"),
            "actions": _("Actions"),
            "last_published_at": _("Last published"),
            "detail": _("API address"),
        },
    )
