"""Which pages the public may see: one rule for every listing, search index, API and download.

A page is public when it is live and no view restriction (Wagtail's "Privacy" setting:
login, password or groups) sits on it or on any of its ancestors. Wagtail's own page
serving enforces the restriction on the page itself; everything that shows pages elsewhere
(search index and facets, JSON API, CSV, compare, home page and index listings) goes
through ``public_pages`` so that a page made private disappears from all of them at once.
"""


def public_pages(queryset):
    """The pages of a ``PageQuerySet`` (a ``.values()`` one too) that anyone may see."""
    return queryset.live().public()
