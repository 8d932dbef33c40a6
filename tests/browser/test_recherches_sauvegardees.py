"""Saved searches of the directory in the browser: a Mission locale counsellor searches the
directory, saves the search (an empty name first: the error), with a weekly alert, finds it in
« Mes recherches sauvegardées », runs it again in one click and deletes it. axe-core (WCAG 2.1
AA) on every screen; screenshots in var/screenshots/."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser._connexion import login
from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser

CRITERIA = ["Chambéry (73065)", "Public : Jeunes", "Réseau : Mission locale"]


def test_counsellor_saves_runs_and_deletes_a_search(page, demo_server, axe):
    nom = f"Missions locales pour les jeunes {uuid.uuid4().hex[:6]}"

    login(page, demo_server, "conseiller")
    page.goto(demo_server + "/annuaire/")
    page.get_by_label("Commune ou code postal").fill("Chambéry")
    page.get_by_label("Public").select_option(label="Jeunes")
    page.get_by_label("Réseau").select_option(label="Mission locale")
    page.get_by_role("button", name="Chercher").click()
    expect(page.locator("#resultats h2")).to_contain_text("pour Chambéry (73065)")
    expect(page.locator("#resultats li.card").first).to_contain_text("Mission locale")
    check_accessibility(axe, page, "annuaire-recherche-a-sauvegarder")

    page.get_by_role("link", name=re.compile("^Sauvegarder cette recherche")).click()
    expect(page.get_by_role("heading", name="Sauvegarder une recherche", level=1)).to_be_visible()
    main = page.locator("main")
    for critere in CRITERIA:
        expect(main.get_by_role("listitem").filter(has_text=critere)).to_have_count(1)
    name_field = page.get_by_role("textbox", name="Nom de la recherche")
    expect(name_field).not_to_be_empty()  # proposed from the criteria
    check_accessibility(axe, page, "recherche-sauvegarder")

    # An empty name: the error is listed at the top, linked to the field and tied to it.
    name_field.fill("")
    page.get_by_role("button", name="Sauvegarder la recherche").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("La recherche n'a pas été sauvegardée")
    expect(alert.get_by_role("link", name="Nom de la recherche")).to_have_attribute(
        "href", "#id_nom"
    )
    expect(name_field).to_have_attribute("aria-invalid", "true")
    expect(name_field).to_have_accessible_description(
        re.compile("Donnez un nom à cette recherche.")
    )
    check_accessibility(axe, page, "recherche-sauvegarder-erreur")

    # A name and a weekly alert.
    name_field.fill(nom)
    page.get_by_role("group", name="Alerte par courriel").get_by_label("Chaque semaine").check()
    page.get_by_role("button", name="Sauvegarder la recherche").click()
    expect(page.get_by_role("status")).to_have_text(f"La recherche « {nom} » est sauvegardée.")
    expect(page.get_by_role("heading", name="Mes recherches sauvegardées", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=nom)
    for critere in CRITERIA:
        expect(row).to_contain_text(critere)
    expect(row).to_contain_text("Chaque semaine")
    expect(page.get_by_role("row").filter(has_text="Jeunes à Chambéry")).to_have_count(1)  # demo
    check_accessibility(axe, page, "recherches-sauvegardees")

    # One click runs it again: the search page with the same criteria and results.
    row.get_by_role("link", name=re.compile(f"^{re.escape(nom)}")).click()
    expect(page).to_have_url(re.compile(r"/annuaire/\?.*code=73065"))
    expect(page.locator("#resultats h2")).to_contain_text("pour Chambéry (73065)")
    expect(page.get_by_label("Commune ou code postal")).to_have_value("Chambéry")
    expect(page.get_by_label("Public")).to_have_value("jeunes")
    expect(page.get_by_label("Réseau")).to_have_value("mission_locale")
    expect(page.get_by_label("Thématique")).to_have_value("")
    expect(page.locator("#resultats li.card").first).to_contain_text("Mission locale")
    check_accessibility(axe, page, "recherche-sauvegardee-relancee")

    # Deleted: gone from the list, the other searches stay.
    page.get_by_role("link", name="Mes recherches sauvegardées").click()
    page.get_by_role("button", name=f"Supprimer « {nom} »").click()
    expect(page.get_by_role("status")).to_have_text(f"La recherche « {nom} » est supprimée.")
    expect(page.get_by_role("row").filter(has_text=nom)).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text="Jeunes à Chambéry")).to_have_count(1)
    check_accessibility(axe, page, "recherches-sauvegardees-apres-suppression")
