"""``aiguillage orienter FICHIER`` (or ``-`` for standard input): print the decision as JSON.

The same engine as the API and the pages (``orientation.services.decision_for``); nothing is
stored. Exit status 2 with French messages when the situation is invalid.
"""

from __future__ import annotations

from aiguillage.orientation.management.commande_json import CommandeSituationJSON
from aiguillage.orientation.services import decision_for


class Command(CommandeSituationJSON):
    help = "Évalue une situation (JSON) et affiche les opérateurs compétents (JSON)."

    def repondre(self, situation):
        return decision_for(situation)
