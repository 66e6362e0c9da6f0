"""The one interface views talk to: a SearchQuery in, SearchResults out.

Parsing never fails: whatever arrives in the query string becomes a well-formed query (junk
is dropped, numbers are clamped), so the view can always answer.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.parsing import clamp_int

from .facets import FACET_KEYS, FACETS
from .languages import ENGLISH_STOPWORDS, code_of, query_stop_words

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_VALUES_PER_FACET = 30
MAX_VALUE_LENGTH = 100
MAX_PAGE = 10_000
PER_PAGE = 20

SORTS = {
    "relevance": _("Relevance"),
    "newest": _("Newest"),
    "budget": _("Budget (largest first)"),
    "start_year": _("Start year (latest first)"),
}

# Words that carry no meaning on their own; dropped from the required words (phrases keep
# them): the English stop words and those of the visitor's language (search/languages.py).
STOPWORDS = ENGLISH_STOPWORDS

WORD_RE = re.compile(r"\w+", re.UNICODE)
# Control characters (NUL among them, which PostgreSQL refuses) never mean anything here.
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


@dataclass(frozen=True)
class Term:
    """A word or a phrase (several words in order)."""

    words: tuple[str, ...]

    @property
    def is_phrase(self):
        return len(self.words) > 1

    def __str__(self):
        text = " ".join(self.words)
        return f'"{text}"' if self.is_phrase else text


@dataclass(frozen=True)
class ParsedText:
    required: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()

    def __bool__(self):
        return bool(self.required or self.excluded)

    def canonical(self):
        """A normalised query string every engine's own parser reads the same way."""
        parts = [str(term) for term in self.required]
        parts += [f"-{term}" for term in self.excluded]
        return " ".join(parts)

    def without(self, term):
        return ParsedText(tuple(t for t in self.required if t != term), self.excluded)


@dataclass(frozen=True)
class Expansion:
    """Other ways of saying part of the query (from the thesaurus, search/thesaurus.py)."""

    # The consecutive required terms of the query it stands for, e.g.
    # (Term(("older",)), Term(("people",))).
    terms: tuple[Term, ...]
    # Each other word or phrase with its weight 0 < w < 1, e.g. ((Term(("elderly",)), 0.8),
    # (Term(("seniors",)), 0.8), (Term(("frail", "elderly")), 0.5)).
    alternatives: tuple[tuple[Term, float], ...]
    label: str = ""  # the concept's preferred label, shown as "also: …"


@dataclass(frozen=True)
class TermGroup:
    """One "word" of the query for matching and for counting how many words a document
    holds: satisfied when every one of ``terms`` is present, or any of ``alternatives``
    (from an Expansion). A quoted phrase without alternatives is *strict*: required in every
    tier; every other group is optional in the partial tier."""

    terms: tuple[Term, ...]
    alternatives: tuple[tuple[Term, float], ...] = ()

    @property
    def strict(self):
        return not self.alternatives and any(term.is_phrase for term in self.terms)


def term_groups(required, expansions=()):
    """The required terms grouped: the terms an expansion stands for (consecutive, in the
    query's order) become one group with its alternatives, every other term a group of its
    own. Expansions that do not fit the query, or overlap an earlier one, are ignored."""
    groups, i = [], 0
    by_start = sorted(expansions, key=lambda e: -len(e.terms))
    while i < len(required):
        for expansion in by_start:
            size = len(expansion.terms)
            alternatives = tuple(
                (term, float(weight))
                for term, weight in expansion.alternatives
                if term.words and term not in expansion.terms
            )
            if size and alternatives and tuple(required[i : i + size]) == expansion.terms:
                groups.append(TermGroup(expansion.terms, alternatives))
                i += size
                break
        else:
            groups.append(TermGroup((required[i],)))
            i += 1
    return tuple(groups)


