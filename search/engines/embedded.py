# SQL here is assembled from constants (table names, weights, placeholders); every value that
# comes from a visitor is passed as a query parameter.
# ruff: noqa: S608
"""The embedded engine: full text and facets in the site's own database.

SQLite: FTS5 (porter stemming) ranked by bm25 with per-column weights.
PostgreSQL: a weighted tsvector column with a GIN index, websearch_to_tsquery, ts_rank_cd.
Facet counts on both come from one statement over the narrow (document, facet, value)
table, each facet counted with every *other* facet's selection applied.
"""

import difflib
import json
import logging
import sqlite3
from contextlib import closing, contextmanager, nullcontext
from functools import lru_cache
from typing import NamedTuple

from django.db import connection, transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..facets import FACETS, RANGE_FACETS, document_facets
from ..languages import analysis, code_of, fold, site_language, stem
from ..models import FacetLabel, IndexedDocument, IndexedFacetValue, VocabularyWord
from ..query import (
    WORD_RE,
    FacetResult,
    FacetValue,
    Hit,
    SearchResults,
    partial_threshold,
    term_groups,
)
from . import SearchEngine, batches
from .bitmaps import BitmapStore, bump_token, record_change

logger = logging.getLogger("search")

FACET_VALUES_TABLE = IndexedFacetValue._meta.db_table
DOCUMENTS_TABLE = IndexedDocument._meta.db_table
LABELS_TABLE = FacetLabel._meta.db_table
VOCABULARY_TABLE = VocabularyWord._meta.db_table
FACET_VALUE_COLUMNS = "document_id, facet, value"

# Column weights: title, summary, names (organisations, places, themes), body.
SQLITE_WEIGHTS = (10.0, 5.0, 3.0, 1.0)
# ts_rank_cd takes {D, C, B, A}: body, names, summary, title.
POSTGRES_WEIGHTS = "{0.1, 0.3, 0.5, 1.0}"
SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2"
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_WORDS = 40

SQLITE_TRIGGERS = [
    """CREATE TRIGGER search_doc_ai AFTER INSERT ON search_indexeddocument BEGIN
        INSERT INTO search_fts(rowid, title, summary, names, body)
        VALUES (new.id, new.title, new.summary, new.names, new.body);
    END""",
    """CREATE TRIGGER search_doc_ad AFTER DELETE ON search_indexeddocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, names, body)
        VALUES ('delete', old.id, old.title, old.summary, old.names, old.body);
    END""",
]


def versions(document):
    """The document's translations (search.registry.SearchDocument.translations): on the
    embedded engines their titles are searched with the names, their summaries and bodies
    with the body (the shown title and summary stay the record's own)."""
    return list(document.translations.values())


def _marked_html(text):
    """Escape everything, then turn the engine's match markers into <mark> elements."""
    html = escape(text or "").replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above


# The original Porter stemmer FTS5 ships splits some word families ("employ" -> "emploi" but
# "employment" -> "employ"), so a single word also matches the forms built from its root.
ROOT_SUFFIXES = ("ment", "ing", "ed", "s")
FORM_SUFFIXES = ("s", "ed", "ing", "ment")


def word_forms(word):
    """The word plus inflected forms of its root, e.g. employ -> employs, employed,
    employing, employment. The root alone is not added ("caring" must not find "car")."""
    forms = [word]
    roots = {word}
    for suffix in ROOT_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            roots.add(word[: -len(suffix)])
    for root in sorted(roots):
        for suffix in FORM_SUFFIXES:
            if root + suffix not in forms and not (root != word and suffix == "s"):
                forms.append(root + suffix)
    return forms


@lru_cache(maxsize=4096)
def distinct_stems(forms):
    """The forms, keeping one per Porter stem (so no stem counts twice in bm25). Asks an
    in-memory FTS5 table with the index's tokenizer, so the stems are exactly the index's."""
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute(f"CREATE VIRTUAL TABLE t USING fts5(w, tokenize='{SQLITE_TOKENIZER}')")
        db.executemany("INSERT INTO t(rowid, w) VALUES (?, ?)", list(enumerate(forms, 1)))
        db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        stems = dict(db.execute("SELECT doc, term FROM v"))
    kept, seen = [], set()
    for number, form in enumerate(forms, 1):
        stem = stems.get(number, form)
        if stem not in seen:
            seen.add(stem)
            kept.append(form)
    return tuple(kept)


# A word of another language than English is also matched by its Snowball stem in that
# language as a prefix ("ikääntyneet" -> ikaanty*: ikääntyneiden, ikääntyville...): the FTS5
# tokenizer (porter) is one for the whole table, and Python's sqlite3 cannot add another.
MIN_PREFIX = 4


@lru_cache(maxsize=4096)
def stem_prefix(word, language):
    """The prefix matching ``word``'s forms in ``language`` in the index, or None (English,
    which porter stems already; words with digits; stems too short to be selective). FTS5
    porter-stems a prefix too, so the prefix is shortened until porter leaves it as it is."""
    if not word.isalpha() or language == "en":
        return None
    prefix = fold(stem(word, language))
    porter = _porter()
    while len(prefix) >= MIN_PREFIX and porter.stemWord(prefix) != prefix:
        prefix = prefix[:-1]
    return prefix if len(prefix) >= MIN_PREFIX else None


@lru_cache(maxsize=1)
def _porter():
    import Stemmer

    return Stemmer.Stemmer("porter")


def _fts5_string(term, language="en"):
    # Terms hold \w characters only (see query.parse_text), so quoting is always safe.
    if term.is_phrase:
        return '"' + " ".join(term.words) + '"'
    forms = (
        distinct_stems(tuple(word_forms(term.words[0]))) if term.words[0].isalpha() else term.words
    )
    strings = [f'"{form}"' for form in forms]
    prefix = stem_prefix(term.words[0], language)
    if prefix:
        strings.append(f'"{prefix}" *')
    if len(strings) == 1:
        return strings[0]
    return "(" + " OR ".join(strings) + ")"


