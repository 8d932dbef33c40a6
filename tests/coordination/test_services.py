"""The services: each rule refused with a French message on its field, nothing written on a
refusal, the status table, the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from aiguillage.coordination import services, workflow
from aiguillage.coordination.models import (
    GroupeTravail,
    Invitation,
    Rencontre,
    StatutRencontre,
    TypeRencontre,
)
from aiguillage.core.models import AuditEvent
from aiguillage.directory.models import Reseau
from aiguillage.territories.models import Departement
from tests.coordination.factories import GroupeTravailFactory, RencontreFactory, monde
from tests.factories import MembershipFactory, RegionFactory, StructureFactory

pytestmark = pytest.mark.django_db


def _debut(jours=7) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=jours)).replace(second=0, microsecond=0)


def champs(organisatrice, invitees, /, **kwargs) -> services.ChampsRencontre:
    debut = kwargs.pop("debut", _debut())
    values = {
        "type": TypeRencontre.REUNION,
        "intitule": "Réunion des opérateurs",
        "debut": debut,
        "fin": kwargs.pop("fin") if "fin" in kwargs else debut + dt.timedelta(hours=2),
        "organisatrice": organisatrice,
        "invitees": invitees,
        "lieu": "Maison de la Région",
    }
    values.update(kwargs)
    return services.ChampsRencontre(**values)


@pytest.fixture
def scene():
    organisatrice = StructureFactory(reseau=Reseau.CAP_EMPLOI)
    invitee = StructureFactory(reseau=Reseau.MISSION_LOCALE)
    responsable = MembershipFactory(structure=organisatrice, responsable=True).user
    return organisatrice, invitee, responsable


def erreurs_de(exc_info) -> dict[str, str]:
    return exc_info.value.erreurs


# --- Creating a session -----------------------------------------------------------------------


def test_create_writes_the_session_its_invitations_and_one_audit_event(scene):
    organisatrice, invitee, responsable = scene

    rencontre = services.rencontre_create(
        champs=champs(organisatrice, [invitee]), acting_user=responsable
    )

    assert rencontre.statut == StatutRencontre.PREVUE
    assert rencontre.region_id == organisatrice.region_id
    assert rencontre.cree_par == responsable
    assert list(rencontre.invitations.values_list("structure_id", flat=True)) == [invitee.pk]
    event = AuditEvent.objects.get(object_type="coordination.rencontre")
    assert event.action == "create"
    assert event.actor_id == responsable.pk
    assert event.structure_id == organisatrice.pk
    assert event.details["invitees"] == [invitee.pk]


@pytest.mark.parametrize(
    ("changes", "champ", "message"),
    [
        ({"fin_avant": True}, "fin", "La fin doit être après le début."),
        ({"fin_egale": True}, "fin", "La fin doit être après le début."),
        ({"invitees": []}, "invitees", "Invitez au moins une structure"),
        ({"lieu": "", "a_distance": False}, "lieu", "Indiquez un lieu, ou cochez « à distance »."),
        ({"intitule": "  "}, "intitule", "L'intitulé est obligatoire."),
        ({"type": "apero"}, "type", "Choisissez le type de rencontre."),
        ({"debut": None}, "debut", "Indiquez la date et l'heure de début."),
        ({"organisatrice": None}, "organisatrice", "Choisissez la structure"),
    ],
)
def test_create_refuses_with_a_french_message_on_the_field(scene, changes, champ, message):
    organisatrice, invitee, responsable = scene
    kwargs = dict(changes)
    if kwargs.pop("fin_avant", False):
        kwargs["fin"] = _debut() - dt.timedelta(minutes=30)
    if kwargs.pop("fin_egale", False):
        kwargs["fin"] = _debut()
    if kwargs.get("debut", 0) is None:
        kwargs["fin"] = _debut()
    values = champs(organisatrice, kwargs.pop("invitees", [invitee]), **kwargs)

    with pytest.raises(services.DonneesInvalides) as exc:
        services.rencontre_create(champs=values, acting_user=responsable)

    assert message in erreurs_de(exc)[champ]
    assert not Rencontre.objects.exists()
    assert not AuditEvent.objects.filter(object_type="coordination.rencontre").exists()


def test_remote_only_needs_no_place(scene):
    organisatrice, invitee, responsable = scene
    rencontre = services.rencontre_create(
        champs=champs(organisatrice, [invitee], lieu="", a_distance=True), acting_user=responsable
    )
    assert rencontre.lieu_affiche == "À distance"


def test_the_organiser_is_not_its_own_guest(scene):
    organisatrice, invitee, responsable = scene

    with pytest.raises(services.DonneesInvalides) as exc:
        services.rencontre_create(
            champs=champs(organisatrice, [organisatrice]), acting_user=responsable
        )
    assert "autre que l'organisatrice" in erreurs_de(exc)["invitees"]

    rencontre = services.rencontre_create(
        champs=champs(organisatrice, [organisatrice, invitee, invitee]), acting_user=responsable
    )
    assert list(rencontre.invitations.values_list("structure_id", flat=True)) == [invitee.pk]


def test_a_manager_organises_only_for_the_structures_they_manage(scene):
    organisatrice, invitee, _ = scene
    conseiller = MembershipFactory(structure=organisatrice).user
    responsable_ailleurs = MembershipFactory(responsable=True).user

    for user in (conseiller, responsable_ailleurs):
        with pytest.raises(services.DonneesInvalides) as exc:
            services.rencontre_create(champs=champs(organisatrice, [invitee]), acting_user=user)
        assert "au nom de cette structure" in erreurs_de(exc)["organisatrice"]


def test_the_coordination_organises_for_any_structure_of_its_region_only(scene):
    organisatrice, invitee, _ = scene
    coordination = MembershipFactory(coordinateur=True).user
    ailleurs = StructureFactory(autre_region=True)

    services.rencontre_create(champs=champs(organisatrice, [invitee]), acting_user=coordination)
    with pytest.raises(services.DonneesInvalides) as exc:
        services.rencontre_create(champs=champs(ailleurs, [invitee]), acting_user=coordination)
    assert "organisatrice" in erreurs_de(exc)


def test_a_national_organiser_needs_a_group_for_its_region():
    admin = MembershipFactory(administrateur=True).user
    nationale = StructureFactory(reseau=Reseau.APEC, nationale=True)
    invitee = StructureFactory()

    with pytest.raises(services.DonneesInvalides) as exc:
        services.rencontre_create(champs=champs(nationale, [invitee]), acting_user=admin)
    assert "aucune région" in erreurs_de(exc)["organisatrice"]

    groupe = GroupeTravailFactory()
    rencontre = services.rencontre_create(
        champs=champs(nationale, [invitee], groupe=groupe), acting_user=admin
    )
    assert rencontre.region_id == groupe.region_id


def test_group_rules_closed_and_other_region(scene):
    organisatrice, invitee, _ = scene
    coordination = MembershipFactory(coordinateur=True).user
    clos = GroupeTravailFactory(clos=True)
    other_region = StructureFactory(reseau=Reseau.REGION, autre_region=True)
    ailleurs = GroupeTravailFactory(animatrice=other_region)

    with pytest.raises(services.DonneesInvalides) as exc:
        services.rencontre_create(
            champs=champs(organisatrice, [invitee], groupe=clos), acting_user=coordination
        )
    assert "clos" in erreurs_de(exc)["groupe"]

    admin = MembershipFactory(administrateur=True).user
    with pytest.raises(services.DonneesInvalides) as exc:
        services.rencontre_create(
            champs=champs(organisatrice, [invitee], groupe=ailleurs), acting_user=admin
        )
    assert "autre région" in erreurs_de(exc)["groupe"]


def test_a_group_the_user_cannot_see_is_refused(scene):
    organisatrice, invitee, responsable = scene
    groupe = GroupeTravailFactory()  # responsable's structure is not a member

    with pytest.raises(services.DonneesInvalides) as exc:
        services.rencontre_create(
            champs=champs(organisatrice, [invitee], groupe=groupe), acting_user=responsable
        )
    assert erreurs_de(exc)["groupe"] == "Groupe de travail introuvable."


def test_the_departement_must_be_in_the_region(scene):
    organisatrice, invitee, responsable = scene
    nord = Departement.objects.get(code="59")

    with pytest.raises(services.DonneesInvalides) as exc:
        services.rencontre_create(
            champs=champs(organisatrice, [invitee], departement=nord), acting_user=responsable
        )
    assert "Nord n'est pas dans la région" in erreurs_de(exc)["departement"]


# --- Changing, cancelling ---------------------------------------------------------------------


def test_change_syncs_invitations_raises_the_sequence_and_is_audited(scene):
    organisatrice, invitee, responsable = scene
    rencontre = services.rencontre_create(
        champs=champs(organisatrice, [invitee]), acting_user=responsable
    )
    nouvelle = StructureFactory(reseau=Reseau.APEC)

    services.rencontre_modifier(
        rencontre=rencontre,
        champs=champs(
            organisatrice,
            [nouvelle],
            intitule="Réunion déplacée",
            debut=rencontre.debut + dt.timedelta(days=1),
        ),
        acting_user=responsable,
    )

    rencontre.refresh_from_db()
    assert rencontre.intitule == "Réunion déplacée"
    assert rencontre.sequence == 1
    assert list(rencontre.invitations.values_list("structure_id", flat=True)) == [nouvelle.pk]
    event = AuditEvent.objects.filter(action="update").get()
    assert event.details["champs"] == ["debut", "fin", "intitule"]
    assert event.details["invitees_ajoutees"] == [nouvelle.pk]
    assert event.details["invitees_retirees"] == [invitee.pk]


def test_a_change_that_changes_nothing_writes_nothing(scene):
    organisatrice, invitee, responsable = scene
    rencontre = services.rencontre_create(
        champs=champs(organisatrice, [invitee]), acting_user=responsable
    )
    same = champs(organisatrice, [invitee], debut=rencontre.debut)

    services.rencontre_modifier(rencontre=rencontre, champs=same, acting_user=responsable)

    rencontre.refresh_from_db()
    assert rencontre.sequence == 0
    assert not AuditEvent.objects.filter(action="update").exists()


def test_change_is_validated_like_a_creation(scene):
    organisatrice, invitee, responsable = scene
    rencontre = RencontreFactory(organisatrice=organisatrice, invitees=[invitee])

    with pytest.raises(services.DonneesInvalides) as exc:
        services.rencontre_modifier(
            rencontre=rencontre,
            champs=champs(organisatrice, [], debut=rencontre.debut, fin=rencontre.debut),
            acting_user=responsable,
        )
    assert set(erreurs_de(exc)) == {"fin", "invitees"}
    assert rencontre.invitations.count() == 1


def test_cancel_then_no_change_no_second_cancel_no_attendance(scene):
    organisatrice, invitee, responsable = scene
    rencontre = RencontreFactory(organisatrice=organisatrice, invitees=[invitee], passee=True)

    services.rencontre_annuler(rencontre=rencontre, acting_user=responsable, motif=" Reportée ")

    rencontre.refresh_from_db()
    assert rencontre.statut == StatutRencontre.ANNULEE
    assert rencontre.motif_annulation == "Reportée"
    assert rencontre.annulee_le is not None
    assert rencontre.sequence == 1
    assert AuditEvent.objects.get(action="update").details["statut"] == "annulee"
    with pytest.raises(services.ActionInterdite, match="déjà annulée"):
        services.rencontre_annuler(rencontre=rencontre, acting_user=responsable)
    with pytest.raises(services.ActionInterdite, match="annulée : elle ne se modifie plus"):
        services.rencontre_modifier(
            rencontre=rencontre,
            champs=champs(organisatrice, [invitee], debut=rencontre.debut),
            acting_user=responsable,
        )
    with pytest.raises(services.ActionInterdite, match="n'a pas de présences"):
        services.rencontre_presences_enregistrer(
            rencontre=rencontre,
            presences={invitee.pk: ("presente", None)},
            acting_user=responsable,
        )


def test_a_stale_object_cannot_cancel_a_held_session(scene):
    """The service reads the status under lock, not from the caller's copy."""
    organisatrice, invitee, responsable = scene
    rencontre = RencontreFactory(organisatrice=organisatrice, invitees=[invitee], passee=True)
    stale = Rencontre.objects.get(pk=rencontre.pk)
    services.rencontre_presences_enregistrer(
        rencontre=rencontre, presences={invitee.pk: ("presente", 2)}, acting_user=responsable
    )

    with pytest.raises(services.ActionInterdite, match="ne s'annule plus"):
        services.rencontre_annuler(rencontre=stale, acting_user=responsable)
    assert Rencontre.objects.get(pk=rencontre.pk).statut == StatutRencontre.TENUE