# The partial tier holds documents with at least half of the optional groups (rounded up);
# when no document reaches that, those with at least one.
def partial_threshold(optional_count):
    return -(-optional_count // 2)


def parse_text(text, language=None):
    """Words must all match, "quoted phrases" match in order, -word or -"phrase" excludes.
    Punctuation and operators of any engine's syntax are just separators here. Stop words of
    English and of ``language`` (the visitor's; the site's by default) are dropped."""
    text = (text or "")[:MAX_QUERY_LENGTH]
    stopwords = query_stop_words(code_of(language))
    required, excluded = [], []
    for match in TOKEN_RE.finditer(text):
        if match.group(2) is not None:
            negative, words = match.group(1), WORD_RE.findall(match.group(2).lower())
            terms = [Term(tuple(words))] if words else []
        else:
            negative, words = match.group(3), WORD_RE.findall(match.group(4).lower())
            # "home-care" or "e.g." are several words; each must match.
            terms = [Term((word,)) for word in words]
        for term in terms:
            if not negative and not term.is_phrase and term.words[0] in stopwords:
                continue
            target = excluded if negative else required
            if term not in target and len(required) + len(excluded) < MAX_TERMS:
                target.append(term)
    return ParsedText(tuple(required), tuple(excluded))


@dataclass
class SearchQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = ""
    page: int = 1
    per_page: int = PER_PAGE
    # Highlighted titles and snippets cost the most per hit (ts_headline on PostgreSQL);
    # callers that only need the hits (downloads) switch them off.
    snippets: bool = True
    # What the thesaurus adds to the words (search/thesaurus.py); empty with ``exact``.
    expansions: tuple[Expansion, ...] = ()
    # "Search the words alone" (exact=1 in the URL): no thesaurus expansion.
    exact: bool = False
    # The language the words are read in (the visitor's; search/languages.py): its stop
    # words are dropped and its stemmer applied besides the content's.
    language: str = ""

    def __post_init__(self):
        self.expansions = tuple(self.expansions or ())
        self.language = code_of(self.language)
        self.text = CONTROL_RE.sub(" ", self.text or "")[:MAX_QUERY_LENGTH]
        self.parsed = parse_text(self.text, self.language)
        clean = {}
        for key, values in (self.filters or {}).items():
            if key not in FACET_KEYS:
                continue
            kept = []
            for value in values:
                value = CONTROL_RE.sub("", str(value)).strip()[:MAX_VALUE_LENGTH]
                if value and value not in kept and len(kept) < MAX_VALUES_PER_FACET:
                    kept.append(value)
            if kept:
                clean[key] = kept
        self.filters = clean
        if self.sort not in SORTS or (self.sort == "relevance" and not self.parsed.required):
            self.sort = "relevance" if self.parsed.required else "newest"
        self.page = clamp_int(self.page, 1, 1, MAX_PAGE)

    @classmethod
    def from_params(cls, params, per_page=PER_PAGE):
        """From a QueryDict (request.GET); the words are expanded through the thesaurus in
        the active language unless the URL says ``exact=1``."""
        # search.thesaurus builds Expansions of this module's Terms, hence the late import.
        from .thesaurus import expand

        query = cls(
            text=params.get("q", ""),
            filters={key: params.getlist(key) for key in FACET_KEYS if key in params},
            sort=params.get("sort", ""),
            page=params.get("page", 1),
            per_page=per_page,
            exact=params.get("exact") == "1",
            language=get_language(),
        )
        if not query.exact:
            query.expansions = expand(query.parsed, query.language)
        return query

    @property
    def groups(self):
        """The required terms as TermGroups, expansions applied (see term_groups)."""
        return term_groups(self.parsed.required, self.expansions)

    @property
    def optional_groups(self):
        """The groups a document of the partial tier may lack (not quoted phrases)."""
        return tuple(group for group in self.groups if not group.strict)

    @property
    def has_partial_tier(self):
        """Whether documents holding only some of the words can be shown: it takes at least
        two words that may be missing."""
        return len(self.optional_groups) >= 2

    def shows_partial_tier(self, all_words):
        """Whether the partial tier is shown when ``all_words`` documents (before facets)
        hold every word: when they do not fill a page of the search page. The search
        page's page size, not this query's, so that the API and the downloads, whatever
        their page size, list what the search page lists."""
        return self.has_partial_tier and all_words < search_page_size()

    @property
    def is_browse(self):
        return not self.parsed

    @property
    def offset(self):
        return (self.page - 1) * self.per_page

    def with_page(self, page):
        return SearchQuery(
            self.text,
            dict(self.filters),
            self.sort,
            page,
            self.per_page,
            self.snippets,
            self.expansions,
            self.exact,
            self.language,
        )

    @property
    def also_searched(self):
        """The words the thesaurus added, as shown on the page: ["elderly", "seniors", …]."""
        seen = []
        for expansion in self.expansions:
            for term, _weight in expansion.alternatives:
                text = " ".join(term.words)
                if text not in seen:
                    seen.append(text)
        return seen

    def within(self, total):
        """This query, or its copy on the last page when its page is past ``total`` hits (the
        first page when nothing matched): a page number past the end, from an old link or
        typed, shows the last page, and the page reported never exceeds the page count."""
        last = max(1, -(-total // self.per_page))
        return self if self.page <= last else self.with_page(last)


def search_page_size():
    """Results per page of the search page (settings.PORTAL_SEARCH_PAGE_SIZE)."""
    return getattr(settings, "PORTAL_SEARCH_PAGE_SIZE", PER_PAGE)


def query_string(text="", filters=None, sort="", page=None, exact=False):
    """``?q=…&<facet>=…&sort=…&exact=1&page=…`` for a search page, facets in display order;
    the defaults (no words, no sort, expansion on, page 1) are left out."""
    pairs = [("q", text)] if text else []
    for key in FACET_KEYS:
        pairs += [(key, value) for value in (filters or {}).get(key, [])]
    if sort:
        pairs.append(("sort", sort))
    if exact:
        pairs.append(("exact", "1"))
    if page and page > 1:
        pairs.append(("page", str(page)))
    return "?" + urlencode(pairs)


@dataclass
class Hit:
    type: str
    object_id: int
    title: str
    url: str
    # HTML-safe fragments: everything escaped except the <mark> around matched words.
    title_html: str
    snippet_html: str
    display: dict
    score: float | None = None
    # Set for the page shown (search.registry.prepare_hits): the type's own result card.
    card_template: str = ""
    # True when the document holds only some of the words (the partial tier, shown after
    # the documents holding every word).
    partial: bool = False


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class FacetResult:
    key: str
    label: str
    values: list[FacetValue]

    @property
    def selected(self):
        return [value for value in self.values if value.selected]


@dataclass
class SearchResults:
    query: SearchQuery
    hits: list[Hit]
    total: int
    facets: list[FacetResult]
    # How many of ``total`` hold every word (the rest, when any, form the partial tier:
    # documents holding only some of the words, shown when fewer than a page hold them all).
    all_words_total: int | None = None
    # Set when the configured engine failed and another one answered.
    notice: str = ""
    # The name of the engine that answered ("embedded", "elasticsearch").
    engine: str = ""
    # Filled only when nothing matched: spelling suggestions and what dropping a word or a
    # facet's selection would give: [{"label", "text", "filters", "count"}].
    suggestions: list = field(default_factory=list)
    relaxations: list = field(default_factory=list)

    def __post_init__(self):
        if self.all_words_total is None:
            self.all_words_total = self.total

    @property
    def partial_total(self):
        return self.total - self.all_words_total

    @property
    def num_pages(self):
        return max(1, -(-self.total // self.query.per_page))

    def facet(self, key):
        for facet in self.facets:
            if facet.key == key:
                return facet
        return None


def facet_label(key):
    for facet in FACETS:
        if facet.key == key:
            return facet.label
    return key
