"""The national synthetic directory, for benchmarks (``directory_synthetic_load``).

Concept map:

- ``directory_synthetic_load``: ≥ 20,000 sites over every commune weighted by population, every
  network in its national proportion (DOMAIN.md §4), sectorised at commune, EPCI, département
  and région level as each network is; ``source="aiguillage-simulation"``, ``est_demo=True``.
- ``_allocate`` splits the sites between networks (``PROFILES``), ``_draw`` picks their
  communes, ``_structure_seats`` groups them into structures, ``_sectorise`` gives each site its
  territory.
- The toolkit it shares with the demo (``Place`` and the geometry, ``CATALOGUE`` and
  ``PROFILES``, ``site_values``) lives in ``directory.synthetic``; it is re-exported here.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from itertools import accumulate
from time import perf_counter

from django.db import transaction
from django.utils import timezone

from aiguillage.directory.models import (
    Desserte,
    Niveau,
    Service,
    ServicePublic,
    ServiceThematique,
    Site,
    Structure,
)
from aiguillage.directory.synthetic.catalogue import (
    _DEP,
    _REG,
    CATALOGUE,
    PROFILES,
    Profile,
    ServiceTemplate,
    service_build,
    services_choose,
)
from aiguillage.directory.synthetic.places import Place, centroid, distance_km, nearest, places_load
from aiguillage.directory.synthetic.sites import de, point_near, site_values
from aiguillage.territories.models import Departement, Region

__all__ = [
    "CATALOGUE",
    "PROFILES",
    "SOURCE",
    "Place",
    "Profile",
    "ServiceTemplate",
    "centroid",
    "de",
    "directory_synthetic_load",
    "distance_km",
    "nearest",
    "places_load",
    "point_near",
    "service_build",
    "services_choose",
    "site_values",
]

SOURCE = "aiguillage-simulation"
BATCH = 1000


# --- National synthetic generator -------------------------------------------------------------


def _allocate(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders)."""
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(weights, key=lambda k: counts[k] - exact[k])[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


def _draw(rng: random.Random, places: list[Place], cumulative: list[int], reseau: str, n: int):
    """``n`` communes weighted by population, after the largest of each département (or région)
    for the networks present everywhere, when ``n`` allows."""
    level = PROFILES[reseau].everywhere
    first: list[Place] = []
    if level:
        areas: dict[str, Place] = {}
        for p in places:
            code = p.departement if level == _DEP else p.region
            if code not in areas or p.population > areas[code].population:
                areas[code] = p
        if len(areas) <= n:
            first = list(areas.values())
    return first + rng.choices(places, cum_weights=cumulative, k=n - len(first))


def _structure_seats(reseau: str, drawn: list[Place]) -> list[tuple[str, Place]]:
    """For each drawn place, the key of its structure and the commune of the structure's seat.

    One structure per site, except the networks grouped by département or région (seat: the
    most populated drawn commune) and the Missions locales (about 15 places per structure,
    each place attached to the nearest seat of its département).
    """
    grouping = PROFILES[reseau].grouping
    if not grouping:
        return [(f"{reseau}-{i}", p) for i, p in enumerate(drawn)]

    def area(p: Place) -> str:
        return p.region if grouping == _REG else p.departement

    by_area: dict[str, list[Place]] = defaultdict(list)
    for p in drawn:
        by_area[area(p)].append(p)
    seats: dict[str, list[Place]] = {}
    for code, members in by_area.items():
        ranked = sorted(set(members), key=lambda p: (-p.population, p.code))
        seats[code] = ranked[: max(1, round(len(members) / 15)) if grouping == "ml" else 1]
    result = []
    for p in drawn:
        candidates = seats[area(p)]
        seat = candidates[nearest(p.point, [s.point for s in candidates])]
        result.append((f"{reseau}-{area(p)}-{seat.code}", seat))
    return result


def _sectorise(reseau: str, sites: list[tuple[int, Place]], places: list[Place]) -> set[tuple]:
    """(site index, niveau, code, public) rows for the sites of one network: each site serves
    its own territory; in the commune and epci modes, every other commune (or EPCI) of a
    département goes to the nearest site of the network there."""
    mode = PROFILES[reseau].sectorisation
    rows: set[tuple[int, str, str]] = set()
    for i, p in sites:
        if mode in (_DEP, _REG):
            rows.add((i, mode, p.departement if mode == _DEP else p.region))
        else:
            rows.add((i, Niveau.EPCI, p.epci) if p.epci and mode != "commune" else
                     (i, Niveau.COMMUNE, p.code))  # fmt: skip
    if mode in ("commune", "epci"):
        by_dep: dict[str, list[tuple[int, Place]]] = defaultdict(list)
        for i, p in sites:
            by_dep[p.departement].append((i, p))
        served = {(niveau, code) for _, niveau, code in rows}
        units: dict[tuple[str, str], tuple[str, list[Place]]] = {}
        for p in places:
            key = (Niveau.EPCI, p.epci) if p.epci and mode == "epci" else (Niveau.COMMUNE, p.code)
            units.setdefault(key, (p.departement, []))[1].append(p)
        for (niveau, code), (dep, members) in units.items():
            seats = by_dep.get(dep)
            if seats and (niveau, code) not in served:
                point = centroid(members)
                i = seats[nearest(point, [p.point for _, p in seats])][0]
                rows.add((i, niveau, code))
    publics = PROFILES[reseau].publics
    return {(i, niveau, code, public) for i, niveau, code in rows for public in publics}


def _synthetic_clear() -> None:
    """Delete the previous synthetic directory, leaves first (cheaper cascades)."""
    ServiceThematique.objects.filter(service__source=SOURCE).delete()
    ServicePublic.objects.filter(service__source=SOURCE).delete()
    Desserte.objects.filter(site__source=SOURCE).delete()
    Service.objects.filter(source=SOURCE).delete()
    Site.objects.filter(source=SOURCE).delete()
    Structure.objects.filter(source=SOURCE).delete()


@transaction.atomic
def directory_synthetic_load(
    *, sites: int, seed: int = 0, regions: list[str] | None = None
) -> dict:
    """Replace the synthetic directory with ``sites`` sites of every network, for benchmarks.

    Sites are spread over the communes of ``regions`` (default: every région but the overseas
    collectivities) weighted by population; each network gets its national share of sites
    (``PROFILES``), with at least one site per département or région for the networks present
    everywhere when the count allows. Returns the numbers written and the duration.
    """
    started = perf_counter()
    if sites < 1:
        raise ValueError("Le nombre de sites doit être positif.")
    if regions is not None:
        unknown = set(regions) - set(Region.objects.values_list("code", flat=True))
        if unknown:
            raise ValueError(f"Régions inconnues : {', '.join(sorted(unknown))}")
    places = places_load(regions=regions)
    located = [p for p in places if p.located]
    if not located:
        raise ValueError("Aucune commune : chargez le référentiel des territoires.")
    cumulative = list(accumulate(max(p.population, 1) for p in located))
    dep_names = dict(Departement.objects.values_list("code", "nom"))
    region_names = dict(Region.objects.values_list("code", "nom"))
    rng = random.Random(seed)
    today = timezone.localdate()
    _synthetic_clear()

    structures: dict[str, Structure] = {}
    site_rows: list[tuple[str, str, Place]] = []  # structure key, site name, place
    dessertes: set[tuple[int, str, str, str]] = set()
    names: Counter[str] = Counter()
    for reseau, n in _allocate(sites, {r: p.sites for r, p in PROFILES.items()}).items():
        drawn = _draw(rng, located, cumulative, reseau, n)
        network_sites: list[tuple[int, Place]] = []
        for p, (key, seat) in zip(drawn, _structure_seats(reseau, drawn), strict=True):
            if key not in structures:
                regional = PROFILES[reseau].grouping == _REG
                nom = PROFILES[reseau].nom.format(
                    nom=seat.nom,
                    de=de(seat.nom),
                    territoire=region_names[seat.region]
                    if regional
                    else dep_names[seat.departement],
                )
                # Numbered, and never the name of a demo structure (core/demo.py finds them
                # by name and network).
                names[nom] += 1
                structures[key] = Structure(
                    nom=f"{nom} (simulation{f' {names[nom]}' if names[nom] > 1 else ''})"[:200],
                    reseau=reseau,
                    region_id=seat.region,
                    departement_id=None if regional else seat.departement,
                    commune_id=seat.code,
                    source=SOURCE,
                    id_source=f"{seed}-{key}",
                    est_demo=True,
                )
            nom = structures[key].nom
            network_sites.append((len(site_rows), p))
            site_rows.append((key, nom if p == seat else f"{nom} — {p.nom}"[:150], p))
        dessertes |= _sectorise(reseau, network_sites, places)
    Structure.objects.bulk_create(structures.values(), batch_size=BATCH)

    site_objects = [
        Site(
            structure=structures[key],
            nom=nom,
            source=SOURCE,
            id_source=f"{seed}-site-{n}",
            **site_values(
                rng,
                reseau=structures[key].reseau,
                place=place,
                email=f"site-{n}@simulation.aiguillage.example",
                today=today,
            ),
        )
        for n, (key, nom, place) in enumerate(site_rows)
    ]
    Site.objects.bulk_create(site_objects, batch_size=BATCH)
    Desserte.objects.bulk_create(
        [
            Desserte(site_id=site_objects[i].pk, niveau=niveau, code=code, public=public)
            for i, niveau, code, public in sorted(dessertes)
        ],
        batch_size=BATCH,
    )
    services: list[tuple[Service, ServiceTemplate]] = [
        (
            service_build(
                template,
                site_id=site.pk,
                date_maj=site.date_maj,
                source=SOURCE,
                id_source=f"{site.id_source}-{template.key}",
            ),
            template,
        )
        for site in site_objects
        for template in services_choose(rng, site.structure.reseau)
    ]
    Service.objects.bulk_create([s for s, _ in services], batch_size=BATCH)
    thematiques = [
        ServiceThematique(service_id=s.pk, thematique=t)
        for s, tpl in services
        for t in tpl.thematiques
    ]
    ServiceThematique.objects.bulk_create(thematiques, batch_size=BATCH)
    publics = [ServicePublic(service_id=s.pk, public=p) for s, tpl in services for p in tpl.publics]
    ServicePublic.objects.bulk_create(publics, batch_size=BATCH)
    return {
        "structures": len(structures),
        "sites": len(site_objects),
        "services": len(services),
        "thematiques": len(thematiques),
        "publics": len(publics),
        "dessertes": len(dessertes),
        "sites_by_reseau": dict(Counter(str(structures[key].reseau) for key, _, _ in site_rows)),
        "dessertes_by_niveau": dict(Counter(str(niveau) for _, niveau, _, _ in dessertes)),
        "seconds": round(perf_counter() - started, 2),
    }
