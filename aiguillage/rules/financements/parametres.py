"""The funding rules' dated parameters: ``parametres/financements/**/*.yml``, OpenFisca format.

Concept map:

- the files have the format of :mod:`aiguillage.rules.parametres` (description, dated values,
  one legal reference per value, unit) and are checked by the same function
  (:func:`~aiguillage.rules.parametres.parametre_depuis_donnees`); a file
  ``financements/cpf/plafond.yml`` is the parameter ``financements.cpf.plafond``;
- they end in ``.yml``, not ``.yaml``, **on purpose**: the orientation engine loads every
  ``parametres/**/*.yaml`` into its own set, whose start date is the latest first date of its
  parameters and whose fingerprint is the orientation rules' version. Funding values starting in
  2019 or 2026 would move the orientation's start date and change its version at every funding
  reform. Keeping them apart leaves every orientation decision as it was (ADR 0004);
- :func:`charger` returns **one** :class:`~aiguillage.rules.parametres.Parametres`: the
  orientation's parameters (for the names shown at a date: « Pôle emploi » before 2024) and the
  funding ones. A reform is a new dated value in a file, or
  :meth:`~aiguillage.rules.parametres.Parametres.avec_valeur` to try one.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from aiguillage.rules.parametres import (
    DOSSIER_PARAMETRES,
    ParametreInvalide,
    Parametres,
    parametre_depuis_donnees,
    parametres_par_defaut,
)

__all__ = ["DOSSIER_FINANCEMENTS", "EXTENSION", "PREFIXE", "charger", "parametres_financements"]

DOSSIER_FINANCEMENTS = DOSSIER_PARAMETRES / "financements"
EXTENSION = ".yml"
PREFIXE = "financements"


def charger(
    dossier: Path | str = DOSSIER_FINANCEMENTS, *, base: Parametres | None = None
) -> Parametres:
    """The funding parameters under ``dossier`` (``*.yml``) added to ``base`` (the orientation's
    shipped parameters by default). A ``*.yaml`` file there is refused: the orientation engine
    would load it too."""
    dossier = Path(dossier)
    base = parametres_par_defaut() if base is None else base
    egares = sorted(dossier.rglob("*.yaml"))
    if egares:
        noms = ", ".join(str(f.relative_to(dossier)) for f in egares)
        raise ParametreInvalide(
            f"{noms} : les paramètres de financement s'écrivent en « {EXTENSION} » "
            "(un « .yaml » entrerait dans les paramètres de l'orientation)"
        )
    fichiers = sorted(dossier.rglob(f"*{EXTENSION}"))
    if not fichiers:
        raise ParametreInvalide(f"aucun fichier de paramètre dans {dossier}")
    parametres = {}
    for fichier in fichiers:
        nom = ".".join((PREFIXE, *fichier.relative_to(dossier).with_suffix("").parts))
        with fichier.open(encoding="utf-8") as flux:
            parametres[nom] = parametre_depuis_donnees(nom, yaml.safe_load(flux))
    communs = set(parametres) & set(base)
    if communs:
        raise ParametreInvalide(f"paramètres en double : {sorted(communs)}")
    return Parametres({**base, **parametres})


@cache
def parametres_financements() -> Parametres:
    """The shipped parameters (orientation's and funding's), loaded once."""
    return charger()
