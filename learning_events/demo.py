"""Demo learning events from ``fixtures/events/*.yaml`` (see the README there).

Idempotent: events are matched by slug, updated in place when their file changed and left
alone otherwise; everything is validated before anything is saved."""

import datetime
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from portal.demo import DemoDataError, ensure_child_page
from portal.models import CooperationProject, Country, Organisation, Region
from practices.models import PracticePage

from .models import (
    KIND_SLUGS,
    AgendaSession,
    LearningEventIndexPage,
    LearningEventPage,
    MasterclassExpert,
    MasterclassMaterial,
    StudyVisitPractice,
    StudyVisitSite,
)

EVENTS_DIR = Path(settings.BASE_DIR) / "fixtures" / "events"
KIND_CLASSES = {slug: kind for kind, slug in KIND_SLUGS.items()}
INDEX_INTRO = (
    "Study visits, masterclasses, peer-review workshops and staff exchanges of interregional "
    "cooperation projects: where partners see practices at work and review each other's "
    "policies. The events below are examples of how a learning route is documented."
)
EVENT_KEYS = {
    "slug", "kind", "title", "summary", "status", "format", "start", "end", "time_zone",
    "venue", "host_region", "host_organisation", "participants", "learning_objectives",
    "lessons_learned", "registration_url", "online_url", "agenda", "project", "is_example",
    # study visit
    "practices_visited", "sites",
    # masterclass
    "topic", "experts", "materials",
    # peer-review workshop
    "policy_challenge", "policy_instrument", "policy_instrument_url", "peers",
    # staff exchange
    "sending_organisation", "receiving_organisation", "staff_count", "duration_days",
    "what_was_learned",
}  # fmt: skip


