"""``aiguillage financer FICHIER`` (or ``-`` for standard input): print the funding answer as JSON.

The same engine as the counsellor's page (``orientation.financement.financement_pour``); nothing
is stored. Exit status 2 with French messages when the request is invalid.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aiguillage.orientation.financement import SituationInvalide, financement_pour


class Command(BaseCommand):
    help = (
        "Évalue une situation (JSON) et affiche les dispositifs de financement possibles, "
        "éligibles, à vérifier ou non éligibles (JSON)."
    )

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
            demande = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"JSON invalide (ligne {exc.lineno}, colonne {exc.colno}).") from exc
        if not isinstance(demande, dict):
            raise CommandError("La situation doit être un objet JSON.")
        try:
            reponse = financement_pour(demande)
        except SituationInvalide as exc:
            for message in exc.erreurs:
                self.stderr.write(message)
            raise CommandError("Situation invalide.", returncode=2) from exc
        self.stdout.write(json.dumps(reponse, ensure_ascii=False, indent=2))
