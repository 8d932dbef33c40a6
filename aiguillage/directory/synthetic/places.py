"""Communes held in memory, and the geometry that splits territories between sites.

Concept map:

- ``Place``: a commune (code, territories, postal code, population, point) —
  ``places_load`` reads them in one query; communes without a point get their EPCI's (or their
  département's) mean point, flagged ``located=False`` so that no site is put there.
- ``nearest`` / ``distance_km``: the equirectangular distance, exact enough within a département,
  used to split territories between the sites of a network; ``centroid``: the
  population-weighted mean point of a territory.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from aiguillage.territories.models import Commune, CommuneType, Zone

KM_PER_DEGREE = 111.2


class Place(NamedTuple):
    code: str
    nom: str
    departement: str
    region: str
    epci: str  # "" when the commune belongs to no EPCI
    code_postal: str
    population: int
    latitude: float
    longitude: float
    located: bool  # False: the point is borrowed from the EPCI or the département

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)


def places_load(*, regions: Iterable[str] | None = None) -> list[Place]:
    """Current communes (no arrondissements) of ``regions``, or of every région but the COM."""
    communes = Commune.objects.filter(type=CommuneType.COMMUNE)
    if regions is not None:
        communes = communes.filter(region_id__in=list(regions))
    else:
        communes = communes.filter(region__zone__in=[Zone.METRO, Zone.DROM])
    rows = communes.order_by("code").values_list(
        "code",
        "nom",
        "departement_id",
        "region_id",
        "epci_id",
        "codes_postaux",
        "population",
        "latitude",
        "longitude",
    )
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for _, _, dep, _, epci, _, _, lat, lon in rows:
        if lat is not None:
            points[epci or ""].append((lat, lon))
            points[f"dep:{dep}"].append((lat, lon))
    places = []
    for code, nom, dep, reg, epci, cps, pop, lat, lon in rows:
        located = lat is not None
        if not located:
            known = (epci and points.get(epci)) or points.get(f"dep:{dep}") or [(46.6, 2.4)]
            lat = sum(p[0] for p in known) / len(known)
            lon = sum(p[1] for p in known) / len(known)
        code_postal = cps.split(" ")[0] if cps else ""
        places.append(
            Place(code, nom, dep, reg, epci or "", code_postal, pop or 0, lat, lon, located)
        )
    return places


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: within 0.5 % of the great circle at the scale of a région."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return KM_PER_DEGREE * math.hypot(x, lat2 - lat1)


def nearest(point: tuple[float, float], seats: Sequence[tuple[float, float]]) -> int:
    """Index of the seat nearest to ``point`` (the first one on a tie)."""
    lat, lon = point
    k = math.cos(math.radians(lat))
    best, best_d2 = 0, math.inf
    for i, (slat, slon) in enumerate(seats):
        d2 = (slat - lat) ** 2 + ((slon - lon) * k) ** 2
        if d2 < best_d2:
            best, best_d2 = i, d2
    return best


def centroid(places: Sequence[Place]) -> tuple[float, float]:
    """Population-weighted mean point of ``places``."""
    weights = [max(p.population, 1) for p in places]
    total = sum(weights)
    return (
        sum(p.latitude * w for p, w in zip(places, weights, strict=True)) / total,
        sum(p.longitude * w for p, w in zip(places, weights, strict=True)) / total,
    )
