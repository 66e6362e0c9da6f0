"""Query expansion through the domain thesaurus: a word or phrase of the query that names a
concept also searches the concept's other labels (synonyms) and, with a lower weight, its
narrower concepts. And the labels of the concepts linked to a target group or theme, which
content types add to their documents (practices/search_documents.py).

search/ knows the thesaurus only through the ``register_thesaurus`` Wagtail hook: a function
taking no argument and returning a list of :class:`ThesaurusConcept` (plain data; the
``thesaurus`` app registers one). The table built from them is kept in the cache (``CACHES``)
and forgotten by :func:`forget` whenever a concept or label changes, so that a search costs
no database query once the cache is warm; each process keeps a copy while the table's
generation in the cache stays the same. See docs/search.md, "Thesaurus".
"""

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from wagtail import hooks

from .languages import code_of, query_stop_words, stem
from .query import WORD_RE, Expansion, Term

HOOK = "register_thesaurus"
CACHE_KEY = "search:thesaurus:v3"
# A new value each time the table is built; a process keeps its copy while the value lasts.
GENERATION_KEY = "search:thesaurus:generation"
SYNONYM_WEIGHT = 0.8
NARROWER_WEIGHT = 0.5
# Labels in the other languages (the concept as a record in another language says it).
OTHER_LANGUAGE_WEIGHT = 0.7
# Every alternative costs the engines a little more; a broad concept ("vulnerable groups")
# with many narrower ones keeps its own labels and the first narrower labels.
MAX_ALTERNATIVES = 32

PREFERRED, ALTERNATIVE, HIDDEN = "preferred", "alternative", "hidden"
SHOWN_KINDS = (PREFERRED, ALTERNATIVE)


@dataclass(frozen=True)
class ThesaurusConcept:
    """One concept as search/ sees it."""

    id: object
    # (language, kind, text) with kind "preferred", "alternative" or "hidden"; hidden labels
    # (misspellings) are matched in queries but never searched for or shown.
    labels: tuple[tuple[str, str, str], ...]
    narrower: tuple = ()  # ids of the narrower concepts
    target_groups: tuple[str, ...] = ()  # slugs
    themes: tuple[str, ...] = ()  # slugs


def label_key(text, language=None):
    """A label as the query parser reads words in ``language``: lowercased \\w+ words, the
    English stop words and the language's dropped."""
    stopwords = query_stop_words(code_of(language))
    return tuple(word for word in WORD_RE.findall((text or "").lower()) if word not in stopwords)


def stemmed_key(key, language):
    """A label key with every word stemmed as a word of ``language`` ("persona mayor" and
    "personas mayores" alike)."""
    return tuple(stem(word, language) for word in key)


def label_term(text):
    """A label as a Term to search for: its words in order (stop words kept, as in a quoted
    phrase, so that "persons with disabilities" matches those words)."""
    return Term(tuple(WORD_RE.findall(text.lower())))


@dataclass
class Table:
    concepts: dict = field(default_factory=dict)  # id -> ThesaurusConcept
    index: dict = field(default_factory=dict)  # language -> {label key: concept id}
    # language -> {stemmed label key: concept id}, asked when no label is equal
    stemmed: dict = field(default_factory=dict)
    longest: int = 0  # words in the longest label key
    # ("target_group" | "theme", slug) -> [concept ids]
    references: dict = field(default_factory=dict)


_local = None  # (generation, Table): this process's copy


def _build(concepts):
    table = Table()
    for concept in concepts:
        table.concepts[concept.id] = concept
        for language, _kind, text in concept.labels:
            key = label_key(text, language)
            if key:
                table.index.setdefault(language, {}).setdefault(key, concept.id)
                stemmed = table.stemmed.setdefault(language, {})
                stemmed.setdefault(stemmed_key(key, language), concept.id)
                table.longest = max(table.longest, len(key))
        for slug in concept.target_groups:
            table.references.setdefault(("target_group", slug), []).append(concept.id)
        for slug in concept.themes:
            table.references.setdefault(("theme", slug), []).append(concept.id)
    return table


def table():
    """The thesaurus as search/ reads it: this process's copy while the cache's generation is
    the one it was read under, else the cache's, else built from the hook. Reading the small
    generation instead of unpickling the whole table saves most of a millisecond per search
    (docs/performance.md, "Load")."""
    global _local
    generation = cache.get(GENERATION_KEY)
    if generation is not None and _local is not None and _local[0] == generation:
        return _local[1]
    cached = cache.get(CACHE_KEY)  # (generation, Table)
    if generation is None or cached is None or cached[0] != generation:
        concepts = [concept for hook in hooks.get_hooks(HOOK) for concept in hook()]
        generation = uuid.uuid4().hex
        cached = (generation, _build(concepts))
        cache.set(CACHE_KEY, cached, None)
        cache.set(GENERATION_KEY, generation, None)
    _local = cached
    return cached[1]


