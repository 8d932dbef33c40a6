"""``aiguillage territoires charger|importer-bassins|importer-contours|chercher``."""

from __future__ import annotations

import gzip
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aiguillage.territories.search import commune_search
from aiguillage.territories.services import (
    BOUNDARY_LEVELS,
    ImportErrors,
    bassins_import,
    boundaries_import,
    bundled_boundaries_load,
    reference_load,
)


def _read_text(path: str) -> str:
    file = Path(path)
    if not file.exists():
        raise CommandError(f"Fichier introuvable : {path}")
    opener = gzip.open if file.suffix == ".gz" else open
    with opener(file, "rt", encoding="utf-8-sig") as handle:
        return handle.read()


class Command(BaseCommand):
    help = "Référentiel des territoires : chargement, bassins, contours, recherche de communes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        charger = sub.add_parser(
            "charger", help="Charge (ou met à jour) régions, départements, EPCI et communes."
        )
        charger.add_argument(
            "--sans-contours",
            action="store_true",
            help="Ne pas charger les contours simplifiés fournis avec le référentiel.",
        )
        bassins = sub.add_parser(
            "importer-bassins",
            help="Importe des bassins (CSV code_commune,code_bassin,nom_bassin).",
        )
        bassins.add_argument("fichier")
        bassins.add_argument("--dry-run", action="store_true", help="Valide sans rien écrire.")
        contours = sub.add_parser(
            "importer-contours", help="Importe des contours GeoJSON (propriété code)."
        )
        contours.add_argument("fichier")
        contours.add_argument("--niveau", required=True, choices=sorted(BOUNDARY_LEVELS))
        chercher = sub.add_parser("chercher", help="Cherche une commune par nom ou code postal.")
        chercher.add_argument("texte")

    def handle(self, *args, action, **options):
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except ImportErrors as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(exc.errors)} erreur(s) : rien n'a été importé.") from exc

    def _charger(self, *, sans_contours: bool, **_):
        report = reference_load()
        self.stdout.write(f"Territoires chargés : {report}.")
        if sans_contours:
            return
        for result in bundled_boundaries_load():
            self.stdout.write(f"Contours chargés : {result}.")

    def _importer_bassins(self, *, fichier: str, dry_run: bool, **_):
        report = bassins_import(content=_read_text(fichier), dry_run=dry_run)
        verb = "valide (rien n'a été écrit)" if dry_run else "importé"
        self.stdout.write(f"Fichier {verb} : {report}.")

    def _importer_contours(self, *, fichier: str, niveau: str, **_):
        report = boundaries_import(content=_read_text(fichier), level=niveau)
        self.stdout.write(f"Importé : {report}.")

    def _chercher(self, *, texte: str, **_):
        for commune in commune_search(texte):
            self.stdout.write(
                f"{commune.code}\t{commune.nom}\t{commune.codes_postaux}\t"
                f"{commune.departement}\t{commune.population or ''}"
            )
