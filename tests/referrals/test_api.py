"""Referrals API: every endpoint, the 404 wall around a referral, idempotent creation, the
409 on a forbidden move, and the OpenAPI contract."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aiguillage.accounts.models import Role
from aiguillage.core.models import AuditAction, AuditEvent
from aiguillage.referrals import idempotency
from aiguillage.referrals.models import (
    Adressage,
    CleIdempotence,
    Consentement,
    Message,
    Personne,
    PieceJointe,
    Statut,
    Transition,
)
from aiguillage.referrals.workflow import FHIR_TASK_STATUS, TRANSITIONS
from tests.factories import (
    MembershipFactory,
    SiteFactory,
    StructureFactory,
    adressage_au_statut,
    adressage_envoye,
    scene_adressage,
    user_with_role,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/adressages"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def body_for(scene, *destinataires, **overrides):
    """A creation body: a new person, consent for ``destinataires`` (default: the scene's)."""
    body = {
        "personne": {
            "prenom": "Léa",
            "nom": "Martin",
            "date_naissance": "1990-04-12",
            "commune": "73065",
            "courriel": "lea.martin@exemple.test",
            "telephone": "06 11 22 33 44",
            "preference_contact": "telephone",
            "contact_uniquement_ainsi": True,
        },
        "consentement": {"donnees": ["commune"], "mode": "en_personne"},
        "destinataires": [d.pk for d in destinataires] or [scene.destinataire.pk],
        "motif": "Projet de reconversion",
        "note": "Disponible le matin.",
    }
    body.update(overrides)
    return body


def outsiders(scene):
    """Everybody who is not a member of the referral's two structures."""
    other = StructureFactory()
    return {
        "conseiller d'une autre structure": MembershipFactory(structure=other).user,
        "responsable d'une autre structure": MembershipFactory(
            structure=other, role=Role.RESPONSABLE_STRUCTURE
        ).user,
        "administrateur": user_with_role(Role.ADMINISTRATEUR),
        "coordination régionale": user_with_role(Role.COORDINATEUR_REGIONAL),
        "analyste": user_with_role(Role.ANALYSTE),
    }


# --- The state machine, public ----------------------------------------------------------------


def test_statuts_publishes_the_machine_and_the_fhir_mapping(client):
    response = client.get(f"{API}/statuts")

    assert response.status_code == 200
    statuts = {s["statut"]: s for s in response.json()}
    assert set(statuts) == set(Statut.values)
    for value, item in statuts.items():
        assert item["fhir_task_status"] == FHIR_TASK_STATUS[value]
        assert item["label"] == Statut(value).label
        expected = {(vers, par) for (de, vers), par in TRANSITIONS.items() if de == value}
        assert {(t["vers"], t["par"]) for t in item["transitions"]} == expected
    assert statuts["recue"]["fhir_task_status"] == "received"
    assert {"vers": "acceptee", "par": "destinataire"} in statuts["recue"]["transitions"]
    assert statuts["terminee"]["final"] and not statuts["en_cours"]["final"]
    assert "emploi" in {m["code"] for m in statuts["terminee"]["motifs"]}
    assert statuts["acceptee"]["motifs"] == []


def test_everything_else_needs_a_session(client):
    adressage = adressage_envoye()
    assert client.get(API).status_code == 401
    assert post_json(client, API, {}).status_code == 401
    assert client.get(f"{API}/{adressage.public_id}").status_code == 401
    assert (
        post_json(client, f"{API}/{adressage.public_id}/transitions", {"vers": "recue"})
    ).status_code == 401


# --- Creation ---------------------------------------------------------------------------------


def test_counsellor_refers_a_new_person(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)

    response = post_json(client, API, body_for(scene))

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["diffusion"] is None
    (created,) = data["adressages"]
    adressage = Adressage.objects.get(public_id=created["public_id"])
    assert adressage.canal == "api"
    assert adressage.emettrice == scene.emettrice
    assert adressage.emis_par == scene.emetteur
    assert adressage.destinataire == scene.destinataire
    assert created["statut"] == created["business_status"] == "envoyee"
    assert created["fhir_task_status"] == "requested"
    assert created["personne"]["nom"] == "Martin"
    assert created["personne"]["commune"] == {"code": "73065", "nom": "Chambéry"}
    assert created["note"] == "Disponible le matin."
    assert created["cotes"] == ["emettrice"]
    assert [t["statut"] for t in created["transitions_possibles"]] == ["annulee"]
    assert [(e["de"], e["vers"]) for e in created["historique"]] == [("", "envoyee")]
    consent = adressage.consentement
    assert consent.recueilli_par == scene.emetteur
    assert consent.structure == scene.emettrice
    assert set(consent.donnees_partagees) == {"identite", "coordonnees", "commune"}
    assert list(consent.structures.all()) == [scene.destinataire]
    assert adressage.personne.contact_uniquement_ainsi is True
    assert adressage.personne.structure_creatrice == scene.emettrice


def test_several_receivers_fan_the_request_out(client):
    scene = scene_adressage()
    autres = [StructureFactory(), StructureFactory()]
    client.force_login(scene.emetteur)

    response = post_json(client, API, body_for(scene, scene.destinataire, *autres))

    assert response.status_code == 201
    data = response.json()
    assert len(data["adressages"]) == 3
    assert data["diffusion"] is not None
    assert {a["diffusion"] for a in data["adressages"]} == {data["diffusion"]}
    assert {a["destinataire"]["id"] for a in data["adressages"]} == {
        scene.destinataire.pk,
        *(s.pk for s in autres),
    }


def test_a_known_person_is_reused_only_if_the_user_may_see_them(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)
    body = body_for(scene, personne=None, personne_id=str(scene.personne.public_id))

    response = post_json(client, API, body)

    assert response.status_code == 201, response.content
    assert Adressage.objects.get().personne == scene.personne
    stranger = scene_adressage().personne
    before = Adressage.objects.count()
    body["personne_id"] = str(stranger.public_id)
    refused = post_json(client, API, body)
    assert refused.status_code == 422
    assert refused.json()["detail"] == "personne_id : personne introuvable."
    assert Adressage.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"personne": None}, "personne : indiquez soit une nouvelle personne"),
        ({"consentement": {"donnees": ["casier"], "mode": "en_personne"}}, "« casier »"),
        ({"consentement": {"donnees": [], "mode": "pigeon"}}, "consentement.mode : Mode"),
        ({"destinataires": [987654]}, "destinataires : structure(s) inconnue(s) : 987654"),
        ({"destinataires": []}, "destinataires : Choisissez au moins une structure"),
        ({"motif": " "}, "motif : Indiquez le motif"),
        ({"site": 987654}, "site : le site n° 987654"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(client, changes, message):
    scene = scene_adressage()
    client.force_login(scene.emetteur)
    counts = (Personne.objects.count(), Consentement.objects.count(), Adressage.objects.count())

    response = post_json(client, API, body_for(scene, **changes))

    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert counts == (
        Personne.objects.count(),
        Consentement.objects.count(),
        Adressage.objects.count(),
    )


@pytest.mark.parametrize(
    ("personne", "message"),
    [
        ({"prenom": "Léa", "courriel": "pas-une-adresse"}, "personne.courriel : adresse"),
        ({"prenom": "Léa", "telephone": "06", "preference_contact": "pigeon"}, "pigeon"),
        ({"prenom": "Léa", "courriel": "l@exemple.test", "commune": "99999"}, "« 99999 »"),
        ({"prenom": "Léa"}, "personne.courriel : Indiquez au moins un moyen de contact"),
        ({"prenom": " ", "courriel": "l@exemple.test"}, "personne.prenom : Le prénom"),
    ],
)
def test_bad_person_data_is_refused(client, personne, message):
    scene = scene_adressage()
    client.force_login(scene.emetteur)
    before = Personne.objects.count()

    response = post_json(client, API, body_for(scene, personne=personne))

    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert Personne.objects.count() == before


def test_a_structure_cannot_refer_to_itself(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)

    response = post_json(client, API, body_for(scene, scene.emettrice))

    assert response.status_code == 422
    assert "destinataires : Une structure ne peut pas s'adresser" in response.json()["detail"]
    assert not Adressage.objects.exists()


def test_a_site_must_belong_to_a_receiver(client):
    scene = scene_adressage()
    site = SiteFactory(structure=scene.destinataire)
    client.force_login(scene.emetteur)

    response = post_json(client, API, body_for(scene, site=site.pk))

    assert response.status_code == 201
    assert response.json()["adressages"][0]["site"] == {"id": site.pk, "nom": site.nom}


def test_a_member_of_several_structures_names_the_sender(client):
    scene = scene_adressage()
    second = StructureFactory()
    MembershipFactory(user=scene.emetteur, structure=second)
    client.force_login(scene.emetteur)

    ambiguous = post_json(client, API, body_for(scene))
    foreign = post_json(client, API, body_for(scene, emettrice=StructureFactory().pk))
    chosen = post_json(client, API, body_for(scene, emettrice=second.pk))

    assert ambiguous.status_code == 422
    assert "emettrice : vous êtes membre de plusieurs structures" in ambiguous.json()["detail"]
    assert foreign.status_code == 422
    assert chosen.status_code == 201
    assert chosen.json()["adressages"][0]["emettrice"]["id"] == second.pk


@pytest.mark.parametrize("role", [Role.ADMINISTRATEUR, Role.COORDINATEUR_REGIONAL, Role.ANALYSTE])
def test_only_structure_members_may_refer(client, role):
    scene = scene_adressage()
    client.force_login(user_with_role(role))

    response = post_json(client, API, body_for(scene))

    assert response.status_code == 403
    assert "Seuls les membres d'une structure" in response.json()["detail"]
    assert not Adressage.objects.exists()


# --- Idempotency ------------------------------------------------------------------------------


def test_a_retried_post_with_the_same_key_creates_one_referral(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)
    body = body_for(scene, scene.destinataire, StructureFactory())

    first = post_json(client, API, body, **{"Idempotency-Key": "demande-42"})
    second = post_json(client, API, body, **{"Idempotency-Key": "demande-42"})

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    ids = [a["public_id"] for a in first.json()["adressages"]]
    assert [a["public_id"] for a in second.json()["adressages"]] == ids
    assert second.json()["diffusion"] == first.json()["diffusion"]
    assert Adressage.objects.count() == 2
    assert Personne.objects.exclude(pk=scene.personne.pk).count() == 1
    key = CleIdempotence.objects.get()
    assert (key.utilisateur, key.cle, key.adressages) == (scene.emetteur, "demande-42", ids)
    assert len(key.empreinte) == 64
    int(key.empreinte, 16)


def test_same_key_with_another_body_is_refused(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)
    post_json(client, API, body_for(scene), **{"Idempotency-Key": "k1"})

    response = post_json(
        client, API, body_for(scene, motif="Autre projet"), **{"Idempotency-Key": "k1"}
    )

    assert response.status_code == 422
    assert (
        "La clé d'idempotence « k1 » a déjà servi pour une autre requête"
        in (response.json()["detail"])
    )
    assert Adressage.objects.count() == 1


def test_keys_belong_to_one_user(client):
    scene = scene_adressage()
    colleague = MembershipFactory(structure=scene.emettrice).user
    for user in (scene.emetteur, colleague):
        client.force_login(user)
        response = post_json(client, API, body_for(scene), **{"Idempotency-Key": "k"})
        assert response.status_code == 201
    assert Adressage.objects.count() == 2


def test_a_refused_request_does_not_use_up_its_key(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)

    refused = post_json(client, API, body_for(scene, motif=""), **{"Idempotency-Key": "k"})
    accepted = post_json(client, API, body_for(scene), **{"Idempotency-Key": "k"})

    assert refused.status_code == 422
    assert accepted.status_code == 201
    assert CleIdempotence.objects.count() == 1


@pytest.mark.parametrize(("key", "message"), [("  ", "la clé est vide"), ("x" * 201, "200")])
def test_malformed_keys_are_refused(client, key, message):
    scene = scene_adressage()
    client.force_login(scene.emetteur)

    response = post_json(client, API, body_for(scene), **{"Idempotency-Key": key})

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert message in response.json()["detail"]
    assert not Adressage.objects.exists()


def test_fingerprint_is_the_sha256_of_the_canonical_json():
    a = idempotency.empreinte_corps({"b": [1, 2], "a": "é"})
    b = idempotency.empreinte_corps({"a": "é", "b": [1, 2]})
    canonical = '{"a":"é","b":[1,2]}'.encode()

    assert a == b == hashlib.sha256(canonical).hexdigest()
    assert idempotency.empreinte_corps({"b": [2, 1], "a": "é"}) != a


# --- Inbox ------------------------------------------------------------------------------------


def test_inbox_lists_each_side(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)

    client.force_login(scene.recepteur)
    received = client.get(API).json()
    sent_for_receiver = client.get(API, {"boite": "envoyes"}).json()
    client.force_login(scene.emetteur)
    sent = client.get(API, {"boite": "envoyes"}).json()
    to_do_for_sender = client.get(API).json()

    (item,) = received["resultats"]
    assert item["public_id"] == str(adressage.public_id)
    assert item["fhir_task_status"] == "requested"
    assert item["personne"] == {"prenom": scene.personne.prenom, "nom": scene.personne.nom}
    assert item["emettrice"] == {"id": scene.emettrice.pk, "nom": scene.emettrice.nom}
    assert (received["boite"], received["total"], received["page"]) == ("a_traiter", 1, 1)
    assert sent_for_receiver["total"] == 0
    assert [i["public_id"] for i in sent["resultats"]] == [str(adressage.public_id)]
    assert to_do_for_sender["total"] == 0


def test_inbox_hides_the_person_once_consent_is_withdrawn(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    client.force_login(scene.emetteur)
    post_json(client, f"{API}/{adressage.public_id}/consentement/retrait", {})

    client.force_login(scene.recepteur)
    (item,) = client.get(API, {"boite": "recus"}).json()["resultats"]

    assert item["statut"] == "annulee"
    assert item["personne"] is None


def test_inbox_filters(client):
    scene = scene_adressage()
    adressage_envoye(scene)
    accepted, _ = adressage_au_statut("acceptee", scene)
    client.force_login(scene.recepteur)

    by_status = client.get(API, {"boite": "recus", "statut": "acceptee"}).json()
    other_structure = client.get(API, {"boite": "recus", "structure": scene.emettrice.pk}).json()
    bad = client.get(API, {"boite": "corbeille", "statut": "perdu"})

    assert [i["public_id"] for i in by_status["resultats"]] == [str(accepted.public_id)]
    assert other_structure["total"] == 0
    assert bad.status_code == 422
    assert "boite : valeur « corbeille » inconnue" in bad.json()["detail"]
    assert "statut : valeur « perdu » inconnue" in bad.json()["detail"]


def test_outsiders_have_an_empty_inbox(client):
    scene = scene_adressage()
    adressage_envoye(scene)
    for user in outsiders(scene).values():
        client.force_login(user)
        for boite in ("a_traiter", "recus", "envoyes"):
            assert client.get(API, {"boite": boite}).json()["total"] == 0


def test_inbox_costs_the_same_number_of_queries_whatever_its_size(client):
    scene = scene_adressage()
    client.force_login(scene.recepteur)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(API, {"boite": "recus"}).status_code == 200
        return len(ctx.captured_queries)

    adressage_envoye(scene)
    small = queries()
    for _ in range(8):
        adressage_envoye(scene)
    assert client.get(API, {"boite": "recus"}).json()["total"] == 9
    assert queries() == small


# --- One referral -----------------------------------------------------------------------------


def test_receiver_reads_the_referral_with_what_the_consent_shares(client):
    scene = scene_adressage(donnees=["commune"])
    adressage = adressage_envoye(scene, note="Note interne")
    client.force_login(scene.recepteur)
    views = AuditEvent.objects.filter(action=AuditAction.VIEW).count()

    response = client.get(f"{API}/{adressage.public_id}")

    assert response.status_code == 200
    data = response.json()
    # The receiver's first read marks it received, as the page does.
    assert data["business_status"] == data["statut"] == "recue"
    assert data["fhir_task_status"] == "received"
    assert [e["vers"] for e in data["historique"]] == ["envoyee", "recue"]
    assert data["cotes"] == ["destinataire"]
    assert {t["statut"] for t in data["transitions_possibles"]} == {
        "acceptee",
        "refusee",
        "redirigee",
    }
    refus = next(t for t in data["transitions_possibles"] if t["statut"] == "refusee")
    assert "hors_territoire" in {m["code"] for m in refus["motifs"]}
    personne = data["personne"]
    assert personne["prenom"] == scene.personne.prenom
    assert personne["courriel"] == scene.personne.courriel
    assert personne["date_naissance"] is None  # not shared
    assert data["note"] is None  # not shared
    assert data["consentement"]["actif"] is True
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == views + 1


def test_only_the_receivers_first_read_marks_it_received(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    url = f"{API}/{adressage.public_id}"

    client.force_login(scene.emetteur)
    by_sender = client.get(url).json()
    client.force_login(scene.recepteur)
    client.get(url)
    again = client.get(url).json()

    assert by_sender["statut"] == "envoyee"
    assert again["statut"] == "recue"
    assert [e["vers"] for e in again["historique"]] == ["envoyee", "recue"]


def test_sender_reads_everything_it_collected(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene, note="Note interne")
    client.force_login(scene.emetteur)

    data = client.get(f"{API}/{adressage.public_id}").json()

    assert data["statut"] == "envoyee"
    assert data["note"] == "Note interne"
    assert data["personne"]["date_naissance"] == scene.personne.date_naissance.isoformat()
    assert data["cotes"] == ["emettrice"]


def test_outsiders_get_404_on_every_resource_of_the_referral(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    client.force_login(scene.emetteur)
    client.post(
        f"{API}/{adressage.public_id}/messages",
        {"texte": "Voici son CV.", "fichiers": [_pdf()]},
    )
    piece = PieceJointe.objects.get()
    url = f"{API}/{adressage.public_id}"
    counts = (Message.objects.count(), Transition.objects.count())

    for label, user in outsiders(scene).items():
        client.force_login(user)
        responses = {
            "detail": client.get(url),
            "messages": client.get(f"{url}/messages"),
            "message": client.post(f"{url}/messages", {"texte": "Bonjour"}),
            "pièces jointes": client.get(f"{url}/pieces-jointes"),
            "téléchargement": client.get(f"{API}/pieces-jointes/{piece.public_id}"),
            "transition": post_json(client, f"{url}/transitions", {"vers": "acceptee"}),
            "retrait": post_json(client, f"{url}/consentement/retrait", {}),
        }
        for name, response in responses.items():
            assert response.status_code == 404, (label, name)

    assert Adressage.objects.get(pk=adressage.pk).statut == "envoyee"
    assert Consentement.objects.get(pk=scene.consentement.pk).retire_le is None
    assert (Message.objects.count(), Transition.objects.count()) == counts


def test_unknown_referral_is_404(client):
    client.force_login(scene_adressage().emetteur)
    assert client.get(f"{API}/00000000-0000-0000-0000-000000000000").status_code == 404


# --- Transitions ------------------------------------------------------------------------------


def test_receiver_accepts_through_the_api(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    client.force_login(scene.recepteur)

    response = post_json(client, f"{API}/{adressage.public_id}/transitions", {"vers": "acceptee"})

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["statut"] == "acceptee"
    assert data["fhir_task_status"] == "accepted"
    assert data["historique"][-1]["vers"] == "acceptee"
    assert data["historique"][-1]["structure"]["id"] == scene.destinataire.pk
    assert {t["statut"] for t in data["transitions_possibles"]} == {"premier_contact", "terminee"}
    assert Adressage.objects.get(pk=adressage.pk).statut == "acceptee"


def test_closing_with_an_outcome(client):
    adressage, scene = adressage_au_statut("en_cours")
    client.force_login(scene.recepteur)

    response = post_json(
        client,
        f"{API}/{adressage.public_id}/transitions",
        {"vers": "terminee", "motif": "emploi", "commentaire": "CDI signé."},
    )

    assert response.status_code == 200
    data = response.json()
    assert (data["statut"], data["fhir_task_status"], data["resultat"]) == (
        "terminee",
        "completed",
        "emploi",
    )
    assert data["commentaire_cloture"] == "CDI signé."
    assert data["transitions_possibles"] == []


@pytest.mark.parametrize(
    ("side", "vers", "motif", "message"),
    [
        ("destinataire", "terminee", "emploi", "Passage impossible de « Envoyée » à « Terminée »"),
        ("emettrice", "acceptee", "", "Seule la structure destinataire"),
        ("destinataire", "refusee", "", "Un refus doit être motivé"),
        ("destinataire", "envoyee", "", "Passage impossible"),
    ],
)
def test_forbidden_transition_is_409_and_changes_nothing(client, side, vers, motif, message):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    client.force_login(scene.recepteur if side == "destinataire" else scene.emetteur)
    log = Transition.objects.filter(adressage=adressage).count()

    response = post_json(
        client, f"{API}/{adressage.public_id}/transitions", {"vers": vers, "motif": motif}
    )

    assert response.status_code == 409
    assert message in response.json()["detail"]
    stored = Adressage.objects.get(pk=adressage.pk)
    assert (stored.statut, stored.modifie_le) == ("envoyee", adressage.modifie_le)
    assert Transition.objects.filter(adressage=adressage).count() == log


def test_unknown_target_status_is_422(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    client.force_login(scene.recepteur)

    response = post_json(client, f"{API}/{adressage.public_id}/transitions", {"vers": "perdue"})

    assert response.status_code == 422
    assert "vers : statut « perdue » inconnu" in response.json()["detail"]


def test_redirection_through_the_api(client):
    adressage, scene = adressage_au_statut("recue")
    tiers = StructureFactory()
    client.force_login(scene.recepteur)
    url = f"{API}/{adressage.public_id}/transitions"

    missing = post_json(client, url, {"vers": "redirigee"})
    response = post_json(client, url, {"vers": "redirigee", "structure": tiers.pk})

    assert missing.status_code == 422
    assert "structure : indiquez la structure" in missing.json()["detail"]
    assert response.status_code == 200
    data = response.json()
    assert data["statut"] == "redirigee"
    (nouveau_id,) = data["redirections"]
    nouveau = Adressage.objects.get(public_id=nouveau_id)
    assert (nouveau.emettrice, nouveau.destinataire) == (scene.destinataire, tiers)
    # The first sender is not involved in the new referral: it does not even see its id.
    client.force_login(scene.emetteur)
    assert client.get(f"{API}/{adressage.public_id}").json()["redirections"] == []
    assert client.get(f"{API}/{nouveau_id}").status_code == 404


# --- Consent withdrawal -----------------------------------------------------------------------


def test_consent_withdrawal_closes_the_referral_and_hides_the_person(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    client.force_login(scene.recepteur)
    url = f"{API}/{adressage.public_id}/consentement/retrait"

    response = post_json(client, url, {})
    again = post_json(client, url, {})

    assert response.status_code == 200
    data = response.json()
    assert data["adressages_clos"] == 1
    assert data["adressage"]["statut"] == "annulee"
    assert data["adressage"]["motif_annulation"] == "consentement_retire"
    assert data["adressage"]["fhir_task_status"] == "cancelled"
    assert data["adressage"]["personne"] is None
    assert data["adressage"]["consentement"]["actif"] is False
    assert again.status_code == 409
    assert again.json()["detail"] == "Ce consentement a déjà été retiré."
    client.force_login(scene.emetteur)
    assert client.get(f"{API}/{adressage.public_id}").json()["personne"] is not None


# --- Messages and attachments -----------------------------------------------------------------


def _pdf(name="cv.pdf", content=b"%PDF-1.4 cv"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_messages_and_attachments(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    url = f"{API}/{adressage.public_id}"
    client.force_login(scene.emetteur)

    posted = client.post(f"{url}/messages", {"texte": "Voici son CV.", "fichiers": [_pdf()]})

    assert posted.status_code == 201, posted.content
    message = posted.json()
    assert message["texte"] == "Voici son CV."
    assert message["structure"]["id"] == scene.emettrice.pk
    (piece,) = message["pieces_jointes"]
    assert (piece["nom"], piece["type_mime"], piece["taille"]) == ("cv.pdf", "application/pdf", 11)
    assert piece["url"] == f"{API}/pieces-jointes/{piece['public_id']}"

    client.force_login(scene.recepteur)
    answer = client.post(f"{url}/messages", {"texte": "Bien reçu."})
    listed = client.get(f"{url}/messages").json()
    pieces = client.get(f"{url}/pieces-jointes").json()
    download = client.get(piece["url"])

    assert answer.status_code == 201
    assert [m["texte"] for m in listed] == ["Voici son CV.", "Bien reçu."]
    assert [p["public_id"] for p in listed[0]["pieces_jointes"]] == [piece["public_id"]]
    assert [p["public_id"] for p in pieces] == [piece["public_id"]]
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 cv"
    assert download["Content-Type"] == "application/pdf"
    assert 'attachment; filename="cv.pdf"' in download["Content-Disposition"]


def test_bad_messages_are_refused(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    url = f"{API}/{adressage.public_id}/messages"
    client.force_login(scene.emetteur)

    empty = client.post(url, {"texte": "  "})
    exe = client.post(
        url,
        {
            "texte": "Pièce",
            "fichiers": [SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream")],
        },
    )

    assert empty.status_code == 422
    assert "texte : Le message est vide." in empty.json()["detail"]
    assert exe.status_code == 422
    assert "fichier : « x.exe » : type non accepté" in exe.json()["detail"]
    assert not Message.objects.exists()
    assert not PieceJointe.objects.exists()


def test_exchanges_close_with_the_consent(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    url = f"{API}/{adressage.public_id}"
    client.force_login(scene.emetteur)
    client.post(f"{url}/messages", {"texte": "CV joint.", "fichiers": [_pdf()]})
    piece = PieceJointe.objects.get()
    client.force_login(scene.recepteur)
    assert [m["texte"] for m in client.get(f"{url}/messages").json()] == ["CV joint."]
    post_json(client, f"{url}/consentement/retrait", {})

    listed = client.get(f"{url}/messages")
    refused = client.post(f"{url}/messages", {"texte": "Encore là ?"})

    assert listed.status_code == 200
    assert listed.json() == []
    assert client.get(f"{url}/pieces-jointes").json() == []
    assert client.get(f"{API}/pieces-jointes/{piece.public_id}").status_code == 404
    assert refused.status_code == 409
    assert "les échanges sont fermés" in refused.json()["detail"]
    assert Message.objects.count() == 1
    client.force_login(scene.emetteur)
    assert [m["texte"] for m in client.get(f"{url}/messages").json()] == ["CV joint."]
    assert client.get(f"{API}/pieces-jointes/{piece.public_id}").status_code == 200


# --- OpenAPI ----------------------------------------------------------------------------------


def test_openapi_documents_the_referrals_api(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]

    expected = {
        "/api/v1/adressages": {"get", "post"},
        "/api/v1/adressages/statuts": {"get"},
        "/api/v1/adressages/{public_id}": {"get"},
        "/api/v1/adressages/{public_id}/transitions": {"post"},
        "/api/v1/adressages/{public_id}/messages": {"get", "post"},
        "/api/v1/adressages/{public_id}/pieces-jointes": {"get"},
        "/api/v1/adressages/pieces-jointes/{public_id}": {"get"},
        "/api/v1/adressages/{public_id}/consentement/retrait": {"post"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    create = paths["/api/v1/adressages"]["post"]
    assert {"201", "200", "422"} <= set(create["responses"])
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    transition = paths["/api/v1/adressages/{public_id}/transitions"]["post"]
    assert "409" in transition["responses"]
    assert all(op.get("summary") for path in expected for op in paths[path].values())
    detail = schema["components"]["schemas"]["AdressageOut"]["properties"]
    assert {"fhir_task_status", "business_status", "historique"} <= set(detail)