def forget():
    """Drop the cached table and its generation (so every process drops its copy), now and
    once the current transaction commits (another process might otherwise cache the concept
    as it was before the change was complete)."""
    cache.delete_many([CACHE_KEY, GENERATION_KEY])
    transaction.on_commit(lambda: cache.delete_many([CACHE_KEY, GENERATION_KEY]))


def _languages(language):
    """The query's language, its base language ("de" for "de-at"), the main language, then
    every other language of the site: the order labels are looked up and offered in."""
    languages = []
    codes = ((language or "").lower(), (language or "").lower().split("-")[0])
    codes += (settings.LANGUAGE_CODE, *(code for code, _name in settings.LANGUAGES))
    for code in codes:
        if code and code not in languages:
            languages.append(code)
    return languages


def _labels(concept, languages, kinds=SHOWN_KINDS):
    """The concept's labels of these kinds in these languages, languages in order."""
    return [
        text
        for language in languages
        for label_language, kind, text in concept.labels
        if label_language == language and kind in kinds
    ]


def _preferred(concept, languages):
    for language in languages:
        for label_language, kind, text in concept.labels:
            if label_language == language and kind == PREFERRED:
                return text
    return ""


def expand(parsed, language):
    """Expansions for the runs of consecutive required words of ``parsed`` (a
    search.query.ParsedText) that name a concept in ``language`` or the main language,
    longest run first, left to right. Quoted phrases are never expanded."""
    terms = parsed.required
    if not terms:
        return ()
    thesaurus = table()
    if not thesaurus.index:
        return ()
    languages = _languages(language)
    # Labels as typed in each language first, then as stemmed in the visitor's language and
    # the main one (stemmed in every language, an English word would find look-alike labels
    # of others: "telemedicine" the Danish "telemedicin").
    own = languages[: languages.index(settings.LANGUAGE_CODE) + 1]
    indexes = [(thesaurus.index[code], None) for code in languages if code in thesaurus.index]
    indexes += [(thesaurus.stemmed[code], code) for code in own if code in thesaurus.stemmed]
    expansions = []
    start = 0
    while start < len(terms):
        found = None
        for end in range(min(len(terms), start + thesaurus.longest), start, -1):
            run = terms[start:end]
            if any(term.is_phrase for term in run):
                continue
            key = tuple(term.words[0] for term in run)
            concept_id = _lookup(indexes, key)
            if concept_id is not None:
                found = end, thesaurus.concepts[concept_id]
                break
        if found is None:
            start += 1
            continue
        end, concept = found
        expansion = _expansion(thesaurus, concept, terms[start:end], languages)
        if expansion is not None:
            expansions.append(expansion)
        start = end
    return tuple(expansions)


def _lookup(indexes, key):
    for index, stem_language in indexes:
        found = index.get(key if stem_language is None else stemmed_key(key, stem_language))
        if found is not None:
            return found
    return None


def _expansion(thesaurus, concept, terms, languages):
    typed = tuple(term.words[0] for term in terms)
    seen = {typed}
    alternatives = []

    def add(text, weight):
        key = label_key(text)
        if key and key not in seen and len(alternatives) < MAX_ALTERNATIVES:
            seen.add(key)
            alternatives.append((label_term(text), weight))

    # The visitor's language and the main one, then the others (a lower weight: they serve
    # records written in those languages).
    own = languages[: languages.index(settings.LANGUAGE_CODE) + 1]
    for text in _labels(concept, own):
        add(text, SYNONYM_WEIGHT)
    # The other languages' preferred labels only: each alternative costs every engine a
    # little (bench/search.py), and a record in another language names the concept so.
    for language in languages[len(own) :]:
        add(_preferred(concept, [language]), OTHER_LANGUAGE_WEIGHT)
    # Every narrower concept's preferred label before any of their synonyms, so that the
    # cap keeps each narrower concept.
    narrower = [thesaurus.concepts[i] for i in concept.narrower if i in thesaurus.concepts]
    narrower_labels = [_labels(each, own) for each in narrower]
    for texts in narrower_labels:
        if texts:
            add(texts[0], NARROWER_WEIGHT)
    for texts in narrower_labels:
        for text in texts[1:]:
            add(text, NARROWER_WEIGHT)
    if not alternatives:
        return None
    return Expansion(
        terms=tuple(terms),
        alternatives=tuple(alternatives),
        label=_preferred(concept, languages),
    )


def reference_labels():
    """{("target_group" | "theme", slug): [labels]}: every preferred and alternative label,
    in every language, of the concepts linked to each target group and theme. Content types
    add them to their documents' names, so that a practice for "older people" is found by
    "seniors" whatever its text says. Read it once per batch of documents."""
    thesaurus = table()
    labels = {}
    for reference, concept_ids in thesaurus.references.items():
        texts = []
        for concept_id in concept_ids:
            for _language, kind, text in thesaurus.concepts[concept_id].labels:
                if kind in SHOWN_KINDS and text not in texts:
                    texts.append(text)
        labels[reference] = texts
    return labels