class Words(NamedTuple):
    """What a search's words ask for: the required terms as TermGroups (query.term_groups,
    expansions applied) and the excluded terms."""

    groups: tuple
    excluded: tuple
    # The language the words are read in (SearchQuery.language).
    language: str = "en"

    @classmethod
    def of(cls, query):
        return cls(query.groups, query.parsed.excluded, query.language or site_language())

    @classmethod
    def of_parsed(cls, parsed):
        return cls(term_groups(parsed.required), parsed.excluded)

    def __bool__(self):
        return bool(self.groups or self.excluded)


# How a dialect's expression combines the groups:
#   "exact": every group by its own terms (expansions' alternatives left out);
#   "all":   every group, by its terms or by one of its alternatives;
#   "any":   the strict groups (quoted phrases) and at least one of the others.
MODES = ("exact", "all", "any")


def _fts5_group(group, exact=False, language="en"):
    # The words typed are read in the visitor's language; the alternatives are labels in
    # many languages, matched as they are.
    required = " AND ".join(_fts5_string(term, language) for term in group.terms)
    if exact or not group.alternatives:
        return f"({required})"
    alternatives = [_fts5_string(term) for term, _weight in group.alternatives]
    return "((" + required + ") OR " + " OR ".join(alternatives) + ")"


def _truncate_words(text, count=SNIPPET_WORDS):
    words = (text or "").split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


# Relevance is tiered: documents with every word in the title come first, then those with
# every word in the title, summary or names, then the rest; bm25 orders each tier. Ranking a
# common word's 50,000 matches exactly costs more than the whole search may take, while the
# first tiers hold the first pages and are small.
TIERS = ("title", "head", None)

# Up to this many selected documents, a field-ordered page is read with their ids in the
# query; beyond, by walking the documents in order.
SPARSE_SELECTION = 2000

# The partial tier's large layers are ranked from the first rows of one ranking of the
# documents holding any word; all of them only when those rows hold too few of a layer.
ANY_RANKING_ROWS = 1000

# What a hit is made of (see _hits).
ROW_COLUMNS = "id, doc_type, object_id, title, url, display, summary, NULL"

# Field orders, NULLs last, each answered by an index scan (see migration 0004 for
# PostgreSQL): SQLite puts NULLs last in a descending order by itself, PostgreSQL first.
SQLITE_ORDER = {
    "newest": "published_at DESC, id DESC",
    "budget": "budget_eur DESC, id DESC",
    "start_year": "start_year DESC, id DESC",
}
POSTGRES_ORDER = {
    "newest": "published_at DESC NULLS LAST, id DESC",
    "budget": "budget_eur DESC NULLS LAST, id DESC",
    "start_year": "start_year DESC NULLS LAST, id DESC",
}


