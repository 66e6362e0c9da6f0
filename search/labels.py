"""Labels that come from code, in the visitor's language.

The index stores facet labels and hits' display fields as text, in the language it was built
in (usually English, by a management command). Names that are data (countries, regions,
organisations) stay as stored; labels that the code defines (types, statuses, programmes,
range buckets, "ongoing", dates) are looked up again here for every answer.
"""

from .facets import RANGE_FACETS
from .registry import search_types


def _code_labels(types):
    labels = {"type": {key: search_type.label for key, search_type in types.items()}}
    for key, ranges in RANGE_FACETS.items():
        labels[key] = {value: label for value, label, _low, _high in ranges}
    for search_type in types.values():
        if search_type.choice_labels:
            for facet, choices in search_type.choice_labels().items():
                labels.setdefault(facet, {}).update(choices)
    return labels


def localise(results):
    """Put the current language's labels into these SearchResults; returns them."""
    types = search_types()
    labels = _code_labels(types)
    for facet in results.facets:
        choices = labels.get(facet.key, {})
        for value in facet.values:
            if value.value in choices:
                value.label = str(choices[value.value])
    for hit in results.hits:
        search_type = types.get(hit.type)
        if search_type and search_type.localise and hit.display:
            hit.display = search_type.localise(dict(hit.display))
    return results
