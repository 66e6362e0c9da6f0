"""Downloads of action plans: one row shape for the actions, written as CSV (a plan's, a
project's) and XLSX (a project's), and a plan as PDF."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exports import to_csv
from portal.spreadsheets import xlsx_response

from .models import Action
from .queries import actions_with_details


def action_header():
    return [
        _("Project"),
        _("Region"),
        _("Country"),
        _("Action plan"),
        _("Plan status"),
        _("Action"),
        _("Description"),
        _("Who"),
        _("Start"),
        _("End"),
        _("Budget (EUR)"),
        _("Funding source"),
        _("Status"),
        _("Status since"),
        _("Learned from practices"),
        _("Learned from learning events"),
        _("Recommendations taken up"),
        _("Policy instrument changed"),
        _("Kind of change"),
        _("Date of the change"),
        _("Evidence"),
        _("Evidence link"),
        _("Address"),
    ]


def action_row(plan, action, request):
    status = action.current_status
    return [
        plan.project.acronym,
        plan.region.name,
        plan.region.country.name,
        plan.title,
        plan.get_plan_status_display(),
        action.title,
        action.description,
        action.who,
        action.start_date,
        action.end_date,
        action.budget,
        action.funding_source,
        status.get_status_display() if status else "",
        status.date if status else None,
        "; ".join(p.title for p in action.learned_from_practices.all()),
        "; ".join(e.title for e in action.learned_from_events.all()),
        "; ".join(" ".join(r.text.split()) for r in action.recommendations.all()),
        action.changed_instrument.name if action.changed_instrument_id else "",
        action.get_change_kind_display() if action.change_kind else "",
        action.change_date,
        action.change_evidence,
        action.change_evidence_url,
        request.build_absolute_uri(f"{plan.get_url(request)}#{action.anchor}"),
    ]


def plans_rows(plans, request):
    """The rows of every action of ``plans`` (a list of plans), in one batch of queries."""
    by_pk = {plan.pk: plan for plan in plans}
    actions = actions_with_details(Action.objects.filter(plan__in=list(by_pk)))
    actions = sorted(actions, key=lambda a: (by_pk[a.plan_id].region.name, a.sort_order or 0))
    for action in actions:
        yield action_row(by_pk[action.plan_id], action, request)


def _about(request, what):
    return [
        (_("What"), what),
        (_("Source"), request.build_absolute_uri("/")),
        (_("Made on"), timezone.now()),
        (_("Note"), _("Plans marked as examples are illustrative demo content.")),
    ]


def csv_response(filename, rows):
    response = HttpResponse(to_csv(action_header(), rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def plan_csv(plan, request):
    return csv_response(f"{plan.slug}-actions.csv", plans_rows([plan], request))


def project_csv(project, plans, request):
    return csv_response(f"{project.slug}-actions.csv", plans_rows(plans, request))


def project_xlsx(project, plans, request):
    what = _("Actions of the action plans of %(project)s") % {"project": project.acronym}
    return xlsx_response(
        f"{project.slug}-actions.xlsx",
        action_header(),
        plans_rows(plans, request),
        _about(request, what),
    )
