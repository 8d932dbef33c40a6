"""``aiguillage annuaire importer|exporter|relancer|alerter``: data·inclusion formats,
freshness, and the saved searches' alerts.

Actions are listed in ``Command.ACTIONS`` (``core.management.actions.CommandeAActions``); each
has ``_arguments_<name>`` (its options) and ``_<name>`` (what it does). ``alerter`` is idempotent
and meant for a daily cron line or systemd timer; ``--date`` replays a given day, ``--dry-run``
says what would be sent without sending or writing anything.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError

from aiguillage.core.management.actions import (
    CommandeAActions,
    date_option,
    jour_et_essai_arguments,
)
from aiguillage.directory.alerts import saved_search_alerts_send
from aiguillage.directory.interop import (
    ExportErrors,
    csv_export,
    csv_import,
    data_inclusion_export,
    data_inclusion_import,
)
from aiguillage.directory.services import freshness_reminders_send
from aiguillage.territories.services import ImportErrors

FORMATS = ("data-inclusion", "csv")


class Command(CommandeAActions):
    help = "Annuaire : import et export au format data·inclusion (JSON) ou CSV."

    ACTIONS = {
        "importer": "Importe un fichier data·inclusion (JSON) ou un dossier CSV "
        "(structures.csv, services.csv).",
        "exporter": "Exporte l'annuaire au format data·inclusion (JSON) ou CSV.",
        "relancer": "Écrit aux responsables des structures dont des sites ne sont plus à jour "
        "(à lancer chaque jour par cron ou un timer systemd).",
        "alerter": "Envoie les alertes des recherches sauvegardées : les nouveaux services qui "
        "leur correspondent (à lancer chaque jour par cron ou un timer systemd).",
    }

    def handle(self, *args, action, **options):
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except ImportErrors as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(exc.errors)} erreur(s) : rien n'a été importé.") from exc
        except ExportErrors as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(exc.errors)} valeur(s) refusée(s) par le schéma data·inclusion : "
                "corriger l'annuaire, rien n'a été exporté."
            ) from exc

    # importer ---------------------------------------------------------------------------

    def _arguments_importer(self, parser):
        parser.add_argument("fichier", help="Fichier JSON, ou dossier CSV.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="Par défaut : csv pour un dossier, data-inclusion pour un fichier.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Valide sans rien écrire.")

    def _importer(self, *, fichier: str, format: str | None, dry_run: bool, **_):
        path = Path(fichier)
        if not path.exists():
            raise CommandError(f"Fichier introuvable : {fichier}")
        fmt = format or ("csv" if path.is_dir() else "data-inclusion")
        if fmt == "csv":
            if not path.is_dir():
                raise CommandError(f"Le format csv attend un dossier : {fichier}")
            report = csv_import(directory=path, dry_run=dry_run)
        else:
            try:
                payload = json.loads(path.read_text(encoding="utf-8-sig"))
            except json.JSONDecodeError as exc:
                raise ImportErrors(
                    [f"Fichier JSON illisible (ligne {exc.lineno}, colonne {exc.colno})."]
                ) from exc
            report = data_inclusion_import(payload=payload, dry_run=dry_run)
        verb = "valide (rien n'a été écrit)" if dry_run else "importé"
        self.stdout.write(f"Fichier {verb} : {report}.")

    # exporter ---------------------------------------------------------------------------

    def _arguments_exporter(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="data-inclusion")
        parser.add_argument(
            "--sortie",
            help="Fichier JSON (par défaut : sortie standard) ou dossier CSV (obligatoire).",
        )

    def _exporter(self, *, format: str, sortie: str | None, **_):
        if format == "csv":
            if not sortie:
                raise CommandError("Le format csv demande --sortie DOSSIER.")
            counts = csv_export(directory=Path(sortie))
            summary = ", ".join(f"{n} ligne(s) dans {name}" for name, n in counts.items())
            self.stdout.write(f"Export CSV : {summary}.")
            return
        text = json.dumps(data_inclusion_export(), ensure_ascii=False, indent=2) + "\n"
        if sortie:
            Path(sortie).write_text(text, encoding="utf-8")
            self.stdout.write(f"Export data·inclusion écrit dans {sortie}.")
        else:
            self.stdout.write(text, ending="")

    # relancer ---------------------------------------------------------------------------

    def _arguments_relancer(self, parser):
        pass

    def _relancer(self, **_):
        sent = freshness_reminders_send()
        self.stdout.write(f"{sent} relance(s) envoyée(s).")

    # alerter ----------------------------------------------------------------------------

    def _arguments_alerter(self, parser):
        jour_et_essai_arguments(parser)

    def _alerter(self, *, date: str | None, dry_run: bool, **_):
        report = saved_search_alerts_send(aujourd_hui=date_option(date), dry_run=dry_run)
        if dry_run:
            for saved_search_id, total in report.actions:
                self.stdout.write(
                    f"  recherche sauvegardée {saved_search_id} : {total} nouveau(x) service(s)"
                )
        self.stdout.write(("Simulation — " if dry_run else "") + str(report))
