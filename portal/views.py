"""Public pages for reference data: a cooperation project and a region, each with what other
apps attach to it (practices, events) through hooks."""

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from wagtail import hooks
from wagtail import views as wagtail_views
from wagtail.documents.views import serve as document_views
from wagtail.models import Page

from .design import swatches
from .languages import in_visitor_language
from .models import CooperationProject, Region
from .pagination import paginate
from .parsing import parse_id


def _sections(hook_name, obj, request):
    sections = []
    for contribute in hooks.get_hooks(hook_name):
        section = contribute(obj, request)
        if section:
            sections.append(section)
    return sections


@never_cache
def patterns(request):
    """The design system's pattern page (docs/design.md): in development, or for staff."""
    if not (settings.DEBUG or request.user.is_staff):
        raise Http404
    return TemplateResponse(request, "portal/patterns.html", {"swatches": swatches()})


def project_list(request):
    projects = (
        CooperationProject.objects.originals().prefetch_related("countries").order_by("acronym")
    )
    page_obj = paginate(request, projects)
    page_obj.object_list = in_visitor_language(page_obj.object_list)
    return TemplateResponse(request, "portal/project_list.html", {"projects": page_obj})


def project_detail(request, slug):
    """A project's page: the original project, its name and summary in the visitor's
    language where it has a translation in it (translations share the slug)."""
    project = get_object_or_404(
        CooperationProject.objects.originals().prefetch_related("countries", "partners__country"),
        slug=slug,
    )
    in_visitor_language([project])
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
        {
            "region": region,
            "sections": _sections("portal_region_sections", region, request),
            "feed_filters": {"type": ["practice"], "country": [region.country.code]},
            "feed_labels": {("country", region.country.code): region.country.name},
        },
    )


def _safe_return_url(request, fallback):
    """Make the hidden ``return_url`` of Wagtail's password forms a path on this site before
    Wagtail reads it. Wagtail hands the value to ``redirect()``, which takes a word such as
    "home" for a view name and fails (a 500, NoReverseMatch); anything but a same-site path
    goes to ``fallback()`` instead."""
    return_url = request.POST.get("return_url", "")
    if return_url.startswith("/") and url_has_allowed_host_and_scheme(
        return_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return
    request.POST = request.POST.copy()
    request.POST["return_url"] = fallback() or "/"


def authenticate_with_password(request, page_view_restriction_id, page_id):
    """Wagtail's password form of a restricted page; a return address that is not a path on
    this site goes back to the page itself."""
    if request.method == "POST":

        def page_url():
            page = Page.objects.filter(pk=parse_id(page_id)).first()
            return page.get_url(request) if page else None

        _safe_return_url(request, page_url)
    return wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id)


def authenticate_document_with_password(request, restriction_id):
    """Wagtail's password form of a restricted document collection, its return address made
    safe the same way (to the home page)."""
    if request.method == "POST":
        _safe_return_url(request, lambda: "/")
    return document_views.authenticate_with_password(request, restriction_id)


def serve_document(request, document_id, document_filename):
    """Wagtail's document download. Its address takes any run of digits as the id, and more
    digits than Python converts (4,300) failed with a 500; no such document is a 404."""
    if parse_id(document_id) is None:
        raise Http404
    return document_views.serve(request, document_id, document_filename)
