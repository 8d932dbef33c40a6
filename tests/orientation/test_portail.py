"""The public self-diagnosis: one question per screen, no JavaScript needed, then a contact
request that only the chosen structure can read."""

from __future__ import annotations

import re

import pytest

from aiguillage.accounts.models import Role
from aiguillage.core.models import AuditEvent
from aiguillage.orientation.models import Diagnostic
from aiguillage.orientation.questionnaire import clean_answers, next_question, situation_from
from aiguillage.referrals.models import Adressage
from tests.factories import MembershipFactory, StructureFactory, site_serving, user_with_role

pytestmark = pytest.mark.django_db


def test_questions_depend_on_previous_answers():
    assert next_question({}).key == "activite"
    assert next_question({"activite": "salarie"}).key == "contrat"
    assert next_question({"activite": "demandeur_emploi"}).key == "age"
    assert next_question({"activite": "etudiant"}).key == "exerce_un_emploi"
    pupil = {"activite": "eleve", "age": "15"}
    assert next_question(pupil).key == "commune"  # no RQTH, cadre or France Travail question


def test_invalid_or_irrelevant_answers_are_dropped():
    answers = clean_answers({"activite": "salarie", "contrat": "fixe", "age": "200", "x": "1"})
    assert answers == {"activite": "salarie"}
    assert clean_answers({"activite": "demandeur_emploi", "contrat": "cdi"}) == {
        "activite": "demandeur_emploi"
    }


def test_situation_from_answers():
    answers = {
        "activite": "salarie",
        "contrat": "cdd_saisonnier",
        "age": "31",
        "rqth": "nsp",
        "cadre": "non",
    }
    assert situation_from(answers, commune_code="73065") == {
        "activite": "salarie",
        "age": 31,
        "contrat": "cdd_saisonnier",
        "saisonnier": True,
        "cadre": False,
        "commune": "73065",
    }


def walk(client, answers: dict) -> str:
    """Answer each screen by GET as a browser without JavaScript would."""
    given: dict = {}
    for _ in range(10):
        body = client.get("/orientation/", given).content.decode()
        key = re.search(r'name="(\w+)" (?:id="r-|id="reponse|type="number")', body) or re.search(
            r'id="reponse" name="(\w+)"', body
        )
        key = key.group(1)
        if key == "commune":
            return body
        given[key] = answers[key]
    raise AssertionError("le questionnaire ne se termine pas")


def test_a_young_job_seeker_walks_the_questionnaire(client):
    mission_locale = site_serving(
        commune="73065", nom="ML Chambéry", structure=StructureFactory(reseau="mission_locale")
    )
    answers = {
        "activite": "demandeur_emploi",
        "age": "19",
        "rqth": "non",
        "cadre": "non",
        "inscrit_france_travail": "oui",
    }
    last = walk(client, answers)
    assert "Dans quelle commune habitez-vous ?" in last
    response = client.post("/orientation/resultat/", {**answers, "commune": "chambery"})
    assert response.status_code == 302
    diagnostic = Diagnostic.objects.get()
    assert diagnostic.canal == "portail"
    assert diagnostic.commune_id == "73065"
    result = client.get(response.url).content.decode()
    assert "Mission locale" in result and "France Travail" in result
    assert "ML Chambéry" in result
    assert f"/contact/{mission_locale.pk}/" in result


def test_ambiguous_commune_asks_to_choose(client):
    answers = {"activite": "inactif", "age": "40", "rqth": "non", "inscrit_france_travail": "non"}
    # Several communes are called Saint-Denis (Seine-Saint-Denis, La Réunion, Aude…).
    page = client.post("/orientation/resultat/", {**answers, "commune": "saint denis"})
    body = page.content.decode()
    assert "Plusieurs communes correspondent" in body
    assert 'value="97411"' in body
    assert not Diagnostic.objects.exists()
    chosen = client.post(
        "/orientation/resultat/", {**answers, "commune": "saint denis", "commune_code": "97411"}
    )
    assert chosen.status_code == 302
    assert Diagnostic.objects.get().commune_id == "97411"
    # A unique name needs no choice.
    client.post("/orientation/resultat/", {**answers, "commune": "Saint-Étienne"})
    assert Diagnostic.objects.filter(commune_id="42218").exists()


