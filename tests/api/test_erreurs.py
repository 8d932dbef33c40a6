"""The API's errors are French and name what is wrong, with ninja's status codes unchanged:
request-format validation (body, query, path, form), the platform's own rules (the same 422
body), 404, 401, CSRF, unreadable JSON, 405; and the 422 body in the OpenAPI schema."""

from __future__ import annotations

import json
from typing import Literal
from uuid import uuid4

import pydantic
import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import Client
from ninja.errors import AuthenticationError, HttpError, Throttled

from aiguillage.accounts.models import Role
from aiguillage.api.erreurs import (
    RequeteInvalide,
    message_404,
    message_http,
    messages_django,
    validation_body,
)
from aiguillage.referrals.models import Adressage, Personne
from tests.factories import MembershipFactory, adressage_envoye, scene_adressage, site_serving

pytestmark = pytest.mark.django_db

API = "/api/v1/adressages"
# ninja's and pydantic's English messages.
ENGLISH = ("Field required", "Input should", "Not Found", "Unauthorized", "Cannot parse", "Failed")


def post_json(client, url, data):
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(url, body, content_type="application/json")


def assert_french(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    text = response.content.decode()
    assert not [word for word in ENGLISH if word in text], text
    return response.json()


def by_field(data: dict) -> dict[str, dict]:
    return {e["champ"]: e for e in data["erreurs"]}


@pytest.fixture
def emetteur(client):
    scene = scene_adressage()
    client.force_login(scene.emetteur)
    return scene


# --- Request-format validation (422) ----------------------------------------------------------


def test_missing_and_wrongly_typed_body_fields_are_named_in_french(client, emetteur):
    before = (Personne.objects.count(), Adressage.objects.count())
    body = {
        "personne": {"nom": "Martin", "date_naissance": "12/04/1990"},
        "consentement": {"mode": "en_personne"},
        "destinataires": ["a", emetteur.destinataire.pk],
    }

    data = assert_french(post_json(client, API, body), 422)

    erreurs = by_field(data)
    assert set(erreurs) == {
        "personne.prenom",
        "personne.date_naissance",
        "destinataires[0]",
        "motif",
    }
    assert erreurs["motif"] == {
        "champ": "motif",
        "emplacement": "body",
        "message": "champ obligatoire.",
        "type": "missing",
    }
    assert erreurs["personne.prenom"]["message"] == "champ obligatoire."
    assert erreurs["personne.date_naissance"]["message"] == (
        "date attendue au format AAAA-MM-JJ (reçu « 12/04/1990 »)."
    )
    assert erreurs["destinataires[0]"]["message"] == "nombre entier attendu (reçu « a »)."
    assert erreurs["destinataires[0]"]["type"] == "int_parsing"
    # ``detail`` reads like the endpoints' own 422s: ``champ : message`` for each problem.
    assert "motif : champ obligatoire." in data["detail"]
    assert "personne.prenom : champ obligatoire." in data["detail"]
    assert "destinataires[0] : nombre entier attendu (reçu « a »)." in data["detail"]
    assert "payload" not in data["detail"]  # the view's parameter name is not the client's
    assert (Personne.objects.count(), Adressage.objects.count()) == before


def test_wrong_types_in_the_query_string_are_named(client, emetteur):
    data = assert_french(client.get(API, {"page": "deux", "structure": "x"}), 422)

    erreurs = by_field(data)
    assert erreurs["page"]["emplacement"] == "query"
    assert erreurs["page"]["message"] == "nombre entier attendu (reçu « deux »)."
    assert "structure : nombre entier attendu (reçu « x »)." in data["detail"]


def test_a_path_parameter_that_does_not_convert_is_named(client, emetteur):
    data = assert_french(client.get(f"{API}/pas-un-uuid"), 422)

    assert data["detail"] == "public_id : identifiant UUID attendu (reçu « pas-un-uuid »)."
    assert data["erreurs"] == [
        {
            "champ": "public_id",
            "emplacement": "path",
            "message": "identifiant UUID attendu (reçu « pas-un-uuid »).",
            "type": "uuid_parsing",
        }
    ]


def test_a_missing_form_field_is_named(client, emetteur):
    adressage = adressage_envoye(emetteur)

    data = assert_french(client.post(f"{API}/{adressage.public_id}/messages", {}), 422)

    assert data["detail"] == "texte : champ obligatoire."
    assert data["erreurs"][0]["emplacement"] == "form"


def test_allowed_values_and_bounds_come_from_the_schema(client):
    site = site_serving(commune="73065")
    client.force_login(
        MembershipFactory(structure=site.structure, role=Role.RESPONSABLE_STRUCTURE).user
    )
    url = f"/api/v1/annuaire/sites/{site.pk}"

    bad = client.patch(
        url,
        json.dumps({"capacite": "plein", "delai_typique_jours": 400}),
        content_type="application/json",
    )
    short = post_json(client, f"{url}/services", {"nom": "CV", "description": "x"})

    erreurs = by_field(assert_french(bad, 422))
    assert erreurs["capacite"]["message"] == (
        "valeur « plein » inconnue (possibles : accueille, liste_attente, complet)."
    )
    assert erreurs["capacite"]["type"] == "enum"
    assert erreurs["delai_typique_jours"]["message"] == "doit être inférieur ou égal à 365."
    assert assert_french(short, 422)["detail"] == "nom : 3 caractères au moins."


def test_the_endpoints_own_422_is_unchanged(client, emetteur):
    response = client.get(API, {"boite": "corbeille"})

    assert response.status_code == 422
    # ``detail`` as before; ``erreurs`` as for a schema error (``RequeteInvalide``).
    assert response.json() == {
        "detail": "boite : valeur « corbeille » inconnue (a_traiter, recus, envoyes).",
        "erreurs": [
            {
                "champ": "boite",
                "emplacement": "query",
                "message": "valeur « corbeille » inconnue (a_traiter, recus, envoyes).",
                "type": "metier",
            }
        ],
    }


class Exemple(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    genre: Literal["a", "b"]
    codes: list[int] = pydantic.Field(min_length=1, max_length=2)
    age: int = pydantic.Field(0, gt=15)
    nom: str = ""

    @pydantic.field_validator("nom")
    @classmethod
    def _nom(cls, value: str) -> str:
        if value == "x":
            raise ValueError("Le nom est trop court.")
        return value


def erreurs_de(data: dict) -> dict[str, dict]:
    with pytest.raises(pydantic.ValidationError) as raised:
        Exemple.model_validate(data)
    errors = [{**e, "loc": ("body", *e["loc"])} for e in raised.value.errors(include_url=False)]
    return by_field(validation_body(errors))


def test_other_pydantic_errors_are_translated_and_unknown_ones_keep_their_type():
    erreurs = erreurs_de({"genre": "c", "codes": [], "age": 3, "nom": "x", "autre": 1})

    assert erreurs["genre"]["message"] == "valeur inconnue (possibles : a, b)."
    assert erreurs["codes"]["message"] == "1 élément au moins."
    assert erreurs["age"]["message"] == "doit être supérieur à 15."
    assert erreurs["nom"]["message"] == "Le nom est trop court."
    assert erreurs["autre"]["message"] == "champ inconnu."
    assert erreurs_de({"genre": "a", "codes": [1, 2, 3]})["codes"]["message"] == (
        "2 éléments au plus."
    )
    unknown = validation_body([{"type": "frobnicated", "loc": ("query", "q"), "msg": "Nope"}])
    assert unknown["detail"] == "q : valeur invalide (erreur « frobnicated »)."
    assert unknown["erreurs"][0]["type"] == "frobnicated"


def test_an_error_of_the_whole_body_has_no_field():
    # What ninja reports when the body as a whole has the wrong type (``loc`` names no field).
    data = validation_body([{"type": "model_type", "loc": ("body",), "msg": "Input should"}])

    assert data == {
        "detail": "corps de la requête : objet JSON attendu.",
        "erreurs": [
            {
                "champ": None,
                "emplacement": "body",
                "message": "objet JSON attendu.",
                "type": "model_type",
            }
        ],
    }


# --- The platform's rules (422, same body) ----------------------------------------------------


def test_a_rule_error_names_each_field_and_keeps_the_summary():
    exc = RequeteInvalide(
        {
            "motif": "200 caractères au plus.",
            "dessertes": ["Commune : code « 1 » inconnu.", "EPCI : code « 2 » inconnu."],
            None: "Indiquez une commune.",
        },
        emplacement="body",
    )

    assert exc.status_code == 422
    assert exc.body() == {
        "detail": (
            "motif : 200 caractères au plus.; "
            "dessertes : Commune : code « 1 » inconnu. EPCI : code « 2 » inconnu.; "
            "Indiquez une commune."
        ),
        "erreurs": [
            {
                "champ": "motif",
                "emplacement": "body",
                "message": "200 caractères au plus.",
                "type": "metier",
            },
            {
                "champ": "dessertes",
                "emplacement": "body",
                "message": "Commune : code « 1 » inconnu.",
                "type": "metier",
            },
            {
                "champ": "dessertes",
                "emplacement": "body",
                "message": "EPCI : code « 2 » inconnu.",
                "type": "metier",
            },
            {
                "champ": None,
                "emplacement": "body",
                "message": "Indiquez une commune.",
                "type": "metier",
            },
        ],
    }


def test_a_rule_error_may_name_the_field_otherwise_than_its_summary():
    exc = RequeteInvalide(
        {"fichier": "« x.exe » : type non accepté.", "precision": "valeur invalide."},
        emplacement="file",
        champs={"fichier": "fichiers", "precision": None},
        detail="Texte publié.",
    )

    assert exc.message == "Texte publié."
    assert [(e["champ"], e["emplacement"]) for e in exc.erreurs] == [
        ("fichiers", "file"),
        (None, "file"),
    ]


def test_a_django_validation_error_gives_its_fields_and_the_others_under_none():
    par_champ = DjangoValidationError({"nom": ["Trop long."], "__all__": ["Point invalide."]})

    assert messages_django(par_champ) == {"nom": ["Trop long."], None: ["Point invalide."]}
    assert messages_django(DjangoValidationError("Invalide.")) == {None: ["Invalide."]}
    assert RequeteInvalide(messages_django(par_champ)).message == (
        "nom : Trop long.; Point invalide."
    )


def test_the_openapi_schema_gives_the_422_body_where_there_is_an_input(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    ref = {"$ref": "#/components/schemas/ErreursValidation"}

    for path, method in [
        ("/api/v1/adressages", "get"),  # query string (``boite``)
        ("/api/v1/adressages", "post"),  # body
        ("/api/v1/adressages/{public_id}/messages", "post"),  # form and files
        ("/api/v1/annuaire/sites", "get"),
        ("/api/v1/annuaire/sites/{site_id}", "patch"),
        ("/api/v1/orientation/decisions", "post"),  # its body is read by the view
        ("/api/v1/adressages/{public_id}", "get"),  # a path that may not be a UUID
    ]:
        reponse = paths[path][method]["responses"]["422"]
        assert reponse["content"]["application/json"]["schema"] == ref, (path, method)
    # No input that may be refused: no 422.
    assert "422" not in paths["/api/v1/adressages/statuts"]["get"]["responses"]
    assert "422" not in paths["/api/v1/territoires/communes/{code}"]["get"]["responses"]
    composants = schema["components"]["schemas"]
    assert composants["ErreursValidation"]["required"] == ["detail", "erreurs"]
    assert composants["ErreursValidation"]["properties"]["erreurs"]["items"] == {
        "$ref": "#/components/schemas/ErreurChamp"
    }
    erreur = composants["ErreurChamp"]
    assert set(erreur["required"]) == {"champ", "emplacement", "message", "type"}
    assert {"type": "null"} in erreur["properties"]["champ"]["anyOf"]


# --- 404, 401, 403, 400, 405 ------------------------------------------------------------------


def test_404_keeps_our_french_message(client, emetteur):
    unknown = client.get(f"{API}/{uuid4()}")
    site = client.get("/api/v1/annuaire/sites/987654")

    assert assert_french(unknown, 404) == {"detail": "Adressage introuvable."}
    assert assert_french(site, 404) == {"detail": "Site introuvable."}


def test_404_from_get_object_or_404_names_the_model_in_french(client):
    response = client.get("/api/v1/territoires/communes/00000")

    assert assert_french(response, 404) == {"detail": "Commune introuvable."}


def test_404_never_shows_an_english_or_unknown_message():
    from django.http import Http404

    assert message_404(Http404("No Frobnicator matches the given query.")) == (
        "Ressource introuvable."
    )
    assert message_404(Http404("Page not found")) == "Ressource introuvable."
    assert message_404(Http404()) == "Ressource introuvable."


def test_401_without_a_session_says_so_in_french(client):
    for response in (client.get(API), post_json(client, API, {})):
        data = assert_french(response, 401)
        assert data["detail"].startswith("Authentification requise")
        assert "sessionid" in data["detail"]


def test_403_without_the_csrf_token_names_the_header(emetteur):
    client = Client(enforce_csrf_checks=True)
    client.force_login(emetteur.emetteur)

    data = assert_french(post_json(client, API, {}), 403)

    assert data["detail"].startswith("Jeton CSRF absent ou invalide")
    assert "X-CSRFToken" in data["detail"]


def test_malformed_json_gives_line_and_column(client, emetteur):
    response = post_json(client, API, '{"motif": ')

    assert assert_french(response, 400) == {
        "detail": "Corps de la requête : JSON invalide (ligne 1, colonne 11)."
    }


def test_405_is_json_and_french_and_keeps_the_allow_header(client):
    response = client.delete(f"{API}/statuts")

    assert assert_french(response, 405) == {
        "detail": "Méthode DELETE non permise ici (méthodes permises : GET)."
    }
    assert response["Allow"] == "GET"


def test_ninja_english_messages_are_translated_and_ours_are_kept():
    assert message_http(AuthenticationError()).startswith("Authentification requise")
    assert message_http(Throttled(wait=2.2)) == "Trop de requêtes : réessayez dans 3 s."
    assert message_http(Throttled(wait=None)) == "Trop de requêtes : réessayez plus tard."
    assert message_http(HttpError(409, "Ce consentement a déjà été retiré.")) == (
        "Ce consentement a déjà été retiré."
    )


@pytest.mark.django_db
def test_an_unknown_address_under_the_api_is_a_french_json_404(client):
    response = client.get("/api/v1/nulle-part/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Adresse inconnue de l'API : /api/v1/nulle-part/."}
    # The API's own addresses still answer.
    assert client.get("/api/v1/orientation/situation/schema").status_code == 200
