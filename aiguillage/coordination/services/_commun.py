"""What the services share: the error with French messages per field, the required fields'
messages (the forms reuse them), and two helpers."""

from __future__ import annotations

from collections.abc import Sequence

from aiguillage.coordination import access
from aiguillage.directory.models import Structure

#: People one structure may have sent to a session (a forum's stand included); beyond, a typo.
NOMBRE_MAXIMUM = 500

#: The message for each field a session needs (the forms reuse them for their required fields).
OBLIGATOIRES_RENCONTRE = {
    "type": "Choisissez le type de rencontre.",
    "intitule": "L'intitulé est obligatoire.",
    "debut": "Indiquez la date et l'heure de début.",
    "fin": "Indiquez la date et l'heure de fin.",
    "organisatrice": "Choisissez la structure qui organise la rencontre.",
}
OBLIGATOIRES_GROUPE = {
    "nom": "Le nom du groupe est obligatoire.",
    "theme": "Indiquez le thème du groupe, par exemple « ingénierie financière ».",
    "animatrice": "Choisissez la structure qui anime le groupe.",
}


class DonneesInvalides(ValueError):
    """Bad input to a service, with French messages keyed by field."""

    def __init__(self, erreurs: dict[str, str]):
        self.erreurs = erreurs
        super().__init__("; ".join(f"{k} : {v}" for k, v in erreurs.items()))


def _distinctes(structures: Sequence[Structure], sauf: Structure | None) -> list[Structure]:
    """``structures`` once each, in order, without ``sauf`` (the organiser or animator)."""
    vues: set[int] = set()
    result = []
    for structure in structures:
        if structure.pk in vues or (sauf is not None and structure.pk == sauf.pk):
            continue
        vues.add(structure.pk)
        result.append(structure)
    return result


def _organisable(user, structure: Structure) -> bool:
    return access.structures_organisables(user).filter(pk=structure.pk).exists()
