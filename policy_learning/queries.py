"""The one place that says which action plans the public sees, and the queries the public
pages run (each a fixed number of queries, whatever the number of actions)."""

from django.db.models import Prefetch

from portal.visibility import public_pages

from .charts import indicator_chart
from .models import (
    PUBLIC_PLAN_STATUSES,
    Action,
    ActionPlanPage,
    ActionStatusChange,
    Indicator,
)


def public_action_plans(queryset=None):
    """Published, public plans that are endorsed or later: never a plan still drafting."""
    queryset = ActionPlanPage.objects.all() if queryset is None else queryset
    return public_pages(queryset).filter(plan_status__in=PUBLIC_PLAN_STATUSES)


def plan_actions(plan):
    """The plan's actions with everything the page shows about them."""
    from learning_events.filters import published_events
    from peer_reviews.models import Recommendation
    from practices.models import PracticePage

    return list(
        Action.objects.filter(plan=plan)
        .select_related("changed_instrument", "change_evidence_document")
        .prefetch_related(
            Prefetch("status_history", queryset=ActionStatusChange.objects.order_by("date")),
            Prefetch(
                "learned_from_practices",
                queryset=public_pages(PracticePage.objects.all()).select_related(
                    "country", "lead_organisation"
                ),
            ),
            Prefetch(
                "learned_from_events",
                queryset=published_events().select_related("host_region", "content_type"),
            ),
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related(
                    "report__worksheet", "addressed_region"
                ),
            ),
        )
        .order_by("sort_order", "pk")
    )


def _attach_workshops(actions):
    """Each recommendation's peer-review workshop (the worksheet's parent page), in one
    query for all of them."""
    from wagtail.models import Page

    recommendations = [r for a in actions for r in a.recommendations.all()]
    paths = {r.report.worksheet.path[: -Page.steplen] for r in recommendations}
    workshops = {p.path: p for p in public_pages(Page.objects.filter(path__in=paths))}
    for recommendation in recommendations:
        parent = recommendation.report.worksheet.path[: -Page.steplen]
        recommendation.workshop = workshops.get(parent)


def plan_page_context(plan, preview=False):
    """What the plan page shows. A preview shows the revision being edited, whose rows live
    in memory (modelcluster), so they are read from the page itself."""
    if preview:
        actions = list(plan.actions.all())
        indicators = list(plan.indicators.all())
    else:
        actions = plan_actions(plan)
        indicators = list(
            Indicator.objects.filter(plan=plan)
            .select_related("action")
            .prefetch_related("values")
            .order_by("sort_order", "pk")
        )
    _attach_workshops(actions)
    return {
        "actions": actions,
        "instruments": list(plan.instruments.select_related("region", "country")),
        "indicator_charts": [indicator_chart(indicator) for indicator in indicators],
        "changes": [action for action in actions if action.has_change],
    }


def actions_inspired_by(practice):
    """Actions of public plans in other regions than the practice's own that learned from
    ``practice``, with their plan and region."""
    plans = public_action_plans().values("pk")
    # A preview's regions are in memory (modelcluster), so take their ids from the objects.
    own_regions = [region.pk for region in practice.regions.all()]
    return list(
        Action.objects.filter(learned_from_practices=practice, plan__in=plans)
        .exclude(plan__region__in=own_regions)
        .select_related("plan__region__country", "plan__project")
        .prefetch_related("status_history")
        .order_by("plan__region__name", "sort_order")
    )
