"""The one place that says which action plans the public sees, and the queries the public
pages run (each a fixed number of queries, whatever the number of actions)."""

from django.db.models import Prefetch, Q

from portal.visibility import public_pages

from .charts import indicator_chart
from .graph import draw, learned_from_links
from .models import (
    PUBLIC_PLAN_STATUSES,
    Action,
    ActionPlanPage,
    ActionStatusChange,
    Indicator,
    PolicyInstrument,
)


def public_action_plans(queryset=None):
    """Published, public plans that are endorsed or later: never a plan still drafting."""
    queryset = ActionPlanPage.objects.all() if queryset is None else queryset
    return public_pages(queryset).filter(plan_status__in=PUBLIC_PLAN_STATUSES)


def plan_actions(plan):
    """The plan's actions with everything the page shows about them."""
    return list(actions_with_details(Action.objects.filter(plan=plan)))


def actions_with_details(actions):
    """``actions`` with what the plan page and the downloads show about each one."""
    from learning_events.filters import published_events
    from peer_reviews.models import Recommendation
    from practices.models import PracticePage

    return (
        actions.select_related("changed_instrument", "change_evidence_document")
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


def public_actions():
    """Actions of public plans (endorsed and later)."""
    return Action.objects.filter(plan__in=public_action_plans().values("pk"))


def learned_from_map(actions=None):
    """The "learned from" graph of ``actions`` (every public action by default)."""
    return draw(learned_from_links(public_actions() if actions is None else actions))


def project_progress(project):
    """Progress across the project's partner regions, the figure Interreg Europe reports:
    per public plan, its actions by current status and the instrument changes achieved;
    and the totals. A fixed number of queries, whatever the number of plans and actions."""
    from .models import ActionStatus

    plans = list(
        public_action_plans()
        .filter(project=project)
        .select_related("region__country")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("changed_instrument").prefetch_related(
                    "status_history"
                ),
            )
        )
        .order_by("region__name")
    )
    statuses = list(ActionStatus)
    rows = []
    totals = dict.fromkeys(statuses, 0)
    changes = []
    for plan in plans:
        counts = dict.fromkeys(statuses, 0)
        for action in plan.actions.all():
            current = action.current_status
            status = ActionStatus(current.status) if current else ActionStatus.PLANNED
            counts[status] += 1
            totals[status] += 1
            if action.has_change:
                changes.append((plan, action))
        plan_changes = [a for p, a in changes if p is plan]
        rows.append(
            {
                "plan": plan,
                "counts": [counts[s] for s in statuses],
                "total": sum(counts.values()),
                "changes": len(plan_changes),
            }
        )
    changes.sort(key=lambda pair: (pair[1].change_date, pair[0].region.name))
    return {
        "plans": plans,
        "statuses": statuses,
        "rows": rows,
        "totals": [totals[s] for s in statuses],
        "total": sum(totals.values()),
        "changes": changes,
        "instruments_changed": len({a.changed_instrument_id for _p, a in changes}),
    }


def region_policy_learning(region):
    """What a region page shows: its policy instruments, its public action plans, and the
    "learned from" links into and out of it. A fixed number of queries."""
    instruments = list(PolicyInstrument.objects.filter(region=region).prefetch_related("projects"))
    plans = list(
        public_action_plans().filter(region=region).with_card_data().order_by("project__acronym")
    )
    touching = public_actions().filter(
        Q(plan__region=region)
        | Q(learned_from_practices__regions=region)
        | Q(learned_from_events__host_region=region)
    )
    links = learned_from_links(Action.objects.filter(pk__in=touching.values("pk")))
    learned = [link for link in links if link.target.pk == region.pk]
    taught = [link for link in links if link.source.pk == region.pk]
    return {
        "region": region,
        "instruments": instruments,
        "plans": plans,
        "learned": learned,
        "taught": taught,
    }


def workshop_recommendations(event):
    """The recommendations of the reports of ``event``'s public worksheets (a peer-review
    workshop's), each with ``public_actions``: the actions of public plans taking it up."""
    from wagtail.models import Page

    from peer_reviews.models import Recommendation

    worksheets = public_pages(Page.objects.child_of(event)).values("pk")
    recommendations = list(
        Recommendation.objects.filter(report__worksheet__in=worksheets)
        .select_related("addressed_region", "addressed_organisation")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=public_actions()
                .select_related("plan__region")
                .order_by("plan__region__name", "sort_order"),
                to_attr="public_actions",
            )
        )
        .order_by("sort_order", "pk")
    )
    return recommendations
