"""Coverage gaps: communes of a région that no site of a network serves."""

import pytest

from aiguillage.accounts.models import Role
from aiguillage.directory.models import Niveau
from aiguillage.directory.selectors import coverage_gaps
from aiguillage.territories.models import Commune
from tests.factories import StructureFactory, site_serving, user_with_role

pytestmark = pytest.mark.django_db


def ml():
    return StructureFactory(reseau="mission_locale")


def test_lists_the_communes_no_mission_locale_serves():
    # In Auvergne-Rhône-Alpes, Missions locales serve all of Savoie except Chambéry's EPCI,
    # plus Chambéry itself; a France Travail site serving the whole région does not count.
    chambery = Commune.objects.get(code="73065")
    for departement in ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "74"):
        site_serving(commune="42218", niveau=Niveau.DEPARTEMENT, code=departement, structure=ml())
    savoie = Commune.objects.filter(departement_id="73", type="commune-actuelle")
    other_epcis = set(savoie.exclude(epci_id=chambery.epci_id).values_list("epci_id", flat=True))
    for epci in other_epcis:
        site_serving(commune="73011", niveau=Niveau.EPCI, code=epci, structure=ml())
    site_serving(commune="73065", structure=ml())
    site_serving(
        commune="73065",
        niveau=Niveau.REGION,
        code="84",
        structure=StructureFactory(reseau="france_travail"),
    )
    gaps = coverage_gaps(region_code="84", reseau="mission_locale")
    expected = set(
        savoie.filter(epci_id=chambery.epci_id).exclude(code="73065").values_list("code", flat=True)
    )
    assert expected  # Grand Chambéry has other communes than Chambéry
    assert {c.code for c in gaps} == expected
    assert coverage_gaps(region_code="84", reseau="france_travail") == []


def test_public_specific_coverage():
    site_serving(commune="73065", niveau=Niveau.REGION, code="84", public="jeunes", structure=ml())
    assert coverage_gaps(region_code="84", reseau="mission_locale", public="jeunes") == []
    assert len(coverage_gaps(region_code="84", reseau="mission_locale", public="cadres")) > 4000


def test_coverage_page_for_the_regions_coordinator_only(client):
    site_serving(commune="73065", structure=ml())
    client.force_login(user_with_role(Role.COORDINATEUR_REGIONAL))
    response = client.get("/annuaire/couverture/84/", {"reseau": "mission_locale"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Barberaz (73029)" in body
    assert "Chambéry (73065)" not in body
    assert client.get("/annuaire/couverture/32/").status_code == 404
    client.force_login(user_with_role(Role.CONSEILLER))
    assert client.get("/annuaire/couverture/84/").status_code == 404
