"""The public record of a learning event (portal/records.py): one schema pair and one
queryset recipe, read by the API, the downloads and the search documents."""

import datetime

from django.utils.translation import gettext_lazy as _
from ninja import Schema

from portal.records import (
    Named,
    PublicRecord,
    RecordLanguage,
    names,
    record_detail_url,
    resolve_page_url,
    resolve_record_language,
)
from portal.visibility import public_pages

from .models import LearningEventPage


def findable_events():
    """Events with what their record and search document read; search/ and the API keep the
    public ones."""
    return LearningEventPage.objects.with_card_data().prefetch_related(
        "participating_organisations", "participating_regions", "agenda_sessions"
    )


def public_events():
    return public_pages(findable_events())


class EventSummary(Schema):
    id: int
    title: str
    url: str | None
    kind: str
    kind_label: str
    summary: str
    language: RecordLanguage
    start_date: datetime.date
    end_date: datetime.date
    status: str
    event_format: str
    venue_city: str
    venue_country: Named | None
    host_region: str | None
    host_organisation: str | None
    project: str | None
    participating_organisations: list[str]
    participating_regions: list[str]
    first_published_at: datetime.datetime | None
    last_published_at: datetime.datetime | None
    detail: str

    resolve_url = staticmethod(resolve_page_url)
    resolve_language = staticmethod(resolve_record_language)

    @staticmethod
    def resolve_kind(obj):
        return obj.kind_slug

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.kind_label)

    @staticmethod
    def resolve_host_region(obj):
        return obj.host_region.name if obj.host_region_id else None

    @staticmethod
    def resolve_host_organisation(obj):
        return obj.host_organisation.name if obj.host_organisation_id else None

    @staticmethod
    def resolve_project(obj):
        return obj.project.acronym if obj.project_id else None

    @staticmethod
    def resolve_participating_organisations(obj):
        return names(obj.participating_organisations.all())

    @staticmethod
    def resolve_participating_regions(obj):
        return names(obj.participating_regions.all())

    @staticmethod
    def resolve_detail(obj):
        return record_detail_url("api:event_detail", obj)


class EventRecord(EventSummary):
    learning_objectives: str
    lessons_learned: str
    registration_url: str


def event_record():
    return PublicRecord(
        key="event",
        page_model=LearningEventPage,
        path="events",
        label=_("learning event"),
        label_plural=_("learning events"),
        summary=EventSummary,
        detail=EventRecord,
        queryset=public_events,
        modified="last_published_at",
        headings={
            "id": _("Id"),
            "title": _("Title"),
            "url": _("Web address"),
            "kind": _("Kind (code)"),
            "kind_label": _("Kind"),
            "summary": _("Summary"),
            "language": _("Language"),
            "start_date": _("Start date"),
            "end_date": _("End date"),
            "status": _("Status"),
            "event_format": _("Format"),
            "venue_city": _("City"),
            "venue_country": _("Country"),
            "host_region": _("Host region"),
            "host_organisation": _("Host organisation"),
            "project": _("Cooperation project"),
            "participating_organisations": _("Participating organisations"),
            "participating_regions": _("Participating regions"),
            "first_published_at": _("First published"),
            "last_published_at": _("Last published"),
            "detail": _("API address"),
        },
    )
