"""Atom feeds: one helper for every feed of the portal (learning events, practices), so
that each is valid Atom with absolute addresses on the public address."""

from dataclasses import dataclass, field
from datetime import datetime

from django.http import HttpResponse
from django.utils.feedgenerator import Atom1Feed
from wagtail import hooks

from .public_address import absolute_url

CONTENT_TYPE = "application/atom+xml; charset=utf-8"


@dataclass
class FeedItem:
    title: str
    link: str
    description: str
    unique_id: str
    published: datetime | None
    updated: datetime | None
    categories: list = field(default_factory=list)
    author: str = ""


def atom_response(request, title, link, description, items):
    """An Atom feed of ``items`` (FeedItems); its own address is the request's path on the
    public address."""
    feed = Atom1Feed(
        title=title,
        link=link,
        description=description,
        feed_url=absolute_url(request.get_full_path()),
        language=getattr(request, "LANGUAGE_CODE", None) or "en",
    )
    for item in items:
        feed.add_item(
            title=item.title,
            link=item.link,
            description=item.description,
            unique_id=item.unique_id,
            pubdate=item.published,
            updateddate=item.updated or item.published,
            categories=[str(c) for c in item.categories],
            author_name=item.author or None,
        )
    return HttpResponse(feed.writeString("utf-8"), content_type=CONTENT_TYPE)


def feed_links(filters, labels=None):
    """[(title, URL)] of the feeds matching a search's ``filters`` ({facet: [values]}) or a
    record's (a practice's country, themes, target groups): what each app's
    ``portal_feed_links`` hook offers, for <link rel="alternate"> in the page's head.
    ``labels`` ({(facet, value): name}) names the values, from what the page already knows
    (the search's selected facet values, the practice's own), so that no query is made."""
    links = []
    for contribute in hooks.get_hooks("portal_feed_links"):
        for link in contribute(filters, labels or {}):
            if link not in links:
                links.append(link)
    return links
