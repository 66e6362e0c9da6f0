from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.views import (
    authenticate_document_with_password,
    authenticate_with_password,
    serve_document,
)
from practices.views import validation_criteria

from .languages import serve_page
from .ratelimit import limit_password_forms

urlpatterns = [
    path("", include("portal.discovery_urls")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document download and password forms, guarded against input they fail on
    # (portal/views.py); same addresses and names as Wagtail's, which they come before.
    re_path(r"^documents/(\d+)/(.*)$", serve_document, name="wagtaildocs_serve"),
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        authenticate_document_with_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", include("portal.api_urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
if settings.DEBUG or settings.PORTAL_SERVE_MEDIA:
    from django.views.static import serve as serve_media

    # Not django.conf.urls.static.static(), which adds nothing unless DEBUG.
    media = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media}(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT})
    ]

# Public pages in every language: English at today's addresses, the others under their prefix
# (/de/practices/...); the language of a page is its address, never a cookie, so public pages
# stay cacheable (docs/languages.md).
urlpatterns += i18n_patterns(
    path("", include("portal.reference_urls")),
    path("search/", include("search.urls")),
    path("practices/", include("practices.urls")),
    path("validation-criteria/", validation_criteria, name="validation_criteria"),
    # Wagtail's front-end utilities and page serving; serve_page falls back to the original
    # version of a page that has none in the address's language (portal/languages.py).
    *wagtail_urls.urlpatterns[:-1],
    re_path(wagtail_urls.serve_pattern, serve_page, name="wagtail_serve"),
    prefix_default_language=False,
)

# Wagtail's password forms other than the login (which django-axes guards): the page
# view-restriction password, the account page's password change, the password reset.
limit_password_forms(urlpatterns)
