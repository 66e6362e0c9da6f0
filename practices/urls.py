"""Practice tools that are not pages: comparing, downloading, and finding practices for a
visitor's context. Mounted under /practices/, beside the practice pages (a practice with the
slug "compare", "download", "context" or "feed" would be hidden)."""

from django.urls import path

from . import feeds, views

app_name = "practices"
urlpatterns = [
    path("compare/", views.compare, name="compare"),
    path("download/", views.download, name="download"),
    path("context/", views.context, name="context"),
    path("feed/", feeds.practice_feed, name="feed"),
    path("feed/theme/<slug:value>/", feeds.practice_feed, {"facet": "theme"}, name="feed_theme"),
    path(
        "feed/country/<str:value>/",
        feeds.practice_feed,
        {"facet": "country"},
        name="feed_country",
    ),
    path(
        "feed/target-group/<slug:value>/",
        feeds.practice_feed,
        {"facet": "target_group"},
        name="feed_target_group",
    ),
]
