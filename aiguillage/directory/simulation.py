"""Synthetic directory data: the toolkit behind the demo, and a national generator for benchmarks.

Concept map:

- ``Place``: a commune held in memory (code, territories, postal code, population, point) —
  ``places_load`` reads them in one query; communes without a point get their EPCI's (or their
  département's) mean point, flagged ``located=False`` so that no site is put there.
- ``nearest`` / ``distance_km``: the equirectangular distance, exact enough within a département,
  used to split territories between the sites of a network.
- ``CATALOGUE``: per network, the services a site offers (data·inclusion thématiques and publics,
  and the ``cep--*`` extensions for the CEP operators); ``services_choose`` draws one to three.
- ``site_values``: the plausible, clearly fictitious details of a site (address, point, hours in
  OSM format, phone in a range ARCEP keeps for fiction, ``.example`` email, capacity, freshness).
- ``directory_synthetic_load``: ≥ 20,000 sites over every commune weighted by population, every
  network in its national proportion (DOMAIN.md §4), sectorised at commune, EPCI, département
  and région level as each network is; ``source="aiguillage-simulation"``, ``est_demo=True``.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from time import perf_counter
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from aiguillage.directory.models import (
    Capacite,
    Desserte,
    Niveau,
    Reseau,
    Service,
    ServicePublic,
    ServiceThematique,
    Site,
    Structure,
)
from aiguillage.territories.models import Commune, CommuneType, Departement, Region, Zone

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
KM_PER_DEGREE = 111.2


# --- Places and distances ---------------------------------------------------------------------


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


# --- What sites offer -------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceTemplate:
    key: str
    nom: str
    description: str
    type: str
    thematiques: tuple[str, ...]
    publics: tuple[str, ...]
    modes_accueil: tuple[str, ...] = ("en-presentiel",)
    modes_mobilisation: tuple[str, ...] = ("se-presenter", "telephoner")


def _t(key, nom, description, type_, thematiques, publics, distance=False):
    modes = ("en-presentiel", "a-distance") if distance else ("en-presentiel",)
    return ServiceTemplate(key, nom, description, type_, tuple(thematiques), tuple(publics), modes)


_CEP_PUBLICS = ("salaries", "independants", "actifs")
_ACCOMPAGNEMENT, _ATELIER, _INFORMATION = "accompagnement", "atelier", "information"
_AIDE, _FORMATION = "aide-financiere", "formation"
_CV = "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"
_OFFRES = "trouver-un-emploi--repondre-a-des-offres-demploi"
_DECOUVRIR = "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite"
_FORMATIONS = "se-former--trouver-sa-formation"
_CREATION = "creer-une-entreprise--definir-son-projet-de-creation-dentreprise"

#: The first service of each network is the one every site offers.
# fmt: off
CATALOGUE: dict[str, list[ServiceTemplate]] = {
    Reseau.FRANCE_TRAVAIL: [
        _t("accompagnement", "Accompagnement vers l'emploi",
           "Inscription, suivi et accompagnement de la recherche d'emploi.", _ACCOMPAGNEMENT,
           ["cep--accueil-individualise", _OFFRES, _CV],
           ["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"]),
        _t("cep", "Conseil en évolution professionnelle",
           "Construire un projet professionnel, une reconversion ou une formation.",
           _ACCOMPAGNEMENT, ["cep--accompagnement-personnalise", "cep--reconversion",
                             "choisir-un-metier--identifier-ses-points-forts-et-ses-competences"],
           ["demandeurs-emploi"], distance=True),
        _t("financement", "Financer sa formation",
           "Aide individuelle à la formation, CPF et aides régionales.", _AIDE,
           ["cep--ingenierie-financiere", "se-former--monter-son-dossier-de-formation"],
           ["demandeurs-emploi"]),
    ],
    Reseau.MISSION_LOCALE: [
        _t("accompagnement", "Accompagnement global des jeunes",
           "Emploi, formation, logement, santé, mobilité : un conseiller pour tout le parcours, "
           "contrat d'engagement jeune compris.", _ACCOMPAGNEMENT,
           ["cep--accueil-individualise", "cep--accompagnement-personnalise", _OFFRES,
            "logement-hebergement--louer-un-logement"], ["jeunes", "demandeurs-emploi"]),
        _t("orientation", "Choisir un métier ou une formation",
           "Découvrir des métiers, tester un secteur, trouver une formation.", _ACCOMPAGNEMENT,
           ["cep--information-orientation", _DECOUVRIR, _FORMATIONS], ["jeunes"]),
        _t("mobilite", "Aides à la mobilité",
           "Permis de conduire, transport, aide financière à la mobilité.", _AIDE,
           ["mobilite--preparer-un-permis", "mobilite--financer-ma-mobilite"], ["jeunes"]),
    ],
    Reseau.CAP_EMPLOI: [
        _t("accompagnement", "Accompagnement vers l'emploi des personnes handicapées",
           "Recherche d'emploi et accès à la formation des bénéficiaires de l'obligation "
           "d'emploi.", _ACCOMPAGNEMENT, ["cep--accompagnement-personnalise", _OFFRES],
           ["personnes-en-situation-de-handicap", "demandeurs-emploi"]),
        _t("maintien", "Maintien dans l'emploi",
           "Adapter un poste, préparer une évolution ou une reconversion.", _ACCOMPAGNEMENT,
           ["trouver-un-emploi--maintien-dans-lemploi", "cep--reconversion"],
           ["personnes-en-situation-de-handicap", "salaries"]),
    ],
    Reseau.APEC: [
        _t("conseil", "Conseil en évolution professionnelle des cadres",
           "Faire le point, préparer une mobilité ou une reconversion.", _ACCOMPAGNEMENT,
           ["cep--accompagnement-personnalise", "cep--reconversion",
            "choisir-un-metier--confirmer-son-choix-de-metier"], ["cadres"], distance=True),
        _t("candidature", "Ateliers candidature et réseau",
           "Valoriser ses compétences, développer son réseau.", _ATELIER,
           ["preparer-sa-candidature--valoriser-ses-competences",
            "preparer-sa-candidature--developper-son-reseau"], ["cadres", "etudiants"]),
    ],
    Reseau.CEP_ACTIFS_OCCUPES: [
        _t("niveau-1", "Premier entretien de conseil en évolution professionnelle",
           "Exprimer sa demande, s'informer sur les métiers et les dispositifs.", _INFORMATION,
           ["cep--accueil-individualise", "cep--information-orientation"], _CEP_PUBLICS,
           distance=True),
        _t("niveau-2", "Accompagnement personnalisé du projet",
           "Construire et mettre en œuvre un projet d'évolution, financements compris.",
           _ACCOMPAGNEMENT, ["cep--accompagnement-personnalise", "cep--reconversion",
                             "cep--ingenierie-financiere", "cep--validation-des-acquis"],
           _CEP_PUBLICS, distance=True),
        _t("creation", "Projet de création d'entreprise",
           "Étudier un projet de création ou de reprise d'activité.", _ACCOMPAGNEMENT,
           [_CREATION, "cep--accompagnement-personnalise"], ["salaries", "independants"]),
    ],
    Reseau.TRANSITIONS_PRO: [
        _t("ptp", "Projet de transition professionnelle",
           "Financer une formation certifiante pour changer de métier.", _AIDE,
           ["cep--ingenierie-financiere", "cep--reconversion",
            "se-former--monter-son-dossier-de-formation"], ["salaries"], distance=True),
        _t("demission", "Démission pour reconversion",
           "Faire attester le caractère réel et sérieux d'un projet.", _INFORMATION,
           ["cep--reconversion"], ["salaries"], distance=True),
    ],
    Reseau.REGION: [
        _t("orientation", "Information sur les métiers et les formations",
           "Information et orientation tout au long de la vie.", _INFORMATION,
           ["cep--information-orientation", _FORMATIONS], ["tous-publics"]),
        _t("aides", "Aides régionales à la formation",
           "Formations financées par la Région et aides aux stagiaires.", _AIDE,
           ["cep--ingenierie-financiere"], ["demandeurs-emploi", "jeunes"]),
    ],
    Reseau.CITE_DES_METIERS: [
        _t("conseil", "Conseil sans rendez-vous",
           "Un conseiller répond sur place, sans rendez-vous, à toute question d'orientation.",
           _INFORMATION, ["cep--accueil-individualise", "cep--information-orientation",
                          _DECOUVRIR], ["tous-publics"]),
        _t("ateliers", "Ateliers et rencontres métiers",
           "CV, création d'activité, découverte des secteurs qui recrutent.", _ATELIER,
           [_CV, _CREATION], ["tous-publics"]),
    ],
    Reseau.CARIF_OREF: [
        _t("offre", "Information sur l'offre de formation",
           "Catalogue régional des formations et des certifications.", _INFORMATION,
           [_FORMATIONS, "cep--information-orientation"], ["tous-publics"], distance=True),
        _t("vae", "Information sur la VAE",
           "Comprendre la validation des acquis de l'expérience.", _INFORMATION,
           ["cep--validation-des-acquis"], ["actifs"], distance=True),
    ],
    Reseau.CIO: [
        _t("orientation", "Conseil en orientation scolaire",
           "Entretiens avec un psychologue de l'Éducation nationale.", _ACCOMPAGNEMENT,
           ["cep--information-orientation", _DECOUVRIR], ["eleves", "etudiants", "jeunes"]),
        _t("bilan", "Faire le point sur ses choix",
           "Identifier ses intérêts et ses points forts.", _ACCOMPAGNEMENT,
           ["choisir-un-metier--identifier-ses-points-forts-et-ses-competences"], ["eleves"]),
    ],
    Reseau.INFO_JEUNES: [
        _t("information", "Information jeunesse",
           "Métiers, formations, logement, mobilité internationale : une information gratuite.",
           _INFORMATION,
           ["cep--information-orientation",
            "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
            "souvrir-a-linternational--connaitre-les-opportunites-demploi-a-letranger"],
           ["jeunes"]),
        _t("jobs", "Jobs d'été et premières candidatures",
           "Offres de jobs, aide au CV et à la lettre.", _ATELIER, [_OFFRES, _CV],
           ["jeunes", "etudiants"]),
    ],
    Reseau.SCUIO: [
        _t("orientation", "Orientation et insertion des étudiants",
           "Réorientation, stages, premier emploi.", _ACCOMPAGNEMENT,
           ["cep--information-orientation", "choisir-un-metier--confirmer-son-choix-de-metier"],
           ["etudiants"]),
    ],
    Reseau.CHAMBRE_CONSULAIRE: [
        _t("creation", "Créer ou reprendre une entreprise",
           "Information et formalités de création.", _ACCOMPAGNEMENT,
           ["creer-une-entreprise--structurer-son-projet-de-creation-dentreprise"],
           ["independants", "tous-publics"]),
        _t("apprentissage", "Apprentissage",
           "Trouver un employeur et une formation en apprentissage.", _INFORMATION,
           [_FORMATIONS], ["jeunes"]),
    ],
    Reseau.AFPA: [
        _t("formation", "Formations qualifiantes", "Formations aux titres professionnels.",
           _FORMATION, [_FORMATIONS, "cep--validation-des-acquis"],
           ["demandeurs-emploi", "salaries"]),
    ],
    Reseau.PLIE: [
        _t("parcours", "Parcours vers l'emploi", "Accompagnement renforcé vers l'emploi durable.",
           _ACCOMPAGNEMENT, [_OFFRES, "remobilisation--bien-etre-confiance-en-soi"],
           ["beneficiaires-des-minimas-sociaux", "demandeurs-emploi", "residents-qpv-frr"]),
    ],
    Reseau.MAISON_EMPLOI: [
        _t("emploi", "Espace emploi", "Offres, ateliers et accès aux services en ligne.",
           _INFORMATION, [_OFFRES, "numerique--acceder-a-des-services-en-ligne"],
           ["tous-publics"]),
    ],
    Reseau.EMPLOYEUR_PUBLIC: [
        _t("cep", "Conseil en évolution professionnelle des agents",
           "Mobilité, reconversion et formation des agents publics.", _ACCOMPAGNEMENT,
           ["cep--accompagnement-personnalise", "cep--reconversion"], ["agents-publics"]),
    ],
}
# fmt: on


def services_choose(rng: random.Random, reseau: str) -> list[ServiceTemplate]:
    """One to three services of the network's catalogue, the first always included."""
    catalogue = CATALOGUE[reseau]
    extra = rng.randint(0, min(2, len(catalogue) - 1))
    return [catalogue[0], *rng.sample(catalogue[1:], extra)]


