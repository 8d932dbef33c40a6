"""Static SVG drawings of the observatory: a territory's network and a région's map.

Concept map::

    network.network_drawing(nodes, ties, …) ──► NetworkDrawing: svg (role="img", <title>,
        <desc>), legend (network → colour + shape), the most central organisations (numbered as
        on the drawing), the strongest ties — the tables are the drawing's text alternative
    tiles.region_tiles(tiles, …) ──► RegionMap: one tile per territory, filled with its
        configuration's colour **and** pattern, its configuration written in the tile
    boundaries.region_boundaries(areas, …) ──► RegionMap: the territories on their real
        (already projected) boundaries, the same patterns, code and « Conf. N » on each
    layout: seeded Fruchterman–Reingold (pure Python) and label placement
    common: colours (≥ 4.5:1 on white), shapes, patterns and their <defs>, the région maps'
        legend, French numbers

The graph lives in networkx. No JavaScript, no CDN: the pages and the PDF embed the markup.
Pure Python (no Django); every text is escaped.
"""

from aiguillage.observatory.drawing.boundaries import Area, region_boundaries
from aiguillage.observatory.drawing.common import (
    CONFIGURATION_STYLES,
    NETWORK_COLOURS,
    OTHER_COLOUR,
    RegionMap,
    configuration_swatch,
    fr,
)
from aiguillage.observatory.drawing.network import NetworkDrawing, network_drawing
from aiguillage.observatory.drawing.tiles import Tile, TileMap, region_tiles

__all__ = [
    "CONFIGURATION_STYLES",
    "NETWORK_COLOURS",
    "OTHER_COLOUR",
    "Area",
    "NetworkDrawing",
    "RegionMap",
    "Tile",
    "TileMap",
    "configuration_swatch",
    "fr",
    "network_drawing",
    "region_boundaries",
    "region_tiles",
]
