"""Atom feeds: one helper for every feed of the portal (learning events, practices), so
that each is valid Atom with absolute addresses on the public address. A feed speaks the
address's language (its own texts, ``xml:lang`` on the feed); each entry is the version of
its record the listings show in that language, with its own ``xml:lang``
(docs/languages.md)."""

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
    # The language of the entry's title and summary when it is not the feed's.
    language: str = ""


class LanguageAtomFeed(Atom1Feed):
    """Atom with ``xml:lang`` on an entry written in another language than the feed."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes


def atom_response(request, title, link, description, items):
    """An Atom feed of ``items`` (FeedItems); its own address is the request's path on the
    public address."""
    feed = LanguageAtomFeed(
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
            language=item.language,
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
