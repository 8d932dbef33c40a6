"""Telling the invited structures: who receives an e-mail (and who does not), when (only after
the transaction commits), what it says (no free text, no person) and the .ics it carries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar

from aiguillage.accounts.models import Role, User
from aiguillage.coordination import notifications, services
from aiguillage.coordination.models import Invitation, TypeRencontre
from aiguillage.directory.models import Reseau
from tests.coordination.factories import RencontreFactory
from tests.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db

SECRET = "Jean Dupont, accompagné par Mme Martin"


def _debut(jours=7) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=jours)).replace(minute=0, second=0, microsecond=0)


def champs(organisatrice, invitees, /, **kwargs) -> services.ChampsRencontre:
    debut = kwargs.pop("debut", _debut())
    values = {
        "type": TypeRencontre.PROFESSIONNALISATION_CROISEE,
        "intitule": "L'offre de Cap emploi",
        "debut": debut,
        "fin": debut + dt.timedelta(hours=2),
        "organisatrice": organisatrice,
        "invitees": invitees,
        "lieu": "Maison de la Région, Chambéry",
        "description": SECRET,
    }
    values.update(kwargs)
    return services.ChampsRencontre(**values)


class Scene:
    """An organiser (its manager acts), two invited structures with their members, a third
    structure of the région, and an inactive member and an analyst of the first invited
    structure."""

    def __init__(self):
        self.organisatrice = StructureFactory(reseau=Reseau.CAP_EMPLOI, nom="Cap emploi Savoie")
        self.ml = StructureFactory(reseau=Reseau.MISSION_LOCALE, nom="Mission locale de Chambéry")
        self.ft = StructureFactory(reseau=Reseau.FRANCE_TRAVAIL, nom="France Travail Chambéry")
        self.autre = StructureFactory(reseau=Reseau.APEC, nom="Apec Chambéry")
        self.responsable = MembershipFactory(structure=self.organisatrice, responsable=True).user
        self.collegue = MembershipFactory(structure=self.organisatrice).user
        self.conseiller_ml = MembershipFactory(structure=self.ml).user
        self.responsable_ml = MembershipFactory(structure=self.ml, responsable=True).user
        self.conseiller_ft = MembershipFactory(structure=self.ft).user
        self.conseiller_autre = MembershipFactory(structure=self.autre).user
        # An analyst attached to an invited structure sees aggregates, not its sessions.
        self.analyste_ml = MembershipFactory(structure=self.ml, role=Role.ANALYSTE).user
        inactif = MembershipFactory(structure=self.ml).user
        inactif.is_active = False
        inactif.save(update_fields=["is_active"])
        self.inactif = inactif


@pytest.fixture
def s():
    return Scene()


def par_destinataire() -> dict[str, mail.EmailMessage]:
    messages = {}
    for message in mail.outbox:
        (destinataire,) = message.to
        assert destinataire not in messages, f"deux courriels pour {destinataire}"
        messages[destinataire] = message
    return messages


def ics_de(message) -> Calendar:
    (piece,) = message.attachments
    nom, contenu, type_mime = piece
    assert (nom, type_mime) == ("rencontre.ics", "text/calendar")
    return Calendar.from_ical(contenu)


def creer(s, invitees, **kwargs):
    return services.rencontre_create(
        champs=champs(s.organisatrice, invitees, **kwargs), acting_user=s.responsable
    )


# --- When: after commit, never on a rollback ----------------------------------------------------


def test_the_invitation_leaves_only_once_the_transaction_commits(
    s, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        creer(s, [s.ml])
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert mail.outbox == []
    callbacks[0]()
    assert len(mail.outbox) == 2


def test_nothing_leaves_when_the_transaction_rolls_back(s, django_capture_on_commit_callbacks):
    rencontre = RencontreFactory(organisatrice=s.organisatrice, invitees=[s.ml])
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        creer(s, [s.ml, s.ft])
        services.rencontre_annuler(rencontre=rencontre, acting_user=s.responsable)
        raise RuntimeError("la suite de la transaction échoue")

    assert callbacks == []
    assert mail.outbox == []


def test_a_refused_change_tells_nobody(s, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.DonneesInvalides),
    ):
        creer(s, [s.ml], lieu="", a_distance=False)

    assert callbacks == []
    assert mail.outbox == []


# --- Who and what -------------------------------------------------------------------------------


def test_an_invitation_goes_to_the_active_members_of_each_invited_structure(
    s, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rencontre = creer(s, [s.ml, s.ft], debut=_debut(10))

    messages = par_destinataire()
    assert set(messages) == {
        s.conseiller_ml.email,
        s.responsable_ml.email,
        s.conseiller_ft.email,
    }  # not the organiser's members, the other structure, an inactive account, an analyst
    message = messages[s.conseiller_ml.email]
    assert message.subject.startswith("[Aiguillage] Invitation : L'offre de Cap emploi (")
    assert "Cap emploi Savoie invite Mission locale de Chambéry à une rencontre." in message.body
    assert "Professionnalisation croisée : L'offre de Cap emploi" in message.body
    assert "Où : Maison de la Région, Chambéry" in message.body
    assert f"/coordination/rencontres/{rencontre.public_id}/" in message.body
    assert "membre de Mission locale de Chambéry" in message.body
    (event,) = ics_de(message).walk("VEVENT")
    assert str(event["UID"]) == f"rencontre-{rencontre.public_id}@aiguillage"
    assert (event["SEQUENCE"], str(event["STATUS"])) == (0, "CONFIRMED")
    assert str(ics_de(message)["METHOD"]) == "PUBLISH"


def test_the_e_mail_names_no_person_and_carries_no_free_text(s, django_capture_on_commit_callbacks):
    User.objects.update(first_name="Zénobie", last_name="Quintessence")
    with django_capture_on_commit_callbacks(execute=True):
        rencontre = creer(s, [s.ml])
    with django_capture_on_commit_callbacks(execute=True):
        services.rencontre_annuler(
            rencontre=rencontre, acting_user=s.responsable, motif=f"Absence de {SECRET}"
        )

    assert len(mail.outbox) == 4
    for message in mail.outbox:
        textes = [message.subject, message.body]
        textes += [contenu for _nom, contenu, _type in message.attachments]
        for texte in textes:
            for nom in ("Dupont", "Martin", "Zénobie", "Quintessence"):
                assert nom not in texte
            assert s.responsable.email not in texte
    assert "Le motif est indiqué sur sa page." in mail.outbox[-1].body


def test_the_person_who_acts_is_not_told(s, django_capture_on_commit_callbacks):
    MembershipFactory(user=s.responsable, structure=s.ml)  # also a counsellor of the invitee

    with django_capture_on_commit_callbacks(execute=True):
        creer(s, [s.ml])

    assert set(par_destinataire()) == {s.conseiller_ml.email, s.responsable_ml.email}


def test_a_person_in_two_invited_structures_gets_one_e_mail_naming_both(
    s, django_capture_on_commit_callbacks
):
    double = MembershipFactory(structure=s.ml).user
    MembershipFactory(user=double, structure=s.ft)

    with django_capture_on_commit_callbacks(execute=True):
        creer(s, [s.ml, s.ft])

    message = par_destinataire()[double.email]
    assert "invite France Travail Chambéry et Mission locale de Chambéry" in message.body


def test_one_e_mail_per_person_even_when_their_structures_are_told_different_things(
    s, django_capture_on_commit_callbacks
):
    double = MembershipFactory(structure=s.ml).user
    MembershipFactory(user=double, structure=s.ft)
    rencontre = RencontreFactory(organisatrice=s.organisatrice, invitees=[s.ml, s.ft])

    with django_capture_on_commit_callbacks(execute=True):
        services.rencontre_modifier(
            rencontre=rencontre,
            champs=champs(s.organisatrice, [s.ml], debut=_debut(20), lieu=rencontre.lieu),
            acting_user=s.responsable,
        )

    message = par_destinataire()[double.email]  # the change (still invited through one)
    assert message.subject.startswith("[Aiguillage] Rencontre modifiée : ")
    assert "membre de Mission locale de Chambéry sur" in message.body
    assert "Invitation retirée" in par_destinataire()[s.conseiller_ft.email].subject


def test_no_e_mail_for_a_session_already_over(s, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        creer(s, [s.ml], debut=_debut(-3))

    assert len(callbacks) == 1  # registered, and found pointless once committed
    assert mail.outbox == []


# --- Changes, additions, removals, cancellation -------------------------------------------------


def test_a_change_of_date_and_place_is_told_with_the_updated_ics(
    s, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rencontre = creer(s, [s.ml, s.ft])
    mail.outbox.clear()

    nouveau = _debut(14)
    with django_capture_on_commit_callbacks(execute=True):
        services.rencontre_modifier(
            rencontre=rencontre,
            champs=champs(s.organisatrice, [s.ml, s.ft], debut=nouveau, lieu="Visio"),
            acting_user=s.responsable,
        )

    messages = par_destinataire()
    assert set(messages) == {s.conseiller_ml.email, s.responsable_ml.email, s.conseiller_ft.email}
    message = messages[s.conseiller_ft.email]
    assert message.subject.startswith("[Aiguillage] Rencontre modifiée : ")
    assert "a changé : la date ou l'horaire et le lieu." in message.body
    assert "Où : Visio" in message.body
    (event,) = ics_de(message).walk("VEVENT")
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == nouveau


def test_a_change_calendars_do_not_take_tells_nobody(s, django_capture_on_commit_callbacks):
    rencontre = RencontreFactory(organisatrice=s.organisatrice, invitees=[s.ml])

    with django_capture_on_commit_callbacks(execute=True):
        services.rencontre_modifier(
            rencontre=rencontre,
            champs=champs(
                s.organisatrice,
                [s.ml],
                type=rencontre.type,
                intitule=rencontre.intitule,
                debut=rencontre.debut,
                lieu=rencontre.lieu,
                description="",
                theme="saisonniers",
            ),
            acting_user=s.responsable,
        )

    rencontre.refresh_from_db()
    assert rencontre.theme == "saisonniers"
    assert mail.outbox == []


def test_added_and_removed_structures_are_told_the_others_are_not(
    s, django_capture_on_commit_callbacks
):
    rencontre = RencontreFactory(
        organisatrice=s.organisatrice,
        invitees=[s.ml, s.ft],
        intitule="Réunion des opérateurs",
        lieu="Salle 2",
        type=TypeRencontre.REUNION,
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.rencontre_modifier(
            rencontre=rencontre,
            champs=champs(
                s.organisatrice,
                [s.ml, s.autre],
                type=rencontre.type,
                intitule=rencontre.intitule,
                debut=rencontre.debut,
                lieu=rencontre.lieu,
                description="",
            ),
            acting_user=s.responsable,
        )

    messages = par_destinataire()
    assert set(messages) == {s.conseiller_autre.email, s.conseiller_ft.email}
    ajout = messages[s.conseiller_autre.email]
    assert ajout.subject.startswith("[Aiguillage] Invitation : Réunion des opérateurs")
    assert len(ajout.attachments) == 1
    retrait = messages[s.conseiller_ft.email]
    assert retrait.subject.startswith("[Aiguillage] Invitation retirée : ")
    assert "France Travail Chambéry n'est plus invitée à cette rencontre." in retrait.body
    assert retrait.attachments == []
    assert str(rencontre.public_id) not in retrait.body  # they no longer see its page


def test_a_cancellation_is_told_with_a_cancelled_ics(s, django_capture_on_commit_callbacks):
    rencontre = RencontreFactory(organisatrice=s.organisatrice, invitees=[s.ml])

    with django_capture_on_commit_callbacks(execute=True):
        services.rencontre_annuler(rencontre=rencontre, acting_user=s.responsable)

    messages = par_destinataire()
    assert set(messages) == {s.conseiller_ml.email, s.responsable_ml.email}
    message = messages[s.responsable_ml.email]
    assert message.subject.startswith("[Aiguillage] Rencontre annulée : ")
    assert "est annulée." in message.body
    assert "Le motif" not in message.body  # none given
    (event,) = ics_de(message).walk("VEVENT")
    assert (event["SEQUENCE"], str(event["STATUS"])) == (1, "CANCELLED")


def test_recording_attendance_tells_nobody(s, django_capture_on_commit_callbacks):
    rencontre = RencontreFactory(organisatrice=s.organisatrice, invitees=[s.ml], passee=True)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.rencontre_presences_enregistrer(
            rencontre=rencontre,
            presences={s.ml.pk: ("presente", 2)},
            acting_user=s.responsable,
        )

    assert callbacks == []
    assert mail.outbox == []


def test_only_what_is_still_true_when_the_callback_runs_is_sent(s):
    """The callback reads the session again (one transaction may have changed it again after
    registering it): no invitation to a structure no longer invited, no cancellation of a
    session not cancelled, no removal for a structure invited again."""
    rencontre = RencontreFactory(organisatrice=s.organisatrice, invitees=[s.ml])
    Invitation.objects.create(rencontre=rencontre, structure=s.ft)
    envoyes = notifications.avis_envoyer(
        rencontre_id=rencontre.pk,
        avis={
            notifications.Avis.INVITATION: {s.ml.pk, s.autre.pk},  # autre: not invited
            notifications.Avis.ANNULATION: {s.ml.pk},  # not cancelled
            notifications.Avis.RETRAIT: {s.ft.pk},  # still invited
        },
    )

    assert envoyes == 2
    assert set(par_destinataire()) == {s.conseiller_ml.email, s.responsable_ml.email}
    assert all(m.subject.startswith("[Aiguillage] Invitation : ") for m in mail.outbox)
