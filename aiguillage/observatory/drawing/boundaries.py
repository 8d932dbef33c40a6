"""A région's map on its territories' real boundaries: each analysed territory filled with its
configuration's pattern (the tiles' patterns) and labelled with its code and « Conf. N »; the
région's other territories, not analysed, drawn in white for context, with their code only.

The boundaries come already projected (SVG path data and a label point per territory, from
``territories.maps.svg_map`` on the Django side): this module only draws, in pure Python.
Labels sit at their territory's point, larger territories first. A territory too small for its
label stays uncovered (its label goes beside it), and a label that would overlap one already
placed moves to the nearest free place; a moved label has a leader line to its point.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from html import escape

from aiguillage.observatory.drawing.common import (
    RegionMap,
    configurations_counted,
    fr,
    num,
    pattern_fill,
    region_map_counts,
    region_map_legend,
    region_map_open,
)

UNANALYSED_FILL = "#ffffff"


@dataclass(frozen=True)
class Area:
    """A territory on the map: its projected outline and label point (SVG units);
    ``configuration`` None for a territory drawn for context only (not analysed)."""

    code: str
    name: str
    path: str
    x: float
    y: float
    configuration: str | None = None
    confidence: float | None = None


Box = tuple[float, float, float, float]  # x0, y0, x1, y1

_POINT = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")


def _bbox(path: str) -> Box:
    """The path's bounding box."""
    points = [(float(x), float(y)) for x, y in _POINT.findall(path)]
    if not points:
        return (0.0, 0.0, 0.0, 0.0)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _extent(box: Box) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _overlap(box: Box, taken: list[Box]) -> float:
    return sum(
        max(0.0, min(box[2], b[2]) - max(box[0], b[0]))
        * max(0.0, min(box[3], b[3]) - max(box[1], b[1]))
        for b in taken
    )


def _place(x: float, y: float, w: float, h: float, taken: list[Box], frame, rings: int):
    """The label's box centred on (x, y) if free, else the free place nearest to it (in rings
    of eight directions and more), else the least covered one; always inside the frame."""
    width, height = frame

    def box_at(cx: float, cy: float) -> Box:
        cx = min(max(cx, w / 2 + 2), width - w / 2 - 2)
        cy = min(max(cy, h / 2 + 2), height - h / 2 - 2)
        return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)

    candidates = [box_at(x, y)]
    for ring in range(1, rings + 1):
        for k in range(8 * ring):
            angle = 2 * math.pi * k / (8 * ring) - math.pi / 2  # starting above
            candidates.append(
                box_at(x + math.cos(angle) * ring * (w * 0.7), y + math.sin(angle) * ring * h)
            )
    for box in candidates:
        if _overlap(box, taken) == 0:
            return box
    return min(candidates, key=lambda b: _overlap(b, taken))


def _labels(areas: list[Area], frame: tuple[float, float], offset_x: float) -> str:
    """Analysed territories' labels (code and configuration on a white box), larger territories
    first; a territory too small for its label keeps its outline uncovered (its label goes
    beside it, with a leader line). Then the codes of the context territories where they fit."""
    boxes = {}
    for a in areas:
        x0, y0, x1, y1 = _bbox(a.path)
        boxes[a.code] = (x0 + offset_x, y0, x1 + offset_x, y1)
    areas = [replace(a, x=a.x + offset_x) for a in areas]
    analysed = sorted(
        (a for a in areas if a.configuration), key=lambda a: (-_extent(boxes[a.code]), a.code)
    )
    context = sorted(
        (a for a in areas if not a.configuration), key=lambda a: (-_extent(boxes[a.code]), a.code)
    )
    sizes = {}
    for area in analysed:
        lines = (area.code, f"Conf. {area.configuration}")
        sizes[area.code] = (lines, 10 + 8 * max(len(line) for line in lines), 36)

    def small(area: Area) -> bool:
        _, w, h = sizes[area.code]
        box = boxes[area.code]
        return w > 0.8 * (box[2] - box[0]) or h > 0.6 * (box[3] - box[1])

    # the small territories' outlines stay visible: no label may cover them
    taken: list[Box] = [boxes[a.code] for a in analysed if small(a)]
    out = []
    for area in analysed:
        lines, w, h = sizes[area.code]
        box = _place(area.x, area.y, w, h, taken, frame, rings=8)
        taken.append(box)
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        moved = not (box[0] <= area.x <= box[2] and box[1] <= area.y <= box[3])
        leader = ""
        if moved:  # the label could not sit on its territory: a line leads back to its point
            taken.append((area.x - 5, area.y - 5, area.x + 5, area.y + 5))
            leader = (
                f'<line x1="{num(area.x)}" y1="{num(area.y)}" x2="{num(cx)}" y2="{num(cy)}" '
                'stroke="#111111" stroke-width="1.5"/>'
                f'<circle cx="{num(area.x)}" cy="{num(area.y)}" r="3.5" fill="#111111" '
                'stroke="#ffffff" stroke-width="1.5"/>'
            )
        out.append(
            f'<g class="etiquette" data-territoire="{escape(area.code)}">{leader}'
            f'<rect x="{num(box[0])}" y="{num(box[1])}" width="{num(w)}" height="{num(h)}" '
            'rx="4" fill="#ffffff" stroke="#222222"/>'
            f'<text x="{num(cx)}" y="{num(cy - 3)}" text-anchor="middle" font-size="14" '
            f'font-weight="bold" fill="#111111">{escape(lines[0])}</text>'
            f'<text x="{num(cx)}" y="{num(cy + 13)}" text-anchor="middle" font-size="13" '
            f'fill="#111111">{escape(lines[1])}</text></g>'
        )
    for area in context:
        w, h = 8 + 8 * len(area.code), 16
        # only on the territory's own point: moved, the grey code could land on a pattern
        box = _place(area.x, area.y, w, h, taken, frame, rings=0)
        if _overlap(box, taken):
            continue  # no room: the code stays in the territory's <title>
        taken.append(box)
        out.append(
            f'<text class="etiquette-contexte" x="{num((box[0] + box[2]) / 2)}" '
            f'y="{num(box[3] - 3)}" text-anchor="middle" font-size="12" fill="#495057">'
            f"{escape(area.code)}</text>"
        )
    return '<g class="etiquettes">' + "".join(out) + "</g>"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n <= 1 else f"{n} " + " ".join(f"{word}s" for word in noun.split())


