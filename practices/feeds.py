"""Atom feeds of newly published practices: all of them, and per theme, country and target
group (docs/discovery.md). Each is linked with <link rel="alternate"> from the pages it
matches (the practices index, a practice, a search filtered to the facet) through the
``portal_feed_links`` hook (practices/wagtail_hooks.py)."""

from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from portal.feeds import FeedItem, atom_response
from portal.languages import in_visitor_language, listed_address
from portal.models import Country, TargetGroup, Theme
from portal.public_address import absolute_url, page_url, page_urls
from portal.visibility import public_pages

from .models import PracticeIndexPage, PracticePage

FEED_LIMIT = 50

# facet: (model, field the URL names it by, URL name)
FACETS = {
    "theme": (Theme, "slug", "practices:feed_theme"),
    "country": (Country, "code", "practices:feed_country"),
    "target_group": (TargetGroup, "slug", "practices:feed_target_group"),
}


def _titles():
    return {
        "theme": _("New practices on %(name)s"),
        "country": _("New practices in %(name)s"),
        "target_group": _("New practices for %(name)s"),
    }


def feed_url(facet=None, value=None):
    if facet is None:
        return reverse("practices:feed")
    return reverse(FACETS[facet][2], args=[value])


def _items(request, practices):
    """An entry per practice in the feed's language where it has a version in it, else the
    original with its language (in_visitor_language, the rule of every listing)."""
    items = []
    urls = page_urls()
    for practice in in_visitor_language(practices):
        items.append(
            FeedItem(
                title=practice.title,
                link=listed_address(practice, request, urls),
                description=practice.summary,
                unique_id=f"practice-{practice.pk}",
                published=practice.first_published_at,
                updated=practice.last_published_at,
                categories=sorted(theme.local_name for theme in practice.themes.all()),
                author=practice.lead_organisation.name,
                language=practice.listed_language,
            )
        )
    return items


def newest(practices):
    return (
        public_pages(practices).order_by("-first_published_at", "-pk").with_card_data()[:FEED_LIMIT]
    )


def practice_feed(request, facet=None, value=None):
    practices = PracticePage.objects.all()
    index = PracticeIndexPage.objects.live().first()
    link = page_url(index, request) if index else absolute_url("/")
    if facet is None:
        title = _("New good practices")
    else:
        model, field, _url_name = FACETS[facet]
        lookup = {field: value.upper() if field == "code" else value}
        found = get_object_or_404(model, **lookup)
        title = _titles()[facet] % {"name": found.local_name}
        practices = practices.filter(**{f"{_relation(facet)}__pk": found.pk}).distinct()
        link = absolute_url(reverse("search:search")) + f"?type=practice&{facet}={value}"
    return atom_response(
        request,
        title,
        link,
        _("Good practices newly published on the portal."),
        _items(request, newest(practices)),
    )


def _relation(facet):
    return {"theme": "themes", "country": "country", "target_group": "target_groups"}[facet]


def feed_links(filters, labels):
    """The portal_feed_links hook: the feed of all practices when the page is about
    practices, and one per theme, country or target group in ``filters`` that ``labels``
    names (the page knows them: no query; a value it cannot name has no feed)."""
    types = filters.get("type", [])
    if types and "practice" not in types:
        return []
    links = [(_("New good practices"), feed_url())]
    for facet in FACETS:
        for value in filters.get(facet, []):
            if (facet, value) not in labels:
                continue
            try:
                url = feed_url(facet, value)
            except NoReverseMatch:
                continue  # a value typed into the search's address that no record has
            links.append((_titles()[facet] % {"name": labels[facet, value]}, url))
    return links
