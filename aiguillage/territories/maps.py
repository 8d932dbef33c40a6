"""Static SVG maps drawn from the stored boundaries: no tile server, no JavaScript.

``svg_map`` projects GeoJSON (Multi)Polygons with an equirectangular projection corrected by the
cosine of the mean latitude (good enough at the scale of a région), scales them into a view box
and returns one SVG path per territory. Colours come from ``classify`` (quantile-free, fixed
buckets) so that a legend can state exactly what each colour means; the same figures must also be
given in a table next to the map for people who cannot see it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["SEQUENTIAL_PALETTE", "MapShape", "SvgMap", "classify", "svg_map"]

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


def classify(value: int, bounds: Sequence[int], palette: Sequence[str] = SEQUENTIAL_PALETTE) -> str:
    """Colour of ``value`` given ascending upper ``bounds`` (one fewer than the palette)."""
    for bound, colour in zip(bounds, palette, strict=False):
        if value <= bound:
            return colour
    return palette[len(bounds)] if len(bounds) < len(palette) else palette[-1]
