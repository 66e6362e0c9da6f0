"""Footer links to the legal pages, found once and cached.

The addresses of the live, public privacy notice, accessibility statement and legal notice
are kept in the shared cache, so rendering a page's footer costs no query; publishing,
unpublishing, moving or deleting one of those pages (or restricting who may view it)
forgets the cached links."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models.legal import AccessibilityStatementPage, LegalNoticePage, PrivacyNoticePage
from .visibility import public_pages

CACHE_KEY = "portal:legal-links"

# (model, footer label in the interface language), in footer order.
FOOTER_PAGES = (
    (PrivacyNoticePage, _("Privacy notice")),
    (AccessibilityStatementPage, _("Accessibility statement")),
    (LegalNoticePage, _("Legal notice")),
)


def _find_legal_pages():
    """{model: url} of the live legal pages not under a view restriction (the one rule of
    ``portal.visibility.public_pages``: the few restrictions are read first and turned into
    path prefixes, so no query reads every page)."""
    models = {model._meta.model_name: model for model, _label in FOOTER_PAGES}
    pages = (
        public_pages(Page.objects.all(), originals_only=False)
        .filter(content_type__app_label="portal", content_type__model__in=list(models))
        .select_related("content_type")
        .order_by("path")
    )
    found = {}
    for page in pages:
        found.setdefault(models[page.content_type.model], page.get_url())
    return found


def _cached_urls():
    """[url or None] of the legal pages, in FOOTER_PAGES order, from the cache."""
    urls = cache.get(CACHE_KEY)
    if urls is None:
        found = _find_legal_pages()
        urls = [found.get(model) for model, _label in FOOTER_PAGES]
        cache.set(CACHE_KEY, urls, None)
    return urls


def legal_links():
    """[(label, url)] of the legal pages that exist, live and public; labels stay lazy so
    each visitor reads them in their language."""
    urls = _cached_urls()
    return [(label, url) for (_model, label), url in zip(FOOTER_PAGES, urls, strict=True) if url]


def contact_url():
    """The legal notice's address, or None: it names the publisher and how to reach them, so
    the footer's "Contact" link goes there."""
    for (model, _label), url in zip(FOOTER_PAGES, _cached_urls(), strict=True):
        if model is LegalNoticePage:
            return url
    return None


def forget_legal_links(**kwargs):
    cache.delete(CACHE_KEY)


def connect_signals():
    for model, _label in FOOTER_PAGES:
        uid = f"legal_links_{model.__name__}"
        page_published.connect(forget_legal_links, sender=model, dispatch_uid=f"{uid}_published")
        page_unpublished.connect(
            forget_legal_links, sender=model, dispatch_uid=f"{uid}_unpublished"
        )
        post_delete.connect(forget_legal_links, sender=model, dispatch_uid=f"{uid}_deleted")
    # Moving any page may move a legal page's address (an ancestor's slug or place changed);
    # moves are rare, so forget on every one.
    post_page_move.connect(forget_legal_links, dispatch_uid="legal_links_moved")
    # A view restriction hides a page from the footer; a site's hostname or root changes
    # its addresses.
    for model in (PageViewRestriction, Site):
        for signal in (post_save, post_delete):
            signal.connect(
                forget_legal_links,
                sender=model,
                dispatch_uid=f"legal_links_{model.__name__}_{signal is post_save}",
            )
