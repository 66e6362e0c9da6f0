"""The facets every engine offers, in display order, and the range buckets."""

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Facet:
    key: str
    label: object


# Terms facets: values come from the documents.
FACETS = [
    Facet("type", _("Type")),
    Facet("country", _("Country")),
    Facet("region", _("Region")),
    Facet("theme", _("Theme")),
    Facet("target_group", _("Target group")),
    Facet("project", _("Cooperation project")),
    Facet("programme", _("Funding programme")),
    Facet("status", _("Status")),
    Facet("budget", _("Budget")),
    Facet("start", _("Start year")),
]
FACET_KEYS = [facet.key for facet in FACETS]

# Range facets: (value, label, lower bound inclusive, upper bound exclusive).
BUDGET_BANDS = [
    ("lt-100k", _("Under €100,000"), None, 100_000),
    ("100k-500k", _("€100,000 – €500,000"), 100_000, 500_000),
    ("500k-1m", _("€500,000 – €1 million"), 500_000, 1_000_000),
    ("1m-5m", _("€1 – 5 million"), 1_000_000, 5_000_000),
    ("5m-plus", _("€5 million or more"), 5_000_000, None),
]
START_RANGES = [
    ("before-2010", _("Before 2010"), None, 2010),
    ("2010-2014", _("2010 – 2014"), 2010, 2015),
    ("2015-2019", _("2015 – 2019"), 2015, 2020),
    ("2020-2024", _("2020 – 2024"), 2020, 2025),
    ("2025-plus", _("2025 or later"), 2025, None),
]
RANGE_FACETS = {"budget": BUDGET_BANDS, "start": START_RANGES}


def bucket(ranges, number):
    """The (value, label) of the range holding ``number``, or None."""
    if number is None:
        return None
    for value, label, low, high in ranges:
        if (low is None or number >= low) and (high is None or number < high):
            return value, label
    return None


def range_bounds(facet_key, value):
    for candidate, _label, low, high in RANGE_FACETS[facet_key]:
        if candidate == value:
            return low, high
    return None


def document_facets(document, type_label):
    """All (facet, value, label) rows of a document, range buckets and type included."""
    rows = [("type", document.type, str(type_label))]
    for key, pairs in document.facets.items():
        if key in FACET_KEYS and key not in RANGE_FACETS and key != "type":
            seen = set()
            for value, label in pairs:
                if value and value not in seen:
                    seen.add(value)
                    rows.append((key, str(value), str(label)))
    range_labels = _range_labels(get_language())
    for key, number in (("budget", document.budget_eur), ("start", document.start_year)):
        found = bucket(RANGE_FACETS[key], number)
        if found:
            rows.append((key, found[0], range_labels[key, found[0]]))
    return rows


@lru_cache(maxsize=16)
def _range_labels(language):
    """{(facet, value): label} of the range buckets as plain strings, translated once per
    language rather than once per document (a rebuild asks for 100,000 of them)."""
    return {
        (key, value): str(label)
        for key, ranges in RANGE_FACETS.items()
        for value, label, _low, _high in ranges
    }
