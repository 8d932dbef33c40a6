"""The network drawing and the région's tile map: accessible, deterministic SVG, no Django."""

from __future__ import annotations

import re

from aiguillage.core.theme import contrast_ratio
from aiguillage.observatory import drawing
from aiguillage.observatory.engine.schema import NETWORKS

NODES = [
    {"id": "ft", "name": "France Travail Nord", "network": "france_travail"},
    {"id": "ml", "name": "Mission locale <Nord>", "network": "mission_locale"},
    {"id": "ap", "name": "Apec", "network": "apec"},
    {"id": "reg", "name": "Région", "network": "region"},
    {"id": "cio", "name": "CIO", "network": "cio"},
    {"id": "seul", "name": "Isolée", "network": "plie"},
]
TIES = [
    {"a": "ft", "b": "ml", "weight": 12},
    {"a": "ap", "b": "ft", "weight": 3},
    {"a": "ml", "b": "reg", "weight": 1},
    {"a": "cio", "b": "ml", "weight": 2},
]


def _draw(**options):
    return drawing.network_drawing(NODES, TIES, title="Réseau de T1", **options)


def test_one_node_per_organisation_edges_weighted_and_accessible():
    result = _draw()
    svg = result.svg
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="reseau-titre">Réseau de T1</title>' in svg
    assert 'aria-labelledby="reseau-titre reseau-desc"' in svg and "<desc" in svg
    assert svg.count('class="noeud"') == len(NODES)
    assert 'data-organisation="seul"' in svg  # an organisation without ties is still drawn
    widths = [float(w) for w in re.findall(r'<line [^>]*stroke-width="([\d.]+)"', svg)]
    assert len(widths) == len(TIES)
    assert max(widths) == widths[-1]  # the strongest tie drawn last (on top) and thickest
    assert "&lt;Nord&gt;" not in svg  # names are not in the drawing (the tables carry them)
    assert result.central[0].id in ("ft", "ml") and result.central[0].number == 1
    assert [t.weight for t in result.top_ties] == [12, 3, 2, 1]
    labels = [entry.label for entry in result.legend]
    assert labels[:3] == ["France Travail", "Mission locale", "Apec"]
    assert "CIO (1), PLIE (1)" in labels[-1]  # other SPRO members share one grey triangle


def test_same_data_same_picture():
    assert _draw().svg == _draw().svg
    assert _draw(seed=1).svg != _draw().svg


def test_labels_and_ties_are_capped_for_large_territories():
    nodes = [{"id": f"o{i:03d}", "name": f"O{i}", "network": NETWORKS[i % 18]} for i in range(60)]
    ties = [
        {"a": f"o{i:03d}", "b": f"o{j:03d}", "weight": 1 + (i * j) % 7}
        for i in range(60)
        for j in range(i + 1, 60)
        if (i + j) % 3 == 0
    ]
    result = drawing.network_drawing(nodes, ties, title="Grand", max_labels=8, max_ties=200, top=10)
    assert result.svg.count('class="noeud"') == 60
    assert result.svg.count("<line ") == 200 and result.drawn_ties == 200
    assert result.svg.count('font-weight="bold"') == 8
    assert len(result.central) == 10 and len(result.top_ties) == 10
    assert "200 liens les plus forts dessinés" in result.svg


def test_colours_keep_contrast_with_white():
    colours = [*drawing.NETWORK_COLOURS.values(), drawing.OTHER_COLOUR]
    colours += [style[0] for style in drawing.CONFIGURATION_STYLES.values()]
    for colour in colours:
        assert contrast_ratio(colour, "#ffffff") >= 4.5, colour


def test_tile_map_says_each_configuration_with_a_pattern_and_words():
    tiles = [
        drawing.Tile("T1", "1", 0.91),
        drawing.Tile("T2", "2", 0.5),
        drawing.Tile("T3", "mixte", 0.3),
    ]
    result = drawing.region_tiles(tiles, title="Carte", labels={"1": "Un", "2": "Deux"})
    svg = result.svg
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('class="tuile"') == 3
    assert 'fill="url(#carte-motif-2)"' in svg and "<pattern" in svg
    assert "Conf. mixte" in svg and "confiance 0,91" in svg
    assert result.counts == [("1", 1), ("2", 1), ("mixte", 1)]
    assert [key for key, *_ in result.legend] == ["1", "2", "3", "mixte"]
    assert result.legend[1][2] == "hachures orangées"


def test_french_numbers():
    assert drawing.fr(0.8234) == "0,82"
    assert drawing.fr(400.0) == "400"
    assert drawing.fr(-0.05) == "−0,05"
    assert drawing.fr(None) == "—"


