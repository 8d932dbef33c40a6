"""Retention of the audit log: events older than the period are deleted by the purge, and by
nothing else."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from aiguillage.core import retention
from aiguillage.core.audit import audit_record
from aiguillage.core.models import AppendOnlyError, AuditAction, AuditEvent
from aiguillage.core.retention import OBJET_PURGE, PARAMETRE_PURGE, journal_limite, journal_purger

pytestmark = pytest.mark.django_db

AUJOURD_HUI = date(2026, 9, 15)
# 12 months before AUJOURD_HUI, midnight in Paris: events strictly before it go.
LIMITE = timezone.make_aware(datetime(2025, 9, 15))
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")


def _evenement(at: datetime, **kwargs) -> AuditEvent:
    """An event dated ``at`` (``at`` is ``auto_now_add`` and the log refuses updates)."""
    kwargs.setdefault("action", AuditAction.VIEW)
    kwargs.setdefault("object_type", "accounts.user")
    kwargs.setdefault("object_repr", "Camille Martin")
    with mock.patch("django.utils.timezone.now", return_value=at):
        return audit_record(**kwargs)


def _restants(*events: AuditEvent) -> set[int]:
    """Which of ``events`` are still in the log."""
    pks = [event.pk for event in events]
    return set(AuditEvent.objects.filter(pk__in=pks).values_list("pk", flat=True))


def _raw_delete(pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [pk])


def test_the_cut_off_is_midnight_in_paris_twelve_months_before():
    assert journal_limite(AUJOURD_HUI) == (date(2025, 9, 15), LIMITE)
    assert journal_limite(date(2026, 2, 28))[0] == date(2025, 2, 28)
    assert journal_limite(date(2028, 2, 29))[0] == date(2027, 2, 28)


def test_old_events_are_deleted_recent_ones_and_the_boundary_are_kept():
    tres_ancien = _evenement(LIMITE - timedelta(days=800))
    juste_avant = _evenement(LIMITE - timedelta(microseconds=1))
    a_la_limite = _evenement(LIMITE)
    recent = _evenement(LIMITE + timedelta(days=200))
    du_jour = audit_record(action=AuditAction.LOGIN, object_type="accounts.user")

    rapport = journal_purger(aujourd_hui=AUJOURD_HUI)

    assert rapport.evenements == 2
    assert rapport.limite == date(2025, 9, 15)
    assert _restants(tres_ancien, juste_avant, a_la_limite, recent, du_jour) == {
        a_la_limite.pk,
        recent.pk,
        du_jour.pk,
    }


def test_purge_is_recorded_with_counts_and_no_personal_data():
    _evenement(
        LIMITE - timedelta(days=3),
        object_repr="Dominique Lefebvre",
        object_id="4242",
        details={"courriel": "dominique@exemple.test"},
    )
    _evenement(LIMITE - timedelta(days=2), action=AuditAction.LOGIN_FAILED, object_repr="x@y.test")

    journal_purger(aujourd_hui=AUJOURD_HUI)

    (event,) = AuditEvent.objects.filter(object_type=OBJET_PURGE)
    assert event.action == AuditAction.DELETE
    assert event.details == {
        "date": "2026-09-15",
        "limite": "2025-09-15",
        "conservation_mois": 12,
        "evenements": 2,
    }
    assert event.object_repr == "Purge du journal d'audit : événements antérieurs au 15/09/2025"
    assert (event.actor_id, event.actor_label, event.ip_address, event.object_id) == (
        None,
        "",
        None,
        "",
    )
    dump = f"{event.object_repr} {event.details}"
    for personal in ("Dominique", "4242", "dominique@exemple.test", "x@y.test"):
        assert personal not in dump
    # The purge's own record is recent: the next purge keeps it.
    assert event.at >= LIMITE


def test_deletes_in_batches(monkeypatch):
    monkeypatch.setattr(retention, "LOT", 2)
    anciens = [_evenement(LIMITE - timedelta(days=n)) for n in range(1, 6)]
    recent = _evenement(LIMITE + timedelta(days=1))

    rapport = journal_purger(aujourd_hui=AUJOURD_HUI)

    assert rapport.evenements == len(anciens) == 5
    assert _restants(*anciens, recent) == {recent.pk}


def test_second_run_deletes_nothing_and_is_recorded_too():
    _evenement(LIMITE - timedelta(days=1))
    assert journal_purger(aujourd_hui=AUJOURD_HUI).evenements == 1

    assert journal_purger(aujourd_hui=AUJOURD_HUI).evenements == 0

    counts = AuditEvent.objects.filter(object_type=OBJET_PURGE).values_list(
        "details__evenements", flat=True
    )
    assert sorted(counts) == [0, 1]


def test_dry_run_counts_and_writes_nothing():
    ancien = _evenement(LIMITE - timedelta(days=1))
    total = AuditEvent.objects.count()

    rapport = journal_purger(aujourd_hui=AUJOURD_HUI, dry_run=True)

    assert rapport.evenements == 1
    assert AuditEvent.objects.count() == total
    assert AuditEvent.objects.filter(pk=ancien.pk).exists()
    assert not AuditEvent.objects.filter(object_type=OBJET_PURGE).exists()


def test_retention_period_follows_the_setting(settings):
    # The 6-month cut-off is 15 March 2026, midnight in Paris.
    veille = _evenement(timezone.make_aware(datetime(2026, 3, 14, 23)))
    fevrier = _evenement(timezone.make_aware(datetime(2026, 2, 10)))
    garde = _evenement(timezone.make_aware(datetime(2026, 3, 15)))

    assert journal_purger(aujourd_hui=AUJOURD_HUI).evenements == 0
    settings.AIGUILLAGE_JOURNAL_CONSERVATION_MOIS = 6
    rapport = journal_purger(aujourd_hui=AUJOURD_HUI)

    assert (rapport.evenements, rapport.limite) == (2, date(2026, 3, 15))
    assert not AuditEvent.objects.filter(pk__in=[veille.pk, fevrier.pk]).exists()
    assert AuditEvent.objects.filter(pk=garde.pk).exists()


@pytest.mark.parametrize("mois", [0, -3])
def test_a_retention_below_one_month_is_refused(settings, mois):
    settings.AIGUILLAGE_JOURNAL_CONSERVATION_MOIS = mois
    evenement = _evenement(LIMITE - timedelta(days=1))
    with pytest.raises(ImproperlyConfigured):
        journal_purger(aujourd_hui=AUJOURD_HUI)
    with pytest.raises(CommandError, match="au moins 1"):
        call_command("journal", "purger", stdout=StringIO())
    assert AuditEvent.objects.filter(pk=evenement.pk).exists()


def test_ordinary_deletes_are_still_refused():
    ancien = _evenement(LIMITE - timedelta(days=400))
    recent = audit_record(action=AuditAction.VIEW, object_type="x")

    for event in (ancien, recent):
        with pytest.raises(AppendOnlyError):
            event.delete()
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(at__lt=LIMITE).delete()

    assert AuditEvent.objects.filter(pk__in=[ancien.pk, recent.pk]).count() == 2


def test_command_purger():
    ancien = _evenement(LIMITE - timedelta(days=1))

    out = StringIO()
    call_command("journal", "purger", "--date", "2026-09-15", "--dry-run", stdout=out)
    assert out.getvalue().strip() == (
        "Simulation — Journal d'audit, conservation 12 mois : "
        "1 événement(s) antérieur(s) au 15/09/2025 à supprimer."
    )
    assert AuditEvent.objects.filter(pk=ancien.pk).exists()

    out = StringIO()
    call_command("journal", "purger", "--date", "2026-09-15", stdout=out)
    assert out.getvalue().strip() == (
        "Journal d'audit, conservation 12 mois : "
        "1 événement(s) antérieur(s) au 15/09/2025 supprimé(s)."
    )
    assert not AuditEvent.objects.filter(pk=ancien.pk).exists()


def test_command_defaults_to_today_and_checks_its_arguments():
    out = StringIO()
    call_command("journal", "purger", stdout=out)
    limite = journal_limite(timezone.localdate())[0]
    assert f"antérieur(s) au {limite:%d/%m/%Y} supprimé(s)" in out.getvalue()

    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("journal", "purger", "--date", "15/09/2026")
    with pytest.raises(CommandError):
        call_command("journal")


# --- PostgreSQL: the trigger ------------------------------------------------------------------


@postgresql_only
def test_postgresql_refuses_a_raw_delete_of_an_old_event_without_the_bypass():
    ancien = _evenement(LIMITE - timedelta(days=400))
    with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic():
        _raw_delete(ancien.pk)
    assert AuditEvent.objects.filter(pk=ancien.pk).exists()


@postgresql_only
def test_postgresql_bypass_is_narrow():
    ancien = _evenement(LIMITE - timedelta(days=1))
    recent = _evenement(LIMITE + timedelta(days=1))
    declarer = "SELECT set_config(%s, %s, true)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(declarer, [PARAMETRE_PURGE, LIMITE.isoformat()])
        # Recent events stay out of reach, and UPDATE is never allowed.
        with pytest.raises(DatabaseError, match="DELETE refusé"), transaction.atomic():
            _raw_delete(recent.pk)
        with pytest.raises(DatabaseError, match="UPDATE refusé"), transaction.atomic():
            cursor.execute(
                "UPDATE core_auditevent SET object_repr = 'réécrit' WHERE id = %s", [ancien.pk]
            )
        # A malformed cut-off refuses everything.
        cursor.execute(declarer, [PARAMETRE_PURGE, "n'importe quoi"])
        with pytest.raises(DatabaseError), transaction.atomic():
            _raw_delete(ancien.pk)
        cursor.execute(declarer, [PARAMETRE_PURGE, LIMITE.isoformat()])
        _raw_delete(ancien.pk)
    assert not AuditEvent.objects.filter(pk=ancien.pk).exists()
    assert AuditEvent.objects.get(pk=recent.pk).object_repr == "Camille Martin"


@postgresql_only
def test_postgresql_purge_goes_through_the_trigger_and_closes_the_bypass():
    ancien = _evenement(LIMITE - timedelta(days=1))
    autre = _evenement(LIMITE - timedelta(days=2))

    with transaction.atomic():  # as when a caller's transaction encloses the purge
        with mock.patch.object(retention, "LOT", 1):
            assert journal_purger(aujourd_hui=AUJOURD_HUI).evenements == 2
        assert not AuditEvent.objects.filter(pk__in=[ancien.pk, autre.pk]).exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true)", [PARAMETRE_PURGE])
            assert cursor.fetchone() == ("",)
        plus_tard = _evenement(LIMITE - timedelta(days=3))
        with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic():
            _raw_delete(plus_tard.pk)
    assert AuditEvent.objects.filter(pk=plus_tard.pk).exists()
