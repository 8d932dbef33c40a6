"""``aiguillage financer FICHIER`` (or ``-`` for standard input): print the funding answer as JSON.

The same engine as the counsellor's page (``orientation.financement.financement_pour``); nothing
is stored. Exit status 2 with French messages when the request is invalid.
"""

from __future__ import annotations

from aiguillage.orientation.financement import financement_pour
from aiguillage.orientation.management.commande_json import CommandeSituationJSON


class Command(CommandeSituationJSON):
    help = (
        "Évalue une situation (JSON) et affiche les dispositifs de financement possibles, "
        "éligibles, à vérifier ou non éligibles (JSON)."
    )

    def repondre(self, situation):
        return financement_pour(situation)