# --- Attendance -------------------------------------------------------------------------------


def test_attendance_before_the_session_started_is_refused(scene):
    organisatrice, invitee, responsable = scene
    rencontre = RencontreFactory(organisatrice=organisatrice, invitees=[invitee])

    with pytest.raises(services.DonneesInvalides) as exc:
        services.rencontre_presences_enregistrer(
            rencontre=rencontre, presences={invitee.pk: ("presente", 3)}, acting_user=responsable
        )

    assert "n'a pas encore eu lieu" in erreurs_de(exc)["__all__"]
    rencontre.refresh_from_db()
    assert rencontre.statut == StatutRencontre.PREVUE
    assert Invitation.objects.get().presence == ""


def test_attendance_from_the_start_of_the_session(scene):
    organisatrice, invitee, responsable = scene
    rencontre = RencontreFactory(organisatrice=organisatrice, invitees=[invitee])

    services.rencontre_presences_enregistrer(
        rencontre=rencontre,
        presences={invitee.pk: ("presente", None)},
        acting_user=responsable,
        maintenant=rencontre.debut,
    )
    assert Rencontre.objects.get(pk=rencontre.pk).statut == StatutRencontre.TENUE


def test_attendance_records_each_structure_and_can_be_corrected(scene):
    organisatrice, invitee, responsable = scene
    absente = StructureFactory(reseau=Reseau.APEC)
    rencontre = RencontreFactory(
        organisatrice=organisatrice, invitees=[invitee, absente], passee=True
    )

    services.rencontre_presences_enregistrer(
        rencontre=rencontre,
        presences={invitee.pk: ("presente", 4), absente.pk: ("absente", None)},
        acting_user=responsable,
    )

    rencontre.refresh_from_db()
    assert rencontre.statut == StatutRencontre.TENUE
    assert rencontre.presences_par == responsable
    rows = dict(rencontre.invitations.values_list("structure_id", "nombre_personnes"))
    assert rows == {invitee.pk: 4, absente.pk: None}
    event = AuditEvent.objects.get(action="update")
    assert event.details == {"presences": "saisies", "presentes": [invitee.pk], "absentes": 1}

    services.rencontre_presences_enregistrer(
        rencontre=rencontre,
        presences={invitee.pk: ("absente", None), absente.pk: ("presente", 1)},
        acting_user=responsable,
    )
    assert set(
        rencontre.invitations.filter(presence="presente").values_list("structure_id", flat=True)
    ) == {absente.pk}
    assert AuditEvent.objects.filter(action="update").first().details["presences"] == "corrigees"