class _Dialect:
    """Full-text SQL for one database."""

    def rank_by_id(self, words):
        """Whether a tier of at most SPARSE_SELECTION documents, known from its bitmap, is
        ranked by its ids even when no facet narrows it (see _Postgres)."""
        return False

    def session(self):
        """A context manager around one search's statements."""
        return nullcontext()

    def _fetch(self, sql, params, limit=None):
        if limit is not None:
            sql += " LIMIT %s"
            params = [*params, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def match_words(self, words, base):
        """(word index, 32-bit word) rows of the bitmap of documents holding every group of
        ``words`` (Words; each by its terms or an alternative) and none of its exclusions;
        bit i of the whole bitmap is document ``base + i``."""
        raise NotImplementedError

    def any_words(self, terms, base):
        """The same for documents matching any of ``terms``."""
        raise NotImplementedError

    def group_words(self, words, base):
        """(group number, word index, 32-bit word) rows: the bitmap of each group of
        ``words`` on its own, and as group -1 the documents holding any exclusion. One
        statement, asked only when the partial tier may be shown."""
        raise NotImplementedError

    def ranked(self, words, tier, limit=None, within=None, mode="all"):
        """[(id, score)] of the documents matching ``words`` (see MODES) in ``tier``, best
        first; only those whose id is in ``within`` when it is given."""
        raise NotImplementedError

    def snippets(self, words, ids):
        """{id: (title, summary snippet, body snippet)} with match markers on any of the
        words (documents of the partial tier hold only some). The body's may be None when
        the summary's holds a match: only one of them is shown (_hits)."""
        raise NotImplementedError


FTS5_COLUMNS = {"title": "{title}", "head": "{title summary names}"}


class _SQLite(_Dialect):
    order = SQLITE_ORDER
    words_sql = (
        "SELECT (rowid - %s) >> 5, sum(1 << ((rowid - %s) & 31)) "
        "FROM search_fts WHERE search_fts MATCH %s GROUP BY 1"
    )

    def expression(self, words, tier=None, mode="all"):
        language = words.language
        if mode == "any":
            parts = [_fts5_group(g, language=language) for g in words.groups if g.strict]
            optional = [_fts5_group(g, language=language) for g in words.groups if not g.strict]
            if optional:
                parts.append("(" + " OR ".join(optional) + ")")
        else:
            exact = mode == "exact"
            parts = [_fts5_group(g, exact, language) for g in words.groups]
        required = " AND ".join(parts)
        if tier:
            required = f"{FTS5_COLUMNS[tier]} : ({required})"
        expression = f"({required})"
        for term in words.excluded:
            expression = f"({expression} NOT {_fts5_string(term)})"
        return expression

    def match_words(self, words, base):
        return self._fetch(self.words_sql, [base, base, self.expression(words)])

    def any_words(self, terms, base):
        expression = " OR ".join(_fts5_string(t) for t in terms)
        return self._fetch(self.words_sql, [base, base, expression])

    def group_words(self, words, base):
        parts = [
            (number, _fts5_group(group, language=words.language))
            for number, group in enumerate(words.groups)
        ]
        if words.excluded:
            parts.append((-1, " OR ".join(_fts5_string(t) for t in words.excluded)))
        sql = " UNION ALL ".join(
            "SELECT %s, (rowid - %s) >> 5, sum(1 << ((rowid - %s) & 31)) "
            "FROM search_fts WHERE search_fts MATCH %s GROUP BY 2"
            for _part in parts
        )
        params = [value for number, text in parts for value in (number, base, base, text)]
        return self._fetch(sql, params)

    def ranked(self, words, tier, limit=None, within=None, mode="all"):
        weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
        params = [self.expression(words, tier, mode)]
        condition = ""
        if within is not None:
            # "+rowid": a filter on the matches, not a lookup per id (FTS5 would re-read a
            # common word's whole posting list for each id).
            condition = f" AND +rowid IN ({', '.join(['%s'] * len(within))})"
            params += within
        sql = (
            f"SELECT rowid, bm25(search_fts, {weights}) AS score FROM search_fts "
            f"WHERE search_fts MATCH %s{condition} ORDER BY score, rowid DESC"
        )
        return self._fetch(sql, params, limit)

    def snippets(self, words, ids):
        if not words.groups or not ids:
            return {}
        # Without the exclusions: highlight() marks the terms of the expression.
        expression = self.expression(words._replace(excluded=()), mode="any")
        marks = f"'{MARK_START}', '{MARK_END}'"
        placeholders = ", ".join(["%s"] * len(ids))
        summary = f"snippet(search_fts, 1, {marks}, '…', {SNIPPET_WORDS})"
        # The body's snippet (its text and its translations', the longest column by far) is
        # shown only when the summary's holds no match (_hits): asked only then.
        body = (
            f"CASE WHEN instr({summary}, '{MARK_START}') THEN NULL "
            f"ELSE snippet(search_fts, 3, {marks}, '…', {SNIPPET_WORDS}) END"
        )
        sql = (
            f"SELECT rowid, highlight(search_fts, 0, {marks}), {summary}, {body} "
            f"FROM search_fts WHERE search_fts MATCH %s AND rowid IN ({placeholders})"
        )
        return {row[0]: row[1:] for row in self._fetch(sql, [expression, *ids])}


# Phrases on PostgreSQL: a RUM index (extension, migration 0005) keeps word positions, so it
# answers a phrase without re-reading each document holding the words (GIN cannot). It is
# built on an expression so that the planner uses it for phrases only (the GIN index is
# faster for words). A rebuild builds it once on the new rows (staging.py): maintained row
# by row it made a 50,000 rebuild 4.5 times slower. The expression is the migration's.
PHRASE_INDEX = "search_doc_phrase_rum"
PHRASE_VECTOR = "coalesce(search_vector, ''::tsvector)"
_phrase_index = {}


def phrase_index_exists():
    """Whether this database has a valid phrase index (checked once per process)."""
    key = (connection.alias, connection.settings_dict.get("NAME"))
    if key not in _phrase_index:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid "
                "WHERE c.relname = %s AND i.indisvalid",
                [PHRASE_INDEX],
            )
            _phrase_index[key] = cursor.fetchone() is not None
    return _phrase_index[key]


# The tsvector column each tier is matched on (GIN-indexed) and ranked by: the smallest that
# holds the tier's words.
POSTGRES_VECTORS = {"title": "title_vector", "head": "head_vector", None: "search_vector"}
TSQUERY = "websearch_to_tsquery('english', %s)"


def _ts(text, language="en"):
    """(SQL, params) of the tsquery for a websearch text read in ``language``: the English
    configuration's (the documents' vectors are English), or'ed with the language's own
    (search/languages.py) when it is another, so its stems and stop words apply too."""
    config = analysis(language).postgres
    if config == "english":
        return TSQUERY, [text]
    return f"({TSQUERY} || websearch_to_tsquery('{config}', %s))", [text, text]


def _ts_group_text(group, exact=False, phrases=True):
    """websearch_to_tsquery text of a group: its terms, "or" each alternative (in a tsquery
    & binds tighter than |, so "older people or elderly" is (older & people) | elderly).
    Without ``phrases``, each alternative's words on their own, once each (see tsquery)."""
    parts = [" ".join(str(term) for term in group.terms)]
    if not exact and phrases:
        parts += [str(term) for term, _weight in group.alternatives]
    elif not exact:
        parts += dict.fromkeys(word for term, _w in group.alternatives for word in term.words)
    return " or ".join(parts)


def tsquery(words, mode="all", phrases=True):
    """(SQL, params) of the tsquery for ``words`` in ``mode`` (see MODES). Without
    alternatives it is one websearch_to_tsquery of the canonical text, as it always was.

    ``phrases=False`` (mode "any" only) gives the alternatives' words rather than their
    phrases: the query the snippets are highlighted with. ts_headline marks every word of its
    query wherever it stands in the fragments it shows, phrase or not, so the marks are the
    same; the fragments are chosen by the words rather than by whole phrases. With the
    phrases, a thesaurus expansion in a visitor's language (a few dozen labels in two
    configurations) made it try every phrase from every word of each body: 1.2 s for a page
    of 20 (docs/performance.md). Typed terms and quoted phrases keep their form."""
    exclusions = [f"-{term}" for term in words.excluded]
    if mode == "any":
        plain = [str(term) for group in words.groups if group.strict for term in group.terms]
        either = [
            _ts_group_text(group, phrases=phrases) for group in words.groups if not group.strict
        ]
    else:
        exact = mode == "exact"
        plain = [
            str(term)
            for group in words.groups
            if exact or not group.alternatives
            for term in group.terms
        ]
        either = [] if exact else [_ts_group_text(g) for g in words.groups if g.alternatives]
    parts, params = [], []
    if plain or exclusions:
        sql, values = _ts(" ".join(plain + exclusions), words.language)
        parts.append(sql)
        params += values
    if either:
        joiner = " || " if mode == "any" else " && "
        pieces = [_ts(text, words.language) for text in either]
        parts.append("(" + joiner.join(sql for sql, _values in pieces) + ")")
        params += [value for _sql, values in pieces for value in values]
    return " && ".join(parts), params


