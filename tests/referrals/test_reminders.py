"""The reminder ladder: working days around weekends and holidays, levels sent once, expiry."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from aiguillage.accounts.models import Role
from aiguillage.core.models import AuditEvent
from aiguillage.referrals import services
from aiguillage.referrals.models import Adressage, Notification, Rappel, Statut, Transition
from aiguillage.referrals.reminders import (
    echeances,
    est_jour_ouvre,
    jours_ouvres_ajouter,
    relances_envoyer,
)
from tests.factories import MembershipFactory, adressage_envoye, scene_adressage

# Friday 10 July 2026; 14 July (Tuesday) is a public holiday.
VENDREDI = date(2026, 7, 10)


def _envoye_le(adressage: Adressage, jour: date, heure: int = 10, minute: int = 0) -> Adressage:
    """Pretend the referral was sent on ``jour`` (local time): the ladder counts from there."""
    moment = timezone.make_aware(datetime(jour.year, jour.month, jour.day, heure, minute))
    Adressage.objects.filter(pk=adressage.pk).update(cree_le=moment, statut_depuis=moment)
    adressage.refresh_from_db()
    return adressage


def _notes(user, type_: str) -> int:
    return Notification.objects.filter(utilisateur=user, type=type_).count()


@pytest.fixture
def scene():
    scene = scene_adressage()
    scene.responsable = MembershipFactory(
        structure=scene.destinataire, role=Role.RESPONSABLE_STRUCTURE
    ).user
    return scene


# --- Working days (pure) ----------------------------------------------------------------------


def test_weekends_and_public_holidays_are_not_working_days():
    assert est_jour_ouvre(date(2026, 7, 13))  # Monday
    assert not est_jour_ouvre(date(2026, 7, 11))  # Saturday
    assert not est_jour_ouvre(date(2026, 7, 12))  # Sunday
    assert not est_jour_ouvre(date(2026, 7, 14))  # Fête nationale
    assert not est_jour_ouvre(date(2026, 5, 14))  # Ascension
    assert not est_jour_ouvre(date(2026, 12, 25))


def test_working_days_skip_the_weekend_and_14_july():
    # 13 (1), 14 holiday, 15 (2), 16 (3), 17 (4), weekend, 20 (5) … 27 (10).
    assert jours_ouvres_ajouter(VENDREDI, 1) == date(2026, 7, 13)
    assert jours_ouvres_ajouter(VENDREDI, 2) == date(2026, 7, 15)
    assert jours_ouvres_ajouter(VENDREDI, 5) == date(2026, 7, 20)
    assert jours_ouvres_ajouter(VENDREDI, 10) == date(2026, 7, 27)
    # Without a holiday in the week, 5 working days are one week.
    assert jours_ouvres_ajouter(date(2026, 6, 1), 5) == date(2026, 6, 8)
    # Sent on a Saturday: the count starts on Monday.
    assert jours_ouvres_ajouter(date(2026, 6, 6), 5) == date(2026, 6, 12)


def test_default_ladder_dates_for_a_referral_sent_on_friday_10_july():
    dates = echeances(VENDREDI)
    assert dates.rappel == date(2026, 7, 20)
    assert dates.escalade == date(2026, 7, 27)
    assert dates.expiration == date(2026, 8, 9)  # 30 calendar days


def test_alsace_moselle_calendar_adds_good_friday(settings):
    jeudi_saint = date(2026, 4, 2)  # Good Friday 3 April, Easter Monday 6 April
    assert jours_ouvres_ajouter(jeudi_saint, 1) == date(2026, 4, 3)
    settings.AIGUILLAGE_ADRESSAGES_FERIES_SUBDIVISION = "57"
    assert not est_jour_ouvre(date(2026, 4, 3))
    assert jours_ouvres_ajouter(jeudi_saint, 1) == date(2026, 4, 7)


def test_ladder_follows_the_settings(settings):
    settings.AIGUILLAGE_ADRESSAGES_RAPPEL_JOURS_OUVRES = 2
    settings.AIGUILLAGE_ADRESSAGES_ESCALADE_JOURS_OUVRES = 3
    settings.AIGUILLAGE_ADRESSAGES_EXPIRATION_JOURS = 7
    dates = echeances(VENDREDI)
    assert (dates.rappel, dates.escalade, dates.expiration) == (
        date(2026, 7, 15),
        date(2026, 7, 16),
        date(2026, 7, 17),
    )


# --- The ladder on the database ---------------------------------------------------------------


@pytest.mark.django_db
def test_reminder_goes_to_the_receivers_members_on_the_5th_working_day_and_only_once(scene):
    adressage = _envoye_le(adressage_envoye(scene), VENDREDI)

    assert relances_envoyer(aujourd_hui=date(2026, 7, 17)).total == 0
    assert not Rappel.objects.exists()

    rapport = relances_envoyer(aujourd_hui=date(2026, 7, 20))

    assert (rapport.rappels, rapport.escalades, rapport.expirations) == (1, 0, 0)
    assert list(Rappel.objects.values_list("adressage_id", "niveau")) == [(adressage.pk, "rappel")]
    assert _notes(scene.recepteur, "rappel") == 1
    assert _notes(scene.responsable, "rappel") == 1
    assert _notes(scene.emetteur, "rappel") == 0
    note = Notification.objects.get(utilisateur=scene.recepteur, type="rappel")
    assert note.adressage_id == adressage.pk
    assert "10/07/2026" in note.texte
    assert scene.personne.prenom not in note.texte

    # Idempotent: the same day again, or the next days, sends nothing more.
    for jour in (date(2026, 7, 20), date(2026, 7, 21), date(2026, 7, 24)):
        assert relances_envoyer(aujourd_hui=jour).total == 0
    assert _notes(scene.recepteur, "rappel") == 1
    assert Rappel.objects.count() == 1


@pytest.mark.django_db
def test_escalation_goes_to_the_managers_only_on_the_10th_working_day(scene):
    _envoye_le(adressage_envoye(scene), VENDREDI)
    relances_envoyer(aujourd_hui=date(2026, 7, 20))

    assert relances_envoyer(aujourd_hui=date(2026, 7, 24)).escalades == 0
    rapport = relances_envoyer(aujourd_hui=date(2026, 7, 27))

    assert (rapport.rappels, rapport.escalades) == (0, 1)
    assert _notes(scene.responsable, "escalade") == 1
    assert _notes(scene.recepteur, "escalade") == 0
    assert relances_envoyer(aujourd_hui=date(2026, 7, 27)).total == 0
    assert _notes(scene.responsable, "escalade") == 1


@pytest.mark.django_db
def test_escalation_falls_back_to_the_members_of_a_structure_without_manager():
    scene = scene_adressage()
    _envoye_le(adressage_envoye(scene), VENDREDI)

    relances_envoyer(aujourd_hui=date(2026, 7, 27))

    assert _notes(scene.recepteur, "escalade") == 1


@pytest.mark.django_db
def test_expiry_after_30_calendar_days_tells_the_sender_and_is_logged(scene):
    adressage = _envoye_le(adressage_envoye(scene), VENDREDI)
    relances_envoyer(aujourd_hui=date(2026, 7, 27))

    assert relances_envoyer(aujourd_hui=date(2026, 8, 8)).expirations == 0
    rapport = relances_envoyer(aujourd_hui=date(2026, 8, 9))

    assert rapport.expirations == 1
    adressage.refresh_from_db()
    assert adressage.statut == Statut.EXPIREE
    assert adressage.cloturee_le is not None
    last = Transition.objects.filter(adressage=adressage).order_by("-pk").first()
    assert (last.de, last.vers, last.par_id) == ("envoyee", "expiree", None)
    sender_notes = Notification.objects.filter(utilisateur=scene.emetteur, adressage=adressage)
    assert sender_notes.filter(texte__contains="expirée").exists()
    assert Notification.objects.filter(utilisateur=scene.recepteur, texte__contains="expirée")
    assert Rappel.objects.filter(adressage=adressage, niveau="expiration").exists()
    # Running again changes nothing (and the expired referral leaves the ladder).
    before = Notification.objects.count()
    assert relances_envoyer(aujourd_hui=date(2026, 8, 9)).total == 0
    assert relances_envoyer(aujourd_hui=date(2026, 9, 1)).total == 0
    assert Notification.objects.count() == before
    assert Transition.objects.filter(adressage=adressage, vers="expiree").count() == 1


@pytest.mark.django_db
def test_a_referral_read_but_not_answered_still_climbs_the_ladder(scene):
    adressage = services.adressage_transition(
        adressage=adressage_envoye(scene), vers="recue", acting_user=scene.recepteur
    )
    _envoye_le(adressage, VENDREDI)

    assert relances_envoyer(aujourd_hui=date(2026, 7, 20)).rappels == 1
    relances_envoyer(aujourd_hui=date(2026, 8, 9))
    adressage.refresh_from_db()
    assert adressage.statut == Statut.EXPIREE


@pytest.mark.django_db
@pytest.mark.parametrize("statut", ["acceptee", "refusee", "annulee"])
def test_referrals_taken_in_charge_or_closed_are_left_alone(scene, statut):
    adressage = adressage_envoye(scene)
    if statut == "annulee":
        services.adressage_transition(
            adressage=adressage,
            vers="annulee",
            acting_user=scene.emetteur,
            motif="annulee_par_emettrice",
        )
    else:
        services.adressage_transition(
            adressage=adressage,
            vers=statut,
            acting_user=scene.recepteur,
            motif="pas_de_capacite" if statut == "refusee" else "",
        )
    _envoye_le(adressage, VENDREDI)

    assert relances_envoyer(aujourd_hui=date(2026, 9, 1)).total == 0
    adressage.refresh_from_db()
    assert adressage.statut == statut
    assert not Rappel.objects.exists()


@pytest.mark.django_db
def test_late_evening_sending_counts_on_its_local_day(scene):
    # 23:30 in Paris on Friday is 21:30 UTC the same day; the ladder uses the local date.
    _envoye_le(adressage_envoye(scene), VENDREDI, heure=23, minute=30)
    assert relances_envoyer(aujourd_hui=date(2026, 7, 20)).rappels == 1


@pytest.mark.django_db
def test_missed_runs_catch_up_but_an_expired_referral_only_expires(scene):
    first = _envoye_le(adressage_envoye(scene), VENDREDI)
    second = _envoye_le(adressage_envoye(scene, motif="Autre demande"), date(2026, 7, 1))

    rapport = relances_envoyer(aujourd_hui=date(2026, 7, 31))

    # The first is past its 10th working day: reminder and escalation at once.
    assert set(Rappel.objects.filter(adressage=first).values_list("niveau", flat=True)) == {
        "rappel",
        "escalade",
    }
    # The second is past its 30 days: it expires, no reminder for a request that closes.
    assert list(Rappel.objects.filter(adressage=second).values_list("niveau", flat=True)) == [
        "expiration"
    ]
    assert (rapport.rappels, rapport.escalades, rapport.expirations) == (1, 1, 1)
    second.refresh_from_db()
    assert second.statut == Statut.EXPIREE


@pytest.mark.django_db
def test_reminder_emails_go_after_commit_and_never_name_the_person(
    scene, django_capture_on_commit_callbacks
):
    _envoye_le(adressage_envoye(scene), VENDREDI)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        relances_envoyer(aujourd_hui=date(2026, 7, 20))

    assert {m.to[0] for m in mail.outbox} == {scene.recepteur.email, scene.responsable.email}
    for message in mail.outbox:
        assert "Rappel" in message.subject
        assert scene.personne.prenom not in message.body
        assert scene.personne.nom not in message.body


@pytest.mark.django_db
def test_each_run_that_did_something_is_audited_with_counts_only(scene):
    _envoye_le(adressage_envoye(scene), VENDREDI)

    relances_envoyer(aujourd_hui=date(2026, 7, 20))
    relances_envoyer(aujourd_hui=date(2026, 7, 20))

    (event,) = AuditEvent.objects.filter(object_type="referrals.rappel")
    assert event.details == {
        "date": "2026-07-20",
        "rappels": 1,
        "escalades": 0,
        "expirations": 0,
        "ignores": 0,
    }


# --- The command ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_dry_run_writes_nothing(scene):
    adressage = _envoye_le(adressage_envoye(scene), VENDREDI)
    out = StringIO()

    call_command("adressages", "relancer", "--date", "2026-07-20", "--dry-run", stdout=out)

    assert "Simulation" in out.getvalue()
    assert "1 rappel(s)" in out.getvalue()
    assert f"rappel : adressage {adressage.public_id}" in out.getvalue()
    assert not Rappel.objects.exists()
    assert not Notification.objects.filter(type="rappel").exists()


@pytest.mark.django_db
def test_command_sends_then_is_idempotent(scene):
    _envoye_le(adressage_envoye(scene), VENDREDI)

    out = StringIO()
    call_command("adressages", "relancer", "--date", "2026-08-09", stdout=out)
    assert "1 adressage(s) expiré(s)" in out.getvalue()

    out = StringIO()
    call_command("adressages", "relancer", "--date", "2026-08-09", stdout=out)
    assert "0 rappel(s), 0 escalade(s) envoyé(s), 0 adressage(s) expiré(s)" in out.getvalue()


def test_command_rejects_a_malformed_date():
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("adressages", "relancer", "--date", "20/07/2026")
