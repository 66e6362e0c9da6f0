"""Views of the events index (list, calendar, feed) and the context of an event page. The
routes themselves are on the page models (RoutablePageMixin)."""

from itertools import groupby

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from portal.feeds import FeedItem, atom_response
from portal.formats import format_date_range
from portal.languages import in_visitor_language, listed_address, original_version
from portal.pagination import paginate
from portal.public_address import page_url, page_urls

from .calendar import build_calendar
from .filters import EventFilterForm, published_events, upcoming_first
from .models import MasterclassPage, PeerReviewWorkshopPage, StaffExchangePage, StudyVisitPage

ICS_LIMIT = 500
FEED_LIMIT = 50


def _filtered(request, index):
    events = published_events(index)
    form = EventFilterForm(request.GET, events)
    return form, upcoming_first(form.filter(events)).with_card_data()


def event_list(request, index):
    form, events = _filtered(request, index)
    page_obj = paginate(request, events)
    page_obj.object_list = in_visitor_language(page_obj.object_list)
    return TemplateResponse(
        request,
        "learning_events/learning_event_index_page.html",
        {
            "page": index,
            "self": index,
            "events": page_obj,
            "event_groups": [
                (is_past, list(group))
                for is_past, group in groupby(page_obj.object_list, key=lambda e: e.is_past)
            ],
            "filter_form": form,
            "ignored_filters": form.ignored(),
            "now": timezone.now(),
        },
    )


def _ics_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_list_ics(request, index):
    """The events of the index (with its filters) as iCalendar, each in the address's
    language where it has a version in it, else the original (in_visitor_language)."""
    _form, events = _filtered(request, index)
    events = in_visitor_language(events[:ICS_LIMIT])
    content = build_calendar(events, request, name=index.title)
    return _ics_response(content, "learning-events.ics")


def event_ics(request, event):
    """One event as iCalendar, by the same rule as a list of them (whichever version of it
    the address served: a translation, an alias or the original)."""
    original = original_version(event)
    if original.pk != event.pk:
        original = original.specific
    [shown] = in_visitor_language([original])
    content = build_calendar([shown], request, name=shown.title)
    return _ics_response(content, f"{event.slug}.ics")


def upcoming_feed(request, index):
    events = in_visitor_language(
        published_events(index)
        .upcoming()
        .order_by("starts_at", "title")
        .with_card_data()[:FEED_LIMIT]
    )
    items = []
    urls = page_urls()
    for event in events:
        place = ", ".join(p for p in [event.venue_city, event.venue_country.local_name] if p)
        when = format_date_range(event.start_date, event.end_date)
        description = f"{event.kind_label.capitalize()} · {when} · {place}\n\n{event.summary}"
        if event.is_example:
            description += "\n\n" + _("Example event: the dates and agenda are illustrative.")
        items.append(
            FeedItem(
                title=event.title,
                link=listed_address(event, request, urls),
                description=description,
                unique_id=f"learning-event-{event.pk}",
                published=event.first_published_at,
                updated=event.last_published_at or event.first_published_at,
                categories=[str(event.kind_label)],
                language=event.listed_language,
            )
        )
    return atom_response(
        request,
        _("Upcoming learning events"),
        page_url(index, request),
        _("Study visits, masterclasses, peer-review workshops and staff exchanges."),
        items,
    )


def agenda_days(event):
    sessions = sorted(
        event.agenda_sessions.select_related("practice"),
        key=lambda s: (s.date, s.start_time is None, s.start_time, s.sort_order or 0),
    )
    in_visitor_language(session.practice for session in sessions if session.practice)
    return [(day, list(rows)) for day, rows in groupby(sessions, key=lambda s: s.date)]


def kind_context(event):
    """What the kind's own part of the page needs, fetched up front."""
    if isinstance(event, StudyVisitPage):
        visited = [
            row
            for row in event.visited_practices.select_related("practice", "practice__country")
            if row.practice.live
        ]
        in_visitor_language(row.practice for row in visited)
        return {
            "visited_practices": visited,
            "sites": list(event.sites.select_related("host_organisation")),
        }
    if isinstance(event, MasterclassPage):
        return {
            "experts": list(event.experts.all()),
            "materials": list(event.materials.select_related("document")),
        }
    if isinstance(event, PeerReviewWorkshopPage):
        return {
            "background_documents": list(event.background_documents.select_related("document")),
            "peer_organisations": list(event.peer_organisations.select_related("country")),
            "peer_regions": list(event.peer_regions.select_related("country")),
        }
    if isinstance(event, StaffExchangePage):
        return {}
    return {}


def event_context(event, request):
    if event.project_id:
        in_visitor_language([event.project])  # its name in the visitor's language
    context = {
        "agenda_days": agenda_days(event),
        "participating_organisations": list(
            event.participating_organisations.select_related("country")
        ),
        "participating_regions": list(event.participating_regions.select_related("country")),
        "output_documents": list(event.output_documents.select_related("document")),
        "photos": list(event.photos.select_related("image")),
        "kind_template": f"learning_events/kinds/_{event.kind_slug.replace('-', '_')}.html",
        "is_upcoming": event.ends_at >= timezone.now() if event.ends_at else False,
        "related_sections": [],
        **kind_context(event),
    }
    # Other apps add sections to an event page (e.g. the worksheets of a peer review).
    for contribute in hooks.get_hooks("learning_event_sections"):
        contribute(event, request, context)
    return context
