"""Referrals API: a request the rules refuse is a 422 with the body of a schema error, each
field named as the client sends it (the service's own names mapped to the API's)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aiguillage.referrals.models import Adressage, Message
from tests.api.contrat import corps_422, par_champ
from tests.factories import adressage_au_statut, adressage_envoye, scene_adressage
from tests.referrals.test_api import body_for

pytestmark = pytest.mark.django_db

API = "/api/v1/adressages"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    ("changes", "champ", "message"),
    [
        # Checked by the router.
        ({"motif": "x" * 201}, "motif", "200 caractères au plus."),
        ({"destinataires": [987654]}, "destinataires", "structure(s) inconnue(s) : 987654."),
        # Checked by the services, whose names differ: ``personne_create``'s ``courriel``,
        # ``consentement_create``'s ``mode``.
        (
            {"personne": {"prenom": "Léa"}},
            "personne.courriel",
            "Indiquez au moins un moyen de contact : courriel ou téléphone.",
        ),
        (
            {"consentement": {"donnees": [], "mode": "pigeon"}},
            "consentement.mode",
            "Mode de recueil inconnu : en_personne, telephone, ecrit, portail.",
        ),
    ],
)
def test_a_refused_creation_names_the_field_as_sent(client, changes, champ, message):
    scene = scene_adressage()
    client.force_login(scene.emetteur)

    data = corps_422(post_json(client, API, body_for(scene, **changes)))

    assert par_champ(data) == {
        champ: {"champ": champ, "emplacement": "body", "message": message, "type": "metier"}
    }
    assert data["detail"] == f"{champ} : {message}"
    assert not Adressage.objects.exists()


def test_a_refused_idempotency_key_is_named_as_a_header(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)

    data = corps_422(post_json(client, API, body_for(scene), **{"Idempotency-Key": "  "}))

    assert data["erreurs"] == [
        {
            "champ": "Idempotency-Key",
            "emplacement": "header",
            "message": "la clé est vide.",
            "type": "metier",
        }
    ]


def test_a_refused_inbox_filter_is_named_in_the_query(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)

    data = corps_422(client.get(API, {"statut": "perdu"}))

    assert par_champ(data) == {
        "statut": {
            "champ": "statut",
            "emplacement": "query",
            "message": "valeur « perdu » inconnue.",
            "type": "metier",
        }
    }


def test_a_refused_redirection_names_the_structure(client):
    adressage, scene = adressage_au_statut("recue")
    client.force_login(scene.recepteur)
    url = f"{API}/{adressage.public_id}/transitions"

    # The service refuses it (``adressage_rediriger``): the sending structure.
    data = corps_422(post_json(client, url, {"vers": "redirigee", "structure": scene.emettrice.pk}))

    assert par_champ(data) == {
        "structure": {
            "champ": "structure",
            "emplacement": "body",
            "message": "Choisissez une autre structure que l'émettrice et la destinataire.",
            "type": "metier",
        }
    }
    adressage.refresh_from_db()
    assert adressage.statut == "recue"


def test_a_refused_attachment_is_named_as_the_form_field_fichiers(client):
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    url = f"{API}/{adressage.public_id}/messages"
    client.force_login(scene.emetteur)

    exe = corps_422(
        client.post(
            url,
            {
                "texte": "Pièce",
                "fichiers": [SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream")],
            },
        )
    )
    empty = corps_422(client.post(url, {"texte": "  "}))

    # The service says « fichier » (one file at a time); the client sent ``fichiers``.
    assert exe["detail"] == (
        "fichier : « x.exe » : type non accepté (PDF, image, texte, document)."
    )
    assert exe["erreurs"] == [
        {
            "champ": "fichiers",
            "emplacement": "file",
            "message": "« x.exe » : type non accepté (PDF, image, texte, document).",
            "type": "metier",
        }
    ]
    assert empty["erreurs"] == [
        {
            "champ": "texte",
            "emplacement": "form",
            "message": "Le message est vide.",
            "type": "metier",
        }
    ]
    assert not Message.objects.exists()


def test_a_cross_field_rule_names_the_person_block(client):
    """The referrals router has no error of the request as a whole: « a new person or
    personne_id » is the ``personne`` block's (a form shows it there)."""
    scene = scene_adressage()
    client.force_login(scene.emetteur)

    data = corps_422(post_json(client, API, body_for(scene, personne=None)))

    assert [(e["champ"], e["message"]) for e in data["erreurs"]] == [
        ("personne", "indiquez soit une nouvelle personne, soit personne_id.")
    ]
