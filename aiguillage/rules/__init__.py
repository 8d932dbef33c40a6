"""Which CEP operators are competent for a person's situation at a date, why, and where else to go.

Pure Python (no Django): the Django layer stores the decisions and fills the operators' sites.

Concept map:

- ``situation.py``   the public contract (JSON with French keys), strict validation with French
                     messages, :data:`SCHEMA_SITUATION`;
- ``parametres/``    dated parameters in the OpenFisca format (value, date, legal reference),
                     loaded by ``parametres.py``; a rule change is a new dated value, never an edit;
- ``regles.yaml``    the catalogue of rules and of the legal texts each rests on (``catalogue.py``);
- ``competence.py``  one small function per rule (France Travail, Mission locale, Cap emploi, Apec,
                     regional operator for employed people / Fongecif before 2020, public agents,
                     pupils, students, retirees, inactive people, seasonal workers, overseas);
- ``reseaux.py``     network slugs, labels, order of the list (most specific public first);
- ``decision.py``    :func:`evaluer`: runs every rule, assembles the decision, finds the unknown
                     facts that would change it (``a_preciser``) and keeps the trace;
- ``version.py``     :func:`version_regles`, stored with each decision.

Usage::

    >>> from aiguillage.rules import evaluer
    >>> decision = evaluer({"date": "2026-03-02", "age": 19, "activite": "demandeur_emploi"})
    >>> [o["reseau"] for o in decision["operateurs"]]
    ['mission_locale', 'france_travail']

The rules guide is ``docs/regles.md``.
"""

from __future__ import annotations

from typing import Any

from aiguillage.rules.decision import evaluer
from aiguillage.rules.parametres import Parametres, Reference, parametres_par_defaut
from aiguillage.rules.situation import (
    SCHEMA_SITUATION,
    Situation,
    SituationInvalide,
    valider_situation,
)
from aiguillage.rules.version import version_regles

__all__ = [
    "SCHEMA_SITUATION",
    "VERSION_REGLES",
    "Parametres",
    "Reference",
    "Situation",
    "SituationInvalide",
    "evaluer",
    "parametres_par_defaut",
    "valider_situation",
    "version_regles",
]


def __getattr__(nom: str) -> Any:
    # VERSION_REGLES is computed on first use, so that importing the package reads no file.
    if nom == "VERSION_REGLES":
        return version_regles()
    raise AttributeError(f"module {__name__!r} has no attribute {nom!r}")
