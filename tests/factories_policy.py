"""Factories for policy learning: the action plan index, instruments and plans with rows.

``make_plan(index, project=..., region=..., actions=[{...}], indicators=[{...}])`` saves the
plan through a revision (published unless ``publish=False``) and returns it; each action
dict may hold ``history`` [(status, date)], ``practices``, ``events``, ``recommendations``;
each indicator dict ``values`` [(value, date)] and ``action`` (an index into ``actions``).
"""

import datetime
from decimal import Decimal

from policy_learning.models import (
    Action,
    ActionPlanIndexPage,
    ActionPlanPage,
    ActionStatusChange,
    Indicator,
    IndicatorValue,
    PolicyInstrument,
)
from tests.factories import make_site


def make_plan_index(home=None, **fields):
    if home is None:
        home, _practices = make_site()
    index = ActionPlanIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=ActionPlanIndexPage(
                **{"title": "Action plans", "slug": "action-plans", **fields}
            )
        )
        index.save_revision().publish()
    return index


def make_instrument(region, **fields):
    instrument = PolicyInstrument(
        **{"name": f"Strategy of {region.name}", "kind": "strategy", "region": region, **fields}
    )
    instrument.country = region.country
    instrument.save()
    return instrument


def _action(n, spec):
    spec = dict(spec)
    history = spec.pop("history", [("planned", datetime.date(2025, 1, 1))])
    m2m = {
        "learned_from_practices": spec.pop("practices", []),
        "learned_from_events": spec.pop("events", []),
        "recommendations": spec.pop("recommendations", []),
    }
    action = Action(sort_order=n, **{"title": f"Action {n}", **spec})
    for name, objs in m2m.items():
        setattr(action, name, objs)
    action.status_history = [
        ActionStatusChange(status=status, date=date, sort_order=i)
        for i, (status, date) in enumerate(history)
    ]
    return action


def make_plan(
    index, *, project, region, actions=(), indicators=(), instruments=(), publish=True, **fields
):
    plan = ActionPlanPage(
        **{
            "title": f"Action plan of {region.name} ({project.acronym})",
            "project": project,
            "region": region,
            "plan_status": "endorsed",
            **fields,
        }
    )
    plan.live = publish
    plan.instruments = list(instruments)
    plan.actions = [_action(n, spec) for n, spec in enumerate(actions)]
    index.add_child(instance=plan)
    saved = list(plan.actions.all())
    rows = []
    for n, spec in enumerate(indicators):
        spec = dict(spec)
        values = spec.pop("values", [])
        action_index = spec.pop("action", None)
        indicator = Indicator(
            sort_order=n,
            **{
                "name": f"Indicator {n}",
                "unit": "people",
                "baseline_value": Decimal(0),
                "baseline_date": datetime.date(2025, 1, 1),
                "target_value": Decimal(100),
                "target_date": datetime.date(2026, 1, 1),
                **spec,
            },
        )
        indicator.action = saved[action_index] if action_index is not None else None
        indicator.values = [
            IndicatorValue(value=Decimal(v), date=d, sort_order=i)
            for i, (v, d) in enumerate(values)
        ]
        rows.append(indicator)
    if rows:
        plan.indicators = rows
        plan.save()
    revision = plan.save_revision()
    if publish:
        revision.publish()
    return ActionPlanPage.objects.get(pk=plan.pk)
