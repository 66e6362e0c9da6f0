"""Practice tools that are not pages: comparing and downloading. Mounted under /practices/,
beside the practice pages (a practice with the slug "compare" or "download" would be hidden)."""

from django.urls import path

from . import views

app_name = "practices"
urlpatterns = [
    path("compare/", views.compare, name="compare"),
    path("download/", views.download, name="download"),
]
