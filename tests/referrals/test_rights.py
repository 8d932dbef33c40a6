"""The person's rights (export, erasure) and the merge of duplicates: services and pages."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from aiguillage.accounts.models import Role
from aiguillage.core.models import AuditEvent
from aiguillage.referrals import rights, services
from aiguillage.referrals.models import (
    Accompagnement,
    Adressage,
    Consentement,
    Message,
    Personne,
    Statut,
)
from aiguillage.referrals.retention import SUPPRIME
from aiguillage.territories.models import Commune
from tests.factories import (
    MembershipFactory,
    PersonneFactory,
    StructureFactory,
    adressage_envoye,
    scene_adressage,
    user_with_role,
)

pytestmark = pytest.mark.django_db

NE_LE = date(1990, 5, 17)


def _url(personne, suffixe=""):
    return f"/adressages/personnes/{personne.public_id}/{suffixe}"


def _manager(structure):
    return MembershipFactory(structure=structure, role=Role.RESPONSABLE_STRUCTURE).user


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dossier(media):
    """A person sent by a Mission locale to France Travail, with a message, an attachment and a
    co-accompaniment; the receiver's consent does not share the birth date."""
    scene = scene_adressage(donnees=["commune"])
    Personne.objects.filter(pk=scene.personne.pk).update(
        date_naissance=NE_LE, commune=Commune.objects.get(pk="73065")
    )
    scene.personne.refresh_from_db()
    adressage = adressage_envoye(scene, note="Souhaite travailler en plein air")
    services.message_create(
        adressage=adressage,
        auteur=scene.recepteur,
        texte="Rendez-vous fixé mardi.",
        fichiers=[SimpleUploadedFile("convocation.pdf", b"%PDF-1.4", "application/pdf")],
    )
    accompagnement = services.accompagnement_create(
        personne=scene.personne,
        consentement=scene.consentement,
        intitule="Saisonniers de la vallée",
        structure=scene.emettrice,
        acting_user=scene.emetteur,
    )
    services.accompagnement_evenement_add(
        accompagnement=accompagnement,
        acting_user=scene.emetteur,
        type="rendez_vous",
        texte="Point d'étape au forum",
    )
    scene.adressage = adressage
    scene.responsable = _manager(scene.emettrice)
    return scene


# --- The person page --------------------------------------------------------------------------


def test_sender_sees_the_whole_record_and_the_rights_buttons(client, dossier):
    client.force_login(dossier.emetteur)

    response = client.get(_url(dossier.personne))

    body = response.content.decode()
    assert response.status_code == 200
    assert dossier.personne.nom in body
    assert "17/05/1990" in body
    assert dossier.personne.courriel in body
    assert _url(dossier.personne, "export/") in body
    assert _url(dossier.personne, "effacer/") not in body  # a counsellor, not a manager
    assert f"/adressages/{dossier.adressage.public_id}/" in body
    assert AuditEvent.objects.filter(
        action="view", actor_id=dossier.emetteur.pk, object_id=str(dossier.personne.pk)
    ).exists()


def test_manager_of_the_sender_sees_erase_and_merge(client, dossier):
    client.force_login(dossier.responsable)

    body = client.get(_url(dossier.personne)).content.decode()

    assert _url(dossier.personne, "effacer/") in body
    assert "Doublons probables" in body


def test_receiver_sees_only_what_the_consent_shares_and_no_rights_buttons(client, dossier):
    client.force_login(dossier.recepteur)

    response = client.get(_url(dossier.personne))

    body = response.content.decode()
    assert response.status_code == 200
    assert dossier.personne.courriel in body  # contact details are always shared
    assert "Chambéry" in body  # the consent shares the commune
    assert "17/05/1990" not in body  # … not the birth date
    assert _url(dossier.personne, "export/") not in body
    assert dossier.emettrice.nom in body  # who answers the person's requests


@pytest.mark.parametrize(
    "role",
    [
        Role.CONSEILLER,
        Role.RESPONSABLE_STRUCTURE,
        Role.COORDINATEUR_REGIONAL,
        Role.ANALYSTE,
        Role.ADMINISTRATEUR,
    ],
)
def test_anybody_from_another_structure_gets_404_on_every_person_url(client, dossier, role):
    client.force_login(user_with_role(role))
    personne = dossier.personne

    for suffixe in ("", "export/", "effacer/", "fusionner/"):
        assert client.get(_url(personne, suffixe)).status_code == 404
    assert client.post(_url(personne, "effacer/"), {"confirmation": "oui"}).status_code == 404
    other = PersonneFactory(structure_creatrice=dossier.emettrice)
    response = client.post(
        _url(personne, "fusionner/"), {"doublon": other.public_id, "confirmation": "oui"}
    )
    assert response.status_code == 404
    assert Personne.objects.get(pk=personne.pk).anonymisee_le is None
    assert not AuditEvent.objects.filter(action__in=["export", "delete"]).exists()


