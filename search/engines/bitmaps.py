"""Facet counting with bitmaps held in memory.

Counting facets in SQL means one index lookup per (matching document, facet): at 50,000
documents and ten facets that is half a million lookups per search. Here every facet value
is a Python integer used as a bitmap over the documents (bit i = i-th document by id), and a
count is ``(value_bits & candidate_bits).bit_count()``: a few hundred big-integer ANDs per
search, whatever the number of documents.

The bitmaps are loaded from the index tables once per process. Every write to the index
records what it added and removed (IndexChange) and sets a new state token in the same
transaction; each search reads the token (one small query), and a process whose token is
behind applies the changes since its own instead of reloading everything: a publish costs
every worker a few big-integer operations, not a reload (docs/performance.md). A rebuild, or
a write that does not say what it changed, makes every process reload.
"""

import sys
import threading
import uuid
from array import array

from django.db import connection

from ..models import FacetLabel, IndexChange, IndexedDocument, IndexedFacetValue, IndexState

# Changes kept for processes that are behind; one further behind reloads.
KEPT_CHANGES = 2000


def new_token():
    return uuid.uuid4().hex


def _locked_state():
    """The state row, locked until the end of the write's transaction (PostgreSQL lets index
    writes run side by side: the row lock puts their changes in commit order)."""
    state = IndexState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        state = IndexState.objects.create(pk=1, token=new_token())
    return state


def bump_token():
    """Called inside a write transaction to the index that does not record what it changed
    (a rebuild): every process reloads its bitmaps."""
    _locked_state()
    IndexState.objects.filter(pk=1).update(token=new_token(), change=0)
    IndexChange.objects.all().delete()


def record_change(added=(), removed=()):
    """Called inside every other write transaction to the index, with the document ids it
    added and removed: processes catch up by applying them (FacetBitmaps.updated)."""
    state = _locked_state()
    change = IndexChange.objects.create(
        previous=state.token,
        token=new_token(),
        added=",".join(map(str, added)),
        removed=",".join(map(str, removed)),
    )
    IndexState.objects.filter(pk=1).update(token=change.token, change=change.pk)
    if change.pk > KEPT_CHANGES and change.pk % 100 == 0:
        IndexChange.objects.filter(pk__lte=change.pk - KEPT_CHANGES).delete()


# Quoted as both SQLite and PostgreSQL read it; the table name is the model's.
STATE_SQL = f'SELECT "token", "change" FROM "{IndexState._meta.db_table}" WHERE "id" = 1'  # noqa: S608


def current_state():
    """(token, change id) of the index as committed (or as written by this transaction)."""
    # Every search asks it: plain SQL rather than a queryset, whose building and compiling
    # cost several times the query (docs/performance.md).
    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL)
        row = cursor.fetchone()
    return tuple(row) if row else ("", 0)


def current_token():
    return current_state()[0]


def _bits(positions, size):
    """A bitmap with these bit positions set. Written as a string of binary digits that int()
    reads in one go: a third of the time of setting bits byte by byte."""
    if not size:
        return 0
    digits = bytearray(b"0") * size
    for position in positions:
        # Rows of documents outside the loaded range (written meanwhile) are left out.
        if 0 <= position < size:
            digits[position] = 49  # "1"
    digits.reverse()
    return int(digits, 2)


def _some_bits(positions, size):
    """_bits for a few positions: setting them one by one is cheaper than a string of
    ``size`` digits."""
    positions = list(positions)
    if len(positions) > 64:
        return _bits(positions, size)
    bits = 0
    for position in positions:
        bits |= 1 << position
    return bits


def _ids(text):
    return [int(pk) for pk in text.split(",") if pk]


# Full-text matches arrive from the database as 32-bit words of the bitmap,
# (word index, bits): aggregating in SQL hands Python a few thousand rows instead of one row
# per matching document.
WORD_BITS = 32


