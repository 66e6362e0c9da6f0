"""iCalendar (RFC 5545) export of learning events, with the event's own time zone. Each
event is the version a listing shows in the address's language (``in_visitor_language``
before ``build_calendar``), its SUMMARY and DESCRIPTION with that version's LANGUAGE; the
calendar's own texts (dates, location, status, notes) are in the interface language."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from portal.formats import format_date_range, format_time, timezone_name
from portal.languages import listed_address, locale_code
from portal.public_address import host as public_host
from portal.public_address import page_urls

from .models import EventFormat, EventStatus

PRODID = "-//Good-practice portal//Learning events//EN"

ICS_STATUS = {
    EventStatus.PLANNED: "TENTATIVE",
    EventStatus.OPEN: "CONFIRMED",
    EventStatus.HELD: "CONFIRMED",
    EventStatus.CANCELLED: "CANCELLED",
}


def event_location(event):
    if event.event_format == EventFormat.ONLINE:
        return str(EventFormat.ONLINE.label)
    parts = [event.venue_name, event.venue_city, event.venue_country.local_name]
    return ", ".join(p for p in parts if p)


def event_when(event):
    """ "2.–3. Dez. 2027, 09:30–17:00 Mitteleuropäische Zeit" in the active language: the
    description's first line, for calendars that show the text rather than the times."""
    when = format_date_range(event.start_date, event.end_date)
    if event.is_all_day or not event.start_time:
        return when
    times = format_time(event.start_time)
    if event.end_time:
        times += "–" + format_time(event.end_time)
    return f"{when}, {times} {timezone_name(event.time_zone)}"


def _vevent(event, request, host, urls):
    # The language of the title and summary: the version's (in_visitor_language) or the page's.
    language = {"LANGUAGE": getattr(event, "listed_language", None) or locale_code(event.locale_id)}
    vevent = Event()
    vevent.add("uid", f"learning-event-{event.pk}@{host}")
    vevent.add("dtstamp", timezone.now())
    vevent.add("summary", event.title, parameters=language)
    if event.is_all_day:
        vevent.add("dtstart", event.start_date)
        # DTEND of an all-day event is exclusive: the day after the last day.
        vevent.add("dtend", event.end_date + datetime.timedelta(days=1))
    else:
        vevent.add("dtstart", event.local_start())
        vevent.add("dtend", event.local_end())
    url = listed_address(event, request, urls)
    description = [event_when(event), event.summary]
    if event.is_example:
        description.append(_("Example event: the dates and agenda are illustrative."))
    if url:
        description.append(url)
        vevent.add("url", url)
    vevent.add("description", "\n\n".join(description), parameters=language)
    vevent.add("location", event_location(event))
    vevent.add("status", ICS_STATUS.get(event.status, "CONFIRMED"))
    vevent.add("categories", [str(event.kind_label)])
    if event.last_published_at:
        vevent.add("last-modified", event.last_published_at)
    return vevent


def build_calendar(events, request, name):
    """A VCALENDAR with one VEVENT per event and the VTIMEZONEs they use."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    host = public_host()
    urls = page_urls()
    for event in events:
        calendar.add_component(_vevent(event, request, host, urls))
    if events:
        # Transitions around the events only, not every year since 1970.
        calendar.add_missing_timezones(
            first_date=min(e.start_date for e in events) - datetime.timedelta(days=366),
            last_date=max(e.end_date for e in events) + datetime.timedelta(days=366),
        )
    return calendar.to_ical()
