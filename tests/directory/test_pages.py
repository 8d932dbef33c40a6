"""Directory pages: public search and site pages; editing by the structure's managers only."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from aiguillage.accounts.models import Role
from aiguillage.core.models import AuditEvent
from aiguillage.directory.models import Desserte, Service, Site
from aiguillage.directory.services import freshness_reminders_send
from tests.factories import MembershipFactory, site_serving

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return site_serving(commune="73065", nom="Mission locale — antenne de test")


def manager_of(site):
    return MembershipFactory(structure=site.structure, role=Role.RESPONSABLE_STRUCTURE).user


def test_public_search_page_resolves_a_typed_commune(client, site):
    response = client.get("/annuaire/", {"commune": "chambery"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "pour Chambéry (73065)" in body
    assert "Mission locale — antenne de test" in body


def test_search_by_postal_code_and_htmx_partial(client, site):
    response = client.get("/annuaire/", {"commune": "73000"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "antenne de test" in body


def test_unknown_commune_is_reported_in_french(client):
    response = client.get("/annuaire/", {"commune": "zzzzzz"})
    assert "Aucune commune ne correspond" in response.content.decode()


def test_site_page_is_public_and_draws_a_map(client, site):
    from aiguillage.territories.services import bundled_boundaries_load

    bundled_boundaries_load(levels=["departements"])
    response = client.get(f"/annuaire/sites/{site.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    circle = re.search(r'<circle cx="([^"]+)" cy="([^"]+)"', body)
    x, y = float(circle.group(1)), float(circle.group(2))  # not "12,5": SVG needs a dot
    assert 0 < x < 320
    assert y > 0
    assert "Modifier le site" not in body
    assert client.get("/annuaire/sites/999999/").status_code == 404


def test_manager_edits_site_and_sectorisation(client, site):
    client.force_login(manager_of(site))
    page = client.get(f"/annuaire/sites/{site.pk}/modifier/")
    assert page.status_code == 200
    response = client.post(
        f"/annuaire/sites/{site.pk}/modifier/",
        {
            "nom": "Nouveau nom",
            "commune": "73065",
            "capacite": "liste_attente",
            "delai_typique_jours": "12",
            "dessertes_commune": "73065 73029",
            "dessertes_departement": "74",
            "accessible_pmr": "true",
        },
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.nom == "Nouveau nom"
    assert site.capacite == "liste_attente"
    assert site.accessible_pmr is True
    assert set(site.dessertes.values_list("niveau", "code")) == {
        ("commune", "73065"),
        ("commune", "73029"),
        ("departement", "74"),
    }
    assert AuditEvent.objects.filter(action="update", object_type="directory.site").exists()


def test_unknown_territory_code_writes_nothing(client, site):
    client.force_login(manager_of(site))
    response = client.post(
        f"/annuaire/sites/{site.pk}/modifier/",
        {"nom": "Autre", "commune": "73065", "capacite": "accueille", "dessertes_epci": "123"},
    )
    assert response.status_code == 200
    assert "Intercommunalité (EPCI) : code « 123 » inconnu." in response.content.decode()
    site.refresh_from_db()
    assert site.nom != "Autre"
    assert Desserte.objects.filter(site=site).count() == 1


def test_another_structures_manager_gets_404(client, site):
    other = site_serving(commune="42218")
    client.force_login(manager_of(other))
    assert client.get(f"/annuaire/sites/{site.pk}/modifier/").status_code == 404
    assert client.post(f"/annuaire/sites/{site.pk}/confirmer/").status_code == 404
    assert client.get(f"/annuaire/sites/{site.pk}/services/ajouter/").status_code == 404
    assert client.get(f"/annuaire/structures/{site.structure_id}/sites/ajouter/").status_code == 404


def test_a_counsellor_cannot_edit_their_own_structure(client, site):
    client.force_login(MembershipFactory(structure=site.structure).user)
    assert client.get(f"/annuaire/sites/{site.pk}/modifier/").status_code == 404


def test_manager_creates_a_site_and_a_service(client, site):
    client.force_login(manager_of(site))
    response = client.post(
        f"/annuaire/structures/{site.structure_id}/sites/ajouter/",
        {
            "nom": "Permanence d'Aix",
            "commune": "73008",
            "capacite": "accueille",
            "dessertes_commune": "73008",
        },
    )
    assert response.status_code == 302
    new = Site.objects.get(nom="Permanence d'Aix")
    assert new.precision == "approchee"  # placed at its commune's point
    assert new.latitude is not None
    response = client.post(
        f"/annuaire/sites/{new.pk}/services/ajouter/",
        {
            "nom": "Conseil en évolution professionnelle",
            "description": "Niveau 1 et 2.",
            "thematiques": ["cep--accueil-individualise", "se-former--trouver-sa-formation"],
            "publics": ["jeunes"],
            "modes_accueil": ["en-presentiel"],
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(site=new)
    assert {t.thematique for t in service.thematiques.all()} == {
        "cep--accueil-individualise",
        "se-former--trouver-sa-formation",
    }
    assert service.modes_accueil == ["en-presentiel"]


def test_confirming_freshness(client, site):
    Site.objects.filter(pk=site.pk).update(confirme_le=timezone.now() - timedelta(days=400))
    user = manager_of(site)
    client.force_login(user)
    client.post(f"/annuaire/sites/{site.pk}/confirmer/")
    site.refresh_from_db()
    assert site.confirme_par == user
    assert timezone.now() - site.confirme_le < timedelta(minutes=1)


def test_stale_sites_remind_their_managers_once():
    stale = site_serving(commune="73065", confirme_le=timezone.now() - timedelta(days=400))
    site_serving(commune="73065", structure=stale.structure)  # fresh: not listed
    manager = manager_of(stale)
    MembershipFactory(structure=stale.structure)  # a counsellor: not reminded
    assert freshness_reminders_send() == 1
    assert mail.outbox[0].to == [manager.email]
    assert stale.nom in mail.outbox[0].body
    assert freshness_reminders_send() == 0  # not again before the reminder period


def test_web_tiles_only_when_configured(client, site, settings):
    body = client.get(f"/annuaire/sites/{site.pk}/").content.decode()
    assert "leaflet" not in body
    settings.AIGUILLAGE_TUILES_URL = "https://tuiles.region.example/{z}/{x}/{y}.png"
    body = client.get(f"/annuaire/sites/{site.pk}/").content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in body  # served locally
    assert 'data-tuiles="https://tuiles.region.example/{z}/{x}/{y}.png"' in body


def test_reminder_command(capsys):
    from django.core.management import call_command

    stale = site_serving(commune="73065", confirme_le=None)
    manager_of(stale)
    call_command("annuaire", "relancer")
    assert "1 relance(s) envoyée(s)." in capsys.readouterr().out
    assert len(mail.outbox) == 1
