"""The funding helper's API, ``POST /api/v1/orientation/financements``: public, the CLI's JSON in
and out, nothing stored, 422 in the API's error shape with one item per faulty key, and an
OpenAPI description the answers keep."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aiguillage.orientation import buffer
from aiguillage.orientation.financement import SCHEMA_REPONSE, financement_pour
from aiguillage.orientation.models import Diagnostic, ReponseRegles
from aiguillage.rules.financements import SCHEMA_DEMANDE
from tests.api.contrat import corps_422, par_champ

pytestmark = pytest.mark.django_db

URL = "/api/v1/orientation/financements"
DEMANDE = {
    "date": "2026-03-02",
    "activite": "salarie",
    "contrat": "cdi",
    "commune": "73065",
    "projet": "reconversion",
    "anciennete_salarie_mois": 30,
    "anciennete_entreprise_mois": 14,
}


def post(client, body):
    return client.post(
        URL, body if isinstance(body, str) else json.dumps(body), content_type="application/json"
    )


def test_sans_session_la_reponse_est_celle_du_moteur_et_rien_n_est_enregistre(client):
    with CaptureQueriesContext(connection) as requetes:
        response = post(client, DEMANDE)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == financement_pour(dict(DEMANDE))
    assert [e["dispositif"] for e in response.json()["eligibles"]][:2] == ["cpf", "ptp"]
    # One read (the commune's Région), no write.
    assert [q["sql"].split()[0].upper() for q in requetes.captured_queries] == ["SELECT"]
    buffer.flush()
    assert not Diagnostic.objects.exists() and not ReponseRegles.objects.exists()


def test_une_session_et_sans_jeton_csrf_meme_reponse(client):
    from django.test import Client

    from tests.factories import MembershipFactory

    session = Client(enforce_csrf_checks=True)
    session.force_login(MembershipFactory().user)
    assert post(session, DEMANDE).json() == post(client, DEMANDE).json()


def test_chaque_cle_ou_valeur_fautive_est_nommee(client):
    data = corps_422(
        post(
            client,
            {
                "activite": "salarie",
                "couleur": "bleu",
                "projet": "voyage",
                "rqth": "oui",
                "diplome_niveau": 12,
            },
        )
    )

    erreurs = par_champ(data)
    assert list(erreurs) == ["rqth", "projet", "diplome_niveau", "couleur"]
    assert erreurs["projet"] == {
        "champ": "projet",
        "emplacement": "body",
        "message": "valeur « voyage » inconnue ; valeurs possibles : formation_certifiante, "
        "reconversion, vae, creation_reprise, bilan_competences",
        "type": "metier",
    }
    assert erreurs["couleur"]["message"].startswith("champ inconnu ; champs possibles : date,")
    assert erreurs["rqth"]["message"].startswith("vrai ou faux attendu")
    assert erreurs["diplome_niveau"]["message"] == "12 est hors des valeurs acceptées (0 à 8)"
    assert data["detail"] == "; ".join(f"{e['champ']} : {e['message']}" for e in data["erreurs"])


@pytest.mark.parametrize(
    ("demande", "champ", "debut"),
    [
        ({"contrat": "cdi"}, "activite", "champ obligatoire ; valeurs possibles :"),
        ({"activite": "salarie", "commune": "99999"}, "commune", "code INSEE « 99999 » inconnu"),
        (
            {"activite": "salarie", "date": "2018-12-31"},
            "date",
            "l'aide au financement applique les règles en vigueur depuis le 1er janvier 2019",
        ),
        (
            {"activite": "salarie", "anciennete_salarie_mois": 3, "anciennete_entreprise_mois": 5},
            "anciennete_entreprise_mois",
            "5 mois dans l'entreprise dépassent l'ancienneté de salarié (3 mois)",
        ),
    ],
    ids=["activite-absente", "commune-inconnue", "avant-2019", "incoherence"],
)
def test_une_demande_refusee_par_les_regles_nomme_son_champ(client, demande, champ, debut):
    data = corps_422(post(client, demande))

    assert [e["champ"] for e in data["erreurs"]] == [champ]
    assert data["erreurs"][0]["message"].startswith(debut)
    assert data["erreurs"][0]["type"] == "metier"


def test_un_corps_qui_n_est_pas_un_objet_est_une_erreur_sans_champ(client):
    data = corps_422(post(client, '["salarie"]'))

    assert data == {
        "detail": "La demande doit être un objet JSON.",
        "erreurs": [
            {
                "champ": None,
                "emplacement": "body",
                "message": "La demande doit être un objet JSON.",
                "type": "metier",
            }
        ],
    }


def test_un_json_illisible_est_une_400_en_francais(client):
    response = post(client, '{"activite": ')
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Corps de la requête : JSON invalide (ligne 1, colonne 14)."
    }
    response = client.post(URL, b'{"activite": "\xff"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Corps de la requête : JSON invalide")


def test_get_n_est_pas_permis(client):
    response = client.get(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


# --- OpenAPI ----------------------------------------------------------------------------------


@pytest.fixture
def operation(client) -> dict:
    schema = client.get("/api/v1/openapi.json").json()
    return schema["paths"][URL]["post"]


def test_openapi_decrit_la_demande_la_reponse_et_la_422(operation, client):
    assert operation["requestBody"]["content"]["application/json"]["schema"] == SCHEMA_DEMANDE
    reponse = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert reponse == json.loads(json.dumps(SCHEMA_REPONSE))
    assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErreursValidation"
    }
    assert "Rien n'est enregistré" in operation["description"]
    assert "security" not in operation  # public, like the orientation's decisions
    schema = client.get(URL + "/demande/schema")
    assert schema.status_code == 200 and schema.json() == SCHEMA_DEMANDE


def conforme(valeur: Any, schema: dict, chemin: str = "réponse") -> list[str]:
    """What in ``valeur`` breaks ``schema`` (the JSON Schema keywords SCHEMA_REPONSE uses)."""
    if "anyOf" in schema:
        essais = [conforme(valeur, option, chemin) for option in schema["anyOf"]]
        return [] if any(not e for e in essais) else [f"{chemin} : aucune option ({essais})"]
    types = schema.get("type")
    types = [types] if isinstance(types, str) else types or []
    noms = {dict: "object", list: "array", str: "string", type(None): "null", bool: "boolean"}
    if types and noms.get(type(valeur), "number") not in types:
        return [f"{chemin} : {type(valeur).__name__} au lieu de {types}"]
    if "enum" in schema and valeur not in schema["enum"]:
        return [f"{chemin} : {valeur!r} hors de {schema['enum']}"]
    fautes = []
    if isinstance(valeur, dict) and "properties" in schema:
        proprietes = schema["properties"]
        fautes += [f"{chemin}.{c} : absent" for c in schema.get("required", []) if c not in valeur]
        fautes += [f"{chemin}.{c} : non documenté" for c in valeur if c not in proprietes]
        for cle, sous in valeur.items():
            if cle in proprietes:
                fautes += conforme(sous, proprietes[cle], f"{chemin}.{cle}")
    if isinstance(valeur, list) and "items" in schema:
        for rang, element in enumerate(valeur):
            fautes += conforme(element, schema["items"], f"{chemin}[{rang}]")
    return fautes


@pytest.mark.parametrize(
    "demande",
    [
        DEMANDE,
        {"date": "2021-06-01", "activite": "demandeur_emploi", "inscrit_france_travail": True},
        {"date": "2025-12-31", "activite": "salarie", "poste_fragilise": True, "projet": "vae"},
        {"activite": "independant", "projet": "creation_reprise"},
    ],
    ids=["salarie-region", "demandeur-2021", "transco-veille-2026", "independant-sans-date"],
)
def test_les_reponses_suivent_le_schema_publie(operation, client, demande):
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    response = post(client, demande)
    assert response.status_code == 200
    assert conforme(response.json(), schema) == []


def test_le_controle_du_schema_voit_une_cle_non_documentee_ou_absente():
    reponse = financement_pour(dict(DEMANDE))
    assert conforme(reponse, SCHEMA_REPONSE) == []
    reponse["eligibles"][0]["nouveau"] = 1
    del reponse["resume"]
    reponse["eligibles"][0]["statut"] = "peut_etre"
    assert sorted(conforme(reponse, SCHEMA_REPONSE)) == [
        "réponse.eligibles[0].nouveau : non documenté",
        "réponse.eligibles[0].statut : 'peut_etre' hors de ['eligible', 'a_verifier', "
        "'non_eligible']",
        "réponse.resume : absent",
    ]
