"""``aiguillage journal purger``: the retention period of the audit log.

Idempotent, meant for a daily cron line or systemd timer (examples in
docs/journal-des-acces.md). ``--date`` replays a given day (tests, catching up); ``--dry-run``
counts what would be deleted without writing anything.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError

from aiguillage.core.management.actions import (
    CommandeAActions,
    date_option,
    jour_et_essai_arguments,
)
from aiguillage.core.retention import journal_purger


class Command(CommandeAActions):
    help = "Journal d'audit : durée de conservation (purger)."

    ACTIONS = {
        "purger": "Supprime les événements du journal d'audit plus anciens que la durée de "
        "conservation (AIGUILLAGE_JOURNAL_CONSERVATION_MOIS) et inscrit la purge au journal.",
    }

    # purger -----------------------------------------------------------------------------

    def _arguments_purger(self, parser):
        jour_et_essai_arguments(parser)

    def _purger(self, *, date: str | None, dry_run: bool, **_):
        try:
            rapport = journal_purger(aujourd_hui=date_option(date), dry_run=dry_run)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(("Simulation — " if dry_run else "") + str(rapport))
