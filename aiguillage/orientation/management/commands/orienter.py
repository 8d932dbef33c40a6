"""``aiguillage orienter FICHIER`` (or ``-`` for standard input): print the decision as JSON.

The same engine as the API and the pages (``orientation.services.decision_for``); nothing is
stored. Exit status 2 with French messages when the situation is invalid.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aiguillage.orientation.services import SituationInvalide, decision_for


class Command(BaseCommand):
    help = "Évalue une situation (JSON) et affiche les opérateurs compétents (JSON)."

    def add_arguments(self, parser):
        parser.add_argument(
            "fichier", help="Fichier JSON de la situation, ou « - » pour l'entrée standard."
        )

    def handle(self, *args, fichier: str, **options):
        try:
            text = (
                sys.stdin.read()
                if fichier == "-"
                else Path(fichier).read_text(encoding="utf-8-sig")
            )
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {fichier} ({exc.strerror}).") from exc
        try:
            situation = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"JSON invalide (ligne {exc.lineno}, colonne {exc.colno}).") from exc
        if not isinstance(situation, dict):
            raise CommandError("La situation doit être un objet JSON.")
        try:
            decision = decision_for(situation)
        except SituationInvalide as exc:
            for message in exc.erreurs:
                self.stderr.write(message)
            raise CommandError("Situation invalide.", returncode=2) from exc
        self.stdout.write(json.dumps(decision, ensure_ascii=False, indent=2))
