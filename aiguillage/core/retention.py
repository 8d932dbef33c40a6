"""Retention of the audit log: its events are deleted after a bounded period.

The log records who viewed or changed what (``AuditEvent``): actor ids and e-mail addresses,
names of the records viewed, IP addresses. It is personal data, so it is kept only for
``AIGUILLAGE_JOURNAL_CONSERVATION_MOIS`` months (12 by default; the CNIL recommends six months
to one year for access logs), then deleted by ``aiguillage journal purger``.

:func:`journal_purger` is the **only** code path allowed to delete events:

- the model and its querysets refuse ``delete()`` (``AppendOnlyError``); the purge deletes with
  a raw delete, which sends no signal and calls no ``delete()`` method;
- on PostgreSQL the trigger of migration 0002, replaced by 0003, refuses every UPDATE and every
  DELETE, except a DELETE of a row older than the cut-off date that the transaction has
  declared with ``set_config('aiguillage.purge_journal_avant', …, true)`` (a transaction-local
  setting: it disappears at COMMIT or ROLLBACK). Recent events cannot be deleted, even by the
  purge, and nothing else is let through;
- on SQLite (the demo database) only the model guards against deletes.

The whole purge is one transaction: the batches of deletes and the audit event that records the
purge (counts and dates only, no personal data) commit together, or not at all. Running it again
the same day deletes nothing more and records another event with a count of zero.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.utils import timezone

from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction, AuditEvent

__all__ = [
    "OBJET_PURGE",
    "PARAMETRE_PURGE",
    "RapportPurgeJournal",
    "journal_limite",
    "journal_purger",
    "mois_retirer",
]

#: ``object_type`` of the audit event that records a purge of the log.
OBJET_PURGE = "core.retention"
#: The PostgreSQL setting through which the purge declares its cut-off to the trigger.
PARAMETRE_PURGE = "aiguillage.purge_journal_avant"
LOT = 1000


@dataclass
class RapportPurgeJournal:
    date: date
    limite: date
    conservation_mois: int
    dry_run: bool = False
    evenements: int = 0

    def __str__(self) -> str:
        verbe = "à supprimer" if self.dry_run else "supprimé(s)"
        return (
            f"Journal d'audit, conservation {self.conservation_mois} mois : "
            f"{self.evenements} événement(s) antérieur(s) au {self.limite:%d/%m/%Y} {verbe}."
        )


def mois_retirer(jour: date, mois: int) -> date:
    """``jour`` minus ``mois`` months (31 March minus one month: 28 or 29 February)."""
    total = jour.year * 12 + jour.month - 1 - mois
    annee, mois_ = divmod(total, 12)
    mois_ += 1
    return date(annee, mois_, min(jour.day, calendar.monthrange(annee, mois_)[1]))


def _conservation_mois() -> int:
    mois = settings.AIGUILLAGE_JOURNAL_CONSERVATION_MOIS
    if mois < 1:
        raise ImproperlyConfigured(
            "AIGUILLAGE_JOURNAL_CONSERVATION_MOIS doit valoir au moins 1 (mois) ; "
            f"valeur actuelle : {mois}."
        )
    return mois


def journal_limite(aujourd_hui: date) -> tuple[date, datetime]:
    """The cut-off day and instant: events strictly before midnight (Paris) of that day go."""
    jour = mois_retirer(aujourd_hui, _conservation_mois())
    return jour, timezone.make_aware(datetime.combine(jour, time.min))


def _purge_autoriser(using: str, limite: datetime | None) -> None:
    """Let the PostgreSQL trigger accept the deletion of the events dated before ``limite`` (and
    nothing else) until the end of the current transaction, or until called with ``None``."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    valeur = limite.astimezone(UTC).isoformat() if limite is not None else ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [PARAMETRE_PURGE, valeur])


def journal_purger(
    *, aujourd_hui: date | None = None, dry_run: bool = False
) -> RapportPurgeJournal:
    """Delete the audit events older than the retention period on ``aujourd_hui`` (default:
    today, Paris time), in batches, in one transaction, and record the purge in the log."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    limite_jour, limite = journal_limite(aujourd_hui)
    rapport = RapportPurgeJournal(
        date=aujourd_hui,
        limite=limite_jour,
        conservation_mois=_conservation_mois(),
        dry_run=dry_run,
    )
    anciens = AuditEvent.objects.filter(at__lt=limite).order_by()
    if dry_run:
        rapport.evenements = anciens.count()
        return rapport

    using = router.db_for_write(AuditEvent)
    anciens = anciens.using(using)
    with transaction.atomic(using=using):
        _purge_autoriser(using, limite)
        while True:
            lot = list(anciens.values_list("pk", flat=True)[:LOT])
            if not lot:
                break
            # The raw delete is the purge's own path around AuditEventQuerySet.delete().
            supprimes = AuditEvent.objects.using(using).filter(pk__in=lot)._raw_delete(using)
            if not supprimes:  # already deleted by a concurrent purge: it will finish the job
                break
            rapport.evenements += supprimes
        # Closed at once, not at COMMIT: when the caller's transaction encloses this one, the
        # bypass must not outlive the purge. (On an error, the rollback undoes it anyway.)
        _purge_autoriser(using, None)
        audit_record(
            action=AuditAction.DELETE,
            object_type=OBJET_PURGE,
            object_repr=f"Purge du journal d'audit : événements antérieurs au "
            f"{limite_jour:%d/%m/%Y}",
            details={
                "date": aujourd_hui.isoformat(),
                "limite": limite_jour.isoformat(),
                "conservation_mois": rapport.conservation_mois,
                "evenements": rapport.evenements,
            },
        )
    return rapport
