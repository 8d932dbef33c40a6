"""The rule engine's small toolbox: reading dated parameters, rule results, the rule registry.

Concept map:

- a rule reads the :class:`~aiguillage.rules.situation.Situation` and the parameters in force at
  its date through a :class:`Lecteur` (which records every parameter read, for the trace), and
  returns a :class:`Resultat`: whether it applies, a detail for the trace, and the sentence for
  the person (``motif``);
- the network a rule makes competent is declared with the rule (``@regle(id, reseau)``), or given
  by the result when it depends on the date (``actifs_occupes``: ``fongecif`` before 2020,
  ``cep_actifs_occupes`` since); a rule may also ``complete`` the motif of other networks
  (seasonal workers);
- derived facts: *en emploi* (:attr:`Situation.en_emploi`), *en recherche d'emploi*
  (:func:`en_recherche`: job seeker, registered with France Travail, in a CSP, or an RSA
  beneficiary once registration is automatic) and *actif* (either).

The rules themselves live in :mod:`aiguillage.rules.competence` (CEP operators) and
:mod:`aiguillage.rules.hors_cep` (other places and explanations), registered in :data:`REGLES` in
that order. Every rule is evaluated for every situation; the trace keeps those that did not apply.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, NamedTuple

from aiguillage.rules.parametres import Parametres, ValeurDatee
from aiguillage.rules.reseaux import LIBELLES, PARAMETRES_LIBELLES
from aiguillage.rules.situation import Situation

__all__ = [
    "REGLES",
    "Lecteur",
    "Resultat",
    "date_fr",
    "en_recherche",
    "inscription_automatique",
    "regle",
]


class Lecteur:
    """Reads parameters at the situation's date and remembers which ones were read.

    A reader serves many rules: each value is looked up once (same parameters, same date), and
    :meth:`relever` hands over what the last rule read, for its trace.
    """

    def __init__(self, parametres: Parametres, date: datetime.date):
        self.parametres = parametres
        self.date = date
        self.lus: list[ValeurDatee] = []
        self._en_vigueur: dict[str, ValeurDatee] = {}

    def valeur_datee(self, nom: str) -> ValeurDatee:
        valeur = self._en_vigueur.get(nom)
        if valeur is None:
            valeur = self._en_vigueur[nom] = self.parametres.valeur(nom, self.date)
        if valeur not in self.lus:
            self.lus.append(valeur)
        return valeur

    def __call__(self, nom: str) -> Any:
        return self.valeur_datee(nom).valeur

    def libelle(self, reseau: str) -> str:
        """The network's name as shown at the date (Pôle emploi before 2024)."""
        if reseau in PARAMETRES_LIBELLES:
            return self(PARAMETRES_LIBELLES[reseau])
        return LIBELLES[reseau]

    def relever(self) -> tuple[ValeurDatee, ...]:
        """The values read since the last call (by one rule), in reading order; starts afresh."""
        lus, self.lus = tuple(self.lus), []
        return lus


class Resultat(NamedTuple):
    """What a rule concludes: whether it applies, a detail for the trace, the sentence for the
    person, the network when the result gives it, and the networks whose motif it completes."""

    applique: bool
    detail: str
    motif: str = ""
    reseau: str | None = None
    complete: tuple[str, ...] = ()


Fonction = Callable[[Situation, Lecteur], Resultat]
#: Rule id → (network it makes competent or None, function), in evaluation order.
REGLES: dict[str, tuple[str | None, Fonction]] = {}


def regle(identifiant: str, reseau: str | None = None) -> Callable[[Fonction], Fonction]:
    def enregistrer(fonction: Fonction) -> Fonction:
        REGLES[identifiant] = (reseau, fonction)
        return fonction

    return enregistrer


_MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def date_fr(date: datetime.date) -> str:
    """``1er janvier 2025``, ``5 mars 2014``."""
    jour = "1er" if date.day == 1 else str(date.day)
    return f"{jour} {_MOIS[date.month - 1]} {date.year}"


def en_recherche(s: Situation, lire: Lecteur) -> bool:
    """Looks for a job in the sense of France Travail's public (L5411-1, CSP, RSA from 2025)."""
    if s.activite == "demandeur_emploi" or s.inscrit_france_travail or s.csp:
        return True
    return bool(s.beneficiaire_rsa) and lire("competence.france_travail.inscription_automatique")


def inscription_automatique(lire: Lecteur, qui: str, reseau: str) -> str:
    """The sentence about automatic registration with France Travail, once it is in force."""
    auto = lire.valeur_datee("competence.france_travail.inscription_automatique")
    if not auto.valeur:
        return ""
    return (
        f" Depuis le {date_fr(auto.depuis)}, {qui} sont aussi inscrits à "
        f"{lire.libelle('france_travail')}, {reseau} restant leur organisme référent."
    )
