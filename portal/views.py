"""Public pages for reference data: a cooperation project and a region, each with what other
apps attach to it (practices, events) through hooks."""

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
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


def switch_language(request, language):
    """The header's language links: remember ``language`` in the language cookie and go back
    to ``?next=`` (a same-site address only). A plain GET link rather than a form, so that
    pages carry no CSRF token and stay cacheable; Django's POST /i18n/setlang/ still works."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if check_for_language(language) and language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