def _from_item(sql):
    """A FROM item naming the tsquery expression ``sql`` ``q``."""
    return f"{TSQUERY} q" if sql == TSQUERY else f"(SELECT {sql} AS q) w"


def _tsquery_from(words, mode="all", phrases=True):
    """A FROM item naming the tsquery ``q``."""
    sql, params = tsquery(words, mode, phrases)
    return _from_item(sql), params


class _Postgres(_Dialect):
    order = POSTGRES_ORDER

    def rank_by_id(self, words):
        # A GIN index knows which documents hold each word, not where: for a phrase, and for
        # a thesaurus expansion's phrases ("home care", "help at home"), PostgreSQL re-reads
        # the vector of every document holding the words to check their positions (27,709
        # read for 604 matches of a Spanish query at 50,000), in each ranking pass. The
        # tier's documents are known (its bitmap): ranking them by id reads theirs alone.
        # Without a phrase the index answers exactly, and reads fewer (a tier's pass matches
        # only some of the tier).
        return any(
            term.is_phrase
            for group in words.groups
            for term in (*group.terms, *(alternative for alternative, _w in group.alternatives))
        )

    @contextmanager
    def session(self):
        # The planner prices `search_vector @@ q` without the cost of de-TOASTing each vector,
        # so for a common word (every row matches) it picks a sequential scan that reads all
        # of them (~450 ms at 50,000); the GIN index answers the same from its posting lists
        # without reading a vector (~35 ms).
        # No savepoint: the setting lasts until the end of the outermost transaction anyway.
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            yield

    # {vector}: the column, or the phrase index's expression; {source}: the tsquery q.
    words_sql = (
        "SELECT {label}(id - %s) >> 5, bit_or(1::bigint << ((id - %s) & 31)::int) "
        f"FROM {DOCUMENTS_TABLE}, {{source}} "
        "WHERE {vector} @@ q GROUP BY {group}"
    )

    @staticmethod
    def _vector(groups):
        phrase = any(term.is_phrase for group in groups for term in group.terms)
        return PHRASE_VECTOR if phrase and phrase_index_exists() else "search_vector"

    def _words_sql(self, source, vector, label=False):
        return self.words_sql.format(
            label="%s, " if label else "", source=source, vector=vector, group=2 if label else 1
        )

    # websearch_to_tsquery reads the canonical form (words, "phrases", -exclusions). The
    # parser has already dropped the stop words the English configuration ignores, so the
    # tsquery is never empty and the condition stays one the GIN index can answer.
    def match_words(self, words, base):
        source, params = _tsquery_from(words)
        sql = self._words_sql(source, self._vector(words.groups))
        return self._fetch(sql, [base, base, *params])

    def any_words(self, terms, base):
        sql = self._words_sql(f"{TSQUERY} q", "search_vector")
        return self._fetch(sql, [base, base, " or ".join(str(t) for t in terms)])

    def group_words(self, words, base):
        parts = [
            (number, _ts(_ts_group_text(group), words.language), self._vector([group]))
            for number, group in enumerate(words.groups)
        ]
        if words.excluded:
            exclusions = (TSQUERY, [" or ".join(str(t) for t in words.excluded)])
            parts.append((-1, exclusions, "search_vector"))
        sql = " UNION ALL ".join(
            self._words_sql(_from_item(ts), vector, label=True) for _n, (ts, _p), vector in parts
        )
        params = [
            value
            for number, (_ts_sql, texts), _v in parts
            for value in (number, base, base, *texts)
        ]
        return self._fetch(sql, params)

    def ranked(self, words, tier, limit=None, within=None, mode="all"):
        vector = POSTGRES_VECTORS[tier]
        condition = f"{vector} @@ q"
        source, params = _tsquery_from(words, mode)
        if tier and words.excluded:
            # A tier's vector holds part of the document; the exclusions apply to all of it.
            condition += " AND search_vector @@ q"
        if within is not None:
            condition += " AND id = ANY(%s)"
            params.append(list(within))
        sql = (
            f"SELECT id, ts_rank_cd('{POSTGRES_WEIGHTS}'::float4[], {vector}, q, 1) AS score "
            f"FROM {DOCUMENTS_TABLE}, {source} "
            f"WHERE {condition} ORDER BY score DESC, id DESC"
        )
        return self._fetch(sql, params, limit)

    def snippets(self, words, ids):
        if not words.groups or not ids:
            return {}
        source, params = _tsquery_from(words._replace(excluded=()), "any", phrases=False)
        options = (
            f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords={SNIPPET_WORDS}, '
            'MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'
        )
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            "SELECT id, "
            f"ts_headline('english', title, q, 'StartSel=\"{MARK_START}\", "
            f'StopSel="{MARK_END}", HighlightAll=true\'), '
            "ts_headline('english', summary, q, %s), ts_headline('english', body, q, %s) "
            f"FROM {DOCUMENTS_TABLE}, {source} "
            f"WHERE id IN ({placeholders})"
        )
        rows = self._fetch(sql, [options, options, *params, *ids])
        return {row[0]: row[1:] for row in rows}


