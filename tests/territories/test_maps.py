"""Static SVG maps from stored boundaries."""

import pytest

from aiguillage.territories.maps import SEQUENTIAL_PALETTE, classify, representative_point, svg_map

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


U_SHAPE = {  # a U opening upwards: its centroid lies in the gap, outside the shape
    "type": "Polygon",
    "coordinates": [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]],
}


def _inside(point, ring) -> bool:
    x, y = point
    crossings = 0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            crossings += 1
    return crossings % 2 == 1


def test_representative_point_is_the_centroid_when_inside():
    assert representative_point(SQUARE) == pytest.approx((0.5, 0.5))


def test_representative_point_stays_inside_a_concave_shape():
    point = representative_point(U_SHAPE)
    assert not _inside((1.5, point[1]), U_SHAPE["coordinates"][0])  # the centroid is not inside
    assert _inside(point, U_SHAPE["coordinates"][0])


def test_representative_point_of_the_largest_polygon_or_none():
    island = [[[10, 10], [10.1, 10], [10.1, 10.1], [10, 10]]]
    multi = {"type": "MultiPolygon", "coordinates": [island, SQUARE["coordinates"]]}
    assert representative_point(multi) == pytest.approx((0.5, 0.5))
    assert representative_point(None) is None


def test_every_bundled_departement_gets_a_point_inside_it():
    import gzip
    import json

    from aiguillage.territories.services import DATA_DIR

    with gzip.open(DATA_DIR / "boundaries" / "departements.geojson.gz", "rt") as handle:
        features = json.load(handle)["features"]
    for feature in features:
        polygons = feature["geometry"]["coordinates"]
        point = representative_point(feature["geometry"])
        assert any(
            _inside(point, polygon[0]) and not any(_inside(point, h) for h in polygon[1:])
            for polygon in polygons
        ), feature["properties"]["code"]
