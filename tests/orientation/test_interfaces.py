"""One engine behind the CLI, the API and the pages: the same situation, the same decision."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aiguillage import rules
from aiguillage.orientation import buffer
from aiguillage.orientation.models import Diagnostic
from aiguillage.orientation.services import decision_for
from tests.factories import MembershipFactory, StructureFactory, site_serving

pytestmark = pytest.mark.django_db

SITUATION = {
    "date": "2026-03-02",
    "age": 24,
    "activite": "salarie",
    "contrat": "cdd",
    "cadre": True,
    "rqth": False,
    "commune": "73065",
}


@pytest.fixture
def sites():
    for reseau in ("apec", "mission_locale", "cep_actifs_occupes", "france_travail"):
        site_serving(
            commune="73065", nom=f"Site {reseau}", structure=StructureFactory(reseau=reseau)
        )


def cli(situation: dict) -> dict:
    out = io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.StringIO(json.dumps(situation))
    try:
        call_command("orienter", "-", stdout=out)
    finally:
        sys.stdin = stdin
    return json.loads(out.getvalue())


def test_decision_adds_the_nearest_sites_of_each_competent_network(sites):
    decision = decision_for(SITUATION)
    assert {o["reseau"] for o in decision["operateurs"]} == {
        "apec",
        "mission_locale",
        "cep_actifs_occupes",
    }
    for operateur in decision["operateurs"]:
        assert [s["nom"] for s in operateur["sites"]] == [f"Site {operateur['reseau']}"]
    bare = rules.evaluer(dict(SITUATION))
    assert [o["reseau"] for o in bare["operateurs"]] == [
        o["reseau"] for o in decision["operateurs"]
    ]


def test_cli_api_and_counsellor_page_agree(client, sites):
    from_cli = cli(SITUATION)
    response = client.post(
        "/api/v1/orientation/decisions", SITUATION, content_type="application/json"
    )
    assert response.status_code == 200
    from_api = response.json()
    from_api.pop("diagnostic")
    user = MembershipFactory().user
    client.force_login(user)
    form = {k: v for k, v in SITUATION.items() if k not in {"cadre", "rqth"}}
    form.update(cadre="oui", rqth="non")
    page = client.post("/orientation/conseiller/", form)
    assert page.status_code == 200
    from_page = Diagnostic.objects.get(canal="conseiller").decision_complete
    assert from_cli == from_api == from_page
    body = page.content.decode()
    for operateur in from_cli["operateurs"]:
        assert operateur["libelle"] in body
    assert "Trace de la décision" in body


def test_the_cli_reads_a_file_and_reports_invalid_situations(tmp_path, capsys):
    path = tmp_path / "situation.json"
    path.write_text(json.dumps({"age": 30, "activite": "chomeur"}), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("orienter", str(path))
    assert exc.value.returncode == 2
    assert "activite : valeur « chomeur » inconnue" in capsys.readouterr().err
    path.write_text(json.dumps({"age": 30, "activite": "salarie", "contrat": "cdi"}))
    call_command("orienter", str(path))
    assert '"cep_actifs_occupes"' in capsys.readouterr().out


def test_api_errors_are_clear(client):
    bad = client.post(
        "/api/v1/orientation/decisions",
        {"age": 30, "couleur": "bleu"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "couleur" in bad.json()["detail"]
    unknown_commune = client.post(
        "/api/v1/orientation/decisions",
        {"age": 30, "activite": "salarie", "commune": "99999"},
        content_type="application/json",
    )
    assert unknown_commune.status_code == 422
    assert "99999" in unknown_commune.json()["detail"]
    buffer.flush()
    assert not Diagnostic.objects.exists()


def test_api_stores_an_anonymous_diagnostic(client, sites):
    response = client.post(
        "/api/v1/orientation/decisions", SITUATION, content_type="application/json"
    )
    buffer.flush()  # written in the background in production (ADR 0002)
    diagnostic = Diagnostic.objects.get(public_id=response.json()["diagnostic"])
    assert diagnostic.canal == "api"
    assert diagnostic.region_id == "84"
    assert diagnostic.version_regles == rules.version_regles()
    assert diagnostic.reponse.trace and diagnostic.reseaux
    assert set(diagnostic.situation) == set(SITUATION)  # nothing else, no name


def test_openapi_documents_the_situation(client):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/orientation/decisions"]["post"]["requestBody"]
    assert "activite" in json.dumps(body)


def test_counsellor_form_shows_the_date_as_a_date_input_can_read_it(client):
    from django.utils import timezone

    client.force_login(MembershipFactory().user)
    body = client.get("/orientation/conseiller/").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in body


def test_counsellor_page_is_for_structure_members(client):
    from aiguillage.accounts.models import Role
    from tests.factories import user_with_role

    client.force_login(user_with_role(Role.ANALYSTE))
    assert client.get("/orientation/conseiller/").status_code == 404


def test_portal_decision_is_the_engine_decision(client, sites):
    answers = {"activite": "salarie", "contrat": "cdd", "age": "24", "rqth": "non", "cadre": "oui"}
    client.post("/orientation/resultat/", {**answers, "commune": "73065"})
    stored = Diagnostic.objects.get(canal="portail")
    expected = decision_for(
        {
            "activite": "salarie",
            "contrat": "cdd",
            "age": 24,
            "rqth": False,
            "cadre": True,
            "commune": "73065",
        }
    )
    assert stored.decision_complete == expected


def test_regional_dashboard_counts_diagnostics_per_situation(client, sites):
    from aiguillage.accounts.models import Role
    from tests.factories import user_with_role

    client.post("/api/v1/orientation/decisions", SITUATION, content_type="application/json")
    buffer.flush()
    client.force_login(user_with_role(Role.ANALYSTE))
    body = client.get("/regions/84/").content.decode()
    assert "Diagnostics d'orientation des 12 derniers mois (1)" in body
