"""Observatory outputs: network drawing, région map and comparison, reports (HTML, PDF),
exports (CSV, JSON); the same access rule as the pages."""

from __future__ import annotations

import csv
import io
import json

import pypdfium2 as pdfium
import pytest

from aiguillage.accounts.models import Role
from aiguillage.observatory import selectors
from aiguillage.observatory.engine.analysis import folder_analyse
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

A = selectors.BY_SLUG["simulee-a"]
C = selectors.BY_SLUG["simulee-c"]


@pytest.fixture
def analyst(client, shared_var):
    client.force_login(user_with_role(Role.ANALYSTE))
    return client


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def test_territory_page_draws_the_network_with_a_legend_and_trends(analyst):
    territory = selectors.region_analysis(C)["territoires"][0]
    code = territory["territoire"]
    page = _html(analyst.get(f"/observatoire/simulee-c/{code}/"))
    nodes, ties, _ = selectors.territory_network(C, code)
    assert page.count('class="noeud"') == nodes.height == territory["indicateurs"]["organisations"]
    assert page.count("<line ") == ties.height
    assert 'role="img"' in page and f"Réseau de coopération du territoire {code}" in page
    assert "Légende des réseaux" in page and "Mission locale — cercle (insertion)" in page
    assert "Organisations les plus centrales" in page and "Liens les plus forts" in page
    assert "Tendances" in page and "+80" in page  # 400 interactions against 320 the year before
    assert "Période précédente" in page
    for suffix in ("rapport.html", "rapport.pdf", "export.csv", "export.json"):
        assert f"/observatoire/simulee-c/{code}/{suffix}" in page


def test_region_page_maps_and_compares_every_territory(analyst):
    page = _html(analyst.get("/observatoire/simulee-a/"))
    analysis = selectors.region_analysis(A)
    assert page.count('class="tuile"') == len(analysis["territoires"])
    for territory in analysis["territoires"]:
        code, conf = territory["territoire"], territory["configuration"]
        assert f'data-territoire="{code}" data-configuration="{conf}"' in page
        assert f'<a href="/observatoire/simulee-a/{code}/">{code}</a>' in page
    assert "Configuration 1 (aplat bleu)" in page and "Configuration 2 (hachures orangées)" in page
    assert "Comparaison des territoires" in page and "Interconnaissance" in page
    assert "(inchangée)" in page  # the previous period's configuration
    for suffix in ("rapport.html", "rapport.pdf", "export.csv", "export.json"):
        assert f"/observatoire/simulee-a/{suffix}" in page


def test_html_reports_stand_alone(analyst):
    code = selectors.region_analysis(C)["territoires"][0]["territoire"]
    report = _html(analyst.get(f"/observatoire/simulee-c/{code}/rapport.html"))
    assert report.startswith("<!doctype html>") and '<html lang="fr">' in report
    assert "core/aiguillage.css" not in report and "<script" not in report  # nothing to fetch
    assert f"Territoire {code}" in report and "Configuration 3" in report
    assert 'class="noeud"' in report and "Régions simulées" in report
    assert f"/observatoire/simulee-c/{code}/rapport.pdf" in report
    region = _html(analyst.get("/observatoire/simulee-c/rapport.html"))
    assert (
        region.count('class="tuile"') == 6
        and "Ce qui a décidé, territoire par territoire" in region
    )


def _pdf_text(content: bytes) -> tuple[int, str]:
    document = pdfium.PdfDocument(content)
    try:
        pages = len(document)
        text = "\n".join(document[i].get_textpage().get_text_range() for i in range(pages))
    finally:
        document.close()
    return pages, text