def test_missing_answers_send_back_to_the_questions(client):
    response = client.post("/orientation/resultat/", {"activite": "salarie", "commune": "73065"})
    assert response.status_code == 302
    assert response.url.startswith("/orientation/?activite=salarie")


@pytest.fixture
def diagnostic_with_site(client):
    site = site_serving(
        commune="73065", nom="Cap emploi Savoie", structure=StructureFactory(reseau="cap_emploi")
    )
    answers = {
        "activite": "demandeur_emploi",
        "age": "45",
        "rqth": "oui",
        "cadre": "non",
        "inscrit_france_travail": "oui",
    }
    client.post("/orientation/resultat/", {**answers, "commune": "73065"})
    return Diagnostic.objects.get(), site


def test_contact_request_needs_consent_and_a_way_to_reach_the_person(client, diagnostic_with_site):
    diagnostic, site = diagnostic_with_site
    url = f"/orientation/resultat/{diagnostic.public_id}/contact/{site.pk}/"
    refused = client.post(url, {"prenom": "Léa", "preference_contact": "telephone"})
    body = refused.content.decode()
    assert "Indiquez au moins une adresse électronique ou un numéro de téléphone." in body
    assert "Votre accord est nécessaire" in body
    assert not Adressage.objects.exists()
    sent = client.post(
        url,
        {
            "prenom": "Léa",
            "telephone": "0612345678",
            "preference_contact": "telephone",
            "contact_uniquement_ainsi": "on",
            "consentement": "on",
        },
    )
    assert sent.status_code == 302
    # The request is a referral without a sending structure, in the structure's inbox.
    demande = Adressage.objects.select_related("personne", "consentement").get()
    assert (demande.destinataire, demande.emettrice, demande.canal) == (
        site.structure,
        None,
        "portail",
    )
    assert demande.statut == "envoyee"
    assert demande.diagnostic == diagnostic
    assert demande.personne.contact_uniquement_ainsi
    assert demande.consentement.mode == "portail"
    assert site.structure.nom in demande.consentement.texte
    assert list(demande.consentement.structures.all()) == [site.structure]
    # The audit log says a request was created, without its content.
    for event in AuditEvent.objects.filter(action="create"):
        assert "Léa" not in event.object_repr and "0612345678" not in str(event.details)


def test_only_proposed_sites_can_be_contacted(client, diagnostic_with_site):
    diagnostic, _ = diagnostic_with_site
    other = site_serving(commune="42218")
    url = f"/orientation/resultat/{diagnostic.public_id}/contact/{other.pk}/"
    assert client.get(url).status_code == 404


def test_a_request_is_visible_to_its_structure_only(client, diagnostic_with_site):
    diagnostic, site = diagnostic_with_site
    member = MembershipFactory(structure=site.structure).user
    client.post(
        f"/orientation/resultat/{diagnostic.public_id}/contact/{site.pk}/",
        {
            "prenom": "Léa",
            "courriel": "lea@exemple.test",
            "preference_contact": "courriel",
            "consentement": "on",
        },
    )
    demande = Adressage.objects.get()
    url = f"/adressages/{demande.public_id}/"
    client.force_login(member)
    assert "lea@exemple.test" in client.get(url).content.decode()
    assert AuditEvent.objects.filter(
        action="view", object_type="referrals.personne", actor_id=member.pk
    ).exists()
    assert member.notifications.filter(adressage=demande, type="nouvel_adressage").exists()
    for outsider in (
        MembershipFactory(structure=StructureFactory(reseau="cap_emploi")).user,
        user_with_role(Role.COORDINATEUR_REGIONAL),
        user_with_role(Role.ANALYSTE),
        user_with_role(Role.ADMINISTRATEUR),
    ):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_demo_requests_are_idempotent_and_in_the_demo_counsellor_inbox(client):
    from aiguillage.accounts.models import User
    from aiguillage.core.demo import demo_load

    demo_load()
    demo_load()
    portal = Adressage.objects.filter(canal="portail", emettrice__isnull=True)
    assert portal.count() == 2
    client.force_login(User.objects.get(email="conseiller@demo.aiguillage.example"))
    body = client.get("/adressages/?boite=recus").content.decode()
    for demande in portal:
        assert f"/adressages/{demande.public_id}/" in body
    assert client.get("/orientation/demandes/").url == "/adressages/"
