"""The funding rules' toolbox: conditions, amounts, the scheme registry, the catalogue.

Concept map:

- a scheme's rule is a small function ``(demande, lire) -> Examen`` registered with
  ``@dispositif("cpf")``; it reads the request and the dated parameters through the orientation
  engine's :class:`~aiguillage.rules.moteur.Lecteur` (which remembers the values read, for the
  trace) and fills an :class:`Examen`:

  - **conditions**, each *remplie*, *non remplie* or *à vérifier*, with a sentence in plain
    French saying why (the value the person gave and the rule's bound);
  - **montants**: the amounts and parameters that apply at the date (CPF credit and cap, the
    co-payment, seniority bounds, hours…), each with its dated legal reference;
  - **à savoir**: what a counsellor checks by hand (free-text conditions, as aides-jeunes does);

- a scheme's status follows from its conditions: *non éligible* if one is not met, else *à
  vérifier* if one is to check, else *éligible* (the decider still decides);
- :func:`catalogue` reads ``dispositifs.yaml``: each scheme's name, purpose, decider, projects
  and texts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from aiguillage.rules.financements.faits import PROJETS, PROJETS_EN_PHRASE, Demande
from aiguillage.rules.moteur import Lecteur, date_fr
from aiguillage.rules.parametres import Reference, ValeurDatee

__all__ = [
    "A_VERIFIER",
    "DISPOSITIFS",
    "ELIGIBLE",
    "NON_ELIGIBLE",
    "NON_REMPLIE",
    "REMPLIE",
    "STATUTS",
    "Condition",
    "Dispositif",
    "Examen",
    "Montant",
    "catalogue",
    "dispositif",
    "euros",
    "mois",
    "nombre",
]

REMPLIE, NON_REMPLIE, A_VERIFIER = "remplie", "non_remplie", "a_verifier"
ELIGIBLE, NON_ELIGIBLE = "eligible", "non_eligible"
#: Statuses, in the order the page groups them, with their labels.
STATUTS = {ELIGIBLE: "Éligible", A_VERIFIER: "À vérifier", NON_ELIGIBLE: "Non éligible"}
ETATS = {REMPLIE: "Remplie", NON_REMPLIE: "Non remplie", A_VERIFIER: "À vérifier"}

FICHIER_CATALOGUE = Path(__file__).resolve().parent / "dispositifs.yaml"


@dataclass(frozen=True)
class Condition:
    """One condition of a scheme: its label, whether it is met, and why (plain French)."""

    libelle: str
    etat: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {
            "condition": self.libelle,
            "etat": self.etat,
            "etat_libelle": ETATS[self.etat],
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Montant:
    """An amount or parameter that applies at the date, as shown, with its dated source."""

    libelle: str
    affichage: str
    parametre: ValeurDatee | None = None

    def as_dict(self) -> dict[str, Any]:
        sortie: dict[str, Any] = {"libelle": self.libelle, "affichage": self.affichage}
        if self.parametre is not None:
            sortie.update(
                nom=self.parametre.nom,
                valeur=self.parametre.valeur,
                depuis=self.parametre.depuis.isoformat(),
                reference=self.parametre.reference.as_dict(),
            )
        return sortie


class Examen:
    """What one scheme's rule found for a request (filled by the rule, read by the engine)."""

    def __init__(self) -> None:
        self.conditions: list[Condition] = []
        self.montants: list[Montant] = []
        self.a_savoir: list[str] = []

    def remplie(self, libelle: str, detail: str) -> None:
        self.conditions.append(Condition(libelle, REMPLIE, detail))

    def non_remplie(self, libelle: str, detail: str) -> None:
        self.conditions.append(Condition(libelle, NON_REMPLIE, detail))

    def a_verifier(self, libelle: str, detail: str) -> None:
        self.conditions.append(Condition(libelle, A_VERIFIER, detail))

    def selon(self, libelle: str, valeur: bool | None, *, oui: str, non: str, inconnu: str) -> None:
        """A condition met when ``valeur`` is true, not met when false, to check when unknown."""
        if valeur is None:
            self.a_verifier(libelle, inconnu)
        elif valeur:
            self.remplie(libelle, oui)
        else:
            self.non_remplie(libelle, non)

    def montant(self, libelle: str, affichage: str, parametre: ValeurDatee | None = None) -> None:
        self.montants.append(Montant(libelle, affichage, parametre))

    def savoir(self, texte: str) -> None:
        self.a_savoir.append(texte)

    @property
    def statut(self) -> str:
        etats = {c.etat for c in self.conditions}
        if NON_REMPLIE in etats:
            return NON_ELIGIBLE
        return A_VERIFIER if A_VERIFIER in etats else ELIGIBLE

    def signature(self) -> tuple:
        """What a counsellor sees change: the status and the amounts (used to find the unknown
        facts worth asking)."""
        return (self.statut, tuple((m.libelle, m.affichage) for m in self.montants))


