"""Orientation API: a situation the rules refuse is a 422 with the body of a schema error; each
of the engine's messages « champ : message » is one item under its field."""

from __future__ import annotations

import json

import pytest

from aiguillage import rules
from aiguillage.orientation import buffer
from aiguillage.orientation.api import _invalide
from aiguillage.orientation.models import Diagnostic
from tests.api.contrat import corps_422, par_champ

pytestmark = pytest.mark.django_db

URL = "/api/v1/orientation/decisions"


def post(client, body):
    return client.post(
        URL, body if isinstance(body, str) else json.dumps(body), content_type="application/json"
    )


def test_each_faulty_key_of_the_situation_is_named(client):
    data = corps_422(post(client, {"age": "trente", "couleur": "bleu"}))

    erreurs = par_champ(data)
    assert set(erreurs) == {"age", "activite", "couleur"}
    assert erreurs["age"] == {
        "champ": "age",
        "emplacement": "body",
        "message": "nombre entier d'années attendu, reçu « trente »",
        "type": "metier",
    }
    assert erreurs["couleur"]["message"].startswith("champ inconnu ; champs possibles : date,")
    assert erreurs["activite"]["message"].startswith("champ obligatoire ; valeurs possibles :")
    # ``detail`` as before: the engine's messages, « champ : message ».
    assert data["detail"] == "; ".join(f"{e['champ']} : {e['message']}" for e in data["erreurs"])
    buffer.flush()
    assert not Diagnostic.objects.exists()


def test_an_unknown_commune_is_the_commune_field(client):
    data = corps_422(post(client, {"age": 30, "activite": "salarie", "commune": "99999"}))

    assert data["erreurs"] == [
        {
            "champ": "commune",
            "emplacement": "body",
            "message": "code INSEE « 99999 » inconnu (code à 5 caractères, par exemple 73065).",
            "type": "metier",
        }
    ]
    assert data["detail"] == (
        "commune : code INSEE « 99999 » inconnu (code à 5 caractères, par exemple 73065)."
    )


def test_a_situation_that_is_not_an_object_is_an_error_of_no_field(client):
    data = corps_422(post(client, "[1, 2]"))

    assert data == {
        "detail": "La situation doit être un objet JSON.",
        "erreurs": [
            {
                "champ": None,
                "emplacement": "body",
                "message": "La situation doit être un objet JSON.",
                "type": "metier",
            }
        ],
    }


def test_a_message_of_the_engine_without_a_field_is_of_no_field():
    exc = _invalide(rules.SituationInvalide(["Situation incomplète.", "age : trop grand"]))

    assert exc.message == "Situation incomplète.; age : trop grand"
    assert [(e["champ"], e["message"]) for e in exc.erreurs] == [
        (None, "Situation incomplète."),
        ("age", "trop grand"),
    ]


def test_unreadable_json_is_a_400_worded_as_the_rest_of_the_api(client):
    response = post(client, '{"age": ')
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Corps de la requête : JSON invalide (ligne 1, colonne 9)."
    }
    response = client.post(URL, b'{"activite": "\xff"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Corps de la requête : JSON invalide (encodage UTF-8 attendu)."
    }
