"""Signal receivers, connected in SearchConfig.ready()."""

from django.db.models.signals import post_delete
from wagtail.models import Page
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


def on_moved_or_renamed(sender, instance, **kwargs):
    # Every URL under the page changed.
    for model, pks in _page_and_descendants(instance).items():
        indexing.update_objects(model, pks)


def on_deleted(sender, instance, **kwargs):
    if search_type_for_model(sender) is not None:
        indexing.remove_objects(sender, [instance.pk])


def connect():
    page_published.connect(on_published, dispatch_uid="search_page_published")
    page_unpublished.connect(on_unpublished, dispatch_uid="search_page_unpublished")
    post_page_move.connect(on_moved_or_renamed, dispatch_uid="search_page_moved")
    page_slug_changed.connect(on_moved_or_renamed, dispatch_uid="search_slug_changed")
    post_delete.connect(on_deleted, dispatch_uid="search_deleted")
