"""Which pages the public may see: one rule for every listing, search index, API and download.

A page is public when it is live and no view restriction (Wagtail's "Privacy" setting:
login, password or groups) sits on it or on any of its ancestors. Wagtail's own page
serving enforces the restriction on the page itself; everything that shows pages elsewhere
(search index and facets, JSON API, CSV, compare, home page and index listings) goes
through ``public_pages`` so that a page made private disappears from all of them at once.
"""


def public_pages(queryset, originals_only=True):
    """The pages of a ``PageQuerySet`` (a ``.values()`` one too) that anyone may see.

    Listings, the search index, the API and downloads show each record once: its original
    version, not its translations (portal/models/translations.py; the search documents
    carry the translations' text, search.registry.with_translations)."""
    queryset = queryset.live().public()
    if originals_only:
        queryset = queryset.filter(translated_version__isnull=True)
    return queryset