def service_build(template: ServiceTemplate, **fields) -> Service:
    return Service(
        nom=template.nom,
        description=template.description,
        type=template.type,
        frais="gratuit",
        modes_accueil=list(template.modes_accueil),
        modes_mobilisation=list(template.modes_mobilisation),
        est_demo=True,
        **fields,
    )


# --- Networks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How a network looks on the ground, for generated data (estimates unless DOMAIN.md §4)."""

    sites: int  # national number of reception sites
    sectorisation: str  # commune | epci (the département split between sites) | epci-own | …
    nom: str  # structure name: {nom} / {de} of the seat commune, {territoire}
    grouping: str = ""  # "": one structure per site; ml (~15 places); departement; region
    everywhere: str = ""  # at least one site per departement / region when the count allows
    publics: tuple[str, ...] = ("",)  # sectorisation restricted to these publics ("": all)
    delai: int = 7  # typical days before a first appointment (a demo assumption)


_DEP, _REG = "departement", "region"
# fmt: off
PROFILES: dict[str, Profile] = {
    Reseau.MISSION_LOCALE: Profile(6800, "epci", "Mission locale {de}", "ml", _DEP, delai=10),
    Reseau.INFO_JEUNES: Profile(1150, "epci-own", "Point Info Jeunes {de}", delai=2),
    Reseau.FRANCE_TRAVAIL: Profile(900, "commune", "France Travail {nom}", "", _DEP, delai=5),
    Reseau.CEP_ACTIFS_OCCUPES: Profile(
        600, _DEP, "Opérateur régional CEP {territoire}", _REG, _DEP, _CEP_PUBLICS, 14),
    Reseau.CHAMBRE_CONSULAIRE: Profile(
        400, _DEP, "Chambre de métiers et de l'artisanat — {nom}"),
    Reseau.CIO: Profile(376, "epci", "CIO {de}", "", _DEP, delai=10),
    Reseau.CAP_EMPLOI: Profile(
        300, _DEP, "Cap emploi {territoire}", _DEP, _DEP,
        ("personnes-en-situation-de-handicap",), 15),
    Reseau.EMPLOYEUR_PUBLIC: Profile(
        300, _REG, "Conseil en mobilité des agents publics — {nom}", publics=("agents-publics",)),
    Reseau.AFPA: Profile(200, _DEP, "Afpa {nom}"),
    Reseau.PLIE: Profile(150, "epci-own", "PLIE {de}"),
    Reseau.REGION: Profile(100, _REG, "Région {territoire} — orientation", _REG, _REG),
    Reseau.MAISON_EMPLOI: Profile(100, "epci-own", "Maison de l'emploi {de}"),
    Reseau.SCUIO: Profile(70, _REG, "Université {de} — orientation et insertion"),
    Reseau.TRANSITIONS_PRO: Profile(60, _REG, "Transitions Pro {territoire}", _REG, _REG, delai=30),
    Reseau.APEC: Profile(45, _REG, "Apec {nom}", "", _REG, ("cadres",)),
    Reseau.CITE_DES_METIERS: Profile(30, _DEP, "Cité des métiers {de}", delai=1),
    Reseau.CARIF_OREF: Profile(18, _REG, "Carif-Oref {territoire}", _REG, _REG),
}
# fmt: on


