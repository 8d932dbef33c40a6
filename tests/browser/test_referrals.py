"""A closed-loop referral in the browser: a Mission locale counsellor refers a person to France
Travail with the person's consent; the France Travail counsellor opens it, accepts, records the
first contact, writes to the sender and closes it with an outcome; the sender sees the outcome.
axe-core (WCAG 2.1 AA) on every screen; screenshots in var/screenshots/."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser._connexion import login
from tests.browser.conftest import check_accessibility, no_javascript_page

pytestmark = pytest.mark.browser

ADRESSAGES = re.compile(r"^Adressages")


def _other_page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context.new_page()


def _fill_person(page, *, prenom: str, nom: str, telephone: str) -> None:
    page.get_by_label("Prénom").fill(prenom)
    page.get_by_label("Nom", exact=True).fill(nom)
    page.get_by_role("textbox", name="Date de naissance").fill("2004-03-15")
    page.get_by_label("Téléphone", exact=True).fill(telephone)
    page.get_by_role("group", name="Préférence de contact").get_by_label("Par téléphone").check()


def test_mission_locale_refers_france_travail_closes_the_loop(page, browser, demo_server, axe):
    nom = "Essai" + uuid.uuid4().hex[:6]
    personne = f"Ambre {nom}"

    # The Mission locale counsellor refers the person, with her consent.
    login(page, demo_server, "conseiller")
    page.get_by_role("link", name=ADRESSAGES).click()
    expect(page.get_by_role("heading", name="Adressages", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Jade Exemple")  # demo data: to act on
    check_accessibility(axe, page, "adressages-boite-mission-locale")
    page.get_by_role("link", name="Adresser une personne").click()
    check_accessibility(axe, page, "adressages-nouveau")

    _fill_person(page, prenom="Ambre", nom=nom, telephone="01 99 00 45 67")
    commune = page.get_by_role("combobox", name="Commune de résidence")
    commune.fill("Chambéry")
    commune.press("Tab")
    # Structures serving the person's commune come first (htmx), then the consent text follows.
    page.locator("#id_destinataire optgroup[label='Desservent Chambéry']").wait_for(
        state="attached"
    )
    page.get_by_role("combobox", name="Structure destinataire").select_option(
        label="France Travail Chambéry"
    )
    consent = page.locator("#consentement-bloc")
    expect(consent).to_contain_text("transmis à France Travail Chambéry")
    page.get_by_label("Motif de l'adressage").fill("Inscription et recherche d'emploi")
    page.locator("#donnees-partagees").get_by_label("Date de naissance").check()
    expect(consent).to_contain_text("date de naissance soient transmis")
    page.get_by_label("En personne, à l'oral").check()
    page.get_by_role("checkbox", name=re.compile("La personne a donné son accord")).check()
    check_accessibility(axe, page, "adressages-nouveau-rempli")
    page.get_by_role("button", name="Envoyer l'adressage").click()

    main = page.locator("main")
    expect(main).to_contain_text("Adressage envoyé à France Travail Chambéry")
    expect(page.get_by_role("heading", name=personne)).to_be_visible()
    expect(main).to_contain_text("requested")  # FHIR Task.status
    expect(main).to_contain_text("En personne, à l'oral")
    check_accessibility(axe, page, "adressage-envoye-mission-locale")

    # The France Travail counsellor finds it in her inbox, opens it, takes it in charge.
    ft = _other_page(browser)
    try:
        login(ft, demo_server, "conseillere.ft")
        expect(ft.get_by_role("link", name=ADRESSAGES)).to_contain_text("notification")
        ft.get_by_role("link", name=ADRESSAGES).click()
        expect(ft.locator("main")).to_contain_text(personne)
        check_accessibility(axe, ft, "adressages-boite-france-travail")
        ft.get_by_role("link", name=re.compile(f"Ouvrir l'adressage de {personne}")).click()
        ft_main = ft.locator("main")
        expect(ft_main).to_contain_text("Reçue")
        expect(ft_main).to_contain_text("01 99 00 45 67")
        expect(ft_main).to_contain_text("15/03/2004")
        expect(ft_main).to_contain_text("non partagée")  # the commune was not shared
        check_accessibility(axe, ft, "adressage-recu-france-travail")

        ft.get_by_role("button", name="Accepter").click()
        expect(ft_main).to_contain_text("Nouveau statut de l'adressage : Acceptée")
        ft.get_by_role("button", name="Premier contact établi").click()
        expect(ft_main).to_contain_text("Nouveau statut de l'adressage : Premier contact établi")
        ft.get_by_label("Message").fill("Premier rendez-vous fixé mardi à 10 h.")
        ft.get_by_role("button", name="Envoyer le message").click()
        expect(ft_main).to_contain_text("Message envoyé")

        ft.get_by_text("Clôturer avec un résultat", exact=True).click()
        ft.get_by_label("Résultat").select_option(label="Formation engagée")
        check_accessibility(axe, ft, "adressage-cloture-france-travail")
        ft.get_by_role("button", name="Confirmer : clôturer avec un résultat").click()
        expect(ft_main).to_contain_text("Nouveau statut de l'adressage : Terminée")
        expect(ft_main).to_contain_text("Résultat : Formation engagée")
        expect(ft.get_by_role("button", name="Accepter")).to_have_count(0)
        check_accessibility(axe, ft, "adressage-termine-france-travail")
    finally:
        ft.context.close()

    # The sender sees the final status, the outcome and the message.
    page.goto(demo_server + "/adressages/?boite=envoyes")
    row = page.locator("tbody tr", has_text=personne)
    expect(row).to_contain_text("Terminée")
    check_accessibility(axe, page, "adressages-envoyes-mission-locale")
    row.get_by_role("link", name=re.compile("Ouvrir")).click()
    main = page.locator("main")
    expect(main).to_contain_text("Résultat : Formation engagée")
    expect(main).to_contain_text("Premier rendez-vous fixé mardi à 10 h.")
    expect(main).to_contain_text("completed")
    check_accessibility(axe, page, "adressage-termine-mission-locale")
    page.goto(demo_server + "/adressages/notifications/")
    expect(page.locator("main")).to_contain_text("Adressage vers France Travail Chambéry")
    check_accessibility(axe, page, "adressages-notifications")


def test_referral_without_javascript_asks_to_read_the_text_again(browser, demo_server, axe):
    """Without htmx the consent text cannot follow the choices: the page shows the exact text and
    asks for the agreement again before anything is sent."""
    page = no_javascript_page(browser, viewport={"width": 390, "height": 844})
    try:
        login(page, demo_server, "conseillere.ft")
        page.goto(demo_server + "/adressages/nouveau/")
        nom = "Sansjs" + uuid.uuid4().hex[:6]
        _fill_person(page, prenom="Lina", nom=nom, telephone="01 99 00 45 68")
        page.get_by_role("combobox", name="Structure destinataire").select_option(
            label="Mission locale de Chambéry"
        )
        page.get_by_label("Motif de l'adressage").fill("Contrat d'engagement jeune")
        page.get_by_label("Par téléphone", exact=True).last.check()
        page.get_by_role("checkbox", name=re.compile("La personne a donné son accord")).check()
        page.get_by_role("button", name="Envoyer l'adressage").click()

        main = page.locator("main")
        expect(main).to_contain_text("Le texte de l'accord a changé")
        expect(main).to_contain_text("transmis à Mission locale de Chambéry")
        check_accessibility(axe, page, "adressages-nouveau-sans-js-relire")
        page.get_by_role("checkbox", name=re.compile("La personne a donné son accord")).check()
        page.get_by_role("button", name="Envoyer l'adressage").click()
        expect(main).to_contain_text("Adressage envoyé à Mission locale de Chambéry")
        expect(page.get_by_role("heading", name=f"Lina {nom}")).to_be_visible()
        check_accessibility(axe, page, "adressage-envoye-sans-js")
    finally:
        page.context.close()
