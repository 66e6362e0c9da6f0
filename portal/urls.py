from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.views import (
    authenticate_document_with_password,
    authenticate_with_password,
    serve_document,
    switch_language,
)
from practices.views import validation_criteria

from .ratelimit import limit_password_forms

urlpatterns = [
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
    path("i18n/language/<str:language>/", switch_language, name="switch_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("portal.reference_urls")),
    path("search/", include("search.urls")),
    path("practices/", include("practices.urls")),
    path("api/v1/", include("portal.api_urls")),
    path("validation-criteria/", validation_criteria, name="validation_criteria"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# Wagtail's password forms other than the login (which django-axes guards): the page
# view-restriction password, the account page's password change, the password reset.
limit_password_forms(urlpatterns)