# --- Site details -----------------------------------------------------------------------------

_HORAIRES = (
    "Mo-Fr 09:00-12:30,13:30-17:00",
    "Mo-Th 08:30-12:00,13:30-17:30; Fr 08:30-12:00,13:30-16:30",
    "Mo-Fr 09:00-12:00,14:00-17:00",
)
HORAIRES: dict[str, tuple[str, ...]] = {
    Reseau.FRANCE_TRAVAIL: ("Mo-Fr 08:30-12:30; Mo-Th 13:30-16:30", "Mo-Fr 08:30-12:30"),
    Reseau.CIO: ("Mo-Fr 09:00-12:30,13:30-17:30", "Mo-Fr 09:00-17:00; Sa 09:00-12:00"),
    Reseau.INFO_JEUNES: ("Tu-Fr 10:00-12:30,13:30-18:00; Sa 10:00-12:30", "Mo-Fr 13:30-18:30"),
    Reseau.CITE_DES_METIERS: ("Tu-Sa 10:00-18:00", "Mo-Fr 09:30-17:30"),
}
_VOIES = (
    "rue de la République", "avenue Jean-Jaurès", "place de la Mairie", "rue Victor-Hugo",
    "boulevard Gambetta", "rue du Général-de-Gaulle", "rue Pasteur", "avenue de la Gare",
    "rue des Écoles", "rue Voltaire", "place du Marché", "rue Jules-Ferry", "rue de la Paix",
)  # fmt: skip
_COMPLEMENTS = ("", "", "", "Bâtiment B", "2e étage", "Espace emploi", "Entrée par la cour")
# Ranges ARCEP reserves for works of fiction (01 99 00…, 02 61 91…, 03 53 01…, 04 65 71…,
# 05 36 49…, mobile 06 39 98…), chosen by the région's geographic zone; E.164 form.
_FICTION = {"1": "+3319900", "2": "+3326191", "3": "+3335301", "4": "+3346571", "5": "+3353649"}
_ZONE = {"11": "1", "24": "2", "28": "2", "52": "2", "53": "2", "27": "3", "32": "3", "44": "3"}
_ZONE |= {"84": "4", "93": "4", "94": "4", "76": "4", "75": "5"}
FRESHNESS_DAYS = 180  # the directory's default freshness window (selectors.freshness_limit)


