"""Directory API: public search and reads, writes for managers only."""

import json

import pytest

from aiguillage.accounts.models import Role
from tests.factories import MembershipFactory, ServiceFactory, site_serving

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    site = site_serving(commune="73065", nom="Site API")
    ServiceFactory(site=site, nom="Conseil")
    return site


def test_public_search(client, site):
    response = client.get("/api/v1/annuaire/sites", {"commune": "73029"})
    assert response.status_code == 200
    assert response.json()["resultats"] == []  # the site serves Chambéry only
    data = client.get("/api/v1/annuaire/sites", {"commune": "73065"}).json()
    assert data["commune"] == "73065"
    assert data["total"] == 1
    first = data["resultats"][0]
    assert first["site"]["nom"] == "Site API"
    assert first["site"]["reseau"] == "mission_locale"
    assert first["distance_km"] == pytest.approx(0, abs=0.01)


def test_search_errors_are_clear(client):
    assert client.get("/api/v1/annuaire/sites").status_code == 422
    bad = client.get("/api/v1/annuaire/sites", {"commune": "73065", "public": "martiens"})
    assert bad.status_code == 422
    assert "public : valeur « martiens » inconnue." in bad.json()["detail"]
    assert client.get("/api/v1/annuaire/sites", {"commune": "99999"}).status_code == 404


def test_site_read(client, site):
    data = client.get(f"/api/v1/annuaire/sites/{site.pk}").json()
    assert data["services"][0]["nom"] == "Conseil"
    assert data["dessertes"] == [{"niveau": "commune", "code": "73065", "public": ""}]


def test_write_needs_a_session_and_the_manager_role(client, site):
    url = f"/api/v1/annuaire/sites/{site.pk}"
    body = json.dumps({"capacite": "complet", "delai_typique_jours": 20})
    assert client.patch(url, body, content_type="application/json").status_code == 401
    client.force_login(MembershipFactory(structure=site.structure).user)  # a counsellor
    assert client.patch(url, body, content_type="application/json").status_code == 404
    other = site_serving(commune="42218")
    client.force_login(
        MembershipFactory(structure=other.structure, role=Role.RESPONSABLE_STRUCTURE).user
    )
    assert client.patch(url, body, content_type="application/json").status_code == 404
    client.force_login(
        MembershipFactory(structure=site.structure, role=Role.RESPONSABLE_STRUCTURE).user
    )
    response = client.patch(url, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["capacite"] == "complet"
    assert response.json()["delai_typique_jours"] == 20
    bad = client.patch(url, json.dumps({"capacite": "plein"}), content_type="application/json")
    assert bad.status_code == 422
    confirm = client.post(f"{url}/confirmation")
    assert confirm.status_code == 200


def test_openapi_documents_the_directory(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/annuaire/sites" in paths
    assert "patch" in paths["/api/v1/annuaire/sites/{site_id}"]


def test_manager_creates_a_site_and_a_service_through_the_api(client, site):
    client.force_login(
        MembershipFactory(structure=site.structure, role=Role.RESPONSABLE_STRUCTURE).user
    )
    created = client.post(
        f"/api/v1/annuaire/structures/{site.structure_id}/sites",
        json.dumps(
            {
                "nom": "Antenne API",
                "commune": "73011",
                "dessertes": [{"niveau": "departement", "code": "73", "public": ""}],
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    new_id = created.json()["id"]
    assert created.json()["dessertes"] == [{"niveau": "departement", "code": "73", "public": ""}]
    bad = client.post(
        f"/api/v1/annuaire/structures/{site.structure_id}/sites",
        json.dumps(
            {
                "nom": "X",
                "commune": "73011",
                "dessertes": [{"niveau": "epci", "code": "1", "public": ""}],
            }
        ),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "code « 1 » inconnu" in bad.json()["detail"]
    service = client.post(
        f"/api/v1/annuaire/sites/{new_id}/services",
        json.dumps(
            {
                "nom": "Atelier CV",
                "description": "Chaque mardi.",
                "thematiques": [
                    "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"
                ],
            }
        ),
        content_type="application/json",
    )
    assert service.status_code == 201
    unknown = client.post(
        f"/api/v1/annuaire/sites/{new_id}/services",
        json.dumps({"nom": "Atelier", "description": "x", "thematiques": ["astrologie"]}),
        content_type="application/json",
    )
    assert unknown.status_code == 422
