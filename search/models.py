"""The embedded engine's index: one compact row per findable thing, its facet values in a
narrow table, and (per database) a full-text structure created by the migration: an FTS5
table kept in step by triggers on SQLite, a weighted tsvector column with a GIN index on
PostgreSQL. Nothing here is edited by hand: the index is rebuilt from the pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexedDocument(models.Model):
    doc_type = models.CharField(_("type"), max_length=40)
    object_id = models.BigIntegerField(_("object id"))
    title = models.TextField(_("title"))
    summary = models.TextField(_("summary"), blank=True)
    names = models.TextField(_("names"), blank=True)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("URL"), max_length=500)
    budget_eur = models.FloatField(_("budget (EUR)"), null=True, blank=True)
    start_year = models.IntegerField(_("start year"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    display = models.JSONField(_("display data"), default=dict, blank=True)
    # The language of the record's text (search/languages.py); PostgreSQL builds its vectors
    # with that language's text search configuration (migration 0006).
    language = models.CharField(_("language"), max_length=12, default="en")

    class Meta:
        verbose_name = _("indexed document")
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_doc_unique")
        ]
        indexes = [
            models.Index(fields=["published_at"], name="search_doc_published"),
            models.Index(fields=["budget_eur"], name="search_doc_budget"),
            models.Index(fields=["start_year"], name="search_doc_start"),
        ]

    def __str__(self):
        return f"{self.doc_type}:{self.object_id} {self.title}"


class IndexedFacetValue(models.Model):
    """(document, facet, value): the compact denormalised table facet counts come from."""

    document = models.ForeignKey(
        IndexedDocument, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("indexed facet value")
        indexes = [
            # Filtering: which documents have one of these values?
            models.Index(fields=["facet", "value", "document"], name="search_fv_filter"),
            # Counting: which values do these documents have?
            models.Index(fields=["document", "facet", "value"], name="search_fv_count"),
        ]

    def __str__(self):
        return f"{self.facet}={self.value}"


class FacetLabel(models.Model):
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=200)
    label = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("facet label")
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="search_label_unique")
        ]

    def __str__(self):
        return f"{self.facet}={self.value}: {self.label}"


class VocabularyWord(models.Model):
    """Words seen in titles, summaries and names, for spelling suggestions on empty results."""

    word = models.CharField(max_length=60, unique=True)

    class Meta:
        verbose_name = _("vocabulary word")

    def __str__(self):
        return self.word


class IndexState(models.Model):
    """One row whose token changes with every write to the index (in the same transaction),
    so each process knows when its in-memory facet bitmaps are stale. A random token rather
    than a counter: a rolled-back write must never leave a value that comes back later.
    ``change`` is the IndexChange that wrote this token (0 after a rebuild or a write that
    did not say what it changed): a process can then catch up by applying the changes since
    its own token instead of reloading everything (search/engines/bitmaps.py)."""

    token = models.CharField(max_length=32)
    change = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("index state")

    def __str__(self):
        return self.token


class IndexChange(models.Model):
    """What one write to the index did: the document rows it added and removed, and the
    state token before and after it. The tokens chain the changes, so a process applies
    them only on top of exactly the state it holds (a rolled-back write leaves no row)."""

    previous = models.CharField(max_length=32)
    token = models.CharField(max_length=32)
    added = models.TextField(blank=True)  # document ids, comma-separated
    removed = models.TextField(blank=True)

    class Meta:
        verbose_name = _("index change")

    def __str__(self):
        return f"{self.previous} -> {self.token}"
