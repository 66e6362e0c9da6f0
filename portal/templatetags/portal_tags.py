from django import template
from django.utils.http import urlencode

from portal.legal import contact_url as cached_contact_url
from portal.legal import legal_links as cached_legal_links
from portal.markdown import render_markdown

register = template.Library()


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


@register.simple_tag
def legal_contact_url():
    """The footer's "Contact" link: the legal notice, which names the publisher (cached)."""
    return cached_contact_url()
