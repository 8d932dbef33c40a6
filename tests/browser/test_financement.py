"""A counsellor goes from an orientation decision to the funding helper, with and without
JavaScript: the link carries the situation, the funding form is pre-filled, the answer shows,
an inconsistent value is flagged on its field. axe-core (WCAG 2.1 AA) on every screen;
screenshots in var/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser._connexion import login
from tests.browser.conftest import check_accessibility, no_javascript_page

pytestmark = pytest.mark.browser

LIEN = "Voir les financements possibles pour cette situation"
ACTIVITE = re.compile(r"^Activité")  # « Activité * (obligatoire) »
SITUATION = {"date": "2026-03-02", "age": "45", "activite": "salarie", "contrat": "cdi"}


def decision(page, demo_server, axe=None, nom: str = "") -> None:
    """The counsellor's orientation page, filled in, then its decision."""
    page.goto(demo_server + "/orientation/conseiller/")
    titre = page.get_by_role("heading", name="Qui peut accompagner cette personne ?")
    expect(titre).to_be_visible()
    if axe is not None:
        check_accessibility(axe, page, f"{nom}-01-orientation")
    page.get_by_label("Date de la situation").fill(SITUATION["date"])
    page.get_by_label("Âge").fill(SITUATION["age"])
    page.get_by_label(ACTIVITE).select_option(SITUATION["activite"])
    page.get_by_label("Contrat (salarié)").select_option(SITUATION["contrat"])
    page.get_by_label("Commune de résidence (code INSEE)").fill("73065")
    page.get_by_label("Reconnaissance de handicap (RQTH)").select_option("non")
    page.get_by_label("Cadre").select_option("oui")
    page.get_by_role("button", name="Voir les opérateurs compétents").click()
    expect(page.get_by_role("heading", name="Opérateurs compétents")).to_be_visible()


def formulaire_prerempli(page) -> None:
    """The funding page reached by the link, with the situation's fields filled in."""
    expect(page.get_by_role("heading", name="Quels financements pour ce projet ?")).to_be_visible()
    assert "/orientation/conseiller/financements/?" in page.url
    expect(page.get_by_label("Date de la situation")).to_have_value(SITUATION["date"])
    expect(page.get_by_label(ACTIVITE)).to_have_value("salarie")
    expect(page.get_by_label("Contrat (salarié)")).to_have_value("cdi")
    expect(page.get_by_label("Commune de résidence (code INSEE)")).to_have_value("73065")
    expect(page.get_by_label("Reconnaissance de handicap (RQTH)")).to_have_value("non")
    expect(page.get_by_label("Projet", exact=True)).to_have_value("")  # not an orientation fact


def repondre(page, *, entreprise: str) -> None:
    page.get_by_label("Projet", exact=True).select_option("reconversion")
    page.get_by_label("Ancienneté de salarié, tous employeurs (mois)").fill("40")
    page.get_by_label("Ancienneté dans l'entreprise actuelle (mois)").fill(entreprise)
    page.get_by_role("button", name="Voir les financements possibles").click()


def reponse_affichee(page) -> None:
    resultat = page.locator("#resultat")
    expect(resultat.get_by_role("heading", name="Réponse au 2 mars 2026")).to_be_visible()
    eligibles = resultat.locator("section", has=page.locator("#groupe-eligibles"))
    titre = eligibles.get_by_role("heading", name=re.compile(r"^Éligibles \(\d+\)$"))
    expect(titre).to_be_visible()
    expect(eligibles).to_contain_text("Compte personnel de formation (CPF)")
    expect(eligibles).to_contain_text("Projet de transition professionnelle (PTP)")
    expect(resultat).to_contain_text("Région de la personne : Auvergne-Rhône-Alpes.")
    # The form stays filled in below the answer.
    expect(page.get_by_label("Ancienneté de salarié, tous employeurs (mois)")).to_have_value("40")


def test_de_la_decision_d_orientation_aux_financements(page, demo_server, axe):
    login(page, demo_server, "conseiller")
    decision(page, demo_server, axe, "financement")
    lien = page.get_by_role("link", name=LIEN)
    expect(lien).to_be_visible()
    check_accessibility(axe, page, "financement-02-decision")

    lien.click()
    formulaire_prerempli(page)
    check_accessibility(axe, page, "financement-03-formulaire-prerempli")

    repondre(page, entreprise="20")
    reponse_affichee(page)
    page.locator("#resultat details summary", has_text="Trace des règles").click()
    expect(page.get_by_role("table", name=re.compile("Conditions évaluées"))).to_be_visible()
    check_accessibility(axe, page, "financement-04-reponse")

    # More months in the firm than as an employee: the rules refuse it, on its field.
    champ = page.get_by_label("Ancienneté dans l'entreprise actuelle (mois)")
    champ.fill("60")
    page.get_by_role("button", name="Voir les financements possibles").click()
    expect(page.get_by_role("alert")).to_have_text("Vérifiez les champs signalés.")
    expect(champ).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#formulaire")).to_contain_text(
        "60 mois dans l'entreprise dépassent l'ancienneté de salarié (40 mois)"
    )
    expect(page.locator("#resultat")).to_have_count(0)
    check_accessibility(axe, page, "financement-05-erreur")


@pytest.fixture
def no_js_page(browser):
    page = no_javascript_page(browser, viewport={"width": 390, "height": 844})
    yield page
    page.context.close()


def test_sans_javascript(no_js_page, demo_server, axe):
    page = no_js_page
    login(page, demo_server, "conseiller")
    decision(page, demo_server)
    page.get_by_role("link", name=LIEN).click()
    formulaire_prerempli(page)
    repondre(page, entreprise="20")
    reponse_affichee(page)
    check_accessibility(axe, page, "financement-sans-js-reponse")