def _square(x, y, size):
    return f"M{x},{y}L{x + size},{y}L{x + size},{y + size}L{x},{y + size}Z"


AREAS = [
    drawing.Area("73", "Savoie", _square(10, 10, 200), 110, 110, "2", 0.55),
    drawing.Area("42", "Loire", _square(210, 10, 200), 310, 110, "mixte", 0.2),
    drawing.Area("01", "Ain", _square(10, 210, 200), 110, 310),  # context: not analysed
]


def test_boundary_map_fills_each_territory_with_its_pattern_and_writes_its_configuration():
    result = drawing.region_boundaries(
        AREAS, width=420, height=420, title="Région R", labels={"2": "Deux"}
    )
    svg = result.svg
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="carte-titre">Région R</title>' in svg and '<desc id="carte-desc">' in svg
    assert svg.split("</defs>")[1].count("<path ") == 3  # the patterns have their own paths
    assert svg.count('class="contour"') == 2 and svg.count('class="contour-contexte"') == 1
    assert f'<path d="{_square(10, 10, 200)}" fill="url(#carte-motif-2)"' in svg
    assert f'<path d="{_square(210, 10, 200)}" fill="url(#carte-motif-mixte)"' in svg
    assert f'<path d="{_square(10, 210, 200)}" fill="#ffffff"' in svg
    assert '<pattern id="carte-motif-2"' in svg and '<pattern id="carte-motif-mixte"' in svg
    assert '<pattern id="carte-motif-1"' not in svg  # only the configurations present
    for code, conf in (("73", "2"), ("42", "mixte")):  # never colour alone: code and « Conf. »
        label = re.search(f'<g class="etiquette" data-territoire="{code}">(.*?)</g>', svg)
        assert f">{code}</text>" in label.group(1) and f">Conf. {conf}</text>" in label.group(1)
    assert 'data-territoire="01">' not in re.search('<g class="etiquettes">.*', svg).group(0)
    assert ">01</text>" in svg and "Conf. " not in svg.split('class="etiquette-contexte"')[1]
    assert "1 en configuration 2, 1 en configuration mixte" in svg
    assert "1 autre territoire de la région, non analysé" in svg
    assert "<title>Savoie (73) : configuration 2, confiance 0,55</title>" in svg
    assert result.counts == [("2", 1), ("mixte", 1)] and not result.schematic
    assert result.unanalysed == 1 and "<svg" in result.unanalysed_swatch
    tiles = drawing.region_tiles([drawing.Tile("T", "2", 0.5)], title="T", labels={"2": "Deux"})
    assert result.legend == tiles.legend  # the same patterns and words as the tiles


def test_small_territories_keep_their_outline_visible_and_get_a_leader_line():
    crowded = [
        drawing.Area("75", "Paris", _square(200, 200, 10), 205, 205, "1", 0.9),
        drawing.Area("92", "Hauts-de-Seine", _square(190, 200, 10), 195, 205, "2", 0.9),
        drawing.Area("77", "Seine-et-Marne", _square(0, 0, 400), 215, 215, "3", 0.9),
    ]
    svg = drawing.region_boundaries(crowded, width=400, height=400, title="IDF", labels={}).svg
    boxes = [
        tuple(float(v) for v in box)
        for box in re.findall(
            r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" rx="4"', svg
        )
    ]
    assert len(boxes) == 3
    for i, (x, y, w, h) in enumerate(boxes):
        assert x >= 0 and x + w <= 400 and y >= 0 and y + h <= 400
        for x2, y2, w2, h2 in [*boxes[i + 1 :], (190, 200, 20, 10)]:  # nor on the small ones
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y
    # every label is led back to its point: the small territories' labels cannot sit on them,
    # and the large one's, centred on a point next to them, would cover them
    assert svg.count('<line x1="205.0" y1="205.0"') == 1 and svg.count('<line x1="195.0"') == 1
    assert svg.count('<line x1="215.0" y1="215.0"') == 1
    assert svg.count('<circle cx="205.0" cy="205.0"') == 1


def test_a_narrow_region_is_centred_in_the_frame():
    svg = drawing.region_boundaries(
        AREAS[:1], width=620, height=420, title="R", labels={}, offset_x=200
    ).svg
    assert 'viewBox="0 0 620 420"' in svg and '<g transform="translate(200.0 0)">' in svg
    box = re.search(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg.split("</defs>")[1])
    assert float(box.group(1)) + float(box.group(2)) / 2 == 310  # 110 + 200: on its point