@pytest.mark.parametrize(
    ("presence", "nombre", "champ", "message"),
    [
        ("", None, "presence", "était présente ou absente"),
        ("peut-etre", None, "presence", "était présente ou absente"),
        ("absente", 3, "nombre", "Une structure absente n'a pas de participants"),
        ("presente", 0, "nombre", "au moins une personne"),
        ("presente", 501, "nombre", "500 personnes au plus"),
    ],
)
def test_attendance_errors_name_the_structure_line(scene, presence, nombre, champ, message):
    organisatrice, invitee, responsable = scene
    autre = StructureFactory()
    rencontre = RencontreFactory(
        organisatrice=organisatrice, invitees=[invitee, autre], passee=True
    )

    with pytest.raises(services.DonneesInvalides) as exc:
        services.rencontre_presences_enregistrer(
            rencontre=rencontre,
            presences={invitee.pk: (presence, nombre), autre.pk: ("presente", 1)},
            acting_user=responsable,
        )

    assert set(erreurs_de(exc)) == {f"{champ}_{invitee.pk}"}
    assert message in erreurs_de(exc)[f"{champ}_{invitee.pk}"]
    assert Rencontre.objects.get(pk=rencontre.pk).statut == StatutRencontre.PREVUE


def test_attendance_of_a_structure_not_invited_is_refused(scene):
    organisatrice, invitee, responsable = scene
    rencontre = RencontreFactory(organisatrice=organisatrice, invitees=[invitee], passee=True)

    with pytest.raises(services.DonneesInvalides) as exc:
        services.rencontre_presences_enregistrer(
            rencontre=rencontre,
            presences={invitee.pk: ("presente", 1), organisatrice.pk: ("presente", 1)},
            acting_user=responsable,
        )
    assert "Seules les structures invitées" in erreurs_de(exc)["__all__"]


