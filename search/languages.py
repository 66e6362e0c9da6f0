"""How text in each interface language is analysed, on every engine: one table.

For each language of ``settings.LANGUAGES``: the Snowball stemmer (PyStemmer's algorithm
name), PostgreSQL's text search configuration, Elasticsearch's language analyser, and the
stop words the query parser drops (``search/stopwords/<code>.txt``; English below). Snowball
has had a Czech stemmer since 3.0; it has none for Bulgarian, which gets the light stemmer
below (definite articles and the commonest endings). PostgreSQL 15 has neither, so both are
read with its ``simple`` configuration (lower-cased words, no stemming). See docs/search.md,
"Languages".
"""

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import Stemmer
from django.conf import settings

STOPWORDS_DIR = Path(__file__).resolve().parent / "stopwords"


@dataclass(frozen=True)
class Analysis:
    code: str
    snowball: str | None  # PyStemmer algorithm; None: light stemmer (Bulgarian)
    postgres: str  # text search configuration
    elastic: str  # Elasticsearch analyser


ANALYSES = {
    analysis.code: analysis
    for analysis in (
        Analysis("en", "english", "english", "english"),
        Analysis("es", "spanish", "spanish", "spanish"),
        Analysis("it", "italian", "italian", "italian"),
        Analysis("fr", "french", "french", "french"),
        Analysis("ro", "romanian", "romanian", "romanian"),
        Analysis("fi", "finnish", "finnish", "finnish"),
        Analysis("cs", "czech", "simple", "czech"),
        Analysis("nl", "dutch", "dutch", "dutch"),
        Analysis("bg", None, "simple", "bulgarian"),
        Analysis("da", "danish", "danish", "danish"),
        Analysis("de", "german", "german", "german"),
    )
}

# The Snowball English stop list, which PostgreSQL's English configuration and
# Elasticsearch's English analyser drop too, so every engine reads a query alike.
ENGLISH_STOPWORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    ]
)


def site_language():
    return settings.LANGUAGE_CODE.split("-")[0].lower()


def code_of(language):
    """The analysed language for a language code ("de-at" -> "de"); the site's language for
    an unknown or empty one."""
    code = (language or "").split("-")[0].lower()
    return code if code in ANALYSES else site_language()


def analysis(language):
    return ANALYSES[code_of(language)]


@cache
def stop_words(language):
    """The language's stop words (lower case)."""
    code = code_of(language)
    if code == "en":
        return ENGLISH_STOPWORDS
    path = STOPWORDS_DIR / f"{code}.txt"
    words = path.read_text(encoding="utf-8").split() if path.exists() else []
    return frozenset(word.lower() for word in words)


@cache
def query_stop_words(language):
    """What the query parser drops for a visitor reading ``language``: its stop words and the
    English ones (the main language of the content, which every engine also reads)."""
    return ENGLISH_STOPWORDS | stop_words(language)


@cache
def _stemmer(algorithm):
    return Stemmer.Stemmer(algorithm)


# Bulgarian (light): the definite article first, then one inflectional ending, keeping a stem
# of at least four letters. Longest suffix first.
BULGARIAN_ARTICLES = ("ият", "ия", "ът", "ят", "та", "то", "те")
BULGARIAN_ENDINGS = ("ища", "ове", "еве", "ета", "ище", "и", "а", "я", "о", "е", "ъ")


def bulgarian_stem(word):
    for suffixes in (BULGARIAN_ARTICLES, BULGARIAN_ENDINGS):
        for suffix in suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
    return word


@lru_cache(maxsize=65536)
def stem(word, language):
    """``word`` (lower case) stemmed as a word of ``language``."""
    algorithm = analysis(language).snowball
    if algorithm is None:
        return bulgarian_stem(word)
    return _stemmer(algorithm).stemWord(word)


def fold(text):
    """Lower case without diacritics on Latin letters ("ikääntyneet" -> "ikaantyneet"), as
    SQLite's ``unicode61 remove_diacritics 2`` tokenizer reads them (Cyrillic "й" stays)."""
    kept, base = [], ""
    for char in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.combining(char):
            if "LATIN" in base:
                continue
        else:
            base = unicodedata.name(char, "")
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))
