"""The "learned from" map: regions as nodes, an arrow from the region where a practice or
learning event took place to the region whose action learned from it.

Drawn on the server as SVG (no script, so it works under the strict CSP, in print and in the
page cache); every arrow and every node is a link, and the template lists the same links as
text for screen readers. ``learned_from_links`` reads the links of any set of actions in a
fixed number of queries; ``draw`` lays them out on a circle."""

import math
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH, HEIGHT = 760, 560
NODE_RADIUS = 9
LABEL_GAP = 14
CURVE = 0.18  # how far an arrow bends, as a share of its length (A→B and B→A part ways)


@dataclass
class Link:
    """One action of ``target`` that learned from a practice or event of ``source``."""

    source: object  # Region
    target: object  # Region
    action: object
    via_kind: str  # "practice" or "event"
    via: object  # the practice or event page

    @property
    def via_label(self):
        return _("good practice") if self.via_kind == "practice" else _("learning event")


def where_it_took_place(regions):
    """A practice's regions without those inside another of them (León inside Castilla y
    León, by NUTS code): the arrow starts from the broadest place named."""
    regions = list(regions)
    codes = [r.nuts_code for r in regions if r.nuts_code]
    return [
        r
        for r in regions
        if not any(
            r.nuts_code and code != r.nuts_code and r.nuts_code.startswith(code) for code in codes
        )
    ]


def learned_from_links(actions):
    """The links of ``actions`` (a queryset of actions of public plans), in four queries:
    the actions with their plans and regions, their practices, those practices' regions and
    their events. Practices and events that are not public, or have no region, draw no
    arrow; neither does learning within one region."""
    from learning_events.filters import published_events
    from portal.models import Region
    from portal.visibility import public_pages
    from practices.models import PracticePage

    actions = list(
        actions.select_related("plan__region__country", "plan__project")
        .prefetch_related(
            Prefetch(
                "learned_from_practices",
                queryset=public_pages(PracticePage.objects.all())
                .only("id", "title", "url_path", "path", "depth", "live")
                .prefetch_related(
                    Prefetch("regions", queryset=Region.objects.select_related("country"))
                ),
            ),
            Prefetch(
                "learned_from_events",
                queryset=published_events()
                .only("id", "title", "url_path", "path", "depth", "host_region")
                .select_related("host_region__country"),
            ),
        )
        .order_by("plan__region__name", "plan_id", "sort_order", "pk")
    )
    links = []
    for action in actions:
        target = action.plan.region
        for practice in action.learned_from_practices.all():
            for source in where_it_took_place(practice.regions.all()):
                if source.pk != target.pk:
                    links.append(Link(source, target, action, "practice", practice))
        for event in action.learned_from_events.all():
            source = event.host_region
            if source is not None and source.pk != target.pk:
                links.append(Link(source, target, action, "event", event))
    return links


@dataclass
class Node:
    region: object
    x: float = 0
    y: float = 0
    label_x: float = 0
    label_y: float = 0
    anchor: str = "start"
    learns: int = 0  # actions of this region that learned from others
    teaches: int = 0  # links from this region


@dataclass
class Arrow:
    source: Node
    target: Node
    links: list = field(default_factory=list)
    path: str = ""
    handle_x: float = 0
    handle_y: float = 0

    @property
    def first(self):
        return self.links[0]

    @property
    def actions(self):
        seen = {}
        for link in self.links:
            seen.setdefault(link.action.pk, link.action)
        return list(seen.values())

    @property
    def width(self):
        return min(1.5 + len(self.actions), 6)

    @property
    def title(self):
        count = len(self.actions)
        return ngettext(
            "%(target)s learned from %(source)s: %(count)s action",
            "%(target)s learned from %(source)s: %(count)s actions",
            count,
        ) % {"target": self.target.region.name, "source": self.source.region.name, "count": count}


@dataclass
class Graph:
    nodes: list
    arrows: list
    links: list
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def by_target(self):
        """The links grouped by the region that learned, for the text list."""
        groups = {}
        for link in self.links:
            groups.setdefault(link.target.pk, (link.target, []))[1].append(link)
        return sorted(groups.values(), key=lambda group: group[0].name)


def _unit(dx, dy):
    length = math.hypot(dx, dy) or 1.0
    return dx / length, dy / length


def _place(nodes, width, height):
    cx, cy = width / 2, height / 2
    radius = min(width, height) / 2 - 90
    count = len(nodes)
    for n, node in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * n / count
        cos, sin = math.cos(angle), math.sin(angle)
        node.x, node.y = (cx, cy) if count == 1 else (cx + radius * cos, cy + radius * sin)
        node.label_x = node.x + (NODE_RADIUS + LABEL_GAP) * cos
        node.label_y = node.y + (NODE_RADIUS + LABEL_GAP) * sin + 4
        node.anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        if count == 1:
            node.label_y = node.y - NODE_RADIUS - LABEL_GAP


def _bend(arrow):
    """A quadratic curve from the source to the target, bent to its left, trimmed so that
    it starts at the source's circle and its arrowhead touches the target's."""
    s, t = arrow.source, arrow.target
    ux, uy = _unit(t.x - s.x, t.y - s.y)
    length = math.hypot(t.x - s.x, t.y - s.y)
    cx = (s.x + t.x) / 2 - uy * length * CURVE
    cy = (s.y + t.y) / 2 + ux * length * CURVE
    sx, sy = _unit(cx - s.x, cy - s.y)
    ex, ey = _unit(cx - t.x, cy - t.y)
    start = (s.x + sx * (NODE_RADIUS + 2), s.y + sy * (NODE_RADIUS + 2))
    end = (t.x + ex * (NODE_RADIUS + 3), t.y + ey * (NODE_RADIUS + 3))
    arrow.path = f"M{start[0]:.1f},{start[1]:.1f} Q{cx:.1f},{cy:.1f} {end[0]:.1f},{end[1]:.1f}"
    # The curve's midpoint: a round handle to click, showing the number of actions.
    arrow.handle_x = 0.25 * start[0] + 0.5 * cx + 0.25 * end[0]
    arrow.handle_y = 0.25 * start[1] + 0.5 * cy + 0.25 * end[1]


def draw(links, width=WIDTH, height=HEIGHT):
    """The map of ``links``: nodes on a circle, ordered by country then name (neighbours
    stay together), one arrow per pair of regions whatever the number of actions."""
    nodes = {}
    arrows = {}
    for link in links:
        for region in (link.source, link.target):
            nodes.setdefault(region.pk, Node(region))
        nodes[link.source.pk].teaches += 1
        key = (link.source.pk, link.target.pk)
        arrows.setdefault(key, Arrow(nodes[link.source.pk], nodes[link.target.pk]))
        arrows[key].links.append(link)
    for arrow in arrows.values():
        arrow.target.learns += len(arrow.actions)
    ordered = sorted(nodes.values(), key=lambda n: (n.region.country.name, n.region.name))
    if ordered:
        _place(ordered, width, height)
    for arrow in arrows.values():
        _bend(arrow)
    return Graph(
        nodes=ordered, arrows=list(arrows.values()), links=links, width=width, height=height
    )