def point_near(rng: random.Random, place: Place) -> tuple[float, float]:
    """The commune's point moved by up to ~500 m, so that sites of one commune do not overlap."""
    return (
        round(place.latitude + rng.uniform(-0.004, 0.004), 5),
        round(place.longitude + rng.uniform(-0.006, 0.006), 5),
    )


def site_values(
    rng: random.Random,
    *,
    reseau: str,
    place: Place,
    email: str,
    today: date,
    point: tuple[float, float] | None = None,
) -> dict:
    """Fields of a site at ``place`` (at ``point``, default ``point_near``); about a quarter of
    the sites are stale (confirmed more than 180 days ago, or never)."""
    latitude, longitude = point or point_near(rng, place)
    draw = rng.random()
    capacite = (
        Capacite.ACCUEILLE
        if draw < 0.75
        else Capacite.LISTE_ATTENTE
        if draw < 0.93
        else Capacite.COMPLET
    )
    delai = max(1, round(PROFILES[reseau].delai * rng.uniform(0.5, 2.0)))
    if capacite != Capacite.ACCUEILLE:
        delai += rng.randint(15, 45)
    draw = rng.random()
    if draw < 0.72:
        confirmed = today - timedelta(days=rng.randint(1, FRESHNESS_DAYS - 10))
    elif draw < 0.95:
        confirmed = today - timedelta(days=rng.randint(FRESHNESS_DAYS + 10, 540))
    else:
        confirmed = None
    updated = (confirmed or today - timedelta(days=300)) - timedelta(days=rng.randint(0, 90))
    pmr = rng.random()
    return {
        "adresse": f"{rng.randint(1, 120)} {rng.choice(_VOIES)}",
        "complement_adresse": rng.choice(_COMPLEMENTS),
        "code_postal": place.code_postal,
        "commune_id": place.code,
        "latitude": latitude,
        "longitude": longitude,
        "precision": "approchee",
        "horaires_accueil": rng.choice(HORAIRES.get(reseau, _HORAIRES)),
        "accessible_pmr": True if pmr < 0.8 else None if pmr < 0.95 else False,
        "telephone": _FICTION.get(_ZONE.get(place.region, ""), "+3363998")
        + f"{rng.randrange(10_000):04d}",
        "courriel": email,
        "capacite": capacite,
        "delai_typique_jours": delai,
        "date_maj": updated,
        "confirme_le": datetime.combine(confirmed, time(9, 30), tzinfo=UTC) if confirmed else None,
        "est_demo": True,
    }


def de(nom: str) -> str:
    """French "de" before a place name: de Lyon, d'Annecy, du Mans, des Sables-d'Olonne."""
    if nom.startswith("Le "):
        return f"du {nom[3:]}"
    if nom.startswith("Les "):
        return f"des {nom[4:]}"
    return f"d'{nom}" if nom[0] in "AEIOUYÂÉÈÊÎÔ" else f"de {nom}"


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


def centroid(places: Sequence[Place]) -> tuple[float, float]:
    """Population-weighted mean point of ``places``."""
    weights = [max(p.population, 1) for p in places]
    total = sum(weights)
    return (
        sum(p.latitude * w for p, w in zip(places, weights, strict=True)) / total,
        sum(p.longitude * w for p, w in zip(places, weights, strict=True)) / total,
    )


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
