"""The demo directory of the three demo régions, planned in memory (``_Plan``).

``directory.demo.directory_demo_load`` writes what ``_Plan(named).build()`` returns: structures
(``_StructureSpec``) and their sites (``_SiteSpec``) with their sectorisation. Concept map:

- **Seats**: the communes where a network has sites in a département (or région) — its most
  populated communes, spread out (``_spread``), always including the communes of the named demo
  structures of ``core/demo.py``, which become structures of the directory like the others.
- **Quantities** follow the real networks (DOMAIN.md §4): about one France Travail agency per
  70,000 inhabitants, a few Missions locales with antennas, one Cap emploi per département, the
  regional CEP operator with several sites per département, Apec and Transitions Pro per
  région, CIO and Info Jeunes per département, the Carif-Oref and the Région.
- **Sectorisation** (``Desserte``): France Travail agencies share the communes of their
  département, Missions locales and CIO its EPCI (an EPCI holding two seats, or crossing the
  département's border, is split into communes, ``_Unit``), each to the nearest; so every
  commune has an agency and a Mission locale. Cap emploi and the CEP operator serve the
  département for their publics, the Bureau Information Jeunesse and the Cité des métiers the
  département, each Point Info Jeunes its EPCI; Apec, Transitions Pro, Carif-Oref and the Région
  serve the région.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.text import slugify

from aiguillage.directory.models import Niveau, Reseau, Structure
from aiguillage.directory.synthetic.catalogue import PROFILES
from aiguillage.directory.synthetic.places import Place, centroid, distance_km, nearest, places_load
from aiguillage.directory.synthetic.sites import de, point_near
from aiguillage.territories.models import Commune, CommuneType, Departement, Region

DEMO_REGIONS = ("84", "32", "52")
SEED = 2026

# Inhabitants per site or structure in a département (orders of magnitude of DOMAIN.md §4).
FT_INHABITANTS = 70_000
FT_COMMUNE_INHABITANTS = 110_000  # a large commune gets one agency per this many inhabitants
ML_INHABITANTS = 180_000
CIO_INHABITANTS = 350_000
INFO_JEUNES_INHABITANTS = 200_000
CEP_INHABITANTS = 250_000
CAP_EMPLOI_ANTENNA_INHABITANTS = 450_000
APEC_TWO_CENTRES_INHABITANTS = 5_000_000  # a région above this gets a second Apec centre
SUFFIXES = ("Centre", "Est", "Nord", "Sud", "Ouest", "Nord-Est", "Sud-Est", "Nord-Ouest")
SUFFIXES += ("Sud-Ouest", "Rive gauche", "Rive droite", "Gare")


@dataclass
class _SiteSpec:
    key: str
    nom: str
    place: Place
    point: tuple[float, float]
    dessertes: set[tuple[str, str, str]] = field(default_factory=set)  # niveau, code, public


@dataclass
class _StructureSpec:
    key: str
    nom: str
    reseau: str
    place: Place
    existing: Structure | None = None  # a named demo structure of core/demo.py
    parent: str = ""  # key of the parent structure
    sites: list[_SiteSpec] = field(default_factory=list)


@dataclass
class _Unit:
    """A piece of territory given whole to a site: an EPCI, or a commune."""

    niveau: str
    code: str
    point: tuple[float, float]
    places: list[Place]


def _spread(places: list[Place], n: int, *, forced: list[Place], km: float) -> list[Place]:
    """``n`` seats: ``forced`` first, then the most populated communes, a commune closer than
    ``km`` to a chosen seat counting for a proportionally smaller population."""
    chosen = list(dict.fromkeys(forced))
    pool = sorted(
        (p for p in places if p.located and p not in chosen), key=lambda p: (-p.population, p.code)
    )[:300]
    gaps = [min((distance_km(*p.point, *c.point) for c in chosen), default=math.inf) for p in pool]
    while len(chosen) < n and pool:
        i = max(range(len(pool)), key=lambda j: (pool[j].population * min(1.0, gaps[j] / km), -j))
        seat = pool.pop(i)
        gaps.pop(i)
        chosen.append(seat)
        gaps = [min(g, distance_km(*p.point, *seat.point)) for p, g in zip(pool, gaps, strict=True)]
    return chosen


class _Plan:
    """What the demo directory holds, computed in memory before anything is written."""

    def __init__(self, named: dict[str, Structure]):
        self.rng = random.Random(SEED)
        self.places = places_load(regions=DEMO_REGIONS)
        self.place = {p.code: p for p in self.places}
        self.by_dep: dict[str, list[Place]] = defaultdict(list)
        for p in self.places:
            self.by_dep[p.departement].append(p)
        self.departements = {
            d.code: d for d in Departement.objects.filter(region_id__in=DEMO_REGIONS)
        }
        self.regions = {r.code: r for r in Region.objects.filter(code__in=DEMO_REGIONS)}
        epcis = {p.epci for p in self.places if p.epci}
        self.epci_size = dict(
            Commune.objects.filter(type=CommuneType.COMMUNE, epci_id__in=epcis)
            .values("epci_id")
            .annotate(n=Count("code"))
            .values_list("epci_id", "n")
        )
        self.named = [s for s in named.values() if s.commune_id in self.place]
        self.claimed: set[int] = set()
        self.structures: list[_StructureSpec] = []

    # helpers ------------------------------------------------------------------------------

    def forced(self, reseau: str, *, departement: str = "", region: str = "") -> list[Place]:
        """Communes of the named structures of ``reseau`` in a département or a région."""
        places = [self.place[s.commune_id] for s in self.named if s.reseau == reseau]
        return [
            p
            for p in places
            if (not departement or p.departement == departement)
            and (not region or p.region == region)
        ]

    def claim(self, reseau: str, place: Place) -> Structure | None:
        """The named structure of ``reseau`` at ``place`` not yet used, if any."""
        for s in self.named:
            if s.reseau == reseau and s.commune_id == place.code and s.pk not in self.claimed:
                self.claimed.add(s.pk)
                return s
        return None

    def structure(
        self,
        reseau: str,
        key: str,
        place: Place,
        nom: str,
        *,
        claim: bool = True,
        existing: Structure | None = None,
        parent: str = "",
    ) -> _StructureSpec:
        """A structure to write; with ``claim``, the named one of ``reseau`` at ``place`` if any
        (keeping its name), else ``existing``."""
        existing = (self.claim(reseau, place) if claim else None) or existing
        nom = existing.nom if existing else nom
        spec = _StructureSpec(f"{reseau}--{key}", nom, reseau, place, existing, parent)
        self.structures.append(spec)
        return spec

    def site(self, structure: _StructureSpec, place: Place, nom: str = "") -> _SiteSpec:
        spec = _SiteSpec(
            f"{structure.key}--{place.code}",
            nom or structure.nom,
            place,
            point_near(self.rng, place),
        )
        structure.sites.append(spec)
        return spec

    def chef_lieu(self, code: str, *, region: bool = False) -> Place:
        territory = self.regions[code] if region else self.departements[code]
        place = self.place.get(territory.chef_lieu)
        if place is None:  # defensive: fall back on the most populated commune
            area = [p for p in self.places if (p.region if region else p.departement) == code]
            place = max(area, key=lambda p: p.population)
        return place

    def units(self, places: list[Place], seats: set[str]) -> list[_Unit]:
        """EPCI units, except an EPCI that is not wholly in ``places`` or holds several
        ``seats`` (communes): its communes become units."""
        by_epci: dict[str, list[Place]] = defaultdict(list)
        for p in places:
            by_epci[p.epci].append(p)
        units = []
        for epci, members in sorted(by_epci.items()):
            whole = epci and len(members) == self.epci_size.get(epci)
            if whole and len(seats & {p.code for p in members}) < 2:
                units.append(_Unit(Niveau.EPCI, epci, centroid(members), members))
            else:
                units += [_Unit(Niveau.COMMUNE, p.code, p.point, [p]) for p in members]
        return units

    @staticmethod
    def assign(sites: list[_SiteSpec], units: list[_Unit]) -> list[list[_Unit]]:
        """The units of each site: those holding the site, the others to the nearest site."""
        shares: list[list[_Unit]] = [[] for _ in sites]
        points = [s.point for s in sites]
        for unit in units:
            codes = {p.code for p in unit.places}
            own = [i for i, s in enumerate(sites) if s.place.code in codes]
            for i in own or [nearest(unit.point, points)]:
                shares[i].append(unit)
        return shares

    def serve(self, sites: list[_SiteSpec], units: list[_Unit], public: str = "") -> None:
        for site, share in zip(sites, self.assign(sites, units), strict=True):
            site.dessertes |= {(u.niveau, u.code, public) for u in share}

    def single(self, reseau: str, key: str, place: Place, nom: str, niveau: str, code: str):
        """A structure with one site serving a whole département or région."""
        spec = self.structure(reseau, key, place, nom)
        site = self.site(spec, place)
        site.dessertes |= {(niveau, code, public) for public in PROFILES[reseau].publics}

    # networks ------------------------------------------------------------------------------

    def france_travail(self, dep: str, places: list[Place]) -> None:
        reseau = Reseau.FRANCE_TRAVAIL
        n = max(2, round(sum(p.population for p in places) / FT_INHABITANTS))

        def agencies(p: Place) -> int:
            return max(1, round(p.population / FT_COMMUNE_INHABITANTS))

        extra = sum(agencies(p) - 1 for p in places)
        forced = self.forced(reseau, departement=dep)
        taken = {s.nom for s in self.named if s.reseau == reseau}
        sites = []
        for c in _spread(places, max(1, n - extra), forced=forced, km=12):
            k = max(agencies(c), forced.count(c))
            names = (
                [f"France Travail {c.nom}"]
                if k == 1
                else [f"France Travail {c.nom} {x}" for x in SUFFIXES]
            )
            free = (nom for nom in names if nom not in taken)
            for i in range(k):
                existing = self.claim(reseau, c)
                nom = existing.nom if existing else next(free, f"France Travail {c.nom} {i + 1}")
                spec = self.structure(
                    reseau, f"{c.code}-{i}", c, nom, claim=False, existing=existing
                )
                sites.append(self.site(spec, c))
        self.serve(sites, [_Unit(Niveau.COMMUNE, p.code, p.point, [p]) for p in places])

    def missions_locales(self, dep: str, places: list[Place]) -> None:
        reseau = Reseau.MISSION_LOCALE
        n = round(sum(p.population for p in places) / ML_INHABITANTS)
        n = min(max(2, n), len({p.epci for p in places}))
        mains = _spread(places, n, forced=self.forced(reseau, departement=dep), km=30)
        structures = [
            self.structure(reseau, c.code, c, f"Mission locale {de(c.nom)}") for c in mains
        ]
        main_sites = [self.site(spec, spec.place) for spec in structures]
        territories = self.assign(main_sites, self.units(places, {c.code for c in mains}))
        for spec, main, share in zip(structures, main_sites, territories, strict=True):
            territory = [p for unit in share for p in unit.places]
            candidates = [
                max(unit.places, key=lambda p: (p.population, p.code))
                for unit in share
                if spec.place not in unit.places
            ]
            candidates = [p for p in candidates if p.population >= 2000]
            antennas = _spread(candidates, 1 + self.rng.randint(1, 3), forced=[spec.place], km=10)
            sites = [main] + [
                self.site(spec, a, f"{spec.nom} — antenne {de(a.nom)}") for a in antennas[1:]
            ]
            self.serve(sites, self.units(territory, {s.place.code for s in sites}))

    def cio(self, dep: str, places: list[Place]) -> None:
        reseau = Reseau.CIO
        n = min(3, max(1, round(sum(p.population for p in places) / CIO_INHABITANTS)))
        seats = _spread(places, n, forced=self.forced(reseau, departement=dep), km=25)
        sites = [self.site(self.structure(reseau, c.code, c, f"CIO {de(c.nom)}"), c) for c in seats]
        self.serve(sites, self.units(places, {c.code for c in seats}))

    def info_jeunes(self, dep: str, places: list[Place]) -> None:
        """The largest seat is the département's Bureau (BIJ), the others local Points (PIJ)."""
        reseau = Reseau.INFO_JEUNES
        n = min(5, max(2, round(sum(p.population for p in places) / INFO_JEUNES_INHABITANTS)))
        seats = _spread(places, n, forced=self.forced(reseau, departement=dep), km=15)
        bureau = max(seats, key=lambda p: (p.population, p.code))
        for c in seats:
            kind = "Bureau Information Jeunesse" if c == bureau else "Point Info Jeunes"
            site = self.site(self.structure(reseau, c.code, c, f"{kind} {de(c.nom)}"), c)
            if c == bureau:
                site.dessertes.add((Niveau.DEPARTEMENT, dep, ""))
            else:
                unit = next(u for u in self.units(places, {c.code}) if c in u.places)
                site.dessertes.add((unit.niveau, unit.code, ""))

    def cap_emploi(self, dep: str, places: list[Place]) -> None:
        reseau = Reseau.CAP_EMPLOI
        forced = self.forced(reseau, departement=dep)
        main = forced[0] if forced else self.chef_lieu(dep)
        nom = f"Cap emploi {self.departements[dep].nom}"
        spec = self.structure(reseau, dep, main, nom)
        n = 1 + round(sum(p.population for p in places) / CAP_EMPLOI_ANTENNA_INHABITANTS)
        for i, c in enumerate(_spread(places, n, forced=[main], km=25)):
            site = self.site(spec, c, "" if i == 0 else f"{spec.nom} — antenne {de(c.nom)}")
            site.dessertes.add((Niveau.DEPARTEMENT, dep, "personnes-en-situation-de-handicap"))

    def cep_operator(self, region: str) -> None:
        """One regional structure; its sites, or the named antennas, in every département."""
        reseau = Reseau.CEP_ACTIFS_OCCUPES
        nom = f"Opérateur régional CEP {self.regions[region].nom}"
        seat = self.chef_lieu(region, region=True)
        regional = self.structure(reseau, region, seat, nom, claim=False)
        for dep in sorted(d for d in self.by_dep if self.departements[d].region_id == region):
            places = self.by_dep[dep]
            n = min(8, max(2, round(sum(p.population for p in places) / CEP_INHABITANTS)))
            for c in _spread(places, n, forced=self.forced(reseau, departement=dep), km=15):
                existing = self.claim(reseau, c)
                if existing:
                    owner = self.structure(
                        reseau, c.code, c, "", claim=False, existing=existing, parent=regional.key
                    )
                    site = self.site(owner, c)
                else:
                    site = self.site(regional, c, f"Conseil en évolution professionnelle — {c.nom}")
                site.dessertes |= {
                    (Niveau.DEPARTEMENT, dep, public) for public in PROFILES[reseau].publics
                }

    def regional_networks(self, region: str) -> None:
        places = [p for p in self.places if p.region == region]
        chef_lieu = self.chef_lieu(region, region=True)
        nom = self.regions[region].nom
        # Apec: one or two centres serving the région's cadres.
        reseau = Reseau.APEC
        two = sum(p.population for p in places) > APEC_TWO_CENTRES_INHABITANTS
        forced = self.forced(reseau, region=region)
        for c in _spread(places, max(1 + two, len(forced)), forced=forced, km=80):
            self.single(reseau, c.code, c, f"Apec {c.nom}", Niveau.REGION, region)
        # Transitions Pro: the seat and one or two sites in the largest other départements.
        reseau = Reseau.TRANSITIONS_PRO
        spec = self.structure(reseau, region, chef_lieu, f"Transitions Pro {nom}")
        largest = sorted(
            (max(self.by_dep[d], key=lambda p: p.population) for d in self.by_dep),
            key=lambda p: -p.population,
        )
        others = [
            p for p in largest if p.region == region and p.departement != chef_lieu.departement
        ]
        for c in [chef_lieu, *others[: self.rng.randint(1, 2)]]:
            site = self.site(spec, c, "" if c == chef_lieu else f"{spec.nom} — site {de(c.nom)}")
            site.dessertes.add((Niveau.REGION, region, ""))
        for reseau, label in ((Reseau.CARIF_OREF, "Carif-Oref {}"), (Reseau.REGION, "Région {}")):
            forced = self.forced(reseau, region=region)
            seat = forced[0] if forced else chef_lieu
            self.single(reseau, region, seat, label.format(nom), Niveau.REGION, region)

    def build(self) -> list[_StructureSpec]:
        for dep in sorted(self.by_dep):
            places = self.by_dep[dep]
            self.france_travail(dep, places)
            self.missions_locales(dep, places)
            self.cap_emploi(dep, places)
            self.cio(dep, places)
            self.info_jeunes(dep, places)
        for region in DEMO_REGIONS:
            self.cep_operator(region)
            self.regional_networks(region)
        cite = self.forced(Reseau.CITE_DES_METIERS) or [self.chef_lieu("52", region=True)]
        for c in cite:
            nom = f"Cité des métiers {de(c.nom)}"
            self.single(Reseau.CITE_DES_METIERS, c.code, c, nom, Niveau.DEPARTEMENT, c.departement)
        # A named structure no network above placed still gets a site serving its département.
        for s in self.named:
            if s.pk not in self.claimed and s.reseau in PROFILES:
                c = self.place[s.commune_id]
                key = f"{c.code}-{slugify(s.nom)}"
                self.single(s.reseau, key, c, s.nom, Niveau.DEPARTEMENT, c.departement)
        return self.structures