Regle = Callable[[Demande, Lecteur], Examen]
#: Scheme id → its rule, in the catalogue's order once every module is imported.
DISPOSITIFS: dict[str, Regle] = {}


def dispositif(identifiant: str) -> Callable[[Regle], Regle]:
    def enregistrer(fonction: Regle) -> Regle:
        DISPOSITIFS[identifiant] = fonction
        return fonction

    return enregistrer


@dataclass(frozen=True)
class Dispositif:
    """A scheme of the catalogue: name, purpose, decider, projects it serves, texts."""

    identifiant: str
    libelle: str
    objet: str
    decideur: str
    projets: tuple[str, ...]
    references: tuple[Reference, ...]


@cache
def catalogue() -> dict[str, Dispositif]:
    """Scheme id → :class:`Dispositif`; fails loudly on an unknown text or project."""
    with FICHIER_CATALOGUE.open(encoding="utf-8") as flux:
        data = yaml.safe_load(flux)
    textes = {cle: Reference(t["titre"], t.get("url")) for cle, t in data["textes"].items()}
    sortie = {}
    for identifiant, d in data["dispositifs"].items():
        inconnus = [t for t in d["textes"] if t not in textes] + [
            p for p in d["projets"] if p not in PROJETS
        ]
        if inconnus or not d["textes"]:
            raise ValueError(f"{identifiant} : textes ou projets inconnus ou absents {inconnus}")
        sortie[identifiant] = Dispositif(
            identifiant,
            d["libelle"],
            d["objet"],
            d["decideur"],
            tuple(d["projets"]),
            tuple(textes[t] for t in d["textes"]),
        )
    return sortie


# --- helpers shared by the rules ---------------------------------------------------------------


def euros(centimes: int) -> str:
    """``50000`` → ``500 €``; ``10320`` → ``103,20 €``; ``500000`` → ``5 000 €``."""
    entiers, reste = divmod(centimes, 100)
    texte = f"{entiers:,}".replace(",", " ")
    return f"{texte},{reste:02d} €" if reste else f"{texte} €"


def salarie_prive(d: Demande) -> bool:
    """Works as an employee under private law: a *salarié*, or a student or retiree who works
    (public agents apart)."""
    if d.activite == "salarie":
        return True
    return d.activite in ("etudiant", "retraite") and d.exerce_un_emploi is True


def projet_sert(ex: Examen, d: Demande, identifiant: str, *, sert_a: str) -> None:
    """The condition « the project is one the scheme funds », from the catalogue's projects;
    ``sert_a`` says what the scheme is for (« financer une formation certifiante… »)."""
    projets = catalogue()[identifiant].projets
    libelle = "Projet financé par le dispositif"
    if d.projet is None:
        noms = ", ".join(PROJETS_EN_PHRASE[p] for p in projets)
        if set(projets) == set(PROJETS):
            ex.remplie(libelle, f"Tous les types de projet ; ce dispositif sert à {sert_a}.")
        else:
            ex.a_verifier(libelle, f"Projet non précisé ; ce dispositif sert à : {noms}.")
    elif d.projet in projets:
        ex.remplie(
            libelle, f"Projet « {PROJETS_EN_PHRASE[d.projet]} » ; ce dispositif sert à {sert_a}."
        )
    else:
        ex.non_remplie(
            libelle,
            f"Projet « {PROJETS_EN_PHRASE[d.projet]} » : ce dispositif sert à {sert_a}, pas à ce "
            "projet.",
        )


def en_vigueur(ex: Examen, lire: Lecteur, nom: str, libelle: str) -> bool:
    """The condition « the scheme exists at the date », from a dated boolean parameter; says
    when it opens or since when it has closed."""
    valeur = lire.valeur_datee(nom)
    if valeur.valeur:
        ex.remplie(
            "Dispositif en vigueur à cette date",
            f"{libelle} existe depuis le {date_fr(_ouverture(lire, nom, valeur.depuis))}.",
        )
        return True
    ouvertures = [d for d, v in lire.parametres[nom].valeurs if v and d > lire.date]
    if ouvertures:
        detail = f"{libelle} n'existe qu'à partir du {date_fr(ouvertures[0])}."
    else:
        detail = f"{libelle} n'existe plus depuis le {date_fr(valeur.depuis)}."
    ex.non_remplie("Dispositif en vigueur à cette date", detail)
    return False


def _ouverture(lire: Lecteur, nom: str, depuis: datetime.date) -> datetime.date:
    """The first date of the run of true values that includes ``depuis``."""
    debut = depuis
    for date, valeur in reversed(lire.parametres[nom].valeurs):
        if date > depuis:
            continue
        if not valeur:
            break
        debut = date
    return debut


def mois(n: int) -> str:
    return f"{n} mois"


def nombre(n: int) -> str:
    """``1300`` → ``1 300``."""
    return f"{n:,}".replace(",", " ")
