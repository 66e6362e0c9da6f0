"""Example instruments and action plans from ``fixtures/policy/*.yaml`` (flagged "Example").

Idempotent: instruments are matched by name and updated; plans are matched by slug and
created once (a plan already there is left as it is: it may have been edited in the admin).
Everything a plan needs is looked up and validated through the models' ``full_clean()``
before it is saved; errors name the file and the plan."""

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from learning_events.models import LearningEventPage
from peer_reviews.models import Recommendation
from portal.demo import DemoDataError, ensure_child_page
from portal.models import CooperationProject, Organisation, Region
from practices.models import PracticePage

from .models import (
    Action,
    ActionPlanIndexPage,
    ActionPlanPage,
    ActionStatusChange,
    Indicator,
    IndicatorValue,
    PolicyInstrument,
)

POLICY_DIR = Path(settings.BASE_DIR) / "fixtures" / "policy"
INDEX_INTRO = (
    "What partner regions of cooperation projects decided to change after learning from "
    "each other: their action plans, what each action was learned from, the policy "
    "instruments it changed and the indicators that measure it. The plans shown here are "
    "examples."
)


def _read(path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DemoDataError(f"{path}: {exc}") from exc


def _lookup(mapping, key, what, where):
    try:
        return mapping[key]
    except KeyError:
        raise DemoDataError(f"{where}: unknown {what} '{key}'") from None


def _date(value, where):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise DemoDataError(f"{where}: '{value}' is not a date (YYYY-MM-DD)") from None


def _number(value, where):
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise DemoDataError(f"{where}: '{value}' is not a number") from None


def _valid(obj, where, exclude=()):
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise DemoDataError(f"{where}: {exc}") from exc


class Refs:
    def __init__(self):
        self.regions = {r.name: r for r in Region.objects.all()}
        self.organisations = {o.name: o for o in Organisation.objects.all()}
        self.projects = {p.acronym: p for p in CooperationProject.objects.originals()}
        self.practices = {
            p.slug: p for p in PracticePage.objects.live().filter(translated_version__isnull=True)
        }
        self.events = {e.slug: e for e in LearningEventPage.objects.live()}
        self.instruments = {}

    def recommendation(self, ref, where):
        workshop_slug, _sep, number = str(ref).partition("#")
        workshop = _lookup(self.events, workshop_slug, "event", where)
        found = Recommendation.objects.filter(
            report__worksheet__path__startswith=workshop.path, sort_order=int(number or 0)
        ).first()
        if found is None:
            raise DemoDataError(f"{where}: unknown recommendation '{ref}'")
        return found


def load_instruments(rows, refs, where):
    for row in rows:
        here = f"{where}: instrument '{row.get('name')}'"
        period = row.get("period") or [None, None]
        instrument = PolicyInstrument.objects.filter(name=row["name"]).first()
        instrument = instrument or PolicyInstrument(name=row["name"])
        instrument.kind = row.get("kind", "other")
        instrument.region = _lookup(refs.regions, row["region"], "region", here)
        instrument.country = instrument.region.country
        instrument.managing_body = row.get("managing_body", "")
        instrument.period_start, instrument.period_end = period
        instrument.url = row.get("url", "")
        instrument.projects = [
            _lookup(refs.projects, p, "project", here) for p in row.get("projects") or []
        ]
        _valid(instrument, here)
        instrument.save()
        refs.instruments[instrument.name] = instrument


def build_action(row, refs, where):
    action = Action(
        title=row["title"],
        description=" ".join(str(row.get("description", "")).split()),
        who=row.get("who", ""),
        start_date=_date(row["start"], where) if row.get("start") else None,
        end_date=_date(row["end"], where) if row.get("end") else None,
        budget=_number(row["budget"], where) if row.get("budget") is not None else None,
        funding_source=row.get("funding_source", ""),
    )
    action.learned_from_practices = [
        _lookup(refs.practices, s, "published practice", where) for s in row.get("practices") or []
    ]
    action.learned_from_events = [
        _lookup(refs.events, s, "published event", where) for s in row.get("events") or []
    ]
    action.recommendations = [
        refs.recommendation(r, where) for r in row.get("recommendations") or []
    ]
    action.status_history = [
        ActionStatusChange(
            status=entry[0],
            date=_date(entry[1], where),
            note=entry[2] if len(entry) > 2 else "",
            sort_order=n,
        )
        for n, entry in enumerate(row.get("status") or [])
    ]
    change = row.get("change")
    if change:
        action.changed_instrument = _lookup(
            refs.instruments, change["instrument"], "instrument", where
        )
        action.change_kind = change["kind"]
        action.change_date = _date(change["date"], where)
        action.change_evidence = " ".join(str(change.get("evidence", "")).split())
        action.change_evidence_url = change.get("evidence_url", "")
    _valid(action, where, exclude=["plan"])
    for status in action.status_history.all():
        _valid(status, where, exclude=["action"])
    return action


def build_indicator(row, where):
    indicator = Indicator(
        name=row["name"],
        unit=row["unit"],
        baseline_value=_number(row["baseline"][0], where),
        baseline_date=_date(row["baseline"][1], where),
        target_value=_number(row["target"][0], where),
        target_date=_date(row["target"][1], where),
    )
    indicator.values = [
        IndicatorValue(value=_number(v, where), date=_date(d, where), sort_order=n)
        for n, (v, d) in enumerate(row.get("values") or [])
    ]
    _valid(indicator, where, exclude=["plan", "action"])
    return indicator


@transaction.atomic
def load_demo_action_plans(home):
    index = ensure_child_page(
        home, ActionPlanIndexPage, title="Action plans", slug="action-plans", intro=INDEX_INTRO
    )
    refs = Refs()
    created = kept = 0
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        data = _read(path)
        load_instruments(data.get("instruments") or [], refs, path.name)
        for row in data.get("plans") or []:
            where = f"{path.name}: plan '{row.get('slug')}'"
            if ActionPlanPage.objects.filter(slug=row["slug"]).exists():
                kept += 1
                continue
            plan = ActionPlanPage(
                title=row["title"],
                slug=row["slug"],
                project=_lookup(refs.projects, row["project"], "project", where),
                region=_lookup(refs.regions, row["region"], "region", where),
                responsible_organisation=_lookup(
                    refs.organisations, row["responsible_organisation"], "organisation", where
                ),
                plan_status=row.get("status", "drafting"),
                context=row.get("context", ""),
                is_example=True,
            )
            plan.instruments = [
                _lookup(refs.instruments, n, "instrument", where) for n in row["instruments"]
            ]
            pairs = []
            for n, action_row in enumerate(row.get("actions") or [], start=1):
                here = f"{where}, action {n}"
                action = build_action(action_row, refs, here)
                action.sort_order = n
                pairs.append(
                    (action, [build_indicator(i, here) for i in action_row.get("indicators") or []])
                )
            plan.actions = [action for action, _indicators in pairs]
            _valid(plan, where, exclude=["path", "depth", "url_path", "draft_title"])
            index.add_child(instance=plan)
            plan.save_revision().publish()
            plan.refresh_from_db()
            # Indicators name a saved action, so they are added once the actions exist.
            saved = list(plan.actions.order_by("sort_order"))
            indicators = []
            for action, (_unsaved, action_indicators) in zip(saved, pairs, strict=True):
                for indicator in action_indicators:
                    indicator.action = action
                    indicators.append(indicator)
            if indicators:
                plan.indicators = indicators
                plan.save_revision().publish()
            created += 1
    return f"Action plans: {created} created, {kept} already there"
