"""Retention: closed referrals and people are anonymised after the period, nothing else."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from aiguillage.core.models import AuditEvent
from aiguillage.referrals import services
from aiguillage.referrals.models import (
    Accompagnement,
    Adressage,
    Consentement,
    EvenementAccompagnement,
    Message,
    Notification,
    Personne,
    PieceJointe,
    Transition,
)
from aiguillage.referrals.retention import SUPPRIME, mois_retirer, purger
from aiguillage.territories.models import Commune
from tests.factories import adressage_envoye, scene_adressage

AUJOURD_HUI = date(2026, 9, 15)


def _il_y_a(jours: int) -> datetime:
    base = timezone.make_aware(datetime(AUJOURD_HUI.year, AUJOURD_HUI.month, AUJOURD_HUI.day, 12))
    return base - timedelta(days=jours)


def _vieillir(adressage: Adressage, *, clos_il_y_a: int) -> None:
    """Move the referral, its person and consent into the past (closed ``clos_il_y_a`` days
    before AUJOURD_HUI, everything else before that)."""
    ancien = _il_y_a(clos_il_y_a + 60)
    Adressage.objects.filter(pk=adressage.pk).update(
        cree_le=ancien, cloturee_le=_il_y_a(clos_il_y_a)
    )
    Personne.objects.filter(pk=adressage.personne_id).update(cree_le=ancien)
    Consentement.objects.filter(personne_id=adressage.personne_id).update(donne_le=ancien)


def _termine(scene, *, note="Camille souhaite devenir infirmière", commentaire="Embauchée"):
    adressage = adressage_envoye(scene, note=note)
    for vers, motif, comment in (
        ("acceptee", "", "Reçue par Mme Martin"),
        ("premier_contact", "", ""),
        ("terminee", "emploi", commentaire),
    ):
        adressage = services.adressage_transition(
            adressage=adressage,
            vers=vers,
            acting_user=scene.recepteur,
            motif=motif,
            commentaire=comment,
        )
    return adressage


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def ancien(media):
    """A referral closed 25 months ago with a note, comments, a message and an attachment."""
    scene = scene_adressage()
    Personne.objects.filter(pk=scene.personne.pk).update(commune=Commune.objects.get(pk="73065"))
    adressage = _termine(scene)
    message = services.message_create(
        adressage=adressage,
        auteur=scene.recepteur,
        texte="Camille a signé son contrat, merci !",
        fichiers=[SimpleUploadedFile("cv-camille.pdf", b"%PDF-1.4 cv", "application/pdf")],
    )
    _vieillir(adressage, clos_il_y_a=25 * 31)
    adressage.refresh_from_db()
    return scene, adressage, message


def test_months_are_subtracted_on_the_calendar():
    assert mois_retirer(date(2026, 9, 15), 24) == date(2024, 9, 15)
    assert mois_retirer(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert mois_retirer(date(2028, 3, 31), 1) == date(2028, 2, 29)
    assert mois_retirer(date(2026, 1, 10), 1) == date(2025, 12, 10)


@pytest.mark.django_db
def test_old_closed_referral_loses_its_texts_and_files_but_keeps_its_statistics(
    ancien, django_capture_on_commit_callbacks
):
    scene, adressage, message = ancien
    piece = PieceJointe.objects.get()
    assert default_storage.exists(piece.fichier.name)
    transitions_before = list(
        Transition.objects.filter(adressage=adressage).values_list("de", "vers", "le", "motif")
    )

    with django_capture_on_commit_callbacks(execute=True):
        rapport = purger(aujourd_hui=AUJOURD_HUI)

    assert (rapport.adressages, rapport.messages, rapport.pieces_jointes) == (1, 1, 1)
    stored = Adressage.objects.get(pk=adressage.pk)
    assert stored.note == "" and stored.commentaire_cloture == ""
    assert stored.anonymise_le is not None
    # What the statistics and the observatory read stays.
    assert (stored.statut, stored.resultat, stored.motif) == ("terminee", "emploi", adressage.motif)
    assert (stored.emettrice_id, stored.destinataire_id) == (
        scene.emettrice.pk,
        scene.destinataire.pk,
    )
    assert stored.cloturee_le == adressage.cloturee_le
    assert stored.acceptee_le == adressage.acceptee_le
    transitions_after = list(
        Transition.objects.filter(adressage=adressage).values_list("de", "vers", "le", "motif")
    )
    assert transitions_after == transitions_before
    assert not Transition.objects.filter(adressage=adressage).exclude(commentaire="").exists()
    kept = Message.objects.get(pk=message.pk)
    assert (kept.texte, kept.structure_id) == (SUPPRIME, scene.destinataire.pk)
    assert not PieceJointe.objects.exists()
    assert not default_storage.exists(piece.fichier.name)


@pytest.mark.django_db
def test_person_with_nothing_open_or_recent_is_anonymised(ancien):
    scene, _, _ = ancien

    rapport = purger(aujourd_hui=AUJOURD_HUI)

    assert rapport.personnes == 1
    personne = Personne.objects.get(pk=scene.personne.pk)
    assert (personne.prenom, personne.nom, personne.courriel, personne.telephone) == (
        "",
        "",
        "",
        "",
    )
    assert personne.date_naissance is None
    assert personne.commune_id is None
    assert personne.prenom_normalise == personne.nom_normalise == ""
    assert personne.anonymisee_le is not None
    assert str(personne) == "Personne anonymisée"
    # The consent stays as the proof of what was agreed (its text names no one).
    assert Consentement.objects.filter(personne=personne).count() == 1


@pytest.mark.django_db
def test_purge_is_audited_with_counts_and_no_personal_data(ancien):
    scene, _, _ = ancien

    purger(aujourd_hui=AUJOURD_HUI)

    (event,) = AuditEvent.objects.filter(object_type="referrals.retention")
    assert event.action == "delete"
    assert event.details["adressages"] == 1
    assert event.details["personnes"] == 1
    assert event.details["date"] == "2026-09-15"
    dump = f"{event.object_repr} {event.details}"
    assert scene.personne.prenom not in dump
    assert scene.personne.courriel not in dump


@pytest.mark.django_db
def test_recently_closed_and_open_referrals_are_untouched(media):
    scene = scene_adressage()
    recent = _termine(scene)
    _vieillir(recent, clos_il_y_a=23 * 30)
    ouvert = adressage_envoye(scene, note="Note à garder")
    Adressage.objects.filter(pk=ouvert.pk).update(cree_le=_il_y_a(900))

    rapport = purger(aujourd_hui=AUJOURD_HUI)

    assert rapport.adressages == rapport.personnes == 0
    recent.refresh_from_db()
    assert recent.note.startswith("Camille") and recent.anonymise_le is None
    assert Adressage.objects.get(pk=ouvert.pk).note == "Note à garder"
    assert Personne.objects.get(pk=scene.personne.pk).prenom == scene.personne.prenom


@pytest.mark.django_db
def test_person_with_another_open_referral_keeps_their_data(ancien):
    scene, adressage, _ = ancien
    adressage_envoye(scene, motif="Nouvelle demande")

    purger(aujourd_hui=AUJOURD_HUI)

    assert Adressage.objects.get(pk=adressage.pk).anonymise_le is not None
    personne = Personne.objects.get(pk=scene.personne.pk)
    assert personne.anonymisee_le is None
    assert personne.prenom == scene.personne.prenom


@pytest.mark.django_db
def test_person_in_an_open_co_accompaniment_keeps_their_data(ancien):
    scene, _, _ = ancien
    services.accompagnement_create(
        personne=scene.personne,
        consentement=scene.consentement,
        intitule="Saisonniers",
        structure=scene.emettrice,
        acting_user=scene.emetteur,
    )

    assert purger(aujourd_hui=AUJOURD_HUI).personnes == 0
    assert Personne.objects.get(pk=scene.personne.pk).anonymisee_le is None


@pytest.mark.django_db
def test_old_closed_co_accompaniment_loses_its_timeline_texts(ancien):
    scene, _, _ = ancien
    accompagnement = services.accompagnement_create(
        personne=scene.personne,
        consentement=scene.consentement,
        intitule="Saisonniers",
        structure=scene.emettrice,
        acting_user=scene.emetteur,
    )
    services.accompagnement_evenement_add(
        accompagnement=accompagnement,
        acting_user=scene.emetteur,
        type="note",
        texte="Camille cherche un logement",
    )
    # A closing always has a coded reason (constraint ``accompagnement_cloture_motivee``).
    Accompagnement.objects.filter(pk=accompagnement.pk).update(
        clos_le=_il_y_a(800), motif_cloture="projet_abouti"
    )

    rapport = purger(aujourd_hui=AUJOURD_HUI)

    assert rapport.evenements == 1
    assert EvenementAccompagnement.objects.get().texte == SUPPRIME
    assert rapport.personnes == 1


@pytest.mark.django_db
def test_second_run_changes_nothing(ancien):
    scene, adressage, _ = ancien
    purger(aujourd_hui=AUJOURD_HUI)
    first = Adressage.objects.get(pk=adressage.pk).anonymise_le
    personne_first = Personne.objects.get(pk=scene.personne.pk).anonymisee_le

    rapport = purger(aujourd_hui=AUJOURD_HUI)

    assert rapport.compteurs() == {
        "adressages": 0,
        "messages": 0,
        "pieces_jointes": 0,
        "personnes": 0,
        "evenements": 0,
        "notifications": 0,
        "cles_idempotence": 0,
    }
    assert Adressage.objects.get(pk=adressage.pk).anonymise_le == first
    assert Personne.objects.get(pk=scene.personne.pk).anonymisee_le == personne_first


@pytest.mark.django_db
def test_notifications_older_than_12_months_are_deleted(ancien):
    scene, _, _ = ancien
    notes = Notification.objects.filter(utilisateur=scene.emetteur)
    old, recent = notes[0], notes[1]
    Notification.objects.filter(pk=old.pk).update(cree_le=_il_y_a(400))
    Notification.objects.filter(pk=recent.pk).update(cree_le=_il_y_a(300))
    total = Notification.objects.count()
    older = Notification.objects.filter(cree_le__lt=_il_y_a(366)).count()

    rapport = purger(aujourd_hui=AUJOURD_HUI)

    assert rapport.notifications == older >= 1
    assert not Notification.objects.filter(pk=old.pk).exists()
    assert Notification.objects.filter(pk=recent.pk).exists()
    assert Notification.objects.count() == total - older


@pytest.mark.django_db
def test_dry_run_counts_and_writes_nothing(ancien):
    scene, adressage, _ = ancien

    rapport = purger(aujourd_hui=AUJOURD_HUI, dry_run=True)

    assert (rapport.adressages, rapport.messages, rapport.pieces_jointes, rapport.personnes) == (
        1,
        1,
        1,
        1,
    )
    assert Adressage.objects.get(pk=adressage.pk).anonymise_le is None
    assert Personne.objects.get(pk=scene.personne.pk).prenom == scene.personne.prenom
    assert PieceJointe.objects.count() == 1
    assert not AuditEvent.objects.filter(object_type="referrals.retention").exists()


@pytest.mark.django_db
def test_retention_period_follows_the_setting(ancien, settings):
    settings.AIGUILLAGE_ADRESSAGES_CONSERVATION_MOIS = 36
    assert purger(aujourd_hui=AUJOURD_HUI).adressages == 0


@pytest.mark.django_db
def test_command_purger(ancien):
    _, adressage, _ = ancien
    out = StringIO()

    call_command("adressages", "purger", "--date", "2026-09-15", "--dry-run", stdout=out)
    assert "Simulation" in out.getvalue()
    assert "1 adressage(s) à anonymiser" in out.getvalue()
    assert Adressage.objects.get(pk=adressage.pk).anonymise_le is None

    out = StringIO()
    call_command("adressages", "purger", "--date", "2026-09-15", stdout=out)
    assert "Clôturés avant le 15/09/2024 : 1 adressage(s) anonymisé(s)" in out.getvalue()
    assert Adressage.objects.get(pk=adressage.pk).anonymise_le is not None


@pytest.mark.django_db
def test_idempotency_keys_older_than_30_days_are_deleted(ancien):
    from aiguillage.referrals.models import CleIdempotence

    scene, _, _ = ancien
    old = CleIdempotence.objects.create(utilisateur=scene.emetteur, cle="ancienne", empreinte="0")
    recent = CleIdempotence.objects.create(utilisateur=scene.emetteur, cle="recente", empreinte="0")
    CleIdempotence.objects.filter(pk=old.pk).update(cree_le=_il_y_a(31))
    CleIdempotence.objects.filter(pk=recent.pk).update(cree_le=_il_y_a(29))

    rapport = purger(aujourd_hui=AUJOURD_HUI)

    assert rapport.cles_idempotence == 1
    assert list(CleIdempotence.objects.values_list("cle", flat=True)) == ["recente"]