def test_a_held_session_no_longer_changes():
    m = monde(tenue=True)
    with pytest.raises(services.ActionInterdite, match="présences de cette rencontre"):
        services.rencontre_modifier(
            rencontre=m.rencontre,
            champs=champs(m.organisatrice, [m.invitee], debut=m.rencontre.debut),
            acting_user=m.responsable,
        )


def test_the_status_table_is_the_whole_machine():
    allowed = {
        (action, statut)
        for action in workflow.ACTIONS
        for statut in StatutRencontre.values
        if statut in workflow.ACTIONS[action]
    }
    assert allowed == {
        ("modifier", "prevue"),
        ("annuler", "prevue"),
        ("presences", "prevue"),
        ("presences", "tenue"),
    }
    # every refusal has its own message
    for action in workflow.ACTIONS:
        for statut in set(StatutRencontre.values) - workflow.ACTIONS[action]:
            assert (action, statut) in workflow.REFUS


def test_the_database_keeps_the_status_and_its_dates_coherent():
    rencontre = RencontreFactory(invitees=[StructureFactory()])
    with transaction.atomic(), pytest.raises(IntegrityError):
        Rencontre.objects.filter(pk=rencontre.pk).update(statut=StatutRencontre.ANNULEE)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Rencontre.objects.filter(pk=rencontre.pk).update(fin=rencontre.debut)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Invitation.objects.filter(rencontre=rencontre).update(nombre_personnes=2)  # not present


