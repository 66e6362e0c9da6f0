"""Practice tools that are not pages: comparing, downloading, and finding practices for a
visitor's context. Mounted under /practices/, beside the practice pages (a practice with the
slug "compare", "download" or "context" would be hidden)."""

from django.urls import path

from . import views

app_name = "practices"
urlpatterns = [
    path("compare/", views.compare, name="compare"),
    path("download/", views.download, name="download"),
    path("context/", views.context, name="context"),
]
