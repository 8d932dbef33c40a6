"""The observatory's outputs in a real browser: région page (map, comparison), territory page
(network drawing), HTML reports; axe-core finds no WCAG 2.1 AA violation. Screenshots go to
var/screenshots (observatoire-*.png)."""

from __future__ import annotations

import pytest

from tests.browser._connexion import login
from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser


def test_region_territory_and_reports(page, demo_server, axe):
    login(page, demo_server, "analyste")
    page.goto(demo_server + "/observatoire/simulee-c/")
    assert page.get_by_role("heading", name="Carte des configurations").is_visible()
    assert page.get_by_role("img", name="Région simulée C : configuration de chaque territoire")
    assert page.locator(".tuile").count() == 6
    check_accessibility(axe, page, "observatoire-region-carte")
    page.get_by_role("link", name="C-001", exact=True).click()
    assert page.get_by_role("heading", name="Réseau de coopération").is_visible()
    drawing = page.locator("svg.obs-reseau")
    assert drawing.get_attribute("role") == "img"
    assert drawing.locator(".noeud").count() == 18
    assert drawing.bounding_box()["width"] > 500
    check_accessibility(axe, page, "observatoire-territoire-reseau")
    page.get_by_role("link", name="Rapport (HTML)").click()
    assert page.get_by_role("heading", name="Territoire C-001 · Région simulée C").is_visible()
    check_accessibility(axe, page, "observatoire-rapport-territoire")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger ce rapport en PDF").click()
    assert download.value.suggested_filename == "observatoire-simulee-c-C-001.pdf"
    page.goto(demo_server + "/observatoire/simulee-b/rapport.html")
    assert page.locator(".tuile").count() == 6
    check_accessibility(axe, page, "observatoire-rapport-region")