def test_receiver_loses_the_page_when_consent_is_withdrawn(client, dossier):
    services.consentement_retirer(consentement=dossier.consentement, acting_user=dossier.emetteur)
    client.force_login(dossier.recepteur)

    assert client.get(_url(dossier.personne)).status_code == 404


# --- Access right: the export -----------------------------------------------------------------


def test_export_contains_everything_held_and_is_audited(client, dossier):
    client.force_login(dossier.emetteur)

    response = client.get(_url(dossier.personne, "export/"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["format"] == rights.FORMAT_EXPORT
    personne = document["personne"]
    assert (personne["prenom"], personne["nom"]) == (dossier.personne.prenom, dossier.personne.nom)
    assert personne["date_naissance"] == "1990-05-17"
    assert personne["commune"] == {"code": "73065", "nom": "Chambéry"}
    assert personne["courriel"] == dossier.personne.courriel
    (consent,) = document["consentements"]
    assert consent["structures_destinataires"] == [dossier.destinataire.nom]
    assert "commune" in consent["donnees_partagees"]
    (adressage,) = document["adressages"]
    assert adressage["note"] == "Souhaite travailler en plein air"
    assert adressage["structure_destinataire"] == dossier.destinataire.nom
    assert [t["vers"] for t in adressage["historique"]] == ["Envoyée"]
    assert adressage["messages"][0]["texte"] == "Rendez-vous fixé mardi."
    assert adressage["pieces_jointes"][0]["nom"] == "convocation.pdf"
    assert "fichier" not in adressage["pieces_jointes"][0]
    (accompagnement,) = document["accompagnements"]
    assert accompagnement["intitule"] == "Saisonniers de la vallée"
    assert accompagnement["evenements"][0]["texte"] == "Point d'étape au forum"
    event = AuditEvent.objects.get(action="export")
    assert event.actor_id == dossier.emetteur.pk
    assert event.object_id == str(dossier.personne.pk)
    assert dossier.personne.nom not in event.object_repr


def test_export_is_refused_to_the_receiver(client, dossier):
    client.force_login(dossier.recepteur)
    assert client.get(_url(dossier.personne, "export/")).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_person_from_the_portal_is_answered_for_by_the_receiver(media):
    receiver = StructureFactory()
    counsellor = MembershipFactory(structure=receiver).user
    personne = PersonneFactory(structure_creatrice=None)
    consent = services.consentement_create(
        personne=personne, structures=[receiver], donnees=[], mode="portail"
    )
    services.adressage_create(
        personne=personne,
        consentement=consent,
        destinataires=[receiver],
        motif="Demande du portail",
        canal="portail",
    )

    assert rights.structures_responsables(personne) == {receiver.pk}
    found = rights.personne_get_for_rights(user=counsellor, public_id=personne.public_id)
    assert found.pk == personne.pk


# --- Erasure ----------------------------------------------------------------------------------


def test_erasure_needs_the_confirmation_box_and_changes_nothing_without(client, dossier):
    client.force_login(dossier.responsable)

    page = client.get(_url(dossier.personne, "effacer/"))
    assert page.status_code == 200
    assert "1 adressage en cours" in page.content.decode()

    response = client.post(_url(dossier.personne, "effacer/"), {})

    assert response.status_code == 400
    assert "Je confirme l'effacement" in response.content.decode()
    assert Personne.objects.get(pk=dossier.personne.pk).anonymisee_le is None
    assert Adressage.objects.get(pk=dossier.adressage.pk).statut == Statut.ENVOYEE


def test_erasure_withdraws_consent_closes_open_referrals_and_anonymises(client, dossier):
    client.force_login(dossier.responsable)

    response = client.post(_url(dossier.personne, "effacer/"), {"confirmation": "oui"})

    assert response.status_code == 302
    personne = Personne.objects.get(pk=dossier.personne.pk)
    assert personne.anonymisee_le is not None
    assert (personne.prenom, personne.nom, personne.courriel, personne.telephone) == (
        "",
        "",
        "",
        "",
    )
    assert personne.date_naissance is None and personne.commune_id is None
    adressage = Adressage.objects.get(pk=dossier.adressage.pk)
    assert (adressage.statut, adressage.motif_annulation) == ("annulee", "consentement_retire")
    assert adressage.note == "" and adressage.anonymise_le is not None
    assert Message.objects.get().texte == SUPPRIME
    assert not adressage.pieces_jointes.exists()
    assert Consentement.objects.get().retire_le is not None
    accompagnement = Accompagnement.objects.get()
    assert accompagnement.clos_le is not None
    assert accompagnement.evenements.get().texte == SUPPRIME
    # The receiver is told (without the person's name), the statistics keep the statuses.
    note = dossier.recepteur.notifications.filter(adressage=adressage).first()
    assert "annulée" in note.texte and dossier.personne.prenom not in note.texte
    assert adressage.transitions.count() == 2
    event = AuditEvent.objects.get(action="delete", object_type="referrals.personne")
    assert event.details["adressages_clos"] == 1
    assert event.details["effacement_sur_demande"] is True
    assert dossier.personne.nom not in event.object_repr
    # The person is gone: every person URL now answers 404.
    assert client.get(_url(dossier.personne)).status_code == 404


def test_erasure_is_refused_to_a_plain_counsellor(client, dossier):
    client.force_login(dossier.emetteur)
    response = client.post(_url(dossier.personne, "effacer/"), {"confirmation": "oui"})
    assert response.status_code == 404
    assert Personne.objects.get(pk=dossier.personne.pk).anonymisee_le is None


def test_erasure_twice_is_refused_with_a_clear_message(dossier):
    rights.personne_effacer(personne=dossier.personne, acting_user=dossier.responsable)
    with pytest.raises(services.DonneesInvalides, match="déjà été effacée"):
        rights.personne_effacer(personne=dossier.personne, acting_user=dossier.responsable)


# --- Duplicates and merge ---------------------------------------------------------------------


@pytest.fixture
def doublons(dossier):
    """A second record of the same person (accents and case differ), with its own referral,
    consent and co-accompaniment, created by the same Mission locale."""
    original = dossier.personne
    autre = PersonneFactory(
        structure_creatrice=dossier.emettrice,
        prenom=original.prenom.upper(),
        nom=original.nom.lower(),
        date_naissance=NE_LE,
        commune=None,
        courriel="",
        telephone="07 00 00 00 01",
    )
    receiver = StructureFactory()
    consent = services.consentement_create(
        personne=autre,
        structures=[receiver],
        donnees=[],
        mode="en_personne",
        recueilli_par=dossier.emetteur,
        structure=dossier.emettrice,
    )
    (adressage,) = services.adressage_create(
        personne=autre,
        consentement=consent,
        destinataires=[receiver],
        motif="Formation",
        emettrice=dossier.emettrice,
        emis_par=dossier.emetteur,
    )
    accompagnement = services.accompagnement_create(
        personne=autre,
        consentement=consent,
        intitule="Suivi formation",
        structure=dossier.emettrice,
        acting_user=dossier.emetteur,
    )
    dossier.autre = autre
    dossier.autre_adressage = adressage
    dossier.autre_accompagnement = accompagnement
    dossier.autre_consentement = consent
    return dossier


def test_duplicates_page_lists_the_pair_for_the_manager(client, doublons):
    PersonneFactory(structure_creatrice=doublons.emettrice, date_naissance=NE_LE)  # no match
    client.force_login(doublons.responsable)

    response = client.get("/adressages/personnes/doublons/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "1 paire de fiches" in body
    assert f"?avec={doublons.autre.public_id}" in body
    assert f"?avec={doublons.personne.public_id}" in body


def test_duplicates_page_is_404_for_counsellors_and_empty_for_other_managers(client, doublons):
    client.force_login(doublons.emetteur)
    assert client.get("/adressages/personnes/doublons/").status_code == 404

    client.force_login(_manager(StructureFactory()))
    response = client.get("/adressages/personnes/doublons/")
    assert response.status_code == 200
    assert doublons.personne.nom not in response.content.decode()


def test_duplicates_with_different_communes_are_not_proposed(doublons):
    Personne.objects.filter(pk=doublons.autre.pk).update(commune=Commune.objects.get(pk="73029"))
    assert rights.doublons_pour(user=doublons.responsable) == []


def test_merge_moves_everything_to_the_record_kept(client, doublons):
    client.force_login(doublons.responsable)
    garder, autre = doublons.personne, doublons.autre
    page = client.get(_url(garder, "fusionner/"), {"avec": autre.public_id})
    assert page.status_code == 200
    assert "Comparaison des deux fiches" in page.content.decode()

    response = client.post(
        _url(garder, "fusionner/"), {"doublon": autre.public_id, "confirmation": "oui"}
    )

    assert response.status_code == 302
    assert response["Location"] == _url(garder)
    assert Adressage.objects.get(pk=doublons.autre_adressage.pk).personne_id == garder.pk
    assert Consentement.objects.get(pk=doublons.autre_consentement.pk).personne_id == garder.pk
    assert Accompagnement.objects.get(pk=doublons.autre_accompagnement.pk).personne_id == garder.pk
    assert Adressage.objects.filter(personne=garder).count() == 2
    fusionnee = Personne.objects.get(pk=autre.pk)
    assert fusionnee.fusionnee_dans_id == garder.pk
    assert fusionnee.anonymisee_le is not None and fusionnee.prenom == ""
    kept = Personne.objects.get(pk=garder.pk)
    assert kept.telephone == garder.telephone  # its own details win …
    assert kept.commune_id == "73065"
    update = AuditEvent.objects.get(action="update", object_type="referrals.personne")
    assert update.details["fusion_de"] == str(autre.public_id)
    assert update.details["adressages"] == 1
    assert AuditEvent.objects.filter(
        action="delete", object_type="referrals.personne", object_id=str(autre.pk)
    ).exists()
    assert not rights.doublons_pour(user=doublons.responsable)


def test_merge_completes_the_details_the_kept_record_lacks(doublons):
    Personne.objects.filter(pk=doublons.personne.pk).update(telephone="")
    garder = Personne.objects.get(pk=doublons.personne.pk)

    rights.personnes_fusionner(
        garder=garder, doublon=doublons.autre, acting_user=doublons.responsable
    )

    assert Personne.objects.get(pk=garder.pk).telephone == "07 00 00 00 01"


def test_merge_without_confirmation_or_with_itself_changes_nothing(client, doublons):
    client.force_login(doublons.responsable)
    garder = doublons.personne

    missing = client.post(_url(garder, "fusionner/"), {"doublon": doublons.autre.public_id})
    itself = client.post(
        _url(garder, "fusionner/"), {"doublon": garder.public_id, "confirmation": "oui"}
    )
    garbage = client.post(_url(garder, "fusionner/"), {"doublon": "pas-un-uuid"})

    assert missing.status_code == itself.status_code == garbage.status_code == 400
    assert "Je confirme la fusion" in missing.content.decode()
    assert "deux fiches différentes" in itself.content.decode()
    assert "fiche à fusionner" in garbage.content.decode()
    assert Personne.objects.get(pk=doublons.autre.pk).fusionnee_dans_id is None
    assert Adressage.objects.get(pk=doublons.autre_adressage.pk).personne_id == doublons.autre.pk


def test_merge_is_refused_to_a_plain_counsellor_and_to_another_structure(client, doublons):
    data = {"doublon": doublons.autre.public_id, "confirmation": "oui"}
    for user in (doublons.emetteur, doublons.recepteur, _manager(doublons.destinataire)):
        client.force_login(user)
        response = client.post(_url(doublons.personne, "fusionner/"), data)
        assert response.status_code == 404
    assert Personne.objects.get(pk=doublons.autre.pk).fusionnee_dans_id is None


def test_merge_needs_the_manager_to_answer_for_both_records(client, doublons):
    stranger = PersonneFactory(
        structure_creatrice=StructureFactory(),
        prenom=doublons.personne.prenom,
        nom=doublons.personne.nom,
        date_naissance=NE_LE,
    )
    client.force_login(doublons.responsable)

    response = client.post(
        _url(doublons.personne, "fusionner/"),
        {"doublon": stranger.public_id, "confirmation": "oui"},
    )

    assert response.status_code == 404
    assert Personne.objects.get(pk=stranger.pk).fusionnee_dans_id is None


def test_rights_gateway_raises_404_for_a_counsellor_asking_to_manage(doublons):
    with pytest.raises(Http404):
        rights.personne_get_for_rights(
            user=doublons.emetteur, public_id=doublons.personne.public_id, gestion=True
        )