# --- Working groups ---------------------------------------------------------------------------


def groupe_champs(animatrice, membres, /, **kwargs) -> services.ChampsGroupe:
    values = {
        "nom": "Ingénierie financière",
        "theme": "ingénierie financière",
        "animatrice": animatrice,
        "membres": membres,
    }
    values.update(kwargs)
    return services.ChampsGroupe(**values)


def test_group_create_in_the_animators_region_with_departements():
    coordination = MembershipFactory(coordinateur=True).user
    animatrice = coordination.memberships.get().structure
    membre = StructureFactory()
    savoie = Departement.objects.get(code="73")

    groupe = services.groupe_create(
        champs=groupe_champs(animatrice, [membre, animatrice], departements=[savoie]),
        acting_user=coordination,
    )

    assert groupe.region_id == "84"
    assert list(groupe.membres.all()) == [membre]
    assert list(groupe.departements.all()) == [savoie]
    assert AuditEvent.objects.get(object_type="coordination.groupetravail").action == "create"


@pytest.mark.parametrize(
    ("kwargs", "champ", "message"),
    [
        ({"nom": ""}, "nom", "Le nom du groupe est obligatoire."),
        ({"theme": " "}, "theme", "Indiquez le thème du groupe"),
        ({"membres": []}, "membres", "Ajoutez au moins une structure membre"),
        ({"departements": "nord"}, "departements", "Nord"),
        ({"animatrice": None}, "animatrice", "Choisissez la structure qui anime le groupe."),
    ],
)
def test_group_rules(kwargs, champ, message):
    coordination = MembershipFactory(coordinateur=True).user
    animatrice = coordination.memberships.get().structure
    if kwargs.get("departements") == "nord":
        kwargs["departements"] = [Departement.objects.get(code="59")]

    with pytest.raises(services.DonneesInvalides) as exc:
        services.groupe_create(
            champs=groupe_champs(animatrice, [StructureFactory()], **kwargs),
            acting_user=coordination,
        )
    assert message in erreurs_de(exc)[champ]
    assert not GroupeTravail.objects.exists()


def test_group_close_refused_while_sessions_are_planned_then_reopen():
    coordination = MembershipFactory(coordinateur=True).user
    groupe = GroupeTravailFactory(animatrice=coordination.memberships.get().structure)
    prevue = RencontreFactory(groupe=groupe, organisatrice=groupe.animatrice)

    with pytest.raises(services.ActionInterdite, match="encore 1 rencontre à venir"):
        services.groupe_clore(groupe=groupe, acting_user=coordination)

    services.rencontre_annuler(rencontre=prevue, acting_user=coordination)
    services.groupe_clore(groupe=groupe, acting_user=coordination)
    groupe.refresh_from_db()
    assert groupe.clos_le == timezone.localdate()
    with pytest.raises(services.ActionInterdite, match="rouvrez-le"):
        services.groupe_modifier(
            groupe=groupe,
            champs=groupe_champs(groupe.animatrice, [StructureFactory()]),
            acting_user=coordination,
        )
    services.groupe_rouvrir(groupe=groupe, acting_user=coordination)
    groupe.refresh_from_db()
    assert groupe.actif


def test_group_change_keeps_its_region():
    coordination = MembershipFactory(coordinateur=True).user
    groupe = GroupeTravailFactory(animatrice=coordination.memberships.get().structure)
    admin = MembershipFactory(administrateur=True).user
    ailleurs = StructureFactory(region=RegionFactory(code="32", nom="Hauts-de-France"))

    with pytest.raises(services.DonneesInvalides) as exc:
        services.groupe_modifier(
            groupe=groupe, champs=groupe_champs(ailleurs, [StructureFactory()]), acting_user=admin
        )
    assert "de la région du groupe" in erreurs_de(exc)["animatrice"]

    membre = StructureFactory()
    services.groupe_modifier(
        groupe=groupe,
        champs=groupe_champs(groupe.animatrice, [membre], nom="Nouveau nom"),
        acting_user=coordination,
    )
    groupe.refresh_from_db()
    assert groupe.nom == "Nouveau nom"
    assert list(groupe.membres.all()) == [membre]
    assert AuditEvent.objects.get(action="update").details["champs"] == ["membres", "nom"]
