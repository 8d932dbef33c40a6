"""The région page's map on real boundaries, when its territories have them.

A platform région's territories are départements (``observatory.platform``), whose simplified
boundaries the territories app stores (``Departement.contour``). When **every** analysed
territory is a département with a stored boundary, ``departements_map`` draws the région's
départements with ``territories.maps.svg_map`` (projection) and ``drawing.region_boundaries``
(patterns, labels, legend): the analysed ones filled with their configuration's pattern, the
région's other départements (no structure, so not analysed) in white for context. Otherwise it
returns None and the page keeps the schematic tiles (``drawing.region_tiles``).

One query: the départements of the région and the analysed ones, with their boundaries.
"""

from __future__ import annotations

from django.db.models import Q

from aiguillage.observatory import drawing
from aiguillage.territories.maps import representative_point, svg_map
from aiguillage.territories.models import Departement

__all__ = ["departements_map"]

WIDTH = 800
# A tall région (Corse) is drawn narrower and centred in the frame, so that the page does not
# scroll past it and its labels keep the same size as elsewhere.
MAX_HEIGHT = 720


def departements_map(
    *, region_code: str, territories: list[dict], title: str, labels: dict[str, str]
) -> drawing.RegionMap | None:
    """The map of ``territories`` (the engine's dicts) on their départements' boundaries, with
    the région ``region_code``'s other départements for context; None unless every territory
    is a département with a stored boundary."""
    codes = [t["territoire"] for t in territories]
    if not codes:
        return None
    rows = list(
        Departement.objects.filter(Q(code__in=codes) | Q(region_id=region_code))
        .order_by("code")
        .values_list("code", "nom", "contour")
    )
    found = {code: (nom, contour) for code, nom, contour in rows}
    if any(found.get(code, (None, None))[1] is None for code in codes):
        return None
    items = [(code, nom, contour, "") for code, (nom, contour) in found.items() if contour]
    # The fill is left to the drawing: each analysed territory gets its configuration's pattern.
    markers = []
    for code, _, contour, _ in items:
        lon, lat = representative_point(contour)
        markers.append((lat, lon, code))
    carte = svg_map(items, markers=markers, width=WIDTH)
    if carte.height > MAX_HEIGHT:
        carte = svg_map(items, markers=markers, width=round(WIDTH * MAX_HEIGHT / carte.height))
    offset_x = (WIDTH - carte.width) / 2
    points = {m.label: (float(m.x), float(m.y)) for m in carte.markers}
    by_code = {t["territoire"]: t for t in territories}
    areas = []
    for shape in carte.shapes:
        territory = by_code.get(shape.key)
        x, y = points[shape.key]
        areas.append(
            drawing.Area(
                code=shape.key,
                name=shape.label,
                path=shape.path,
                x=x,
                y=y,
                configuration=territory["configuration"] if territory else None,
                confidence=territory["confiance"] if territory else None,
            )
        )
    return drawing.region_boundaries(
        areas,
        width=WIDTH,
        height=carte.height,
        title=title,
        labels=labels,
        offset_x=offset_x,
    )
