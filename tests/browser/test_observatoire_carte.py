"""The observatory's map of a platform région in a real browser: the demo's Auvergne-Rhône-Alpes
départements drawn on their boundaries, each analysed one with its pattern and a readable label;
axe-core finds no WCAG 2.1 AA violation. Screenshot: var/screenshots/observatoire-plateforme-*."""

from __future__ import annotations

import pytest

from tests.browser._connexion import login
from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser


def test_platform_region_map_on_departements(page, demo_server, axe):
    login(page, demo_server, "analyste")
    page.goto(demo_server + "/observatoire/plateforme-84/")
    assert page.get_by_role("heading", name="Carte des configurations").is_visible()
    carte = page.get_by_role(
        "img", name="Auvergne-Rhône-Alpes : configuration de chaque département"
    )
    assert carte.is_visible() and carte.bounding_box()["width"] > 500
    analysed = carte.locator(".contour")
    codes = [analysed.nth(i).get_attribute("data-territoire") for i in range(analysed.count())]
    assert "73" in codes and "42" in codes  # the demo's structures: Savoie, the Loire…
    assert carte.locator(".contour, .contour-contexte").count() == 12  # every département
    assert carte.locator(".tuile").count() == 0
    for code in codes:
        label = carte.locator(f'.etiquette[data-territoire="{code}"]')
        assert label.is_visible() and "Conf. " in label.text_content()
    rows = page.locator(".obs-comparaison tbody tr")
    assert rows.count() == len(codes)  # the table still says the same in text
    check_accessibility(axe, page, "observatoire-plateforme-region")
    page.goto(demo_server + "/observatoire/plateforme-84/rapport.html")
    assert page.locator("svg.obs-carte .contour").count() == len(codes)
    check_accessibility(axe, page, "observatoire-plateforme-rapport")
