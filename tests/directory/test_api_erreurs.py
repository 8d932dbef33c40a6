"""Directory API: a value the rules refuse is a 422 with the body of a schema error, each field
named as the client sends it; the service's errors of no field are ``champ: null``."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from aiguillage.accounts.models import Role
from aiguillage.directory import services
from aiguillage.directory.models import Service
from tests.api.contrat import corps_422, par_champ
from tests.factories import MembershipFactory, site_serving

pytestmark = pytest.mark.django_db

SITES = "/api/v1/annuaire/sites"
THEMATIQUE = "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"


@pytest.fixture
def site(client):
    site = site_serving(commune="73065", nom="Site API")
    client.force_login(
        MembershipFactory(structure=site.structure, role=Role.RESPONSABLE_STRUCTURE).user
    )
    return site


def patch_json(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_an_unknown_search_filter_is_named_in_the_query(client):
    data = corps_422(client.get(SITES, {"commune": "73065", "public": "martiens", "reseau": "x"}))

    assert par_champ(data) == {
        "public": {
            "champ": "public",
            "emplacement": "query",
            "message": "valeur « martiens » inconnue.",
            "type": "metier",
        },
        "reseau": {
            "champ": "reseau",
            "emplacement": "query",
            "message": "valeur « x » inconnue.",
            "type": "metier",
        },
    }
    assert (
        data["detail"] == "public : valeur « martiens » inconnue.; reseau : valeur « x » inconnue."
    )


def test_a_search_without_a_place_is_an_error_of_no_field(client):
    data = corps_422(client.get(SITES, {"public": ""}))

    message = "Indiquez une commune (code INSEE) ou un point (latitude, longitude)."
    assert data == {
        "detail": message,
        "erreurs": [{"champ": None, "emplacement": "query", "message": message, "type": "metier"}],
    }


def test_an_unknown_value_in_a_list_is_named_with_its_index(client, site):
    body = {"nom": "Atelier", "description": "x", "thematiques": [THEMATIQUE, "astrologie"]}

    data = corps_422(
        client.post(f"{SITES}/{site.pk}/services", body, content_type="application/json")
    )

    assert data["detail"] == "thematiques : valeur « astrologie » inconnue."  # as before
    assert par_champ(data) == {
        "thematiques[1]": {
            "champ": "thematiques[1]",
            "emplacement": "body",
            "message": "valeur « astrologie » inconnue.",
            "type": "metier",
        }
    }
    assert not Service.objects.filter(nom="Atelier").exists()


def test_the_services_field_errors_keep_their_field(client, site):
    data = corps_422(patch_json(client, f"{SITES}/{site.pk}", {"courriel": "pas-une-adresse"}))

    assert [(e["champ"], e["emplacement"], e["type"]) for e in data["erreurs"]] == [
        ("courriel", "body", "metier")
    ]
    assert data["detail"] == f"courriel : {data['erreurs'][0]['message']}"


def test_an_unknown_served_territory_is_the_dessertes_field(client, site):
    body = {
        "nom": "Antenne",
        "commune": "73065",
        "dessertes": [{"niveau": "epci", "code": "1", "public": ""}],
    }

    data = corps_422(
        client.post(
            f"/api/v1/annuaire/structures/{site.structure_id}/sites",
            body,
            content_type="application/json",
        )
    )

    assert par_champ(data)["dessertes"]["message"] == (
        "Intercommunalité (EPCI) : code « 1 » inconnu."
    )


def test_the_services_errors_of_no_field_or_of_a_field_it_sets_are_the_requests(
    client, site, monkeypatch
):
    """A model's ``__all__`` (a constraint) and a field the service sets itself
    (``precision``) name no field of the client's: ``champ`` is null."""

    def refuse(**kwargs):
        raise ValidationError(
            {
                "__all__": ["Le point est hors de la Terre."],
                "precision": ["Valeur invalide."],
                "nom": ["Trop long."],
            }
        )

    monkeypatch.setattr(services, "site_save", refuse)

    data = corps_422(patch_json(client, f"{SITES}/{site.pk}", {"nom": "Nouveau nom"}))

    assert [(e["champ"], e["message"]) for e in data["erreurs"]] == [
        (None, "Le point est hors de la Terre."),
        (None, "Valeur invalide."),
        ("nom", "Trop long."),
    ]
    # ``detail`` never shows Django's ``__all__``.
    assert data["detail"] == (
        "Le point est hors de la Terre.; precision : Valeur invalide.; nom : Trop long."
    )
