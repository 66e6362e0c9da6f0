"""What crawlers and feed readers ask for at the site's root (portal/sitemaps.py)."""

from django.urls import path

from . import sitemaps

urlpatterns = [
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap_index"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
]