def test_pdf_reports_are_valid_and_name_the_territory_and_its_configuration(analyst):
    territory = selectors.region_analysis(C)["territoires"][0]
    code = territory["territoire"]
    response = analyst.get(f"/observatoire/simulee-c/{code}/rapport.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    pages, text = _pdf_text(response.content)
    assert pages >= 2
    assert f"Territoire {code}" in text
    assert f"Configuration {territory['configuration']}" in text
    assert "Réseau de coopération" in text and "Régions simulées" in text
    pages, text = _pdf_text(analyst.get("/observatoire/simulee-a/rapport.pdf").content)
    assert "Région simulée A" in text and "Comparaison des territoires" in text
    assert all(t["territoire"] in text for t in selectors.region_analysis(A)["territoires"])


def test_csv_export_equals_the_engine(analyst, shared_var):
    response = analyst.get("/observatoire/simulee-a/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="observatoire-simulee-a.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    engine = folder_analyse(shared_var / "observatoire" / "simulee-a")
    assert [r["territoire"] for r in rows] == [t["territoire"] for t in engine["territoires"]]
    for row, territory in zip(rows, engine["territoires"], strict=True):
        assert row["configuration"] == territory["configuration"]
        assert float(row["confiance"]) == pytest.approx(territory["confiance"])
        for name in ("densite", "interconnaissance", "indice_ei_pondere", "interactions"):
            assert float(row[name]) == pytest.approx(territory["indicateurs"][name])
    code = engine["territoires"][1]["territoire"]
    one = list(
        csv.DictReader(
            io.StringIO(analyst.get(f"/observatoire/simulee-a/{code}/export.csv").content.decode())
        )
    )
    assert len(one) == 1 and one[0]["territoire"] == code


def test_json_export_equals_the_engine(analyst, shared_var):
    payload = json.loads(analyst.get("/observatoire/simulee-b/export.json").content)
    engine = folder_analyse(shared_var / "observatoire" / "simulee-b")
    assert payload["region"]["simulee"] is True
    assert payload["periode"] == engine["periode"] and payload["seuils"] == engine["seuils"]
    for mine, theirs in zip(payload["territoires"], engine["territoires"], strict=True):
        previous = mine.pop("configuration_precedente")
        assert previous in ("1", "2", "3", "mixte")
        assert mine == json.loads(json.dumps(theirs))
    code = engine["territoires"][0]["territoire"]
    one = json.loads(analyst.get(f"/observatoire/simulee-b/{code}/export.json").content)
    assert one["territoire"]["territoire"] == code
    organisations = one["reseau"]["organisations"]
    assert len(organisations) == engine["territoires"][0]["indicateurs"]["organisations"]
    assert set(organisations[0]) == {"id", "nom", "reseau", "liens", "interactions_partagees"}
    assert {"a", "b", "poids"} == set(one["reseau"]["liens"][0])


@pytest.mark.parametrize("role", [Role.CONSEILLER, Role.RESPONSABLE_STRUCTURE])
def test_structures_staff_get_404_on_every_output(client, shared_var, role):
    client.force_login(user_with_role(role))
    code = selectors.region_analysis(A)["territoires"][0]["territoire"]
    for path in (
        "/observatoire/simulee-a/rapport.html",
        "/observatoire/simulee-a/rapport.pdf",
        "/observatoire/simulee-a/export.csv",
        "/observatoire/simulee-a/export.json",
        f"/observatoire/simulee-a/{code}/rapport.html",
        f"/observatoire/simulee-a/{code}/rapport.pdf",
        f"/observatoire/simulee-a/{code}/export.csv",
        f"/observatoire/simulee-a/{code}/export.json",
    ):
        assert client.get(path).status_code == 404, path


def test_unknown_format_or_territory(analyst):
    assert analyst.get("/observatoire/simulee-a/rapport.docx").status_code == 404
    assert analyst.get("/observatoire/simulee-a/export.xml").status_code == 404
    assert analyst.get("/observatoire/simulee-a/XXX/rapport.html").status_code == 404
    assert analyst.get("/observatoire/inconnue/export.csv").status_code == 404


def test_coordination_reads_the_outputs(client, shared_var):
    client.force_login(user_with_role(Role.COORDINATEUR_REGIONAL))
    assert client.get("/observatoire/simulee-b/export.csv").status_code == 200