class FacetBitmaps:
    """Bit i stands for the document whose id is ``base + i``. Ids are contiguous after a
    rebuild; edits leave gaps (a re-indexed document gets a new id), which cost a bit each
    until the next rebuild and are absent from ``all``."""

    # Word matches kept per state of the index (see remembered()).
    REMEMBERED = 256

    def __init__(self, token, ids, values, labels=None, change=0):
        self._remember_nothing_yet()
        self.token = token
        self.change = change
        self.labels = labels or {}
        self.base = ids[0] if ids else 0
        self.size = ids[-1] - self.base + 1 if ids else 0
        self.all = _bits((pk - self.base for pk in ids), self.size)
        # {facet: {value: bits}}
        self.values = {
            facet: {value: _bits(positions, self.size) for value, positions in by_value.items()}
            for facet, by_value in values.items()
        }

    @classmethod
    def load(cls, token, change=0):
        ids = list(IndexedDocument.objects.order_by("id").values_list("id", flat=True))
        base = ids[0] if ids else 0
        # One row per facet value with its documents' positions joined in one string: a few
        # hundred rows to read rather than one per (document, value).
        joined = (
            "string_agg((document_id - %s)::text, ',')"
            if connection.vendor == "postgresql"
            else "group_concat(document_id - %s)"
        )
        values = {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT facet, value, {joined} FROM {IndexedFacetValue._meta.db_table} "  # noqa: S608
                "GROUP BY facet, value",
                [base],
            )
            for facet, value, positions in cursor.fetchall():
                values.setdefault(facet, {})[value] = map(int, positions.split(","))
            cursor.execute(f"SELECT facet, value, label FROM {FacetLabel._meta.db_table}")  # noqa: S608
            labels = {(facet, value): label for facet, value, label in cursor.fetchall()}
        return cls(token, ids, values, labels, change)

    def updated(self, token, change, rows):
        """A copy brought up to ``token`` by the IndexChange ``rows`` (previous, token, added,
        removed) that follow this state, in order; None when they do not chain from this
        state to ``token`` (a reload is needed). Every document a change touched is cleared
        from every bitmap, then the ones present now are set from their facet rows (each
        document has at least its type's row)."""
        expected, present = self.token, {}
        for previous, new, added, removed in rows:
            if previous != expected:
                return None
            expected = new
            for pk in _ids(removed):
                present[pk] = False
            for pk in _ids(added):
                present[pk] = True
        if expected != token or any(pk < self.base for pk in present) or not self.size:
            return None
        base = self.base
        wanted = [pk for pk, here in present.items() if here]
        facet_rows, labels = [], dict(self.labels)
        if wanted:
            facet_rows = list(
                IndexedFacetValue.objects.filter(document_id__in=wanted).values_list(
                    "document_id", "facet", "value"
                )
            )
            pairs = {(facet, value) for _pk, facet, value in facet_rows}
            for facet, value, label in FacetLabel.objects.filter(
                facet__in={f for f, _v in pairs}, value__in={v for _f, v in pairs}
            ).values_list("facet", "value", "label"):
                labels[(facet, value)] = label
        size = max([self.size, *(pk - base + 1 for pk in present)])
        keep = ~_some_bits([pk - base for pk in present], size)
        by_value, found = {}, set()
        for pk, facet, value in facet_rows:
            by_value.setdefault((facet, value), []).append(pk - base)
            found.add(pk - base)
        values = {}
        for facet, bitmaps in self.values.items():
            values[facet] = {value: bits & keep for value, bits in bitmaps.items()}
        for (facet, value), positions in by_value.items():
            bitmaps = values.setdefault(facet, {})
            bitmaps[value] = bitmaps.get(value, 0) | _some_bits(positions, size)
        copy = object.__new__(type(self))
        copy._remember_nothing_yet()
        copy.token, copy.change, copy.labels = token, change, labels
        copy.base, copy.size, copy.values = base, size, values
        copy.all = (self.all & keep) | _some_bits(found, size)
        return copy

    def _remember_nothing_yet(self):
        self._remembered = {}
        self._remembered_lock = threading.Lock()

    def remembered(self, key, compute):
        """``compute()`` (a bitmap), kept under ``key`` while these bitmaps stand for the index:
        a visitor who narrows a search by its facets, or pages through it, asks for the same
        words again, and their full-text match is most of an uncached search's cost. Any
        change to the index makes new bitmaps, which start with nothing remembered. The
        oldest of ``REMEMBERED`` keys goes first."""
        with self._remembered_lock:
            found = self._remembered.get(key)
        if found is None:
            found = compute()
            with self._remembered_lock:
                if len(self._remembered) >= self.REMEMBERED:
                    del self._remembered[next(iter(self._remembered))]
                self._remembered[key] = found
        return found

    def of_words(self, rows):
        """The bitmap from (word index, 32-bit word) rows, limited to indexed documents (a
        match committed after these bitmaps were loaded is left out, never misplaced)."""
        words = array("I", bytes(4 * (-(-self.size // WORD_BITS) or 1)))
        top = len(words)
        for index, word in rows:
            if 0 <= index < top:
                words[index] = word
        if sys.byteorder != "little":
            words.byteswap()
        return int.from_bytes(words.tobytes(), "little") & self.all

    def ids_of(self, bits):
        """Document ids of the set bits, ascending (meant for sparse bitmaps)."""
        data = bits.to_bytes((self.size + 7) // 8 or 1, "little")
        base, ids = self.base, []
        for index, byte in enumerate(data):
            if byte:
                for bit in range(8):
                    if byte >> bit & 1:
                        ids.append(base + (index << 3) + bit)
        return ids

    def selection(self, facet, values):
        """Documents having any of these values (OR within a facet)."""
        bits = 0
        by_value = self.values.get(facet, {})
        for value in values:
            bits |= by_value.get(value, 0)
        return bits

    def filtered(self, candidates, filters):
        """Candidates narrowed by every facet's selection (AND across facets)."""
        for key, values in filters.items():
            candidates &= self.selection(key, values)
        return candidates

    def counts(self, facets, candidates, filters):
        """{facet: [(value, count)]}, each facet counted with the other facets' selections."""
        selections = {key: self.selection(key, values) for key, values in filters.items()}
        everything = candidates
        for bits in selections.values():
            everything &= bits
        result = {}
        for facet in facets:
            if facet in selections:
                mask = candidates
                for key, bits in selections.items():
                    if key != facet:
                        mask &= bits
            else:
                mask = everything
            if not mask:
                continue
            found = []
            for value, bits in self.values.get(facet, {}).items():
                n = (bits & mask).bit_count()
                if n:
                    found.append((value, n))
            if found:
                result[facet] = found
        return result, everything

    def members(self, bits):
        """A fast membership test for a bitmap: document id -> bool."""
        data = bits.to_bytes((self.size + 7) // 8 or 1, "little")
        base, size = self.base, self.size

        def contains(pk):
            i = pk - base
            return 0 <= i < size and data[i >> 3] >> (i & 7) & 1

        return contains


# Further behind than this many changes, a process reloads rather than catching up.
MAX_CATCH_UP = 500


class BitmapStore:
    """The bitmaps one engine holds, per database: one per process in production (the
    engine is made once per process); tests make two engines to play two workers."""

    def __init__(self):
        self._cache = {}
        self._lock = threading.Lock()

    def current(self):
        """The bitmaps for the current index state of this database: caught up with the
        changes written since this store last looked, or loaded when that is not possible."""
        token, change = current_state()
        key = (connection.alias, connection.settings_dict.get("NAME"))
        cached = self._cache.get(key)
        if cached is not None and cached.token == token:
            return cached
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached.token == token:
                return cached
            updated = None
            if cached is not None and change > cached.change:
                rows = list(
                    IndexChange.objects.filter(pk__gt=cached.change, pk__lte=change)
                    .order_by("pk")
                    .values_list("previous", "token", "added", "removed")[: MAX_CATCH_UP + 1]
                )
                if len(rows) <= MAX_CATCH_UP:
                    updated = cached.updated(token, change, rows)
            if updated is None:
                updated = FacetBitmaps.load(token, change)
            self._cache[key] = updated
            return updated
