"""A choropleth map of Europe, drawn on the server as inline SVG: how many records each
country (and each region with a known NUTS code) holds, each area a link to its search
results, with a legend and the same figures as a table for screen readers.

The outlines are SVG path data made once by ``portal/map_data/build.py`` from open boundary
data (docs/discovery.md); nothing is fetched at run time and the page works without
JavaScript. The figures are the search's own facet counts, so the number on an area is the
number of results its link finds.

Any page may show a map: ``{% europe_map "practice" %}`` (portal_tags) for the records of a
search type, or ``choropleth(...)`` with counts of its own and ``portal/_map.html``.
"""

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DATA_FILE = Path(__file__).resolve().parent / "map_data" / "europe.json"
# Sequential classes, lightest first: map-1 … map-5 in portal.css. Every class, the
# "none" fill included, is outlined in a dark border (3:1 against each fill and the sea).
CLASS_COUNT = 5


@lru_cache(maxsize=1)
def outlines():
    """The projected outlines: {"width", "height", "neighbours", "countries": {ISO code:
    {"name", "d"}}, "regions": {NUTS code: {"name", "level", "d"}}, "sources"}."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@dataclass
class Area:
    code: str
    name: str
    count: int
    url: str
    d: str
    css_class: str = "map-0"
    label: str = ""


def practices_label(name, count):
    return ngettext("%(name)s: %(count)d practice", "%(name)s: %(count)d practices", count) % {
        "name": name,
        "count": count,
    }


@dataclass
class LegendEntry:
    css_class: str
    label: str


@dataclass
class Choropleth:
    title: str
    width: int
    height: int
    neighbours: str
    countries: list[Area]
    regions: list[Area] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    # Countries and regions counted but with no outline here (outside the frame, no NUTS
    # code): they are in the table all the same.
    unmapped: list[Area] = field(default_factory=list)
    attribution: str = ""

    @property
    def rows(self):
        """The table: every country and region with records, by name."""
        return sorted(
            [area for area in self.countries if area.count] + self.unmapped,
            key=lambda a: a.name,
        )

    @property
    def region_rows(self):
        return sorted((area for area in self.regions if area.count), key=lambda a: a.name)


def classes(counts, size=CLASS_COUNT):
    """Upper bounds of up to ``size`` classes for the positive ``counts`` (quantiles, so
    that a few large countries do not leave every other one in the lightest class)."""
    values = sorted({c for c in counts if c > 0})
    if len(values) <= size:
        return values
    every = sorted(c for c in counts if c > 0)
    bounds = []
    for i in range(1, size + 1):
        bound = every[min(len(every) - 1, -(-i * len(every) // size) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    if bounds[-1] != every[-1]:
        bounds.append(every[-1])
    return bounds


def class_of(count, bounds):
    if not count:
        return "map-0"
    for index, bound in enumerate(bounds, start=1):
        if count <= bound:
            # Spread fewer classes over the whole palette, darkest for the largest.
            step = CLASS_COUNT - len(bounds) + index if len(bounds) < CLASS_COUNT else index
            return f"map-{step}"
    return f"map-{CLASS_COUNT}"


def legend(bounds):
    entries = [LegendEntry("map-0", _("none"))]
    low = 1
    for bound in bounds:
        label = str(bound) if bound == low else f"{low}–{bound}"
        entries.append(LegendEntry(class_of(bound, bounds), label))
        low = bound + 1
    return entries


def choropleth(
    title, country_counts, region_counts=None, country_url=None, describe=practices_label
):
    """A map of ``country_counts`` ({ISO code: (name, count)}) and, when given,
    ``region_counts`` ({NUTS code: (name, count, url)}). ``country_url(code)`` gives each
    country's link (countries with nothing are not links); ``describe(name, count)`` the
    words of an area ("Spain: 4 practices")."""
    data = outlines()
    region_counts = region_counts or {}
    all_counts = [count for _name, count in country_counts.values()]
    all_counts += [count for _name, count, _url in region_counts.values()]
    bounds = classes(all_counts)
    countries, unmapped = [], []
    for code, outline in data["countries"].items():
        name, count = country_counts.get(code, (outline["name"], 0))
        url = country_url(code) if count and country_url else ""
        css_class = class_of(count, bounds) if url else "map-0"
        countries.append(
            Area(code, name, count, url, outline["d"], css_class, describe(name, count))
        )
    for code, (name, count) in country_counts.items():
        if code not in data["countries"] and count:
            url = country_url(code) if country_url else ""
            unmapped.append(Area(code, name, count, url, "", label=describe(name, count)))
    regions = []
    for code, (name, count, url) in region_counts.items():
        outline = data["regions"].get(code)
        if outline and count:
            css_class = class_of(count, bounds)
            regions.append(
                Area(code, name, count, url, outline["d"], css_class, describe(name, count))
            )
    # Larger regions first, so that a NUTS 3 region inside a NUTS 2 one stays clickable.
    regions.sort(key=lambda area: data["regions"][area.code]["level"])
    return Choropleth(
        title=title,
        width=data["width"],
        height=data["height"],
        neighbours=data["neighbours"],
        countries=countries,
        regions=regions,
        legend=legend(bounds),
        unmapped=unmapped,
        attribution=_(
            "Boundaries: © EuroGeographics for the administrative boundaries (Eurostat "
            "GISCO); Natural Earth."
        ),
    )


def search_map(type_key, title, with_regions=False):
    """The map of the public records of one search type (``"practice"``): the search's own
    country and region facets, each area linking to the search filtered to it. Two
    queries with regions (the search, and the regions' NUTS codes) besides the search's."""
    from portal.models import Region
    from search.engines import search
    from search.query import SearchQuery, query_string

    results = search(SearchQuery(filters={"type": [type_key]}, per_page=1, snippets=False))
    search_url = reverse("search:search")

    def url(facet, value):
        return search_url + query_string(filters={"type": [type_key], facet: [value]})

    countries = {}
    facet = results.facet("country")
    for value in facet.values if facet else []:
        countries[value.value.upper()] = (value.label, value.count)
    regions = {}
    if with_regions:
        facet = results.facet("region")
        by_slug = {value.value: value for value in (facet.values if facet else [])}
        nuts = Region.objects.filter(slug__in=by_slug).exclude(nuts_code="")
        for slug, code in nuts.values_list("slug", "nuts_code"):
            value = by_slug[slug]
            regions[code.upper()] = (value.label, value.count, url("region", slug))
    return choropleth(
        title,
        countries,
        regions,
        country_url=lambda code: url("country", code),
    )
