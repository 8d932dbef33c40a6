"""A région's schematic map: one tile per territory, its configuration's colour **and** pattern,
its configuration and confidence written on it; legend swatches with the same patterns."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from aiguillage.observatory.drawing.common import (
    RegionMap,
    configurations_counted,
    fr,
    pattern_fill,
    region_map_counts,
    region_map_legend,
    region_map_open,
)


@dataclass(frozen=True)
class Tile:
    code: str
    configuration: str
    confidence: float


TileMap = RegionMap  # the name this module gave it first


def region_tiles(
    tiles: list[Tile],
    *,
    title: str,
    labels: dict[str, str],
    id_prefix: str = "carte",
    columns: int | None = None,
) -> RegionMap:
    """A schematic map: one tile per territory (no boundaries are drawn: the codes say where),
    filled with its configuration's pattern, with the code, the configuration and the confidence
    written on it."""
    n = len(tiles)
    columns = columns or max(1, min(4, math.ceil(math.sqrt(n))))
    rows = math.ceil(n / columns) if n else 1
    tw, th, gap = 180, 110, 12
    width, height = columns * (tw + gap) + gap, rows * (th + gap) + gap
    configurations = [t.configuration for t in tiles]
    desc = (
        f"Carte schématique de {n} territoires (une tuile par territoire) : "
        f"{configurations_counted(configurations)}. Le tableau de comparaison donne le détail."
    )
    parts = [
        region_map_open(
            width,
            height,
            title=title,
            desc=desc,
            id_prefix=id_prefix,
            configurations=configurations,
        )
    ]
    for i, tile in enumerate(tiles):
        x = gap + (i % columns) * (tw + gap)
        y = gap + (i // columns) * (th + gap)
        band = 44
        parts.append(
            f'<g class="tuile" data-territoire="{escape(tile.code)}" '
            f'data-configuration="{escape(tile.configuration)}">'
            f'<rect x="{x}" y="{y}" width="{tw}" height="{th}" rx="6" fill="#ffffff" '
            'stroke="#222222" stroke-width="1.5"/>'
            f'<rect x="{x + 1}" y="{y + 1}" width="{tw - 2}" height="{th - band - 1}" rx="5" '
            f'fill="{pattern_fill(tile.configuration, id_prefix)}"/>'
            f'<rect x="{x + tw / 2 - 44}" y="{y + 12}" width="88" height="34" rx="4" '
            'fill="#ffffff" stroke="#222222"/>'
            f'<text x="{x + tw / 2}" y="{y + 35}" text-anchor="middle" font-size="15" '
            f'font-weight="bold" fill="#111111">Conf. {escape(tile.configuration)}</text>'
            f'<text x="{x + 10}" y="{y + th - band + 19}" font-size="15" font-weight="bold" '
            f'fill="#111111">{escape(tile.code)}</text>'
            f'<text x="{x + 10}" y="{y + th - 9}" font-size="13" fill="#111111">'
            f"confiance {fr(tile.confidence)}</text></g>"
        )
    parts.append("</svg>")
    return RegionMap(
        svg="".join(parts),
        legend=region_map_legend(labels, id_prefix),
        counts=region_map_counts(configurations),
    )
