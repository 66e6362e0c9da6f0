"""From learning to policy change: the policy instruments regions want to improve, their
action plans, the actions (with what each was learned from and what it changed) and the
indicators that measure them."""

from .instruments import InstrumentKind, PolicyInstrument
from .plans import (
    PUBLIC_PLAN_STATUSES,
    Action,
    ActionPlanIndexPage,
    ActionPlanPage,
    ActionStatus,
    ActionStatusChange,
    ChangeKind,
    Indicator,
    IndicatorValue,
    PlanStatus,
)

__all__ = [
    "PUBLIC_PLAN_STATUSES",
    "Action",
    "ActionPlanIndexPage",
    "ActionPlanPage",
    "ActionStatus",
    "ActionStatusChange",
    "ChangeKind",
    "Indicator",
    "IndicatorValue",
    "InstrumentKind",
    "PlanStatus",
    "PolicyInstrument",
]
