"""Keeping the index in step with the content.

Wagtail's signals drive it for pages: publishing (which is also how edits reach the public
site), unpublishing, moving, slug changes and deletion. Indexed records that are not pages
(regions, organisations, projects) follow Django's saves, deletions and many-to-many changes,
and take the records whose documents show them along (``SearchType.dependents``).

The embedded index is written inside the same database transaction as the change, so a
failure rolls the change back and the editor sees it: nothing is swallowed. An external
engine (Elasticsearch) is updated once the transaction commits; if that fails the error is
logged at ERROR level with the objects concerned and the command that repairs it.
"""

import logging
import threading
from contextlib import contextmanager

from django.db import transaction

from .engines import get_engine
from .engines.embedded import EmbeddedEngine
from .registry import search_type_for_model, with_translations

logger = logging.getLogger("search")


_deferred = threading.local()


def _is_deferred():
    return getattr(_deferred, "active", False)


@contextmanager
def deferred_to_rebuild():
    """Object-by-object index updates skipped, for a bulk load that ends with ``rebuild()``
    (load_demo_content: its last hook rebuilds the index, which replaces whatever the saves
    before it would have written). Leaving with an error, before that rebuild ran, rebuilds
    here so the index holds what was saved."""
    _deferred.active = True
    try:
        yield
    except BaseException:
        _deferred.active = False
        rebuild()
        raise
    finally:
        _deferred.active = False


def _engines():
    engine = get_engine()
    embedded = engine if isinstance(engine, EmbeddedEngine) else EmbeddedEngine()
    external = None if engine is embedded else engine
    return embedded, external


def _external(action, description, *args):
    def run():
        try:
            action(*args)
        except Exception:
            logger.exception(
                "Search index update failed for %s; the page is saved, but search results "
                "may be stale until `manage.py search_index --rebuild` is run.",
                description,
            )

    transaction.on_commit(run)


def update_objects(model, pks):
    """Re-index these objects: indexed again if still findable, removed otherwise."""
    search_type = search_type_for_model(model)
    if search_type is None or _is_deferred():
        return
    pks = list(pks)
    found = {obj.pk: obj for obj in search_type.findable().filter(pk__in=pks)}
    documents = with_translations(
        search_type,
        [search_type.to_document(obj) for obj in found.values() if search_type.indexable(obj)],
    )
    kept = {d.object_id for d in documents}
    gone = [pk for pk in pks if pk not in kept]
    embedded, external = _engines()
    embedded.index_documents(documents)
    embedded.remove_documents(search_type.key, gone)
    if external is not None:
        description = f"{search_type.key} {pks}"
        if documents:
            _external(external.index_documents, description, documents)
        if gone:
            _external(external.remove_documents, description, search_type.key, gone)


# A change to reference data re-indexes the documents concerned in the editor's request up to
# this many; beyond it the editor is told to run a rebuild (docs/search.md, "Thesaurus").
REINDEX_LIMIT = 1000


def update_tagged(references, limit=None):
    """Re-index the documents that carry any of these ``(facet, value)`` pairs, e.g. the
    practices for a target group whose thesaurus labels changed. Returns how many, or None
    (and changes nothing) when there are more than ``limit``."""
    from django.db.models import Q

    from .models import IndexedFacetValue
    from .registry import search_types

    limit = REINDEX_LIMIT if limit is None else limit
    condition = Q()
    for facet, value in references:
        condition |= Q(facet=facet, value=value)
    if not condition:
        return 0
    rows = list(
        IndexedFacetValue.objects.filter(condition)
        .values_list("document__doc_type", "document__object_id")
        .distinct()[: limit + 1]
    )
    if len(rows) > limit:
        return None
    by_type = {}
    for doc_type, object_id in rows:
        by_type.setdefault(doc_type, []).append(object_id)
    types = search_types()
    for doc_type, pks in by_type.items():
        if doc_type in types:
            update_objects(types[doc_type].model, pks)
    return len(rows)


def remove_objects(model, pks):
    search_type = search_type_for_model(model)
    if search_type is None or _is_deferred():
        return
    embedded, external = _engines()
    embedded.remove_documents(search_type.key, pks)
    if external is not None:
        _external(external.remove_documents, f"{search_type.key} {pks}", search_type.key, pks)


def rebuild(progress=None):
    """Rebuild the embedded index and, when another engine is configured, that one too."""
    from .registry import iter_documents

    embedded, external = _engines()
    count = embedded.rebuild(iter_documents(), progress)
    if external is not None:
        count = external.rebuild(iter_documents(), progress)
    return count
