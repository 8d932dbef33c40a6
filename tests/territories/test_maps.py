"""Static SVG maps from stored boundaries."""

import pytest

from aiguillage.territories.maps import SEQUENTIAL_PALETTE, classify, svg_map

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
FAR = {"type": "MultiPolygon", "coordinates": [[[[2, 0], [3, 0], [3, 1], [2, 0]]]]}


def test_projection_fits_the_width_and_keeps_the_aspect_ratio():
    carte = svg_map([("a", "A", SQUARE, "#000"), ("b", "B", FAR, "#111")], width=304, margin=2)
    assert carte.width == 304
    # 3 degrees wide at latitude 0.5 (cos ≈ 1) by 1 degree high → height ≈ width / 3.
    assert carte.height == pytest.approx(2 + 2 + 300 / 3, abs=1)
    first = carte.shapes[0].path
    assert first.startswith("M2.0,") and first.endswith("Z")
    assert [s.key for s in carte.shapes] == ["a", "b"]


def test_nothing_to_draw():
    assert svg_map([("a", "A", None, "#000")]) is None


@pytest.mark.parametrize(
    ("value", "index"), [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (6, 3), (7, 4), (70, 4)]
)
def test_classify(value, index):
    assert classify(value, (0, 1, 3, 6)) == SEQUENTIAL_PALETTE[index]


@pytest.mark.django_db
def test_region_dashboard_draws_its_departements(client):
    from aiguillage.accounts.models import Role
    from aiguillage.territories.services import bundled_boundaries_load
    from tests.factories import user_with_role

    bundled_boundaries_load(levels=["departements"])
    client.force_login(user_with_role(Role.COORDINATEUR_REGIONAL))
    body = client.get("/regions/84/").content.decode()
    assert body.count("<path ") == 12  # the twelve départements of Auvergne-Rhône-Alpes
    assert "Savoie (73)" in body or "Savoie :" in body


def test_markers_are_placed_inside_the_shape_and_survive_localisation():
    carte = svg_map([("a", "A", SQUARE, "#000")], markers=[(0.5, 0.25, "m")], width=104, margin=2)
    marker = carte.markers[0]
    assert (marker.x, marker.y) == ("27.0", "52.0")  # lon 0.25 → x, lat 0.5 → y (north up)
