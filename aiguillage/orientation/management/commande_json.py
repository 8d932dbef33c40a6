"""One base for the commands that read a situation in JSON and print an answer in JSON
(``orienter``, ``financer``): file or ``-`` for standard input, French messages, exit status 2
when the situation is invalid."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from aiguillage.orientation.services import SituationInvalide


class CommandeSituationJSON(BaseCommand):
    """Subclasses set ``help`` and define ``repondre(situation) -> dict``, which raises
    ``SituationInvalide`` for an invalid situation."""

    def add_arguments(self, parser):
        parser.add_argument(
            "fichier", help="Fichier JSON de la situation, ou « - » pour l'entrée standard."
        )

    def repondre(self, situation: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

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
            reponse = self.repondre(situation)
        except SituationInvalide as exc:
            for message in exc.erreurs:
                self.stderr.write(message)
            raise CommandError("Situation invalide.", returncode=2) from exc
        self.stdout.write(json.dumps(reponse, ensure_ascii=False, indent=2))
