"""Signal receivers, connected in SearchConfig.ready()."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import indexing
from .registry import search_type_for_model


def _page_and_descendants(instance):
    pages = Page.objects.descendant_of(instance, inclusive=True).specific(defer=True)
    by_model = {}
    for page in pages.only("id"):
        by_model.setdefault(type(page), []).append(page.pk)
    return by_model


def on_published(sender, instance, **kwargs):
    indexing.update_objects(type(instance), [instance.pk])


def on_unpublished(sender, instance, **kwargs):
    indexing.update_objects(type(instance), [instance.pk])


def _reindex_subtree(page):
    for model, pks in _page_and_descendants(page).items():
        indexing.update_objects(model, pks)


def on_moved_or_renamed(sender, instance, **kwargs):
    # Every URL under the page changed; a move may also take it under a restricted page.
    _reindex_subtree(instance)


def on_view_restriction_changed(sender, instance, **kwargs):
    """A restriction (login, password, groups) added, changed or removed: the page and every
    page under it leave the index or come back (search/ indexes public pages only)."""
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:  # removed with its page, whose deletion updates the index
        return
    _reindex_subtree(page)


def on_deleted(sender, instance, **kwargs):
    if search_type_for_model(sender) is not None:
        indexing.remove_objects(sender, [instance.pk])


def connect():
    page_published.connect(on_published, dispatch_uid="search_page_published")
    page_unpublished.connect(on_unpublished, dispatch_uid="search_page_unpublished")
    post_page_move.connect(on_moved_or_renamed, dispatch_uid="search_page_moved")
    page_slug_changed.connect(on_moved_or_renamed, dispatch_uid="search_slug_changed")
    post_delete.connect(on_deleted, dispatch_uid="search_deleted")
    post_save.connect(
        on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid="search_vr_saved"
    )
    post_delete.connect(
        on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid="search_vr_deleted"
    )
