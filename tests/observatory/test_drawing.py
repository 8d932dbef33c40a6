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
