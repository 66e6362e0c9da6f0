"""Signal receivers, connected in SearchConfig.ready()."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
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


def _with_versions(instance):
    """The page and its other language versions: a translation's text lives in its
    original's document (search.registry.with_translations)."""
    return list(
        Page.objects.filter(translation_key=instance.translation_key).values_list("pk", flat=True)
    )


def on_published(sender, instance, **kwargs):
    indexing.update_objects(type(instance), _with_versions(instance))


def on_unpublished(sender, instance, **kwargs):
    indexing.update_objects(type(instance), _with_versions(instance))


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


def _record_type(model):
    """The SearchType of a model that is not a page (reference data such as regions), whose
    documents follow plain saves: pages follow publishing instead."""
    search_type = search_type_for_model(model)
    if search_type is None or issubclass(search_type.model, Page):
        return None
    return search_type


def _update_dependents(dependents):
    for model, pks in dependents:
        if pks:
            indexing.update_objects(model, pks)


def on_record_saved(sender, instance, raw=False, **kwargs):
    search_type = _record_type(sender)
    if search_type is None or raw:
        return
    indexing.update_objects(sender, [instance.pk])
    if search_type.dependents:
        _update_dependents(search_type.dependents(instance))


def on_record_deleting(sender, instance, **kwargs):
    """Who shows the record is known only before the deletion cascades."""
    search_type = _record_type(sender)
    if search_type is not None and search_type.dependents:
        instance._search_dependents = search_type.dependents(instance)


def on_deleted(sender, instance, **kwargs):
    search_type = search_type_for_model(sender)
    if search_type is not None:
        indexing.remove_objects(sender, [instance.pk])
        _update_dependents(getattr(instance, "_search_dependents", []))
        if isinstance(instance, Page):
            # A deleted translation's text leaves its original's document.
            others = [pk for pk in _with_versions(instance) if pk != instance.pk]
            if others:
                indexing.update_objects(sender, others)


def on_m2m_changed(sender, instance, action, model, pk_set, **kwargs):
    """A record's many-to-many links changed (a project's partners or countries): re-index it,
    and the records on the other side when they are indexed too (an organisation lists its
    projects). Django's and modelcluster's ``set()`` remove and add; after a bare ``clear()``
    only this side is known, the other side follows at its next save or rebuild."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if _record_type(type(instance)) is None:
        return
    indexing.update_objects(type(instance), [instance.pk])
    if pk_set and _record_type(model) is not None:
        indexing.update_objects(model, pk_set)


def connect():
    page_published.connect(on_published, dispatch_uid="search_page_published")
    page_unpublished.connect(on_unpublished, dispatch_uid="search_page_unpublished")
    post_page_move.connect(on_moved_or_renamed, dispatch_uid="search_page_moved")
    page_slug_changed.connect(on_moved_or_renamed, dispatch_uid="search_slug_changed")
    post_delete.connect(on_deleted, dispatch_uid="search_deleted")
    pre_delete.connect(on_record_deleting, dispatch_uid="search_record_deleting")
    post_save.connect(on_record_saved, dispatch_uid="search_record_saved")
    m2m_changed.connect(on_m2m_changed, dispatch_uid="search_m2m_changed")
    post_save.connect(
        on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid="search_vr_saved"
    )
    post_delete.connect(
        on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid="search_vr_deleted"
    )
