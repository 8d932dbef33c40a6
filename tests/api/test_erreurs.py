"""The API's errors are French and name what is wrong, with ninja's status codes unchanged:
request-format validation (body, query, path, form), 404, 401, CSRF, unreadable JSON, 405."""

from __future__ import annotations

import json
from typing import Literal
from uuid import uuid4

import pydantic
import pytest
from django.test import Client
from ninja.errors import AuthenticationError, HttpError, Throttled

from aiguillage.accounts.models import Role
from aiguillage.api.erreurs import message_404, message_http, validation_body
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
    assert response.json() == {
        "detail": "boite : valeur « corbeille » inconnue (a_traiter, recus, envoyes)."
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
