"""Observatory pages: simulated régions, aggregates only, for coordination and analysts."""

import pytest

from aiguillage.accounts.models import Role
from aiguillage.observatory import selectors
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    selectors._analyse.cache_clear()


def test_pages_show_each_territory_with_its_evidence(client):
    client.force_login(user_with_role(Role.COORDINATEUR_REGIONAL))
    index = client.get("/observatoire/").content.decode()
    assert "Régions simulées" in index
    assert "Région simulée C" in index
    region = client.get("/observatoire/simulee-c/").content.decode()
    analysis = selectors.region_analysis(selectors.BY_SLUG["simulee-c"])
    first = analysis["territoires"][0]
    assert first["configuration"] == "3"  # the simulated région C is generated as configuration 3
    assert f"/observatoire/simulee-c/{first['territoire']}/" in region
    page = client.get(f"/observatoire/simulee-c/{first['territoire']}/").content.decode()
    assert "Configuration 3" in page
    assert first["explication"][1][:40] in page.replace("&#x27;", "'")
    assert "Krackhardt" in page  # every indicator comes with its formula


@pytest.mark.parametrize("role", [Role.CONSEILLER, Role.RESPONSABLE_STRUCTURE])
def test_structures_staff_do_not_see_the_observatory(client, role):
    client.force_login(user_with_role(role))
    assert client.get("/observatoire/").status_code == 404
    assert client.get("/observatoire/simulee-a/").status_code == 404


def test_unknown_region_or_territory(client):
    client.force_login(user_with_role(Role.ANALYSTE))
    assert client.get("/observatoire/inconnue/").status_code == 404
    assert client.get("/observatoire/simulee-a/XXX/").status_code == 404
