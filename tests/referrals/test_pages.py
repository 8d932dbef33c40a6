"""The counsellors' referral pages, through the test client: who sees what, the moves, the
consent, messages and attachments, co-accompaniment, and the inbox's constant query count."""

from __future__ import annotations

import re
import uuid
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aiguillage.accounts.models import Role
from aiguillage.core.models import AuditEvent
from aiguillage.directory.models import Reseau
from aiguillage.referrals import services
from aiguillage.referrals.models import (
    Accompagnement,
    Adressage,
    Consentement,
    Message,
    Notification,
    Personne,
    PieceJointe,
    Statut,
    Transition,
)
from tests.factories import (
    MembershipFactory,
    PersonneFactory,
    StructureFactory,
    adressage_au_statut,
    adressage_envoye,
    scene_adressage,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def page(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def body(response) -> str:
    return unescape(response.content.decode())


def detail_url(adressage) -> str:
    return f"/adressages/{adressage.public_id}/"


def nom(personne) -> str:
    return f"{personne.prenom} {personne.nom}"


# --- Inbox ------------------------------------------------------------------------------------


def test_inbox_shows_received_and_sent_referrals_and_audits_each_page():
    from django.test import Client

    scene = scene_adressage()
    adressage_envoye(scene)
    receiver, sender = Client(), Client()

    received = page(receiver, scene.recepteur, "/adressages/")
    sent = page(sender, scene.emetteur, "/adressages/?boite=envoyes")

    assert received.status_code == sent.status_code == 200
    assert nom(scene.personne) in body(received)
    assert scene.emettrice.nom in body(received)
    assert nom(scene.personne) in body(sent)
    assert scene.destinataire.nom in body(sent)
    assert "Envoyée" in body(sent)
    events = AuditEvent.objects.filter(action="view", object_type="referrals.adressage")
    assert events.count() == 2
    assert set(events.values_list("actor_id", flat=True)) == {scene.emetteur.pk, scene.recepteur.pk}
    # The sender's inbox to act on is empty: nothing was sent to its structure.
    assert nom(scene.personne) not in body(page(sender, scene.emetteur, "/adressages/"))


def test_inbox_hides_the_name_when_the_consent_is_withdrawn(client):
    scene = scene_adressage()
    adressage_envoye(scene)
    services.consentement_retirer(consentement=scene.consentement, acting_user=scene.emetteur)

    response = page(client, scene.recepteur, "/adressages/?boite=recus")

    assert "Personne (données non partagées)" in body(response)
    assert scene.personne.nom not in body(response)
    assert not AuditEvent.objects.filter(object_type="referrals.adressage", action="view").exists()


def test_inbox_filters_by_status_and_by_structure(client):
    scene = scene_adressage()
    adressage_au_statut("acceptee", scene)
    other_structure = StructureFactory(reseau=Reseau.CAP_EMPLOI)
    MembershipFactory(user=scene.recepteur, structure=other_structure)
    other_scene = scene_adressage(destinataire=other_structure)
    adressage_envoye(other_scene)

    only_accepted = page(client, scene.recepteur, "/adressages/?boite=recus&statut=acceptee")
    only_other = page(
        client, scene.recepteur, f"/adressages/?boite=recus&structure={other_structure.pk}"
    )

    assert nom(scene.personne) in body(only_accepted)
    assert nom(other_scene.personne) not in body(only_accepted)
    assert nom(other_scene.personne) in body(only_other)
    assert nom(scene.personne) not in body(only_other)
    assert 'name="structure"' in body(only_other)  # a member of several structures may filter


def _bulk_referrals(scene, n: int) -> None:
    """``n`` more referrals to the same receiver, written in bulk (the page is what is timed)."""
    now = timezone.now()
    people = Personne.objects.bulk_create(
        Personne(
            prenom=f"Prénom{i}",
            nom=f"Nom{i}",
            prenom_normalise=f"prenom{i}",
            nom_normalise=f"nom{i}",
            telephone="0199001234",
            preference_contact="telephone",
            structure_creatrice=scene.emettrice,
        )
        for i in range(n)
    )
    fin = scene.consentement.valable_jusqu_au
    consents = Consentement.objects.bulk_create(
        Consentement(
            personne=p,
            donnees_partagees=["identite", "coordonnees"],
            mode="en_personne",
            texte="Texte",
            donne_le=now,
            valable_jusqu_au=fin,
        )
        for p in people
    )
    Consentement.structures.through.objects.bulk_create(
        Consentement.structures.through(consentement_id=c.pk, structure_id=scene.destinataire.pk)
        for c in consents
    )
    Adressage.objects.bulk_create(
        Adressage(
            canal="conseiller",
            personne=p,
            consentement=c,
            emettrice=scene.emettrice,
            destinataire=scene.destinataire,
            motif="Motif",
            statut=Statut.ENVOYEE,
            statut_depuis=now,
        )
        for p, c in zip(people, consents, strict=True)
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("boite", ["a_traiter", "recus"])
def test_inbox_query_count_is_the_same_for_10_and_1000_referrals(client, boite):
    scene = scene_adressage()
    client.force_login(scene.recepteur)
    _bulk_referrals(scene, 10)
    url = f"/adressages/?boite={boite}"
    client.get(url)  # warm the session

    few = _queries(client, url)
    _bulk_referrals(scene, 990)
    many = _queries(client, url)

    assert Adressage.objects.count() == 1000
    assert few == many
    assert "1000 adressages" in body(client.get(url))


def test_sender_inbox_query_count_is_constant(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)
    _bulk_referrals(scene, 10)
    client.get("/adressages/?boite=envoyes")
    few = _queries(client, "/adressages/?boite=envoyes")
    _bulk_referrals(scene, 290)
    assert _queries(client, "/adressages/?boite=envoyes") == few


# --- Who may open a referral ------------------------------------------------------------------


def test_receiver_opening_a_sent_referral_marks_it_received_the_sender_does_not(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)

    assert page(client, scene.emetteur, detail_url(adressage)).status_code == 200
    adressage.refresh_from_db()
    assert adressage.statut == Statut.ENVOYEE

    response = page(client, scene.recepteur, detail_url(adressage))
    adressage.refresh_from_db()
    assert response.status_code == 200
    assert adressage.statut == Statut.RECUE
    assert "received" in body(response)  # FHIR Task.status
    assert not scene.recepteur.notifications.filter(lue_le__isnull=True).exists()


def test_receiver_sees_only_the_shared_items(client):
    scene = scene_adressage(donnees=["commune"])
    adressage = adressage_envoye(scene, note="Note confidentielle du conseiller")
    personne = scene.personne

    received = body(page(client, scene.recepteur, detail_url(adressage)))
    sent = body(page(client, scene.emetteur, detail_url(adressage)))

    assert nom(personne) in received
    assert personne.courriel in received
    assert f"{personne.date_naissance:%d/%m/%Y}" not in received
    assert "Note confidentielle" not in received
    assert "non partagée" in received
    assert f"{personne.date_naissance:%d/%m/%Y}" in sent
    assert "Note confidentielle" in sent


def test_withdrawn_consent_hides_the_data_from_the_receiver(client):
    scene = scene_adressage()
    adressage, _ = adressage_au_statut("acceptee", scene)

    response = page(client, scene.emetteur, detail_url(adressage))
    withdrawn = client.post(
        f"{detail_url(adressage)}consentement/retirer/", {"confirmation": "on"}, follow=True
    )
    adressage.refresh_from_db()
    received = body(page(client, scene.recepteur, detail_url(adressage)))

    assert response.status_code == 200
    assert "Consentement retiré" in body(withdrawn)
    assert adressage.statut == Statut.ANNULEE
    assert adressage.motif_annulation == "consentement_retire"
    assert "retiré son consentement" in received
    assert scene.personne.courriel not in received
    assert scene.personne.nom not in received
    assert "Personne (données non partagées)" in received


def test_withdrawal_needs_a_confirmation(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    client.force_login(scene.emetteur)

    response = client.post(f"{detail_url(adressage)}consentement/retirer/", {})

    assert response.status_code == 400
    assert "Cochez la case" in body(response)
    scene.consentement.refresh_from_db()
    assert scene.consentement.retire_le is None


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
def test_anybody_outside_the_two_structures_gets_404_everywhere(client, role):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    message = services.message_create(
        adressage=adressage,
        auteur=scene.emetteur,
        texte="Bonjour",
        fichiers=[SimpleUploadedFile("cv.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
    )
    piece = message.pieces_jointes.get()
    third = StructureFactory(reseau=Reseau.APEC)
    client.force_login(user_with_role(role))
    base = detail_url(adressage)

    responses = [
        client.get(base),
        client.post(f"{base}statut/", {"vers": "acceptee"}),
        client.post(f"{base}statut/", {"vers": "annulee", "annulee-motif": "doublon"}),
        client.post(f"{base}messages/", {"texte": "Intrusion"}),
        client.post(f"{base}consentement/retirer/", {"confirmation": "on"}),
        client.post(
            f"{base}rediriger/",
            {
                "rediriger-structure": third.pk,
                "rediriger-mode": "telephone",
                "rediriger-accord": "on",
            },
        ),
        client.get(f"/adressages/pieces-jointes/{piece.public_id}/"),
        client.get(f"/adressages/accompagnements/nouveau/?adressage={adressage.public_id}"),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    adressage.refresh_from_db()
    scene.consentement.refresh_from_db()
    assert adressage.statut == Statut.ENVOYEE
    assert scene.consentement.retire_le is None
    assert Message.objects.count() == 1
    assert Adressage.objects.count() == 1
    assert not AuditEvent.objects.filter(
        action="view", object_type="referrals.personne", actor_id=client.session["_auth_user_id"]
    ).exists()


def test_unknown_referral_is_404(client):
    scene = scene_adressage()
    assert page(client, scene.emetteur, f"/adressages/{uuid.uuid4()}/").status_code == 404


# --- Moves ------------------------------------------------------------------------------------


def test_receiver_accepts_contacts_and_closes_with_an_outcome_the_sender_sees_it(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    client.force_login(scene.recepteur)
    base = detail_url(adressage)
    client.get(base)

    for data in (
        {"vers": "acceptee"},
        {"vers": "premier_contact"},
        {"vers": "terminee", "terminee-motif": "formation_engagee", "terminee-commentaire": "CAP"},
    ):
        response = client.post(f"{base}statut/", data)
        assert response.status_code == 302, body(response)

    adressage.refresh_from_db()
    assert adressage.statut == Statut.TERMINEE
    assert adressage.resultat == "formation_engagee"
    sender_view = body(page(client, scene.emetteur, base))
    assert "Terminée" in sender_view
    assert "Formation engagée" in sender_view
    assert "completed" in sender_view
    assert scene.emetteur.notifications.filter(texte__contains="formation engagée").exists()


def test_forbidden_move_shows_the_message_and_changes_nothing(client):
    scene = scene_adressage()
    adressage, _ = adressage_au_statut("recue", scene)
    before = list(Transition.objects.filter(adressage=adressage).values_list("pk", flat=True))
    client.force_login(scene.recepteur)

    response = client.post(
        f"{detail_url(adressage)}statut/", {"vers": "terminee", "terminee-motif": "emploi"}
    )

    assert response.status_code == 409
    assert "Passage impossible de « Reçue » à « Terminée »" in body(response)
    adressage.refresh_from_db()
    assert adressage.statut == Statut.RECUE
    assert list(Transition.objects.filter(adressage=adressage).values_list("pk", flat=True)) == (
        before
    )


def test_the_sender_cannot_accept_and_htmx_gets_a_409_fragment(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    client.force_login(scene.emetteur)

    response = client.post(
        f"{detail_url(adressage)}statut/", {"vers": "acceptee"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 409
    assert "Seule la structure destinataire" in body(response)
    assert "<html" not in body(response)
    adressage.refresh_from_db()
    assert adressage.statut == Statut.ENVOYEE


def test_a_refusal_needs_a_coded_reason(client):
    scene = scene_adressage()
    adressage, _ = adressage_au_statut("recue", scene)
    client.force_login(scene.recepteur)

    missing = client.post(f"{detail_url(adressage)}statut/", {"vers": "refusee"})
    autre = client.post(
        f"{detail_url(adressage)}statut/", {"vers": "refusee", "refusee-motif": "autre"}
    )
    adressage.refresh_from_db()

    assert missing.status_code == autre.status_code == 400
    assert "Choisissez le motif du refus" in body(missing)
    assert "demande un commentaire" in body(autre)
    assert adressage.statut == Statut.RECUE

    ok = client.post(
        f"{detail_url(adressage)}statut/", {"vers": "refusee", "refusee-motif": "hors_territoire"}
    )
    adressage.refresh_from_db()
    assert ok.status_code == 302
    assert adressage.statut == Statut.REFUSEE
    assert "Hors de notre territoire" in body(page(client, scene.emetteur, detail_url(adressage)))


def test_only_allowed_buttons_are_shown(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)

    received = body(page(client, scene.recepteur, detail_url(adressage)))
    sent = body(page(client, scene.emetteur, detail_url(adressage)))

    assert "Accepter" in received and "Refuser" in received
    assert "Rediriger vers une autre structure" in received
    assert "Annuler l'adressage" not in received
    assert "Annuler l'adressage" in sent
    assert "Accepter</button>" not in sent


def test_the_receiver_redirects_to_another_structure(client):
    scene = scene_adressage()
    adressage, _ = adressage_au_statut("recue", scene)
    third = StructureFactory(reseau=Reseau.CAP_EMPLOI)
    client.force_login(scene.recepteur)

    response = client.post(
        f"{detail_url(adressage)}rediriger/",
        {
            "rediriger-structure": third.pk,
            "rediriger-mode": "telephone",
            "rediriger-accord": "on",
            "rediriger-commentaire": "Relève de Cap emploi",
        },
    )

    adressage.refresh_from_db()
    nouveau = Adressage.objects.get(origine=adressage)
    assert response.status_code == 302
    assert response["Location"] == detail_url(nouveau)
    assert adressage.statut == Statut.REDIRIGEE
    assert (nouveau.emettrice, nouveau.destinataire) == (scene.destinataire, third)
    assert nouveau.consentement.mode == "telephone"


def test_redirection_without_the_persons_agreement_is_refused(client):
    scene = scene_adressage()
    adressage, _ = adressage_au_statut("recue", scene)
    third = StructureFactory(reseau=Reseau.CAP_EMPLOI)
    client.force_login(scene.recepteur)

    response = client.post(
        f"{detail_url(adressage)}rediriger/",
        {"rediriger-structure": third.pk, "rediriger-mode": "telephone"},
    )

    assert response.status_code == 400
    assert "L'accord de la personne est obligatoire" in body(response)
    assert Adressage.objects.count() == 1


# --- Create -----------------------------------------------------------------------------------


def _create_data(destinataire, **extra) -> dict:
    data = {
        "prenom": "Léna",
        "nom": "Exemple",
        "date_naissance": "2003-05-14",
        "commune": "73065",
        "telephone": "01 99 00 12 34",
        "preference_contact": "telephone",
        "destinataire": destinataire.pk,
        "motif": "Recherche d'emploi",
        "note": "Disponible le matin",
        "donnees": ["date_naissance"],
        "mode": "en_personne",
        "accord": "on",
    }
    data.update(extra)
    return data


def _texte_affiche(response) -> str:
    match = re.search(r'name="texte_affiche" value="([^"]*)"', response.content.decode())
    return unescape(match.group(1))


def test_create_form_renders_with_the_regions_structures_grouped_by_network(client):
    scene = scene_adressage()
    response = page(client, scene.emetteur, "/adressages/nouveau/")
    html = body(response)
    assert response.status_code == 200
    assert f'<optgroup label="{Reseau.FRANCE_TRAVAIL.label}">' in html
    assert scene.destinataire.nom in html
    # The user's own structure is not a destination.
    assert f'value="{scene.emettrice.pk}">{scene.emettrice.nom}</option>' not in html


def test_create_shows_the_exact_text_then_records_person_consent_and_referral(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)
    data = _create_data(scene.destinataire)

    first = client.post("/adressages/nouveau/", data)
    texte = _texte_affiche(first)
    assert first.status_code == 400
    assert "Le texte de l'accord a changé" in body(first)
    assert not Adressage.objects.exists()
    assert scene.destinataire.nom in texte

    second = client.post("/adressages/nouveau/", {**data, "texte_affiche": texte})

    adressage = Adressage.objects.get()
    assert second.status_code == 302
    assert second["Location"] == detail_url(adressage)
    assert adressage.personne.prenom == "Léna"
    assert adressage.personne.commune_id == "73065"
    assert adressage.emettrice == scene.emettrice
    assert adressage.emis_par == scene.emetteur
    consent = adressage.consentement
    assert consent.texte == texte
    assert consent.mode == "en_personne"
    assert consent.recueilli_par == scene.emetteur
    assert set(consent.donnees_partagees) == {"identite", "coordonnees", "date_naissance"}
    assert list(consent.structures.all()) == [scene.destinataire]
    assert scene.recepteur.notifications.filter(type="nouvel_adressage").exists()


def test_the_consent_text_partial_follows_the_choices(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)

    response = client.post(
        "/adressages/nouveau/?partial=consentement",
        {"destinataire": scene.destinataire.pk, "donnees": ["commune"], "accord": "on"},
        HTTP_HX_REQUEST="true",
    )

    html = body(response)
    assert "<html" not in html
    assert f"transmis à {scene.destinataire.nom}" in html
    assert "commune de résidence" in html
    assert 'hx-swap-oob="true"' in html  # the agreement is unticked: the text changed
    assert not Adressage.objects.exists()


def test_without_the_agreement_nothing_is_written(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)
    data = _create_data(scene.destinataire)
    data.pop("accord")

    response = client.post("/adressages/nouveau/", data)

    assert response.status_code == 400
    assert "L'accord de la personne est obligatoire" in body(response)
    assert Personne.objects.count() == 1  # the scene's
    assert not Adressage.objects.exists()


def test_bad_input_names_the_field(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)
    data = _create_data(scene.destinataire, telephone="", commune="zzzzzz", motif="")

    response = client.post("/adressages/nouveau/", data)

    html = body(response)
    assert response.status_code == 400
    assert "Aucune commune ne correspond à « zzzzzz »" in html
    assert "Indiquez au moins un moyen de contact" in html
    assert "La préférence de contact choisie demande un numéro de téléphone" in html
    assert not Adressage.objects.exists()


def test_probable_duplicate_is_proposed_and_can_be_picked(client):
    scene = scene_adressage()
    known = PersonneFactory(
        prenom="Léna", nom="EXEMPLE", structure_creatrice=scene.emettrice, date_naissance=None
    )
    Personne.objects.filter(pk=known.pk).update(date_naissance="2003-05-14")
    client.force_login(scene.emetteur)
    data = _create_data(scene.destinataire)
    data["texte_affiche"] = _texte_affiche(client.post("/adressages/nouveau/", data))

    proposed = client.post("/adressages/nouveau/", data)
    assert proposed.status_code == 200
    assert "peut-être déjà connue" in body(proposed)
    assert str(known.public_id) in body(proposed)
    assert not Adressage.objects.exists()

    picked = client.post("/adressages/nouveau/", {**data, "personne_choix": str(known.public_id)})

    assert picked.status_code == 302
    assert Adressage.objects.get().personne == known
    assert Personne.objects.count() == 2  # the scene's and the known one: no new record


def test_a_duplicate_known_only_to_another_structure_is_not_revealed(client):
    scene = scene_adressage()
    stranger = PersonneFactory(prenom="Léna", nom="Exemple", structure_creatrice=StructureFactory())
    Personne.objects.filter(pk=stranger.pk).update(date_naissance="2003-05-14")
    client.force_login(scene.emetteur)
    data = _create_data(scene.destinataire)
    data["texte_affiche"] = _texte_affiche(client.post("/adressages/nouveau/", data))

    response = client.post("/adressages/nouveau/", data)

    assert response.status_code == 302
    assert Adressage.objects.get().personne != stranger


def test_fan_out_from_the_form(client):
    scene = scene_adressage()
    other = StructureFactory(reseau=Reseau.APEC)
    client.force_login(scene.emetteur)
    data = _create_data(scene.destinataire, autres_destinataires=[other.pk])
    data["texte_affiche"] = _texte_affiche(client.post("/adressages/nouveau/", data))

    response = client.post("/adressages/nouveau/", data, follow=True)

    adressages = list(Adressage.objects.all())
    assert len(adressages) == 2
    assert len({a.diffusion_id for a in adressages}) == 1
    assert {a.destinataire for a in adressages} == {scene.destinataire, other}
    assert "la première structure qui l'accepte" in body(response)


def test_refer_a_person_already_known(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)
    url = f"/adressages/nouveau/?personne={scene.personne.public_id}"
    data = {
        "destinataire": scene.destinataire.pk,
        "motif": "Nouvel adressage",
        "mode": "telephone",
        "accord": "on",
    }
    data["texte_affiche"] = _texte_affiche(client.post(url, data))

    assert nom(scene.personne) in body(client.get(url))
    response = client.post(url, data)

    assert response.status_code == 302
    assert Adressage.objects.get().personne == scene.personne
    # Another structure's person is not reachable this way.
    stranger = PersonneFactory(structure_creatrice=StructureFactory())
    assert client.get(f"/adressages/nouveau/?personne={stranger.public_id}").status_code == 404


def test_pages_are_for_members_of_a_structure(client):
    for role in (Role.COORDINATEUR_REGIONAL, Role.ANALYSTE, Role.ADMINISTRATEUR):
        client.force_login(user_with_role(role))
        for url in ("/adressages/", "/adressages/nouveau/", "/adressages/accompagnements/"):
            assert client.get(url).status_code == 404, (role, url)


# --- Messages and attachments -----------------------------------------------------------------


def test_message_with_an_attachment_downloaded_by_the_receiver_only(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    client.force_login(scene.emetteur)
    fichier = SimpleUploadedFile("cv de Léna.pdf", b"%PDF-1.4 test", content_type="application/pdf")

    response = client.post(
        f"{detail_url(adressage)}messages/", {"texte": "Voici le CV", "fichier": fichier}
    )

    assert response.status_code == 302
    piece = PieceJointe.objects.get()
    assert "Léna" not in piece.fichier.name  # stored under an opaque name
    received = body(page(client, scene.recepteur, detail_url(adressage)))
    assert "Voici le CV" in received
    assert f"/adressages/pieces-jointes/{piece.public_id}/" in received
    download = client.get(f"/adressages/pieces-jointes/{piece.public_id}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert scene.emettrice.nom in received

    services.consentement_retirer(consentement=scene.consentement, acting_user=scene.emetteur)
    assert client.get(f"/adressages/pieces-jointes/{piece.public_id}/").status_code == 404
    assert "Voici le CV" not in body(client.get(detail_url(adressage)))
    closed = client.post(f"{detail_url(adressage)}messages/", {"texte": "Encore"})
    assert closed.status_code == 409
    assert Message.objects.count() == 1


def test_a_refused_file_type_writes_nothing(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    client.force_login(scene.emetteur)
    fichier = SimpleUploadedFile("outil.exe", b"MZ", content_type="application/x-msdownload")

    response = client.post(
        f"{detail_url(adressage)}messages/", {"texte": "Programme", "fichier": fichier}
    )

    assert response.status_code == 400
    assert "type non accepté" in body(response)
    assert not Message.objects.exists()
    assert not PieceJointe.objects.exists()


def test_an_empty_message_is_refused(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    client.force_login(scene.emetteur)
    response = client.post(f"{detail_url(adressage)}messages/", {"texte": "  "})
    assert response.status_code == 400
    assert "Le message est vide" in body(response)


# --- Notifications ----------------------------------------------------------------------------


def test_unread_counter_on_the_menu_and_mark_all_read(client):
    scene = scene_adressage()
    adressage_envoye(scene)
    adressage_envoye(scene, motif="Deuxième")

    home = re.sub(r"<[^>]+>", "", body(page(client, scene.recepteur, "/")))
    assert "Adressages 2 notifications non lues" in home
    listing = body(client.get("/adressages/notifications/"))
    assert "Nouvel adressage reçu" in listing

    response = client.post("/adressages/notifications/")

    assert response.status_code == 302
    assert not Notification.objects.filter(utilisateur=scene.recepteur, lue_le__isnull=True)
    assert "notifications non lues" not in body(client.get("/"))


# --- Co-accompaniment -------------------------------------------------------------------------


def test_co_accompaniment_from_a_referral_members_and_shared_timeline(client):
    scene = scene_adressage()
    adressage, _ = adressage_au_statut("acceptee", scene)
    client.force_login(scene.recepteur)

    form = client.get(f"/adressages/accompagnements/nouveau/?adressage={adressage.public_id}")
    created = client.post(
        f"/adressages/accompagnements/nouveau/?adressage={adressage.public_id}",
        {
            "intitule": "Saison d'hiver",
            "theme": "saisonniers",
            "structure": scene.destinataire.pk,
            "associer": "on",
        },
    )

    assert form.status_code == 200
    acc = Accompagnement.objects.get()
    assert created.status_code == 302
    assert acc.adressage == adressage
    # The sender collected the consent but the consent lists only the receiver: it joins with the
    # "parcours" level.
    levels = dict(acc.membres.values_list("structure_id", "niveau_acces"))
    assert levels == {scene.destinataire.pk: "complet", scene.emettrice.pk: "parcours"}

    url = f"/adressages/accompagnements/{acc.public_id}/"
    added = client.post(
        f"{url}evenements/",
        {"evenement-type": "rendez_vous", "evenement-date": "2026-01-15", "evenement-texte": "RDV"},
    )
    third = StructureFactory(reseau=Reseau.CEP_ACTIFS_OCCUPES)
    refused = client.post(
        f"{url}membres/",
        {
            "membre-structure": third.pk,
            "membre-role": "partenaire",
            "membre-niveau_acces": "complet",
        },
    )
    joined = client.post(
        f"{url}membres/",
        {
            "membre-structure": third.pk,
            "membre-role": "partenaire",
            "membre-niveau_acces": "parcours",
        },
    )

    assert added.status_code == 302
    assert refused.status_code == 400
    assert "ne couvre pas" in body(refused)
    assert joined.status_code == 302
    full = body(client.get(url))
    assert "RDV" in full and scene.personne.courriel in full
    partner = MembershipFactory(structure=third).user
    partial = body(page(client, partner, url))
    assert "RDV" in partial
    assert scene.personne.courriel not in partial
    assert "Parcours seulement" in partial
    listing = body(client.get("/adressages/accompagnements/"))
    assert "Saison d'hiver" in listing


@pytest.mark.parametrize("role", [Role.CONSEILLER, Role.ADMINISTRATEUR, Role.ANALYSTE])
def test_co_accompaniment_is_404_for_outsiders(client, role):
    scene = scene_adressage()
    adressage, _ = adressage_au_statut("acceptee", scene)
    acc = services.accompagnement_create(
        personne=scene.personne,
        consentement=scene.consentement,
        intitule="Suivi",
        structure=scene.destinataire,
        acting_user=scene.recepteur,
        adressage=adressage,
    )
    client.force_login(user_with_role(role))
    url = f"/adressages/accompagnements/{acc.public_id}/"

    assert client.get(url).status_code == 404
    assert (
        client.post(
            f"{url}evenements/", {"evenement-type": "note", "evenement-texte": "x"}
        ).status_code
        == 404
    )
    assert client.post(f"{url}membres/", {}).status_code == 404
    assert not acc.evenements.exists()


# --- Demo -------------------------------------------------------------------------------------


def test_demo_step_is_idempotent_and_fills_both_demo_inboxes(client):
    from aiguillage.accounts.models import User
    from aiguillage.referrals import demo

    names = {demo.ML: Reseau.MISSION_LOCALE, demo.FT: Reseau.FRANCE_TRAVAIL, demo.CAP: "cap_emploi"}
    names[demo.CEP] = Reseau.CEP_ACTIFS_OCCUPES
    structures = {
        nom: StructureFactory(nom=nom, reseau=r, est_demo=True) for nom, r in names.items()
    }
    users = {}
    for nom, email in demo.ACTEURS.items():
        users[nom] = MembershipFactory(structure=structures[nom], user__email=email).user

    demo.referrals_demo_load(structures)
    counts = (Personne.objects.count(), Adressage.objects.count(), Transition.objects.count())
    demo.referrals_demo_load(structures)

    assert (Personne.objects.count(), Adressage.objects.count(), Transition.objects.count()) == (
        counts
    )
    assert counts[1] == len(demo.DEMO_SCENARIOS)
    assert set(Adressage.objects.values_list("statut", flat=True)) >= {
        "envoyee",
        "acceptee",
        "terminee",
        "refusee",
        "en_cours",
    }
    assert all(p.nom == "Exemple" for p in Personne.objects.all())
    for user in users.values():
        assert User.objects.get(pk=user.pk)
        inbox = body(page(client, user, "/adressages/"))
        assert "Exemple" in inbox
        assert "démo" in inbox
    assert Accompagnement.objects.count() == 1
