"""``aiguillage observatoire analyser DOSSIER``, ``… simuler`` and ``… plateforme``.

``analyser`` and ``simuler`` make no database query: the analysis reads a folder in the open
import format (docs/observatory.md) and prints JSON or CSV; the simulator writes such a folder.
``plateforme`` writes the platform's own activity (referrals, co-accompaniments, agreements,
resources; ``observatory.platform``) as such a folder, and analyses it with ``--analyser``.
Exit status 1 with every per-row error (in French) when the folder is invalid; nothing is
analysed then.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile

from django.core.management.base import BaseCommand, CommandError

from aiguillage.observatory.engine.analysis import folder_analyse, result_csv
from aiguillage.observatory.engine.loading import ImportErrors
from aiguillage.observatory.simulation import region_simulate

MAX_SHOWN = 200


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Date invalide : {text} (attendu AAAA-MM-JJ).") from exc


class Command(BaseCommand):
    help = "Observatoire des coopérations : analyse d'un dossier, simulation d'une région."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        analyser = sub.add_parser("analyser", help="Analyse un dossier au format d'import.")
        analyser.add_argument("dossier")
        analyser.add_argument("--format", choices=["json", "csv"], default="json")
        analyser.add_argument(
            "--date", help="Fin de la période (AAAA-MM-JJ) ; défaut : dernière interaction."
        )
        analyser.add_argument("--mois", type=int, default=12, help="Durée de la période.")
        simuler = sub.add_parser("simuler", help="Génère une région simulée au format d'import.")
        simuler.add_argument("--configuration", required=True, choices=["1", "2", "3", "mixte"])
        simuler.add_argument("--territoires", type=int, default=6)
        simuler.add_argument("--organisations-par-territoire", type=int, default=18)
        simuler.add_argument("--interactions-par-territoire", type=int, default=400)
        simuler.add_argument("--seed", type=int, default=0)
        simuler.add_argument("--prefixe", default="SIM", help="Préfixe des codes de territoire.")
        simuler.add_argument(
            "--annees", type=int, default=1, help="Années d'interactions (2 : tendances)."
        )
        simuler.add_argument("--sortie", help="Dossier de sortie (défaut : dossier temporaire).")
        plateforme = sub.add_parser(
            "plateforme", help="Écrit l'activité de la plateforme au format d'import."
        )
        plateforme.add_argument("--region", help="Code INSEE de la région (défaut : toutes).")
        plateforme.add_argument("--sortie", help="Dossier de sortie (défaut : temporaire).")
        plateforme.add_argument("--date", help="Fin de la période analysée (AAAA-MM-JJ).")
        plateforme.add_argument("--mois", type=int, default=12, help="Durée de la période.")
        plateforme.add_argument(
            "--analyser", action="store_true", help="Analyse aussi le dossier écrit (JSON)."
        )

    def handle(self, *args, action, **options):
        getattr(self, "_" + action)(**options)

    def _analyser(self, *, dossier, format, date, mois, **_):
        try:
            result = folder_analyse(dossier, end=_date(date) if date else None, months=mois)
        except ImportErrors as exc:
            for error in exc.errors[:MAX_SHOWN]:
                self.stderr.write(error)
            if len(exc.errors) > MAX_SHOWN:
                self.stderr.write(f"… et {len(exc.errors) - MAX_SHOWN} autre(s).")
            raise CommandError(f"{len(exc.errors)} erreur(s) : rien n'a été analysé.") from exc
        if format == "csv":
            self.stdout.write(result_csv(result), ending="")
        else:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def _plateforme(self, *, region, sortie, date, mois, analyser, **_):
        from aiguillage.observatory.platform import platform_folder_write

        folder = sortie or tempfile.mkdtemp(prefix="observatoire-plateforme-")
        end = _date(date) if date else None
        counts = platform_folder_write(folder, region_code=region, end=end)
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stderr.write(f"Activité de la plateforme écrite dans {folder} : {summary}.")
        if analyser:
            self._analyser(dossier=folder, format="json", date=date, mois=mois)

    def _simuler(self, *, configuration, territoires, organisations_par_territoire,
                 interactions_par_territoire, seed, prefixe, sortie, annees=1, **_):  # fmt: skip
        folder = sortie or tempfile.mkdtemp(prefix="observatoire-simule-")
        try:
            truth = region_simulate(
                configuration=configuration,
                folder=folder,
                territories=territoires,
                organisations_per_territory=organisations_par_territoire,
                interactions_per_territory=interactions_par_territoire,
                seed=seed,
                prefix=prefixe,
                years=annees,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Région SIMULÉE écrite dans {folder} : {len(truth)} territoire(s), configuration "
            f"{configuration}, graine {seed}."
        )
