from django import template
from django.utils.http import urlencode

from portal.languages import PageLanguages
from portal.legal import contact_url as cached_contact_url
from portal.legal import legal_links as cached_legal_links
from portal.markdown import render_markdown

register = template.Library()


@register.filter
def keeping_query(url, names):
    """``url`` with only the query parameters named in ``names`` (comma-separated), empty
    values dropped: the canonical address of a search or a comparison, without its facets,
    sort and page (docs/discovery.md)."""
    from urllib.parse import parse_qsl, urlsplit, urlunsplit

    keep = {name.strip() for name in names.split(",")}
    parts = urlsplit(url)
    pairs = [(k, v) for k, v in parse_qsl(parts.query) if k in keep and v.strip()]
    return urlunsplit(parts._replace(query=urlencode(pairs)))


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (None removes one); used by
    pagination and filter links so the URL keeps the whole state."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        params.pop(key, None)
        if value is not None and value != "":
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"


@register.simple_tag
def legal_links():
    """[(label, url)] of the privacy notice, accessibility statement and legal notice for the
    footer, from the cache (no query once warm)."""
    return cached_legal_links()


@register.inclusion_tag("portal/_map.html")
def europe_map(type_key, regions=False):
    """The choropleth map of a search type's public records (portal/maps.py): per country,
    and per region where its NUTS code is known with ``regions=True``."""
    from django.utils.translation import gettext as _

    from portal.maps import search_map

    title = _("Where the practices are") if not regions else _("Practices by country and region")
    return {"map": search_map(type_key, title, with_regions=regions), "map_id": f"map-{type_key}"}


@register.simple_tag(takes_context=True)
def record_metadata(context, record):
    """OpenGraph tags and schema.org JSON-LD of a record (portal/metadata.py), from its
    ``discovery_metadata(request)`` or, for a cooperation project, from the portal's own."""
    from django.utils.translation import get_language
    from django.utils.translation import gettext as _

    from portal.metadata import project_metadata, render
    from portal.models import CooperationProject

    request = context.get("request")
    if isinstance(record, CooperationProject):
        metadata = project_metadata(record)
    else:
        metadata = record.discovery_metadata(request)
    return render(metadata, _("Good-practice portal"), get_language() or "en")


@register.simple_tag
def feed_link_tags(filters=None, labels=None, facets=None):
    """<link rel="alternate"> to the Atom feeds matching ``filters`` (portal/feeds.py),
    their values named by ``labels`` ({(facet, value): name}) or by the search's ``facets``
    (their selected values): no query."""
    from django.utils.html import format_html_join

    from portal.feeds import feed_links

    labels = dict(labels or {})
    for facet in facets or []:
        for value in facet.values:
            if value.selected:
                labels[facet.key, value.value] = value.label
    return format_html_join(
        "\n",
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        feed_links(filters or {}, labels),
    )


@register.simple_tag(takes_context=True)
def page_languages(context):
    """The response's language links and, on a Wagtail page, which version it shows
    (portal/languages.py); read once per request."""
    request = context.get("request")
    if request is None:
        return None
    languages = getattr(request, "_portal_page_languages", None)
    if languages is None:
        languages = PageLanguages(request, context.get("page"))
        request._portal_page_languages = languages
    return languages


@register.simple_tag
def legal_contact_url():
    """The footer's "Contact" link: the legal notice, which names the publisher (cached)."""
    return cached_contact_url()
