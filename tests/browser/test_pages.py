"""Each demo role logs in, visits its pages, and axe-core finds no WCAG 2.1 AA violation."""

from __future__ import annotations

import pytest

from aiguillage.core.demo import DEMO_DOMAIN
from tests.browser._connexion import login
from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser


def test_public_pages(page, demo_server, axe):
    for name, path in [
        ("public-accueil", "/"),
        ("public-connexion", "/connexion/"),
        ("public-accessibilite", "/accessibilite/"),
        ("public-sources", "/donnees-et-sources/"),
        ("public-page-introuvable", "/nexiste-pas/"),
    ]:
        page.goto(demo_server + path)
        check_accessibility(axe, page, name)


def test_commune_search_live(page, demo_server, axe):
    page.goto(demo_server + "/territoires/communes/")
    page.get_by_label("Nom de la commune ou code postal").fill("saint etienne")
    first_row = page.locator("#resultats tbody tr").first
    first_row.wait_for()
    assert "42218" in first_row.inner_text()
    check_accessibility(axe, page, "public-communes")
    page.get_by_label("Nom de la commune ou code postal").fill("73000")
    page.wait_for_function("document.querySelector('#resultats').innerText.includes('73000')")
    assert "Chambéry" in page.locator("#resultats tbody tr").first.inner_text()


def test_login_error_is_accessible(page, demo_server, axe):
    page.goto(demo_server + "/connexion/")
    page.get_by_label("Adresse électronique").fill(f"conseiller@{DEMO_DOMAIN}")
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").inner_text().startswith("Adresse électronique ou mot de passe")
    check_accessibility(axe, page, "public-connexion-erreur")


def test_conseiller(page, demo_server, axe):
    login(page, demo_server, "conseiller")
    assert page.get_by_role("heading", name="Mes structures").is_visible()
    check_accessibility(axe, page, "conseiller-accueil")
    page.get_by_role("link", name="Mission locale de Chambéry").first.click()
    assert page.get_by_role("heading", name="Mission locale de Chambéry").is_visible()
    assert page.get_by_role("link", name="Modifier la structure").count() == 0
    check_accessibility(axe, page, "conseiller-structure")
    page.get_by_role("link", name="Louis Petit").click()
    assert "responsable@" in page.content()
    check_accessibility(axe, page, "conseiller-membre")
    page.goto(demo_server + "/compte/")
    check_accessibility(axe, page, "conseiller-compte")
    # A request made on the portal is in the structure's referrals inbox.
    page.get_by_role("link", name="Adressages").first.click()
    page.get_by_role("link", name="Reçus").click()
    page.get_by_role("link", name="Exemple Démo").first.click()
    assert "Données de démonstration" in page.locator("main").inner_text()
    assert "Portail public" in page.locator("main").inner_text()
    check_accessibility(axe, page, "conseiller-demande-portail")
    assert page.goto(demo_server + "/audit/").status == 404


def test_responsable_edits_and_adds_a_member(page, demo_server, axe):
    login(page, demo_server, "responsable")
    page.get_by_role("link", name="Mission locale de Chambéry").first.click()
    page.get_by_role("link", name="Modifier la structure").click()
    page.get_by_label("SIRET").fill("123")
    page.get_by_role("button", name="Enregistrer").click()
    assert "14 chiffres" in page.locator(".invalid-feedback").inner_text()
    check_accessibility(axe, page, "responsable-structure-erreur")
    page.get_by_label("SIRET").fill("")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_role("status").inner_text() == "La structure a été mise à jour."
    page.get_by_role("link", name="Ajouter un membre").click()
    check_accessibility(axe, page, "responsable-ajout-membre")
    page.get_by_label("Adresse électronique").fill("nouvelle.collegue@exemple.test")
    page.get_by_label("Prénom").fill("Zoé")
    page.locator("#id_last_name").fill("Lefebvre")
    page.get_by_role("button", name="Ajouter").click()
    assert page.get_by_role("link", name="Zoé Lefebvre").is_visible()
    check_accessibility(axe, page, "responsable-structure")


def test_coordination_sees_its_region_only(page, demo_server, axe):
    login(page, demo_server, "coordination")
    check_accessibility(axe, page, "coordination-accueil")
    page.get_by_role("link", name="Auvergne-Rhône-Alpes").first.click()
    assert page.get_by_role("heading", name="Auvergne-Rhône-Alpes").is_visible()
    check_accessibility(axe, page, "coordination-region")
    assert page.goto(demo_server + "/regions/32/").status == 404
    page.goto(demo_server + "/regions/")
    check_accessibility(axe, page, "coordination-regions")


def test_analyste(page, demo_server, axe):
    login(page, demo_server, "analyste")
    check_accessibility(axe, page, "analyste-accueil")
    page.goto(demo_server + "/regions/84/")
    assert "Camille" not in page.content()  # no person on an aggregate dashboard
    check_accessibility(axe, page, "analyste-region")
    page.get_by_role("link", name="Observatoire").click()
    check_accessibility(axe, page, "observatoire-index")
    page.get_by_role("link", name="Région simulée A").click()
    check_accessibility(axe, page, "observatoire-region")
    page.locator("tbody a").first.click()
    assert "Ce qui a décidé" in page.locator("main").inner_text()
    check_accessibility(axe, page, "observatoire-territoire")


def test_administrateur(page, demo_server, axe):
    login(page, demo_server, "admin")
    check_accessibility(axe, page, "admin-accueil")
    page.get_by_role("link", name="Journal d'audit").first.click()
    assert page.locator("tbody tr").count() > 0
    check_accessibility(axe, page, "admin-audit")
    page.get_by_label("Action").select_option("login")
    page.wait_for_function("!document.querySelector('#audit-rows').innerText.includes('Import')")
    check_accessibility(axe, page, "admin-audit-filtre")
    page.goto(demo_server + "/regions/32/")
    check_accessibility(axe, page, "admin-region-hauts-de-france")
    for name, path in [
        ("admin-django-index", "/admin/"),
        ("admin-django-utilisateurs", "/admin/accounts/user/"),
        ("admin-django-audit", "/admin/core/auditevent/"),
    ]:
        page.goto(demo_server + path)
        check_accessibility(axe, page, name)


def test_error_pages_as_deployed(page, deployed_server, axe):
    """With DEBUG off, as in production, an unknown address and an unknown portal result get the
    app's own 404 page (in French, with the menu and the theme), audited like every page."""
    import uuid

    for name, path in [
        ("deploye-page-introuvable", "/nexiste-pas/"),
        ("deploye-resultat-introuvable", f"/orientation/resultat/{uuid.uuid4()}/"),
    ]:
        response = page.goto(deployed_server + path)
        assert response.status == 404
        assert "Page introuvable" in page.locator("main").inner_text()
        assert "urlpatterns" not in page.content()  # not Django's technical page
        header = page.evaluate("getComputedStyle(document.querySelector('.ag-header')).color")
        assert header == "rgb(255, 255, 255)"  # the stylesheets were served
        check_accessibility(axe, page, name)
