"""What the portal's search indexes for an action plan (contract: docs/search.md).

Only public plans are indexed: search/ keeps live pages without a view restriction, and
``is_indexable`` keeps out plans still drafting, so a plan sent back to drafting leaves the
index when it is published again."""

from html import unescape

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from .models import PUBLIC_PLAN_STATUSES, ActionPlanPage, PlanStatus


def findable_plans():
    return (
        ActionPlanPage.objects.filter(plan_status__in=PUBLIC_PLAN_STATUSES)
        .with_card_data()
        .select_related("project")
        .prefetch_related(
            "instruments",
            "actions__learned_from_practices",
            "actions__learned_from_events",
        )
    )


def is_public_plan(plan):
    return plan.is_public_status


def plan_choice_labels():
    from portal.models import FundingProgramme

    return {"status": dict(PlanStatus.choices), "programme": dict(FundingProgramme.choices)}


def localise_plan_display(display):
    display["type_label"] = str(_("Action plan"))
    statuses = dict(PlanStatus.choices)
    if display.get("status") in statuses:
        display["status_label"] = str(statuses[display["status"]])
    return display


def plan_document(plan):
    from search.registry import SearchDocument

    actions = list(plan.actions.all())
    region, country, project = plan.region, plan.region.country, plan.project
    names = [region.name, country.name, project.acronym, project.name]
    if plan.responsible_organisation_id:
        names.append(plan.responsible_organisation.name)
    names += [instrument.name for instrument in plan.instruments.all()]
    learned = []
    for action in actions:
        learned += [p.title for p in action.learned_from_practices.all()]
        learned += [e.title for e in action.learned_from_events.all()]
    body = [f"{a.title}. {a.description}" for a in actions]
    budgets = [a.budget for a in actions if a.budget is not None]
    starts = [a.start_date.year for a in actions if a.start_date]
    context = unescape(strip_tags(plan.context or "")).strip()
    return SearchDocument(
        type="action-plan",
        object_id=plan.pk,
        title=plan.title,
        url=plan.get_url() or plan.url_path,
        summary=context,
        body="\n\n".join(body + sorted(set(learned))),
        names=names,
        facets={
            "country": [(country.code, country.name)],
            "region": [(region.slug, region.name)],
            "project": [(project.slug, project.acronym)],
            "programme": [(project.programme, project.get_programme_display())],
            "status": [(plan.plan_status, plan.get_plan_status_display())],
        },
        budget_eur=float(sum(budgets)) if budgets else None,
        start_year=min(starts) if starts else None,
        published_at=plan.first_published_at,
        display={
            "type_label": str(_("Action plan")),
            "location": f"{region.name}, {country.name}",
            "organisation": (
                plan.responsible_organisation.name if plan.responsible_organisation_id else ""
            ),
            "project": project.acronym,
            "status": plan.plan_status,
            "status_label": str(plan.get_plan_status_display()),
        },
    )


def action_plan_search_type():
    from search.registry import SearchType

    return SearchType(
        key="action-plan",
        label=_("Action plan"),
        model=ActionPlanPage,
        queryset=findable_plans,
        to_document=plan_document,
        is_indexable=is_public_plan,
        choice_labels=plan_choice_labels,
        localise=localise_plan_display,
    )
