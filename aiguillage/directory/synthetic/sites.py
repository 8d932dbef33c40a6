"""The details of a generated site: plausible, and clearly fictitious.

Concept map:

- ``site_values``: address, point (``point_near``: the commune's point moved a little), hours in
  OSM format (``HORAIRES``), phone in a range ARCEP keeps for fiction, ``.example`` email,
  capacity and delay (from the network's ``Profile``), freshness (about a quarter stale);
- ``de``: the French "de" before a place name, for structure names.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from aiguillage.directory.models import Capacite, Reseau
from aiguillage.directory.synthetic.catalogue import PROFILES
from aiguillage.directory.synthetic.places import Place

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
