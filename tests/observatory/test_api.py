"""Observatory API: the pages' aggregates, the pages' access rule (404 for structures' staff)."""

from __future__ import annotations

import pytest

from aiguillage.accounts.models import Role
from aiguillage.observatory import selectors
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
BASE = "/api/v1/observatoire"


@pytest.fixture
def analyst(client, shared_var):
    client.force_login(user_with_role(Role.ANALYSTE))
    return client


def test_regions_list(analyst):
    body = analyst.get(f"{BASE}/regions").json()
    assert [r["slug"] for r in body] == ["simulee-a", "simulee-b", "simulee-c"]
    assert body[1]["simulee"] is True and body[1]["configurations"] == {"2": 6}
    assert body[1]["territoires"] == 6 and body[1]["periode"]["fin"] == "2025-12-31"


def test_region_territories_with_configuration_indicators_and_explanation(analyst):
    body = analyst.get(f"{BASE}/regions/simulee-c").json()
    engine = selectors.region_analysis(selectors.BY_SLUG["simulee-c"])
    assert body["region"]["nom"] == "Région simulée C"
    assert len(body["territoires"]) == len(engine["territoires"])
    first, theirs = body["territoires"][0], engine["territoires"][0]
    assert first["configuration"] == theirs["configuration"] == "3"
    assert first["indicateurs"]["densite"] == theirs["indicateurs"]["densite"]
    assert first["explication"] == theirs["explication"]
    assert first["configuration_precedente"] == "3"


def test_one_territory_with_its_network(analyst):
    code = selectors.region_analysis(selectors.BY_SLUG["simulee-a"])["territoires"][2]["territoire"]
    body = analyst.get(f"{BASE}/regions/simulee-a/territoires/{code}").json()
    assert body["territoire"]["territoire"] == code
    assert len(body["reseau"]["organisations"]) == 18
    assert all(tie["poids"] >= 1 for tie in body["reseau"]["liens"])
    assert analyst.get(f"{BASE}/regions/simulee-a/territoires/XXX").status_code == 404
    assert analyst.get(f"{BASE}/regions/inconnue").status_code == 404


@pytest.mark.parametrize("role", [Role.CONSEILLER, Role.RESPONSABLE_STRUCTURE])
def test_structures_staff_get_404(client, shared_var, role):
    client.force_login(user_with_role(role))
    assert client.get(f"{BASE}/regions").status_code == 404
    assert client.get(f"{BASE}/regions/simulee-a").status_code == 404


def test_anonymous_gets_401(client, shared_var):
    assert client.get(f"{BASE}/regions").status_code == 401
