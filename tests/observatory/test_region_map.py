"""The région map on real boundaries: a platform région's départements drawn from their stored
contours (patterns, labels, legend), the tiles kept for simulated régions and for a département
without a boundary; the same map in the HTML and PDF reports."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest

from aiguillage.observatory import report, selectors
from aiguillage.observatory.platform import platform_region_get
from aiguillage.territories.models import Departement
from aiguillage.territories.services import bundled_boundaries_load
from tests.factories import (
    MembershipFactory,
    StructureFactory,
    adressage_au_statut,
    scene_adressage,
)

pytestmark = pytest.mark.django_db

ARA = 12  # the départements of Auvergne-Rhône-Alpes (région 84)


@pytest.fixture
def boundaries():
    bundled_boundaries_load(levels=["departements"])


@pytest.fixture
def platform_84(settings, tmp_path, boundaries):
    """Structures of Savoie (73) and the Loire (42) that refer people to each other."""
    settings.VAR_DIR = tmp_path
    savoie, loire = Departement.objects.get(code="73"), Departement.objects.get(code="42")
    ml = StructureFactory(reseau="mission_locale", departement=savoie)
    ft = StructureFactory(reseau="france_travail", departement=savoie)
    apec = StructureFactory(reseau="apec", departement=loire)
    cio = StructureFactory(reseau="cio", departement=loire)
    adressage_au_statut("acceptee", scene_adressage(emettrice=ml, destinataire=ft))
    adressage_au_statut("refusee", scene_adressage(emettrice=ft, destinataire=apec))
    adressage_au_statut("acceptee", scene_adressage(emettrice=cio, destinataire=apec))
    return platform_region_get("84")


@pytest.fixture
def coordination(client):
    client.force_login(MembershipFactory(coordinateur=True).user)  # région 84
    return client


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def _drawing(page: str) -> str:
    return re.search(r'<svg class="obs-carte[^"]*".*?</svg>\s*<figcaption', page, re.S).group(0)


def test_platform_region_is_drawn_on_its_departements(coordination, platform_84):
    page = _html(coordination.get("/observatoire/plateforme-84/"))
    territories = selectors.region_analysis(platform_84)["territoires"]
    assert sorted(t["territoire"] for t in territories) == ["42", "73"]
    svg = _drawing(page)
    assert 'role="img"' in svg and 'aria-labelledby="carte-titre carte-desc"' in svg
    assert "Auvergne-Rhône-Alpes : configuration de chaque département</title>" in svg
    assert "<desc" in svg and "10 autres territoires de la région, non analysés" in svg
    assert 'class="tuile"' not in svg
    # one path per département of the région: two analysed, ten drawn for context
    assert svg.split("</defs>")[1].count("<path ") == ARA
    assert svg.count('class="contour"') == 2 and svg.count('class="contour-contexte"') == 10
    for t in territories:
        code, conf = t["territoire"], t["configuration"]
        shape = re.search(
            f'<g class="contour" data-territoire="{code}" data-configuration="{conf}">'
            r'<title>[^<]*</title><path d="M[^"]+" fill="([^"]+)"',
            svg,
        )
        assert shape.group(1) == f"url(#carte-motif-{conf})"
        assert f'<pattern id="carte-motif-{conf}"' in svg
        label = re.search(f'<g class="etiquette" data-territoire="{code}">(.*?)</g>', svg)
        assert f">{code}</text>" in label.group(1) and f">Conf. {conf}</text>" in label.group(1)
    assert "Carte des départements (contours simplifiés" in page
    assert "Blanc : département non analysé" in page and "(hachures orangées)" in page
    # the table is still the map's text alternative
    assert "Comparaison des territoires" in page
    assert '<a href="/observatoire/plateforme-84/73/">73</a>' in page


def test_boundaries_cost_one_query(platform_84, django_assert_num_queries):
    selectors.region_analysis(platform_84)  # the platform's folder is written once an hour
    with django_assert_num_queries(1):
        carte = selectors.region_map(platform_84)
    assert not carte.schematic


def test_simulated_region_keeps_its_tiles(shared_var, boundaries, django_assert_num_queries):
    region = selectors.BY_SLUG["simulee-a"]
    territories = selectors.region_analysis(region)["territoires"]
    with django_assert_num_queries(0):  # simulated territories have no boundary to look up
        carte = selectors.region_map(region)
    assert carte.schematic
    assert carte.svg.count('class="tuile"') == len(territories)
    assert 'class="contour' not in carte.svg


def test_a_departement_without_boundary_falls_back_to_tiles(coordination, platform_84):
    Departement.objects.filter(code="42").update(contour=None)
    page = _html(coordination.get("/observatoire/plateforme-84/"))
    svg = _drawing(page)
    assert svg.count('class="tuile"') == 2 and 'class="contour' not in svg
    assert "Carte schématique : une tuile par territoire" in page


def test_a_context_departement_without_boundary_is_left_out(platform_84):
    Departement.objects.filter(code="01").update(contour=None)  # Ain: no structure there
    svg = selectors.region_map(platform_84).svg
    assert svg.count('class="contour"') == 2 and svg.count('class="contour-contexte"') == 9
    assert 'data-territoire="01"' not in svg


def test_reports_carry_the_map_on_boundaries(coordination, platform_84, monkeypatch):
    html = _html(coordination.get("/observatoire/plateforme-84/rapport.html"))
    svg = _drawing(html)
    assert svg.count('class="contour"') == 2 and 'class="tuile"' not in svg
    assert ">Conf. " in svg and "Blanc : département non analysé" in html

    fetched = []
    monkeypatch.setattr(report, "_no_fetch", lambda url, *a, **k: fetched.append(url))
    response = coordination.get("/observatoire/plateforme-84/rapport.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert fetched == []  # patterns and labels are inline: nothing to fetch
    document = pdfium.PdfDocument(response.content)
    try:
        first = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    for t in selectors.region_analysis(platform_84)["territoires"]:
        assert f"Conf. {t['configuration']}" in first  # the map's labels, drawn as text
    assert "Carte des départements" in first
