"""What the portal's search indexes for a learning event (contract: docs/search.md)."""

import datetime

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .models import LearningEventPage
from .schemas import findable_events

# Text fields each kind adds, read from the specific page when present.
KIND_TEXT_FIELDS = ("topic", "policy_challenge", "policy_instrument", "what_was_learned")


def _dates(start_date, end_date):
    start = formats.date_format(start_date, "j M Y")
    if end_date and end_date != start_date:
        return f"{start} – {formats.date_format(end_date, 'j M Y')}"
    return start


def _kind_labels():
    from .models.pages import KIND_SLUGS

    return {slug: kind._meta.verbose_name for kind, slug in KIND_SLUGS.items()}


def event_choice_labels():
    from portal.models import FundingProgramme

    from .models.mixins import EventStatus

    return {"status": dict(EventStatus.choices), "programme": dict(FundingProgramme.choices)}


def localise_event_display(display):
    """A hit's display with its kind, status and dates in the current language."""
    kind = _kind_labels().get(display.get("kind"))
    if kind:
        display["type_label"] = str(kind).capitalize()
    statuses = event_choice_labels()["status"]
    if display.get("status") in statuses:
        display["status_label"] = str(statuses[display["status"]])
    if display.get("start_date"):
        end = display.get("end_date")
        display["years"] = _dates(
            datetime.date.fromisoformat(display["start_date"]),
            datetime.date.fromisoformat(end) if end else None,
        )
    return display


def event_document(event):
    from search.registry import SearchDocument

    specific = event.specific
    sessions = list(event.agenda_sessions.all())
    names = [o.name for o in event.participating_organisations.all()]
    names += [r.name for r in event.participating_regions.all()]
    names += [s.speakers for s in sessions if s.speakers]
    places = [event.venue_city]
    facets = {}
    if event.venue_country_id:
        places.append(event.venue_country.name)
        facets["country"] = [(event.venue_country.code, event.venue_country.name)]
    if event.host_region_id:
        names.append(event.host_region.name)
        facets["region"] = [(event.host_region.slug, event.host_region.name)]
    if event.host_organisation_id:
        names.append(event.host_organisation.name)
    if event.project_id:
        names += [event.project.acronym, event.project.name]
        facets["project"] = [(event.project.slug, event.project.acronym)]
        facets["programme"] = [(event.project.programme, event.project.get_programme_display())]
    body = [event.learning_objectives, event.lessons_learned]
    body += [getattr(specific, name, "") or "" for name in KIND_TEXT_FIELDS]
    body += [f"{s.title}. {s.description}" for s in sessions]
    kind = str(event.kind_label).capitalize()
    return SearchDocument(
        type="event",
        object_id=event.pk,
        title=event.title,
        url=event.get_url() or event.url_path,
        summary=event.summary,
        body="\n\n".join(text for text in body if text),
        names=[name for name in names if name] + [kind],
        facets=facets,
        start_year=event.start_date.year if event.start_date else None,
        published_at=event.first_published_at,
        display={
            "type_label": kind,
            "location": ", ".join(p for p in places if p),
            "organisation": event.host_organisation.name if event.host_organisation_id else "",
            "project": event.project.acronym if event.project_id else "",
            "status": event.status,
            "status_label": str(event.get_status_display()),
            "years": _dates(event.start_date, event.end_date),
            # Raw values, so that search/labels.py can word them in any language.
            "kind": event.kind_slug,
            "start_date": event.start_date.isoformat() if event.start_date else None,
            "end_date": event.end_date.isoformat() if event.end_date else None,
        },
    )


def event_search_type():
    from search.registry import SearchType

    return SearchType(
        key="event",
        label=_("Learning event"),
        model=LearningEventPage,
        queryset=findable_events,
        to_document=event_document,
        choice_labels=event_choice_labels,
        localise=localise_event_display,
    )
