"""Static SVG maps drawn from the stored boundaries: no tile server, no JavaScript.

``svg_map`` projects GeoJSON (Multi)Polygons with an equirectangular projection corrected by the
cosine of the mean latitude (good enough at the scale of a région), scales them into a view box
and returns one SVG path per territory. Colours come from ``classify`` (quantile-free, fixed
buckets) so that a legend can state exactly what each colour means; the same figures must also be
given in a table next to the map for people who cannot see it. ``representative_point`` gives a
point inside a territory (where to write its label), to pass to ``svg_map`` as a marker.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "SEQUENTIAL_PALETTE",
    "MapMarker",
    "MapShape",
    "SvgMap",
    "classify",
    "representative_point",
    "svg_map",
]

# Light to dark blues; each step keeps ≥ 3:1 against white borders for the darker half.
SEQUENTIAL_PALETTE = ("#eef3f9", "#c6d9ee", "#8fb5dc", "#4f86c0", "#1f4e8c")


@dataclass(frozen=True)
class MapShape:
    key: str
    label: str
    path: str
    fill: str


@dataclass(frozen=True)
class MapMarker:
    # Strings, not floats: templates would localise a float ("12,5" in French), breaking SVG.
    x: str
    y: str
    label: str


@dataclass(frozen=True)
class SvgMap:
    width: int
    height: int
    shapes: list[MapShape]
    markers: list[MapMarker] = field(default_factory=list)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _rings(geometry: dict) -> Iterable[Sequence[Sequence[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def svg_map(
    items: Iterable[tuple[str, str, dict | None, str]],
    *,
    markers: Iterable[tuple[float, float, str]] = (),
    width: int = 600,
    margin: int = 4,
) -> SvgMap | None:
    """Draw ``items`` = (key, label, GeoJSON geometry or None, fill); None if nothing to draw."""
    items = [(k, label, g, fill) for k, label, g, fill in items if g]
    points = [pt for _, _, g, _ in items for ring in _rings(g) for pt in ring]
    if not points:
        return None
    min_lon = min(p[0] for p in points)
    max_lon = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * k, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = (width - 2 * margin) / span_x
    height = round(span_y * scale) + 2 * margin

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return margin + (lon - min_lon) * k * scale, margin + (max_lat - lat) * scale

    def project(pt) -> str:
        x, y = xy(pt[0], pt[1])
        return f"{x:.1f},{y:.1f}"

    shapes = []
    for key, label, geometry, fill in items:
        d = "".join("M" + "L".join(project(pt) for pt in ring) + "Z" for ring in _rings(geometry))
        shapes.append(MapShape(key=key, label=label, path=d, fill=fill))
    placed = [
        MapMarker(*(f"{v:.1f}" for v in xy(lon, lat)), label)
        for lat, lon, label in markers
        if lat is not None and lon is not None
    ]
    return SvgMap(width=width, height=height, shapes=shapes, markers=placed)


def _area_centroid(ring: Sequence[Sequence[float]]) -> tuple[float, float, float]:
    """(signed area, centroid x, centroid y) of a closed or open ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:  # degenerate ring: the mean of its points
        return 0.0, sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return area / 2, cx / (3 * area), cy / (3 * area)


def _crossings(rings: Sequence[Sequence[Sequence[float]]], y: float) -> list[float]:
    """The x where the horizontal line at ``y`` crosses the rings' edges, sorted."""
    xs = []
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
            if (y0 > y) != (y1 > y):
                xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    return sorted(xs)


def representative_point(geometry: dict | None) -> tuple[float, float] | None:
    """A point (lon, lat) inside the largest polygon of a GeoJSON (Multi)Polygon, to write a
    label on: its centroid when the centroid lies inside, else the middle of the widest inside
    stretch of the horizontal line through the centroid. None without geometry."""
    if not geometry:
        return None
    polygons = (
        [geometry["coordinates"]]
        if geometry["type"] == "Polygon"
        else geometry["coordinates"]
        if geometry["type"] == "MultiPolygon"
        else []
    )
    polygons = [p for p in polygons if p and p[0]]
    if not polygons:
        return None

    def outer_area(polygon) -> float:
        return abs(_area_centroid(polygon[0])[0])

    polygon = max(polygons, key=outer_area)
    _, x, y = _area_centroid(polygon[0])
    xs = _crossings(polygon, y)
    # even-odd rule over the outer ring and the holes: inside when an odd number of crossings
    # lie to the left of the point
    if sum(1 for cx in xs if cx < x) % 2 == 1:
        return x, y
    stretches = list(zip(xs[::2], xs[1::2], strict=False))
    if not stretches:
        return x, y
    left, right = max(stretches, key=lambda s: s[1] - s[0])
    return (left + right) / 2, y


def classify(value: int, bounds: Sequence[int], palette: Sequence[str] = SEQUENTIAL_PALETTE) -> str:
    """Colour of ``value`` given ascending upper ``bounds`` (one fewer than the palette)."""
    for bound, colour in zip(bounds, palette, strict=False):
        if value <= bound:
            return colour
    return palette[len(bounds)] if len(bounds) < len(palette) else palette[-1]