def _read(path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DemoDataError(f"{path}: {exc}") from exc


def _split_datetime(value, where):
    """A YAML date (all day) or "YYYY-MM-DD HH:MM" → (date, time or None)."""
    if isinstance(value, datetime.datetime):
        return value.date(), value.time().replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return value, None
    try:
        parsed = datetime.datetime.strptime(str(value).strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise DemoDataError(f"{where}: '{value}' is not a date or 'YYYY-MM-DD HH:MM'") from None
    return parsed.date(), parsed.time()


def _session_times(value, where):
    if not value:
        return None, None
    try:
        start, _sep, end = str(value).partition("-")
        start_time = datetime.datetime.strptime(start.strip(), "%H:%M").time()
        end_time = datetime.datetime.strptime(end.strip(), "%H:%M").time() if end else None
    except ValueError:
        raise DemoDataError(f"{where}: time '{value}' is not 'HH:MM-HH:MM'") from None
    return start_time, end_time


class Refs:
    """Reference data looked up by natural key, with errors that name the file and event."""

    def __init__(self):
        self.countries = {c.code: c for c in Country.objects.all()}
        self.regions = {
            (r.country.code, r.name): r for r in Region.objects.select_related("country")
        }
        self.organisations = {o.name: o for o in Organisation.objects.all()}
        self.projects = {p.acronym: p for p in CooperationProject.objects.originals()}
        self.practices = {
            p.slug: p for p in PracticePage.objects.filter(translated_version__isnull=True)
        }

    def country(self, code, where):
        try:
            return self.countries[str(code).upper()]
        except KeyError:
            raise DemoDataError(f"{where}: unknown country '{code}'") from None

    def region(self, name, where, country=None):
        matches = [
            r for (code, n), r in self.regions.items()
            if n == name and (country is None or code == country.code)
        ]  # fmt: skip
        if len(matches) != 1:
            raise DemoDataError(f"{where}: unknown or ambiguous region '{name}'")
        return matches[0]

    def organisation(self, name, where):
        if name not in self.organisations:
            raise DemoDataError(f"{where}: unknown organisation '{name}'")
        return self.organisations[name]

    def project(self, acronym, where):
        if acronym not in self.projects:
            raise DemoDataError(f"{where}: unknown cooperation project '{acronym}'")
        return self.projects[acronym]

    def practice(self, slug, where):
        practice = self.practices.get(slug)
        if practice is None:
            raise DemoDataError(f"{where}: unknown practice '{slug}' (see fixtures/practices/)")
        if not practice.live:
            raise DemoDataError(f"{where}: practice '{slug}' is not published")
        return practice


def load_regions():
    path = EVENTS_DIR / "regions.yaml"
    if not path.exists():
        return
    for row in _read(path) or []:
        country = Country.objects.filter(code=str(row["country"]).upper()).first()
        if country is None:
            raise DemoDataError(f"{path.name}: unknown country '{row['country']}'")
        Region.objects.get_or_create(
            country=country,
            name=row["name"],
            defaults={
                "nuts_code": row.get("nuts_code") or "",
                "slug": row.get("slug") or slugify(f"{row['name']}-{country.code}"),
            },
        )


def resolve(row, defaults, refs, where):
    """The event's fields, m2m and child rows from one YAML entry, validated."""
    unknown = set(row) - EVENT_KEYS
    if unknown:
        raise DemoDataError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    for key in ("slug", "kind", "title", "summary", "start", "end"):
        if not row.get(key):
            raise DemoDataError(f"{where}: '{key}' is required")
    kind = KIND_CLASSES.get(row["kind"])
    if kind is None:
        raise DemoDataError(
            f"{where}: unknown kind '{row['kind']}' (one of {', '.join(KIND_CLASSES)})"
        )
    venue = row.get("venue") or {}
    country = refs.country(venue.get("country"), where)
    start_date, start_time = _split_datetime(row["start"], where)
    end_date, end_time = _split_datetime(row["end"], where)
    if (end_date, end_time or datetime.time.max) <= (start_date, start_time or datetime.time.min):
        raise DemoDataError(f"{where}: the event must end after it starts")
    project = row.get("project", defaults.get("project"))
    fields = {
        "title": row["title"],
        "summary": " ".join(str(row["summary"]).split()),
        "status": row.get("status", "planned"),
        "event_format": row.get("format", "on-site"),
        "start_date": start_date,
        "start_time": start_time,
        "end_date": end_date,
        "end_time": end_time,
        "time_zone": row.get("time_zone", "Europe/Brussels"),
        "venue_name": venue.get("name", ""),
        "venue_city": venue.get("city", ""),
        "venue_country": country,
        "host_region": refs.region(row["host_region"], where, country)
        if row.get("host_region")
        else None,
        "host_organisation": refs.organisation(row["host_organisation"], where)
        if row.get("host_organisation")
        else None,
        "project": refs.project(project, where) if project else None,
        "is_example": bool(row.get("is_example", defaults.get("is_example", True))),
        "learning_objectives": (row.get("learning_objectives") or "").strip(),
        "lessons_learned": (row.get("lessons_learned") or "").strip(),
        "registration_url": row.get("registration_url", ""),
        "online_url": row.get("online_url", ""),
    }
    participants = row.get("participants") or {}
    m2m = {
        "participating_organisations": [
            refs.organisation(n, where) for n in participants.get("organisations", [])
        ],
        "participating_regions": [refs.region(n, where) for n in participants.get("regions", [])],
    }
    children = {"agenda_sessions": []}
    for day in row.get("agenda") or []:
        date, _time = _split_datetime(day["day"], where)
        if not start_date <= date <= end_date:
            raise DemoDataError(f"{where}: agenda day {date} is outside the event's dates")
        for session in day.get("sessions") or []:
            session_start, session_end = _session_times(session.get("time"), where)
            children["agenda_sessions"].append(
                {
                    "date": date,
                    "start_time": session_start,
                    "end_time": session_end,
                    "title": session["title"],
                    "speakers": session.get("speakers", ""),
                    "description": (session.get("description") or "").strip(),
                    "practice": refs.practice(session["practice"], where)
                    if session.get("practice")
                    else None,
                }
            )
    if row["kind"] == "study-visit":
        children["visited_practices"] = [
            {"practice": refs.practice(slug, where), "note": ""}
            for slug in row.get("practices_visited") or []
        ]
        children["sites"] = [
            {
                "name": site["name"],
                "address": site.get("address", ""),
                "host_organisation": refs.organisation(site["host_organisation"], where)
                if site.get("host_organisation")
                else None,
                "hosts": site.get("hosts", ""),
                "description": (site.get("description") or "").strip(),
            }
            for site in row.get("sites") or []
        ]
    elif row["kind"] == "masterclass":
        fields["topic"] = row.get("topic", "")
        children["experts"] = [
            {"name": e["name"], "affiliation": e.get("affiliation", ""), "bio": e.get("bio", "")}
            for e in row.get("experts") or []
        ]
        children["materials"] = [
            {"title": m.get("title", ""), "url": m.get("url", ""), "document": None}
            for m in row.get("materials") or []
        ]
    elif row["kind"] == "peer-review-workshop":
        fields["policy_challenge"] = (row.get("policy_challenge") or "").strip()
        fields["policy_instrument"] = row.get("policy_instrument", "")
        fields["policy_instrument_url"] = row.get("policy_instrument_url", "")
        peers = row.get("peers") or {}
        m2m["peer_organisations"] = [
            refs.organisation(n, where) for n in peers.get("organisations", [])
        ]
        m2m["peer_regions"] = [refs.region(n, where) for n in peers.get("regions", [])]
    elif row["kind"] == "staff-exchange":
        for key in ("sending_organisation", "receiving_organisation"):
            if not row.get(key):
                raise DemoDataError(f"{where}: '{key}' is required for a staff exchange")
            fields[key] = refs.organisation(row[key], where)
        fields["staff_count"] = row.get("staff_count")
        fields["duration_days"] = row.get("duration_days")
        fields["what_was_learned"] = (row.get("what_was_learned") or "").strip()
    return kind, fields, m2m, children


CHILD_MODELS = {
    "agenda_sessions": AgendaSession,
    "visited_practices": StudyVisitPractice,
    "sites": StudyVisitSite,
    "experts": MasterclassExpert,
    "materials": MasterclassMaterial,
}


def _snapshot(page, fields, m2m, children):
    """The page's current values of what the fixture sets, comparable with the fixture."""
    return (
        {name: getattr(page, name) for name in fields},
        {name: sorted(o.pk for o in getattr(page, name).all()) for name in m2m},
        {
            name: [{k: getattr(child, k) for k in rows[0]} for child in getattr(page, name).all()]
            if rows
            else list(getattr(page, name).all())
            for name, rows in children.items()
        },
    )


def _wanted(fields, m2m, children):
    return (
        fields,
        {name: sorted(o.pk for o in objs) for name, objs in m2m.items()},
        dict(children),
    )


def _apply(page, fields, m2m, children, where):
    for name, value in fields.items():
        setattr(page, name, value)
    for name, objs in m2m.items():
        setattr(page, name, objs)
    for name, rows in children.items():
        # An explicit sort order: rows that all have none come back in any order on
        # PostgreSQL, and the next load would see a change.
        setattr(
            page,
            name,
            [CHILD_MODELS[name](sort_order=n, **row) for n, row in enumerate(rows)],
        )
    try:
        page.full_clean(exclude=["path", "depth", "url_path", "draft_title"])
        for name in children:
            for child in getattr(page, name).all():
                child.clean()
    except ValidationError as exc:
        raise DemoDataError(f"{where}: {exc}") from exc


@transaction.atomic
def load_demo_events(home):
    index = ensure_child_page(
        home, LearningEventIndexPage, title="Learning events", slug="events", intro=INDEX_INTRO
    )
    load_regions()
    refs = Refs()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    updated = []
    seen = {}
    for path in sorted(EVENTS_DIR.glob("*.yaml")):
        if path.name == "regions.yaml":
            continue
        data = _read(path) or {}
        defaults = {k: data[k] for k in ("project", "is_example") if k in data}
        for n, row in enumerate(data.get("events") or [], start=1):
            where = f"{path.name}: event {n} ({row.get('slug', '?')})"
            kind, fields, m2m, children = resolve(row, defaults, refs, where)
            slug = row["slug"]
            if slug in seen:
                raise DemoDataError(f"{where}: slug '{slug}' is also used in {seen[slug]}")
            seen[slug] = path.name
            existing = LearningEventPage.objects.child_of(index).filter(slug=slug).first()
            if existing is None:
                page = kind(slug=slug, live=False)
                _apply(page, fields, m2m, children, where)
                index.add_child(instance=page)
                page.save_revision().publish()
                counts["created"] += 1
                continue
            page = existing.specific
            if not isinstance(page, kind):
                raise DemoDataError(f"{where}: '{slug}' exists as a {page.kind_label}")
            if (
                _snapshot(page, fields, m2m, children) == _wanted(fields, m2m, children)
                and page.live
                and not page.has_unpublished_changes
            ):
                counts["unchanged"] += 1
                continue
            _apply(page, fields, m2m, children, where)
            page.save_revision().publish()
            counts["updated"] += 1
            updated.append(slug)
    names = f" ({', '.join(updated)})" if updated else ""
    return (
        f"Learning events: {counts['created']} created, {counts['updated']} updated{names}, "
        f"{counts['unchanged']} unchanged"
    )
