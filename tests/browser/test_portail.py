"""Three people walk the self-diagnosis, with and without JavaScript; axe-core on every screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, no_javascript_page

pytestmark = pytest.mark.browser

OUTCOME = re.compile(
    "Les structures qui peuvent|Où trouver de l'aide|Plusieurs communes correspondent"
)


def answer(page, *, choice: str | None = None, text: str | None = None) -> None:
    if choice is not None:
        page.get_by_label(choice, exact=True).check()
    else:
        page.locator("#reponse").fill(text)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def walk(page, demo_server, axe, name: str, steps: list[dict]) -> None:
    page.goto(demo_server + "/orientation/")
    for number, step in enumerate(steps, start=1):
        page.locator("#question").wait_for()
        check_accessibility(axe, page, f"portail-{name}-{number:02d}")
        answer(page, **step)
        if number < len(steps):
            page.get_by_text(f"Question {number + 1} sur").wait_for()
    expect(page.locator("main")).to_contain_text(OUTCOME)


@pytest.fixture
def no_js_page(browser):
    page = no_javascript_page(browser, viewport={"width": 390, "height": 844})
    yield page
    page.context.close()


def test_young_job_seeker_without_javascript_asks_to_be_contacted(no_js_page, demo_server, axe):
    page = no_js_page
    walk(
        page,
        demo_server,
        axe,
        "jeune",
        [
            {"choice": "Je cherche un emploi"},
            {"text": "19"},
            {"choice": "Non"},
            {"choice": "Non"},
            {"choice": "Oui"},
            {"text": "Chambéry"},
        ],
    )
    main = page.locator("main").inner_text()
    assert "Les structures qui peuvent vous accompagner" in main
    assert "Mission locale" in main and "France Travail" in main
    check_accessibility(axe, page, "portail-jeune-resultat")
    page.get_by_role("link", name="Être recontacté par Mission locale de Chambéry").click()
    check_accessibility(axe, page, "portail-jeune-contact")
    page.get_by_role("button", name="Envoyer ma demande").click()
    assert "Votre accord est nécessaire" in page.locator("main").inner_text()
    check_accessibility(axe, page, "portail-jeune-contact-erreurs")
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Téléphone", exact=True).fill("06 12 34 56 78")
    page.get_by_label("Par téléphone").check()
    page.locator("#id_consentement").check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    assert "Votre demande a été transmise" in page.locator("main").inner_text()
    check_accessibility(axe, page, "portail-jeune-envoyee")


def test_employed_cadre_with_javascript(page, demo_server, axe):
    walk(
        page,
        demo_server,
        axe,
        "cadre",
        [
            {"choice": "Je suis salarié ou salariée (y compris en intérim, en apprentissage)"},
            {"choice": "CDI"},
            {"text": "45"},
            {"choice": "Je ne sais pas"},
            {"choice": "Oui"},
            {"text": "44000"},
        ],
    )
    main = page.locator("main").inner_text()
    assert "Apec" in main
    assert "Opérateur régional" in main or "conseil en évolution professionnelle" in main
    assert "Bon à savoir" in main  # the RQTH answer "je ne sais pas" matters
    check_accessibility(axe, page, "portail-cadre-resultat")


def test_student_without_a_job_goes_back_once(page, demo_server, axe):
    page.goto(demo_server + "/orientation/")
    answer(page, choice="Je suis étudiant ou étudiante")
    page.get_by_role("link", name="Question précédente").click()
    expect(page.locator("#question")).to_contain_text("Quelle est votre situation")
    walk(
        page,
        demo_server,
        axe,
        "etudiant",
        [
            {"choice": "Je suis étudiant ou étudiante"},
            {"choice": "Non"},
            {"text": "21"},
            {"choice": "Non"},
            {"choice": "Non"},
            {"text": "Saint-Quentin"},
        ],
    )
    main = page.locator("main").inner_text()
    assert "Plusieurs communes correspondent" in main or "Où trouver de l'aide" in main
    if "Plusieurs communes correspondent" in main:
        check_accessibility(axe, page, "portail-etudiant-commune")
        page.get_by_label("Saint-Quentin (Aisne", exact=False).check()
        page.get_by_role("button", name="Voir les structures qui peuvent m'aider").click()
    expect(page.locator("main")).to_contain_text("Où trouver de l'aide")
    check_accessibility(axe, page, "portail-etudiant-resultat")


def test_counsellor_page(page, demo_server, axe):
    from tests.browser.test_pages import login

    login(page, demo_server, "conseiller")
    page.get_by_role("link", name="Orientation").click()
    check_accessibility(axe, page, "conseiller-orientation")
    page.get_by_label("Âge").fill("27")
    page.get_by_label("Activité").select_option("demandeur_emploi")
    page.get_by_label("Reconnaissance de handicap (RQTH)").select_option("oui")
    page.get_by_label("Commune de résidence (code INSEE)").fill("73065")
    page.get_by_role("button", name="Voir les opérateurs compétents").click()
    main = page.locator("main").inner_text()
    assert "Cap emploi" in main and "Mission locale" in main
    page.get_by_text("Trace de la décision").click()
    check_accessibility(axe, page, "conseiller-orientation-decision")
