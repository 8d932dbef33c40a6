"""A région's schematic map: one tile per territory, its configuration's colour **and** pattern,
its configuration and confidence written on it; legend swatches with the same patterns."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from aiguillage.observatory.drawing.common import (
    CONFIGURATION_STYLES,
    configuration_swatch,
    fr,
    pattern_svg,
)


@dataclass(frozen=True)
class Tile:
    code: str
    configuration: str
    confidence: float


@dataclass(frozen=True)
class TileMap:
    svg: str
    legend: list[tuple[str, str, str, str]]  # (configuration, label, pattern in words, swatch)
    counts: list[tuple[str, int]]  # (configuration, territories), configurations present


def region_tiles(
    tiles: list[Tile],
    *,
    title: str,
    labels: dict[str, str],
    id_prefix: str = "carte",
    columns: int | None = None,
) -> TileMap:
    """A schematic map: one tile per territory (no boundaries are drawn: the codes say where),
    filled with its configuration's pattern, with the code, the configuration and the confidence
    written on it."""
    n = len(tiles)
    columns = columns or max(1, min(4, math.ceil(math.sqrt(n))))
    rows = math.ceil(n / columns) if n else 1
    tw, th, gap = 180, 110, 12
    width, height = columns * (tw + gap) + gap, rows * (th + gap) + gap
    present = sorted({t.configuration for t in tiles}, key=list(CONFIGURATION_STYLES).index)
    defs = "".join(pattern_svg(c, f"{id_prefix}-motif-{c}") for c in present)
    counts = ", ".join(
        f"{sum(t.configuration == c for t in tiles)} en configuration {c}" for c in present
    )
    desc = (
        f"Carte schématique de {n} territoires (une tuile par territoire) : {counts}. "
        "Le tableau de comparaison donne le détail."
    )
    parts = [
        f'<svg class="obs-carte" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{id_prefix}-titre {id_prefix}-desc" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{id_prefix}-titre">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(desc)}</desc><defs>{defs}</defs>',
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
            f'fill="url(#{id_prefix}-motif-{tile.configuration})"/>'
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
    legend = [
        (
            c,
            labels.get(c, c),
            CONFIGURATION_STYLES[c][2],
            configuration_swatch(c, f"{id_prefix}-legende-{c}"),
        )
        for c in CONFIGURATION_STYLES
    ]
    tally = [(c, sum(t.configuration == c for t in tiles)) for c in present]
    return TileMap(svg="".join(parts), legend=legend, counts=tally)
