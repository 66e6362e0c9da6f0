"""Public pages for reference data: a cooperation project and a region, each with what other
apps attach to it (practices, events) through hooks."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from wagtail import hooks

from .models import CooperationProject, Region
from .pagination import paginate


def _sections(hook_name, obj, request):
    sections = []
    for contribute in hooks.get_hooks(hook_name):
        section = contribute(obj, request)
        if section:
            sections.append(section)
    return sections


def project_list(request):
    projects = CooperationProject.objects.prefetch_related("countries").order_by("acronym")
    return TemplateResponse(
        request, "portal/project_list.html", {"projects": paginate(request, projects)}
    )


def project_detail(request, slug):
    project = get_object_or_404(
        CooperationProject.objects.prefetch_related("countries", "partners__country"), slug=slug
    )
    return TemplateResponse(
        request,
        "portal/project_detail.html",
        {"project": project, "sections": _sections("portal_project_sections", project, request)},
    )


def region_list(request):
    regions = (
        Region.objects.select_related("country")
        .annotate(practice_count=Count("practices", filter=Q(practices__live=True), distinct=True))
        .order_by("country__name", "name")
    )
    return TemplateResponse(
        request, "portal/region_list.html", {"regions": paginate(request, regions, per_page=50)}
    )


def region_detail(request, slug):
    region = get_object_or_404(Region.objects.select_related("country"), slug=slug)
    return TemplateResponse(
        request,
        "portal/region_detail.html",
        {"region": region, "sections": _sections("portal_region_sections", region, request)},
    )
