"""The pages under the action plan index besides the plans: the portal-wide "learned from"
map and the downloads (a plan as PDF, a project's actions as CSV or XLSX)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import CooperationProject
from portal.pdf import PDFError, pdf_response, render_pdf

from . import exports
from .queries import learned_from_map, plan_page_context, public_action_plans


def learned_from_page(index, request):
    return TemplateResponse(
        request,
        "policy_learning/learned_from_page.html",
        {"page": index, "self": index, "graph": learned_from_map()},
    )


def project_actions_download(index, request, slug, fmt):
    """All actions of a project's public plans, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    project = get_object_or_404(CooperationProject.objects.originals(), slug=slug)
    plans = list(
        public_action_plans()
        .filter(project=project)
        .select_related("project", "region__country")
        .order_by("region__name")
    )
    if fmt == "csv":
        return exports.project_csv(project, plans, request)
    return exports.project_xlsx(project, plans, request)


def plan_pdf(plan, request):
    context = {
        "page": plan,
        "generated": timezone.now(),
        **plan_page_context(plan),
    }
    try:
        pdf = render_pdf("policy_learning/action_plan_pdf.html", context, request)
    except PDFError:
        messages.error(request, _("The PDF could not be made; print the plan's page instead."))
        return redirect(plan.url)
    return pdf_response(pdf, f"{plan.slug}.pdf")
