"""``aiguillage adressages relancer|purger``: the reminder ladder and the retention purge.

Both are idempotent and meant for a daily cron line or systemd timer (examples in
docs/adressages-donnees-personnelles.md). ``--date`` replays a given day (tests, catching up);
``--dry-run`` says what would be done without writing anything.
"""

from __future__ import annotations

from aiguillage.core.management.actions import (
    CommandeAActions,
    date_option,
    jour_et_essai_arguments,
)
from aiguillage.referrals.reminders import relances_envoyer
from aiguillage.referrals.retention import purger


class Command(CommandeAActions):
    help = "Adressages : échelle de rappels (relancer) et durée de conservation (purger)."

    ACTIONS = {
        "relancer": "Rappels aux structures destinataires, escalade aux responsables, expiration "
        "des adressages sans réponse (à lancer chaque jour ouvré par cron ou un timer systemd).",
        "purger": "Anonymise les adressages clôturés depuis plus de la durée de conservation, les "
        "personnes sans suivi en cours, et supprime les anciennes notifications.",
    }

    # relancer ---------------------------------------------------------------------------

    def _arguments_relancer(self, parser):
        jour_et_essai_arguments(parser)

    def _relancer(self, *, date: str | None, dry_run: bool, **_):
        rapport = relances_envoyer(aujourd_hui=date_option(date), dry_run=dry_run)
        if dry_run:
            for public_id, niveau in rapport.actions:
                self.stdout.write(f"  {niveau} : adressage {public_id}")
        self.stdout.write(("Simulation — " if dry_run else "") + str(rapport))

    # purger -----------------------------------------------------------------------------

    def _arguments_purger(self, parser):
        jour_et_essai_arguments(parser)

    def _purger(self, *, date: str | None, dry_run: bool, **_):
        rapport = purger(aujourd_hui=date_option(date), dry_run=dry_run)
        self.stdout.write(("Simulation — " if dry_run else "") + str(rapport))
