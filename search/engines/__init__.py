"""Search engines behind one interface. ``get_engine()`` returns the engine chosen by
``settings.PORTAL_SEARCH_ENGINE``; views and templates never know which one runs."""

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string


class SearchEngine:
    """What every engine offers."""

    name = "base"

    def search(self, query):
        """SearchQuery -> SearchResults (hits of the requested page, total, facets)."""
        raise NotImplementedError

    def index_documents(self, documents):
        """Add or replace these SearchDocuments."""
        raise NotImplementedError

    def remove_documents(self, doc_type, object_ids):
        raise NotImplementedError

    def rebuild(self, sources, progress=None):
        """Replace the whole index with the documents from ``sources``: an iterable of
        (SearchType, total, documents). ``progress(done, total)`` is called as it goes."""
        raise NotImplementedError

    def document_count(self):
        raise NotImplementedError


def batches(sources, size, progress=None):
    """The documents of ``rebuild``'s sources in lists of ``size``, calling
    ``progress(done, total)`` once per list taken (and once for no documents at all)."""
    total = sum(count for _search_type, count, _documents in sources)
    done, batch = 0, []
    for _search_type, _count, documents in sources:
        for document in documents:
            batch.append(document)
            if len(batch) >= size:
                done += len(batch)
                yield batch
                batch = []
                if progress:
                    progress(done, total)
    if batch:
        done += len(batch)
        yield batch
    if progress and (batch or not done):
        progress(done, total)


@lru_cache(maxsize=4)
def _engine(path):
    return import_string(path)()


def get_engine():
    return _engine(settings.PORTAL_SEARCH_ENGINE)


def search(query):
    """What views call: the configured engine's results, with the labels the code defines
    worded in the current language (search/labels.py) and each hit's card and live figures
    (search.registry.prepare_hits)."""
    from search.labels import localise
    from search.registry import prepare_hits

    results = localise(get_engine().search(query))
    prepare_hits(results.hits)
    return results


def reset_engine_cache():
    _engine.cache_clear()
