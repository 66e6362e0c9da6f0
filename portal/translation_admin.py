"""The admin side of translated versions (docs/languages.md): the machine translations still
to review, and marking one as reviewed. Editors who may edit a page may review it."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages

from .models import TranslatedVersion, TranslationKind


def _to_review():
    return (
        TranslatedVersion.objects.filter(kind=TranslationKind.MACHINE, reviewed_at__isnull=True)
        .select_related("page", "page__locale")
        .order_by("page__title")
    )


def translations_to_review(request):
    """Machine translations nobody has reviewed yet, of the pages this editor may edit."""
    versions = [
        version
        for version in _to_review()
        if version.page.permissions_for_user(request.user).can_edit()
    ]
    return TemplateResponse(
        request, "portal/admin/translations_to_review.html", {"versions": versions}
    )


def review_translation(request, page_id):
    """GET: what is being confirmed; POST: the machine translation is marked as reviewed."""
    version = get_object_or_404(
        TranslatedVersion.objects.select_related("page", "page__locale"), page_id=page_id
    )
    if not version.page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    if request.method == "POST":
        if version.needs_review:
            version.mark_reviewed(request.user)
            messages.success(
                request,
                _("“%(title)s” is marked as a reviewed machine translation.")
                % {"title": version.page.title},
            )
        return redirect("portal_translations_to_review")
    return TemplateResponse(request, "portal/admin/review_translation.html", {"version": version})


def admin_urls():
    return [
        path("translations/review/", translations_to_review, name="portal_translations_to_review"),
        path(
            "translations/review/<int:page_id>/",
            review_translation,
            name="portal_review_translation",
        ),
    ]


def review_url(page):
    return reverse("portal_review_translation", args=[page.pk])