class EmbeddedEngine(SearchEngine):
    name = "embedded"

    def __init__(self):
        # Facet bitmaps held in memory, kept current with the index (bitmaps.py).
        self.bitmap_store = BitmapStore()

    def _dialect(self):
        return _Postgres() if connection.vendor == "postgresql" else _SQLite()

    # Writing ------------------------------------------------------------------------------

    def index_documents(self, documents):
        documents = list(documents)
        if not documents:
            return
        from ..registry import search_types

        labels = {key: t.label for key, t in search_types().items()}
        with transaction.atomic():
            self._lock_for_write()
            by_type = {}
            for document in documents:
                by_type.setdefault(document.type, []).append(document.object_id)
            removed = []
            for doc_type, object_ids in by_type.items():
                removed += self._remove(doc_type, object_ids)
            writer = self._IndexWriter(labels)
            added = writer.insert(documents)
            writer.finish()
            record_change(added, removed)

    def remove_documents(self, doc_type, object_ids):
        object_ids = list(object_ids)
        if not object_ids:
            return
        with transaction.atomic():
            self._lock_for_write()
            record_change(removed=self._remove(doc_type, object_ids))

    def _remove(self, doc_type, object_ids):
        ids = list(
            IndexedDocument.objects.filter(doc_type=doc_type, object_id__in=object_ids).values_list(
                "id", flat=True
            )
        )
        IndexedFacetValue.objects.filter(document_id__in=ids).delete()
        IndexedDocument.objects.filter(id__in=ids).delete()
        return ids

    @staticmethod
    def _lock_for_write():
        if connection.vendor == "postgresql":
            from .staging import lock_for_write

            with connection.cursor() as cursor:
                lock_for_write(cursor)

    class _IndexWriter:
        """Writes documents into the index tables, for a rebuild and for single updates alike:
        rows go in as plain tuples (executemany; COPY on PostgreSQL), since model instances
        and bulk_create cost more than the database work; facet labels and vocabulary words
        are gathered and written once, by ``finish``."""

        # Documents per batch of a rebuild.
        BATCH = 1000
        COLUMNS = (
            "doc_type, object_id, title, summary, names, body, url, budget_eur, start_year, "
            "published_at, display, language"
        )

        def __init__(self, type_labels):
            self.type_labels = {key: str(label) for key, label in type_labels.items()}
            self.labels = {}
            self.words = []
            self.seen_words = set()
            fields = IndexedDocument._meta
            self.published_at = fields.get_field("published_at").get_db_prep_save
            self.display = fields.get_field("display").get_db_prep_save

        def document_rows(self, documents, first_id=None):
            """The documents' rows; with ``first_id``, ids given here (first_id, first_id + 1,
            ...) lead each row, otherwise the database numbers them."""
            published_at, display = self.published_at, self.display
            rows = [
                (
                    d.type,
                    d.object_id,
                    d.title,
                    d.summary or "",
                    " · ".join([*(str(n) for n in d.names), *(t.title for t in versions(d))]),
                    "\n\n".join([d.body or "", *(f"{t.summary}\n{t.body}" for t in versions(d))]),
                    d.url[:500],
                    float(d.budget_eur) if d.budget_eur is not None else None,
                    int(d.start_year) if d.start_year is not None else None,
                    published_at(d.published_at, connection),
                    display(d.display, connection),
                    code_of(d.language),
                )
                for d in documents
            ]
            if first_id is None:
                return rows
            return [(pk, *row) for pk, row in enumerate(rows, first_id)]

        def facet_rows(self, documents, ids):
            """(document id, facet, value) rows, ``ids`` giving each document's id in the
            same order; gathers the labels and vocabulary words ``finish`` writes."""
            values, labels, texts = [], self.labels, []
            for document, pk in zip(documents, ids, strict=True):
                type_label = self.type_labels.get(document.type, document.type)
                for facet, value, label in document_facets(document, type_label):
                    values.append((pk, facet, value))
                    labels[(facet, value)] = label
                texts += (document.title or "", document.summary or "")
                texts.append(" ".join(map(str, document.names)))
            # One pass over the batch's text: "\n" is neither a word character nor cased, so
            # words and lowercasing come out as they would text by text.
            found = set(WORD_RE.findall("\n".join(texts).lower())) - self.seen_words
            new = sorted(w for w in found if 3 <= len(w) <= 60)
            self.seen_words.update(new)
            self.words += new
            return values

        def insert(self, documents):
            """Insert into the live tables, ids numbered by the database; returns the ids."""
            with connection.cursor() as cursor:
                rows = self.document_rows(documents)
                self.write_rows(cursor, DOCUMENTS_TABLE, self.COLUMNS, rows)
                ids = self._ids(cursor, documents)
                keys = [ids[(d.type, d.object_id)] for d in documents]
                values = self.facet_rows(documents, keys)
                self.write_rows(cursor, FACET_VALUES_TABLE, FACET_VALUE_COLUMNS, values)
            return keys

        @staticmethod
        def write_rows(cursor, table, columns, rows):
            """Rows in their order (so ids follow it): COPY on PostgreSQL, where executemany
            costs a round trip per row, executemany elsewhere."""
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * (columns.count(",") + 1))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)

        @staticmethod
        def _ids(cursor, documents):
            """{(type, object id): row id} of the documents just inserted."""
            by_type = {}
            for document in documents:
                by_type.setdefault(document.type, []).append(document.object_id)
            ids = {}
            for doc_type, object_ids in by_type.items():
                wanted = set(object_ids)
                # A range rather than an IN list: no limit on parameters; others are skipped.
                cursor.execute(
                    f"SELECT id, object_id FROM {DOCUMENTS_TABLE} "
                    "WHERE doc_type = %s AND object_id BETWEEN %s AND %s",
                    [doc_type, min(object_ids), max(object_ids)],
                )
                for pk, object_id in cursor.fetchall():
                    if object_id in wanted:
                        ids[(doc_type, object_id)] = pk
            return ids

        def finish(self):
            FacetLabel.objects.bulk_create(
                [
                    FacetLabel(facet=f, value=v, label=label[:255])
                    for (f, v), label in self.labels.items()
                ],
                update_conflicts=True,
                unique_fields=["facet", "value"],
                update_fields=["label"],
                batch_size=2000,
            )
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # One statement rather than a round trip per word, in the list's order.
                    cursor.execute(
                        f"INSERT INTO {VOCABULARY_TABLE} (word) SELECT word "
                        "FROM unnest(%s::text[]) WITH ORDINALITY AS words(word, n) ORDER BY n "
                        "ON CONFLICT DO NOTHING",
                        [self.words],
                    )
                else:
                    cursor.executemany(
                        f"INSERT INTO {VOCABULARY_TABLE} (word) VALUES (%s) ON CONFLICT DO NOTHING",
                        [(word,) for word in self.words],
                    )

    def rebuild(self, sources, progress=None):
        """Replace the whole index; searches see the old one until the new one is complete."""
        sources = list(sources)
        writer = self._IndexWriter({t.key: t.label for t, _count, _docs in sources})
        documents = batches(sources, writer.BATCH, progress)
        if connection.vendor == "postgresql":
            from .staging import rebuild_by_swap

            return rebuild_by_swap(writer, documents)
        return self._rebuild_in_place(writer, documents)

    def _rebuild_in_place(self, writer, batches):
        """SQLite: everything in one transaction, which readers do not wait for (WAL)."""
        total = 0
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Bulk path: no per-row trigger work; FTS5 rebuilds from the table at the end.
                cursor.execute("DROP TRIGGER IF EXISTS search_doc_ai")
                cursor.execute("DROP TRIGGER IF EXISTS search_doc_ad")
                for table in (FACET_VALUES_TABLE, DOCUMENTS_TABLE, VOCABULARY_TABLE):
                    cursor.execute(f"DELETE FROM {table}")
            for batch in batches:
                writer.insert(batch)
                total += len(batch)
            writer.finish()
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
                for statement in SQLITE_TRIGGERS:
                    cursor.execute(statement)
            bump_token()
        self.optimize()
        return total

    def optimize(self):
        """Planner statistics: without them SQLite re-runs the full-text match per row.
        The full-text index merged into one segment: FTS5's 'rebuild' leaves several, and a
        search reads each one for every document it looks up (finding the 20 documents of a
        page's snippets cost six times as much at 10,000 documents). Later writes add small
        segments, which FTS5 merges as they accumulate. (A PostgreSQL rebuild analyses the
        tables it swaps in; autovacuum does the rest.)"""
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA optimize")

    def document_count(self):
        return IndexedDocument.objects.count()

    # Searching ----------------------------------------------------------------------------
    #
    # Facet counts, totals and the page's membership tests come from bitmaps (bitmaps.py):
    # the full-text match is turned into one bitmap in SQL, the facets are ANDed with it in
    # memory. SQL is asked only for what bitmaps cannot give: the order of the first pages
    # and the rows and snippets of the 20 hits shown.

    def _candidates(self, dialect, bitmaps, words):
        """The documents holding every word (Words): the all-words tier."""
        if not words:
            return bitmaps.all
        if words.groups:
            return bitmaps.remembered(
                ("all", words), lambda: bitmaps.of_words(dialect.match_words(words, bitmaps.base))
            )
        excluded = words.excluded
        return bitmaps.remembered(
            ("none", excluded),
            lambda: bitmaps.all & ~bitmaps.of_words(dialect.any_words(excluded, bitmaps.base)),
        )

    def count(self, parsed, filters, bitmaps=None, candidates=None):
        bitmaps = bitmaps or self.bitmap_store.current()
        if candidates is None:
            candidates = self._candidates(self._dialect(), bitmaps, Words.of_parsed(parsed))
        return bitmaps.filtered(candidates, filters).bit_count()

    def labels(self, pairs):
        if not pairs:
            return {}
        found = {}
        for facet, value, label in FacetLabel.objects.filter(
            facet__in={f for f, _v in pairs}, value__in={v for _f, v in pairs}
        ).values_list("facet", "value", "label"):
            found[(facet, value)] = label
        return found

    def _partial_layers(self, dialect, bitmaps, words, matches):
        """The partial tier as bitmaps, most words first: [documents holding exactly c of the
        optional groups] for c from one less than all down to the threshold
        (query.partial_threshold). Every layer holds the strict groups (quoted phrases) and
        none of the exclusions. One statement gives each group's bitmap; the layers are
        counted from them in memory."""
        rows = {}
        for number, index, bits in dialect.group_words(words, bitmaps.base):
            rows.setdefault(number, []).append((index, bits))
        allowed = bitmaps.all & ~matches
        if -1 in rows:
            allowed &= ~bitmaps.of_words(rows[-1])
        optional = []
        for number, group in enumerate(words.groups):
            bits = bitmaps.of_words(rows.get(number, ()))
            if group.strict:
                allowed &= bits
            else:
                optional.append(bits)
        # at_least[c]: allowed documents holding at least c of the optional groups.
        size = len(optional)
        at_least = [allowed] + [0] * size
        for bits in optional:
            for c in range(size, 0, -1):
                at_least[c] |= at_least[c - 1] & bits
        threshold = partial_threshold(size)
        if not matches and not at_least[threshold]:
            threshold = 1  # nothing holds half the words: whatever holds one
        at_least.append(0)
        layers = [at_least[c] & ~at_least[c + 1] for c in range(size - 1, threshold - 1, -1)]
        return [layer for layer in layers if layer]

    def _relevant(self, dialect, bitmaps, query, words, tiers):
        """Ids of the requested page by relevance. ``tiers``: (selected documents, the tier's
        documents before facets, ranking passes [(mode, field tier)]), in the order shown;
        within a tier, each pass adds the documents it ranks that earlier passes did not.
        Tiers wholly before the page are counted, not ranked; tiers after it are not asked."""
        need = query.offset + query.per_page
        kept = []
        shared = {}  # one "any" ranking serves every large layer of the partial tier
        for selected, unselected, passes in tiers:
            total = selected.bit_count()
            if not total:
                continue
            if len(kept) + total <= query.offset:
                kept.extend([None] * total)
                continue
            start = len(kept)
            # Without facets narrowing the tier, its first unseen documents are all kept, so
            # the database can stop there (not for "any": it also ranks other tiers).
            unfiltered = selected == unselected and passes[0][0] != "any"
            # Few selected: rank just those (the tiers' full lists can be tens of thousands),
            # also unfiltered where the dialect checks a match by id faster than it finds it.
            sparse = total <= SPARSE_SELECTION and (not unfiltered or dialect.rank_by_id(words))
            remaining = bitmaps.ids_of(selected) if sparse else None
            contains = bitmaps.members(selected)
            seen = set()

            def take(ranked, seen=seen, contains=contains):
                for pk, _score in ranked:
                    if pk not in seen:
                        seen.add(pk)
                        if contains(pk):
                            kept.append(pk)

            for mode, field in passes:
                limit = need - start + len(seen) if unfiltered else None
                if sparse:
                    remaining = [pk for pk in remaining if pk not in seen]
                    if not remaining:
                        break
                    take(dialect.ranked(words, field, limit, remaining, mode))
                elif mode == "any":
                    take(self._any_ranking(dialect, words, shared, need))
                    if len(kept) - start < min(need - start, total) and not shared["complete"]:
                        # The first rows of the ranking held too few of this layer: rank
                        # everything (same order, so the layer's first ones are the same).
                        del kept[start:]
                        seen.clear()
                        take(self._any_ranking(dialect, words, shared, None))
                else:
                    take(dialect.ranked(words, field, limit, None, mode))
                if len(kept) - start >= min(need - start, total):
                    break
            if len(kept) >= need:
                break
        return [pk for pk in kept[query.offset : need] if pk is not None]

    @staticmethod
    def _any_ranking(dialect, words, shared, need):
        """The documents holding any of the words, best first: the first rows (documents
        holding more words score higher, so a layer's best are near the top; filtering a
        ranking keeps its order), or, with ``need`` None, all of them. Kept in ``shared`` for
        the other layers."""
        if "any" not in shared or (need is None and not shared["complete"]):
            limit = None if need is None else ANY_RANKING_ROWS + 4 * need
            ranked = dialect.ranked(words, None, limit, None, "any")
            shared["any"] = ranked
            shared["complete"] = limit is None or len(ranked) < limit
        return shared["any"]

    def _ordered(self, dialect, bitmaps, query, tiers):
        """Rows of the requested page in a field order (newest, budget, start year), tier
        after tier (``tiers``: bitmaps of the selected documents, in the order shown)."""
        rows, skip = [], query.offset
        for selected in tiers:
            total = selected.bit_count()
            if skip >= total:
                skip -= total
                continue
            rows += self._ordered_tier(
                dialect, bitmaps, query.sort, selected, total, skip, query.per_page - len(rows)
            )
            skip = 0
            if len(rows) >= query.per_page:
                break
        return rows

    def _ordered_tier(self, dialect, bitmaps, sort, selected, total, offset, count):
        order = dialect.order[sort]
        with connection.cursor() as cursor:
            if total <= SPARSE_SELECTION:
                ids = bitmaps.ids_of(selected)
                placeholders = ", ".join(["%s"] * len(ids))
                cursor.execute(
                    f"SELECT {ROW_COLUMNS} FROM {DOCUMENTS_TABLE} WHERE id IN ({placeholders}) "
                    f"ORDER BY {order} LIMIT %s OFFSET %s",
                    [*ids, count, offset],
                )
                return cursor.fetchall()
            # Many selected: walk the documents in order (an index scan for the default
            # sort) and keep the selected ones until the page is full.
            contains = bitmaps.members(selected)
            cursor.execute(f"SELECT id FROM {DOCUMENTS_TABLE} ORDER BY {order}")
            ids, skip = [], offset
            while len(ids) < count:
                rows = cursor.fetchmany(2000)
                if not rows:
                    break
                for (pk,) in rows:
                    if contains(pk):
                        if skip:
                            skip -= 1
                        else:
                            ids.append(pk)
                            if len(ids) == count:
                                break
        return self._rows(ids)

    def _hits(self, words, rows, with_snippets=True, holds_all=None):
        snippets = (
            self._dialect().snippets(words, [row[0] for row in rows]) if with_snippets else {}
        )
        hits = []
        for pk, doc_type, object_id, title, url, display, summary, score in rows:
            if isinstance(display, str):
                display = json.loads(display)
            title_marked, summary_marked, body_marked = snippets.get(pk, (None, None, None))
            if summary_marked and MARK_START in summary_marked:
                snippet = summary_marked
            elif body_marked and MARK_START in body_marked:
                snippet = body_marked
            else:
                snippet = _truncate_words(summary)
            hits.append(
                Hit(
                    type=doc_type,
                    object_id=object_id,
                    title=title,
                    url=url,
                    title_html=_marked_html(title_marked or title),
                    snippet_html=_marked_html(snippet),
                    display=display or {},
                    score=score,
                    partial=holds_all is not None and not holds_all(pk),
                )
            )
        return hits

    def _rows(self, ids):
        if not ids:
            return []
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {ROW_COLUMNS} FROM {DOCUMENTS_TABLE} WHERE id IN ({placeholders})",
                ids,
            )
            by_id = {row[0]: row for row in cursor.fetchall()}
        return [by_id[pk] for pk in ids if pk in by_id]

    def search(self, query):
        dialect = self._dialect()
        # The dialect's session is for full-text statements; a search without words (browsing
        # by facets, the maps' counts) runs none, so it costs no extra statement.
        with dialect.session() if Words.of(query) else nullcontext():
            return self._search(dialect, query)

    def _search(self, dialect, query):
        bitmaps = self.bitmap_store.current()
        words = Words.of(query)
        matches = self._candidates(dialect, bitmaps, words)
        # The partial tier is shown when fewer than a page of documents hold every word,
        # counted before facets, so that a facet's count is what selecting it gives.
        layers = []
        if query.shows_partial_tier(matches.bit_count()):
            # Remembered as the match is (``_candidates``, which ``matches`` comes from): the
            # groups' statement reads each word's matches apart, several times the match's
            # cost, and the pages and facet clicks of a search ask for it again.
            layers = bitmaps.remembered(
                ("layers", words),
                lambda: self._partial_layers(dialect, bitmaps, words, matches),
            )
        candidates = matches
        for layer in layers:
            candidates |= layer
        found, selected = bitmaps.counts([facet.key for facet in FACETS], candidates, query.filters)
        total = selected.bit_count()
        all_words = selected & matches
        labels = bitmaps.labels
        counts = {
            facet: [(value, labels.get((facet, value), value), n) for value, n in values]
            for facet, values in found.items()
        }
        query = query.within(total)
        hits = []
        if total:
            if query.sort == "relevance" and words.groups:
                expanded = any(group.alternatives for group in words.groups)
                # Exact words first: with expansions, the documents holding every word as
                # typed are ranked before those that need an alternative.
                modes = ("exact", "all") if expanded else ("all",)
                passes = [(mode, tier) for mode in modes for tier in TIERS]
                tiers = [(all_words, matches, passes)]
                tiers += [(selected & layer, layer, [("any", None)]) for layer in layers]
                rows = self._rows(self._relevant(dialect, bitmaps, query, words, tiers))
            else:
                tiers = [all_words, *(selected & layer for layer in layers)]
                rows = self._ordered(dialect, bitmaps, query, tiers)
            holds_all = bitmaps.members(all_words) if layers else None
            hits = self._hits(words, rows, query.snippets, holds_all)
        results = SearchResults(
            query=query,
            hits=hits,
            total=total,
            all_words_total=all_words.bit_count(),
            facets=facet_results(
                query, counts, lambda pairs: {p: labels[p] for p in pairs if p in labels}
            ),
            engine=self.name,
        )
        if not total:
            self.explain_no_hits(results, bitmaps, candidates)
        return results

    def explain_no_hits(self, results, bitmaps=None, matches=None):
        """Spelling suggestions and what dropping one word or one filter would give."""
        query = results.query
        parsed = query.parsed
        replacements = {}
        for term in parsed.required:
            if term.is_phrase:
                continue
            word = term.words[0]
            if len(word) < 4 or VocabularyWord.objects.filter(word=word).exists():
                continue
            candidates = [
                w
                for w in VocabularyWord.objects.filter(word__startswith=word[0]).values_list(
                    "word", flat=True
                )[:20000]
                if abs(len(w) - len(word)) <= 2
            ]
            close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
            if close:
                replacements[word] = close[0]
        if replacements:
            text = query.text
            for word, better in replacements.items():
                text = _replace_word(text, word, better)
            results.suggestions.append(text)
        if len(parsed.required) > 1:
            for term in parsed.required:
                n = self.count(parsed.without(term), query.filters, bitmaps)
                if n:
                    results.relaxations.append(
                        {
                            "label": _("without “%(term)s”") % {"term": term},
                            "text": parsed.without(term).canonical(),
                            "filters": query.filters,
                            "count": n,
                        }
                    )
        for key in query.filters:
            remaining = {k: v for k, v in query.filters.items() if k != key}
            n = self.count(parsed, remaining, bitmaps, matches)
            if n:
                facet = next(f for f in FACETS if f.key == key)
                results.relaxations.append(
                    {
                        "label": _("without the %(facet)s filter") % {"facet": facet.label},
                        "text": query.text,
                        "filters": remaining,
                        "count": n,
                    }
                )