def region_boundaries(
    areas: list[Area],
    *,
    width: float,
    height: float,
    title: str,
    labels: dict[str, str],
    id_prefix: str = "carte",
    offset_x: float = 0,
) -> RegionMap:
    """The map of the région's territories on their boundaries in a ``width`` × ``height``
    frame; the same patterns, legend and counts as ``region_tiles``, plus the number of
    territories drawn for context only. ``offset_x`` moves the outlines and their points to the
    right (a région narrower than the frame, centred in it)."""
    configurations = [a.configuration for a in areas if a.configuration]
    unanalysed = [a for a in areas if not a.configuration]
    outside = (
        f" ; {_count(len(unanalysed), 'autre territoire')} de la région, "
        f"{'non analysés' if len(unanalysed) > 1 else 'non analysé'}, en blanc"
        if unanalysed
        else ""
    )
    desc = (
        f"Carte de {_count(len(configurations), 'territoire')} sur leurs contours (simplifiés) : "
        f"{configurations_counted(configurations)}{outside}. Chaque territoire analysé porte son "
        "code et sa configuration. Le tableau de comparaison donne le détail."
    )
    parts = [
        region_map_open(
            width,
            height,
            title=title,
            desc=desc,
            id_prefix=id_prefix,
            configurations=configurations,
            css_class="obs-carte obs-carte-contours",
        )
    ]
    # a région narrower than the frame is centred in it
    parts.append(f'<g transform="translate({num(offset_x)} 0)">' if offset_x else "<g>")
    # context first, so that the analysed territories' outlines are drawn on top
    for area in [*unanalysed, *(a for a in areas if a.configuration)]:
        if area.configuration:
            fill = pattern_fill(area.configuration, id_prefix)
            tooltip = (
                f"{area.name} ({area.code}) : configuration {area.configuration}, "
                f"confiance {fr(area.confidence)}"
            )
            attributes = (
                f'class="contour" data-territoire="{escape(area.code)}" '
                f'data-configuration="{escape(area.configuration)}"'
            )
            stroke = 'stroke="#222222" stroke-width="1.5"'
        else:
            fill, tooltip = UNANALYSED_FILL, f"{area.name} ({area.code}) : non analysé"
            attributes = f'class="contour-contexte" data-territoire="{escape(area.code)}"'
            stroke = 'stroke="#6c757d" stroke-width="1"'
        parts.append(
            f"<g {attributes}><title>{escape(tooltip)}</title>"
            f'<path d="{escape(area.path)}" fill="{fill}" {stroke} stroke-linejoin="round"/></g>'
        )
    parts.append("</g>")
    parts.append(_labels(areas, (width, height), offset_x))
    parts.append("</svg>")
    return RegionMap(
        svg="".join(parts),
        legend=region_map_legend(labels, id_prefix),
        counts=region_map_counts(configurations),
        schematic=False,
        unanalysed=len(unanalysed),
        unanalysed_swatch=(
            '<svg class="obs-swatch" width="36" height="24" viewBox="0 0 36 24" '
            'aria-hidden="true" focusable="false"><rect x="1" y="1" width="34" height="22" '
            f'fill="{UNANALYSED_FILL}" stroke="#6c757d"/></svg>'
        ),
    )
