"""The directory as people use it: search, site page, a manager's edit, the coverage view."""

from __future__ import annotations

import pytest

from tests.browser._connexion import login
from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser


def test_search_and_site_page(page, demo_server, axe):
    page.goto(demo_server + "/annuaire/")
    check_accessibility(axe, page, "annuaire-recherche-vide")
    page.get_by_label("Commune ou code postal").fill("Chambéry")
    page.get_by_label("Public").select_option("jeunes")
    page.get_by_role("button", name="Chercher").click()
    heading = page.locator("#resultats h2")
    heading.wait_for()
    assert "Chambéry (73065)" in heading.inner_text()
    results = page.locator("#resultats li.card")
    assert results.count() > 0
    assert "Données de démonstration" in results.first.inner_text()
    check_accessibility(axe, page, "annuaire-resultats")
    results.first.get_by_role("link").first.click()
    page.get_by_role("heading", name="Services").wait_for()
    assert page.locator("svg circle").count() == 1
    check_accessibility(axe, page, "annuaire-site")


def test_search_works_without_javascript(browser, demo_server, axe):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(demo_server + "/annuaire/?commune=73000")
    assert "Chambéry (73065)" in page.locator("#resultats h2").inner_text()
    context.close()


def test_manager_updates_capacity_and_confirms(page, demo_server, axe):
    login(page, demo_server, "responsable")
    page.get_by_role("link", name="Mission locale de Chambéry").first.click()
    page.locator("#sites").wait_for()
    page.locator("table").first.get_by_role("link").first.click()
    page.get_by_role("link", name="Modifier le site").click()
    check_accessibility(axe, page, "annuaire-site-modifier")
    page.get_by_label("Capacité d'accueil").select_option("liste_attente")
    epci = page.get_by_label("Intercommunalités desservies")
    original = epci.input_value()  # the demo server is shared: leave the sectorisation as it was
    epci.fill(f"{original} 123")
    page.get_by_role("button", name="Enregistrer").click()
    assert "code « 123 » inconnu" in page.content()
    check_accessibility(axe, page, "annuaire-site-erreur")
    page.get_by_label("Intercommunalités desservies").fill(original)
    page.get_by_role("button", name="Enregistrer").click()
    assert "Liste d'attente" in page.locator("main").inner_text()
    page.get_by_role("button", name="Confirmer que tout est à jour").click()
    assert "confirmées à jour" in page.get_by_role("status").inner_text()


def test_coverage_view(page, demo_server, axe):
    login(page, demo_server, "coordination")
    page.goto(demo_server + "/annuaire/couverture/84/?reseau=apec")
    check_accessibility(axe, page, "annuaire-couverture")
    page.goto(demo_server + "/annuaire/couverture/84/?reseau=mission_locale")
    assert "commune" in page.locator("main p.lead").inner_text()