def facet_results(query, counts, labels_for):
    """FacetResults from {facet: [(value, label, count)]}: ranges in bucket order, terms by
    count; selected values always listed (at zero if need be), unknown ones included."""
    missing = [
        (key, value)
        for key, values in query.filters.items()
        for value in values
        if key not in RANGE_FACETS and value not in {v for v, _label, _n in counts.get(key, [])}
    ]
    labels = labels_for(missing)
    facets = []
    for facet in FACETS:
        selected = query.filters.get(facet.key, [])
        found = {value: (label, n) for value, label, n in counts.get(facet.key, [])}
        if facet.key in RANGE_FACETS:
            values = [
                FacetValue(value, str(label), found.get(value, ("", 0))[1], value in selected)
                for value, label, _low, _high in RANGE_FACETS[facet.key]
                if value in found or value in selected
            ]
            # Unknown range values typed into the URL stay visible so they can be removed.
            known = {v for v, *_rest in RANGE_FACETS[facet.key]}
            values += [FacetValue(v, v, 0, True) for v in selected if v not in known]
        else:
            values = [
                FacetValue(value, label, n, value in selected)
                for value, (label, n) in found.items()
            ]
            values += [
                FacetValue(v, labels.get((facet.key, v), v), 0, True)
                for v in selected
                if v not in found
            ]
            values.sort(key=lambda v: (not v.selected, -v.count, v.label.lower()))
        if values:
            facets.append(FacetResult(facet.key, str(facet.label), values))
    return facets


def _replace_word(text, word, better):
    import re

    return re.sub(rf"(?i)\b{re.escape(word)}\b", better, text)
