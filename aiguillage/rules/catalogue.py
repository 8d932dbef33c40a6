"""The catalogue of rules (``regles.yaml``): for each rule id, its title and the texts it rests on.

Concept map: ``textes`` are legal or official texts (title, address when confirmed); ``regles``
map each rule id of :mod:`aiguillage.rules.competence` to a title and a list of text ids. A trace
entry names a rule id; the decision's references come from here and from the parameters the rule
read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from aiguillage.rules.parametres import Reference

__all__ = ["FICHIER_CATALOGUE", "Regle", "catalogue"]

FICHIER_CATALOGUE = Path(__file__).resolve().parent / "regles.yaml"


@dataclass(frozen=True)
class Regle:
    identifiant: str
    titre: str
    references: tuple[Reference, ...]


@cache
def catalogue() -> dict[str, Regle]:
    """Rule id → :class:`Regle`; fails loudly on a rule citing an unknown text or none."""
    with FICHIER_CATALOGUE.open(encoding="utf-8") as flux:
        data = yaml.safe_load(flux)
    textes = {
        cle: Reference(texte["titre"], texte.get("url")) for cle, texte in data["textes"].items()
    }
    regles = {}
    for identifiant, regle in data["regles"].items():
        inconnus = [t for t in regle["textes"] if t not in textes]
        if inconnus or not regle["textes"]:
            raise ValueError(f"{identifiant} : textes inconnus ou absents {inconnus}")
        refs = tuple(textes[t] for t in regle["textes"])
        regles[identifiant] = Regle(identifiant, regle["titre"], refs)
    return regles
