"""/api/v1/: the public, read-only JSON API (see docs/api.md)."""

from django.urls import path, re_path

from . import api

app_name = "practices_api"
urlpatterns = [
    path("practices/", api.practice_list, name="practice_list"),
    path("practices/<int:pk>/", api.practice_detail, name="practice_detail"),
    # Anything else under the API answers in JSON too, not with the site's HTML 404 page
    # (newlines in the address included, which "." does not match).
    re_path(r"^(?:[\s\S]*/)?$", api.not_found),
]
