"""Coordination in the browser: the regional coordination lists the sessions (upcoming, past,
filtered through htmx and without JavaScript), opens a held one, plans a new one (the empty form's
errors first), records the attendance of the demo forum; a Mission locale counsellor sees the
sessions her structure is invited to, downloads one's calendar entry, and gets a 404 for a session
in the Loire. axe-core (WCAG 2.1 AA) on every screen; screenshots in var/screenshots/."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from aiguillage.coordination.demo import DEMO_RENCONTRES
from tests.browser._connexion import login
from tests.browser.conftest import check_accessibility, no_javascript_page

pytestmark = pytest.mark.browser

# Demo sessions (aiguillage/coordination/demo.py), dated from the day the demo is loaded.
HELD_CAP_EMPLOI = "Découvrir l'offre de service de Cap emploi"  # held, Savoie
HELD_LOIRE = "Point d'actualité : la période de reconversion"  # held, Loire
FORUM = "Forum des métiers de la saison d'été"  # past, attendance to record
UPCOMING_APEC = "L'offre de l'Apec pour les cadres en transition"  # Mission locale invited
UPCOMING_IF = "La période de reconversion : qui finance quoi"
CANCELLED_LOIRE = "Réunion de rentrée des opérateurs de la Loire"
REGION = "Région Auvergne-Rhône-Alpes — service orientation"


def _session_url(base: str, intitule: str) -> str:
    spec = next(r for r in DEMO_RENCONTRES if r.intitule == intitule)
    return f"{base}/coordination/rencontres/{spec.public_id}/"


def _required(label: str) -> re.Pattern:
    """A required field's label: its name, an asterisk (hidden from screen readers) and
    « (obligatoire) » (hidden from sight)."""
    return re.compile(rf"^{re.escape(label)}\s*\*?\s*\(obligatoire\)$")


def _says(message: str) -> re.Pattern:
    """An accessible description that includes ``message`` (after any help text)."""
    return re.compile(re.escape(message))


def _caption(page):
    return page.locator("#resultats caption")


def test_coordination_lists_sessions_filters_them_and_opens_a_held_one(page, demo_server, axe):
    login(page, demo_server, "coordination")
    page.goto(demo_server + "/coordination/")
    main = page.locator("main")
    expect(page.get_by_role("heading", name="Coordination", exact=True)).to_be_visible()
    expect(_caption(page)).to_contain_text("à venir (la plus proche d'abord)")
    table = page.locator("#resultats table")
    for intitule in (UPCOMING_IF, UPCOMING_APEC, CANCELLED_LOIRE):
        expect(table.get_by_role("link", name=intitule)).to_be_visible()
    expect(table.locator("tr", has_text=CANCELLED_LOIRE)).to_contain_text("Annulée")
    check_accessibility(axe, page, "coordination-rencontres-a-venir")

    # With JavaScript, changing a filter reloads the list only (htmx), and the address follows.
    page.evaluate("window.aiguillageSansRechargement = true")
    page.get_by_label("Période").select_option(label="Passées")
    expect(_caption(page)).to_contain_text("passées (la plus récente d'abord)")
    expect(page).to_have_url(re.compile(r"periode=passees"))
    expect(table.locator("tr", has_text=HELD_CAP_EMPLOI)).to_contain_text("Tenue")
    expect(table.get_by_role("link", name=HELD_LOIRE)).to_be_visible()
    expect(table.get_by_role("link", name=UPCOMING_APEC)).to_have_count(0)
    check_accessibility(axe, page, "coordination-rencontres-passees")

    page.get_by_label("Type").select_option(label="Professionnalisation croisée")
    expect(_caption(page)).to_have_text("1 rencontre passée (la plus récente d'abord)")
    expect(page).to_have_url(re.compile(r"type=professionnalisation_croisee"))
    expect(table.get_by_role("link", name=HELD_CAP_EMPLOI)).to_be_visible()
    assert page.evaluate("window.aiguillageSansRechargement") is True  # no page load
    check_accessibility(axe, page, "coordination-rencontres-filtrees")

    # A held session: the invited structures and their attendance (no names of people).
    table.get_by_role("link", name=HELD_CAP_EMPLOI).click()
    expect(page.get_by_role("heading", name=HELD_CAP_EMPLOI, level=1)).to_be_visible()
    expect(main).to_contain_text("Tenue")
    expect(main).to_contain_text("3 structures présentes sur 4")
    invitees = page.get_by_role("table", name=re.compile("Structures invitées"))
    expect(invitees.get_by_role("row", name=re.compile("^Apec Chambéry"))).to_contain_text(
        "Absente"
    )
    expect(
        invitees.get_by_role("row", name=re.compile("^France Travail Chambéry"))
    ).to_contain_text("Présente")
    expect(page.get_by_role("link", name="Corriger les présences")).to_be_visible()
    check_accessibility(axe, page, "coordination-rencontre-tenue")


def test_sessions_list_filters_without_javascript(browser, demo_server, axe):
    page = no_javascript_page(browser, viewport={"width": 1280, "height": 900})
    try:
        login(page, demo_server, "coordination")
        page.goto(demo_server + "/coordination/")
        expect(_caption(page)).to_contain_text("à venir")
        page.get_by_label("Période").select_option(label="Passées")
        page.get_by_label("Département").select_option(label="Loire (42)")
        page.get_by_role("button", name="Filtrer").click()
        expect(page).to_have_url(re.compile(r"periode=passees.*departement=42"))
        expect(_caption(page)).to_have_text("1 rencontre passée (la plus récente d'abord)")
        table = page.locator("#resultats table")
        expect(table.get_by_role("link", name=HELD_LOIRE)).to_be_visible()
        expect(table.get_by_role("link", name=HELD_CAP_EMPLOI)).to_have_count(0)
        check_accessibility(axe, page, "coordination-rencontres-sans-js")
    finally:
        page.context.close()


def test_coordination_plans_a_session_after_the_empty_forms_errors(page, demo_server, axe):
    intitule = f"Essai navigateur {uuid.uuid4().hex[:6]}"
    jour = dt.date.today() + dt.timedelta(days=45)

    login(page, demo_server, "coordination")
    page.goto(demo_server + "/coordination/")
    page.get_by_role("link", name="Programmer une rencontre").click()
    expect(page.get_by_role("heading", name="Programmer une rencontre", level=1)).to_be_visible()
    check_accessibility(axe, page, "coordination-rencontre-nouvelle")

    # Submitted empty: one message per missing field, tied to the field.
    page.get_by_role("button", name="Programmer la rencontre").click()
    expect(page.get_by_role("alert")).to_contain_text("La rencontre n'est pas enregistrée")
    expect(page.get_by_role("group", name="Type de rencontre")).to_have_accessible_description(
        _says("Choisissez le type de rencontre.")
    )
    for label, message in [
        ("Intitulé", "L'intitulé est obligatoire."),
        ("Début", "Indiquez la date et l'heure de début."),
        ("Fin", "Indiquez la date et l'heure de fin."),
        ("Structure organisatrice", "Choisissez la structure qui organise la rencontre."),
    ]:
        field = page.get_by_label(_required(label))
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(_says(message))
    check_accessibility(axe, page, "coordination-rencontre-nouvelle-erreurs")

    # Filled in and saved.
    page.get_by_role("group", name="Type de rencontre").get_by_label("Réunion", exact=True).check()
    page.get_by_label(_required("Intitulé")).fill(intitule)
    page.get_by_label(_required("Début")).fill(f"{jour.isoformat()}T14:00")
    page.get_by_label(_required("Fin")).fill(f"{jour.isoformat()}T16:00")
    page.get_by_label("Lieu", exact=True).fill("Antenne de la Région, Chambéry")
    page.get_by_label(_required("Structure organisatrice")).select_option(label=REGION)
    page.get_by_label("Département concerné").select_option(label="Savoie (73)")
    page.get_by_label("Description ou ordre du jour").fill("Données de démonstration : essai.")
    invitees = page.get_by_role("group", name="Structures invitées")
    invitees.locator("summary", has_text="Savoie (73)").click()
    for nom in ("Mission locale de Chambéry", "France Travail Chambéry"):
        invitees.get_by_role("checkbox", name=re.compile(f"^{nom} ·")).check()
    check_accessibility(axe, page, "coordination-rencontre-nouvelle-remplie")
    page.get_by_role("button", name="Programmer la rencontre").click()

    expect(page.get_by_role("status")).to_contain_text("Rencontre programmée")
    expect(page.get_by_role("heading", name=intitule, level=1)).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Prévue")
    expect(main).to_contain_text("Antenne de la Région, Chambéry")
    table = page.get_by_role("table", name=re.compile("Structures invitées"))
    expect(table.get_by_role("row")).to_have_count(3)  # the header and the two structures
    expect(table).to_contain_text("Mission locale de Chambéry")
    expect(table).to_contain_text("France Travail Chambéry")
    check_accessibility(axe, page, "coordination-rencontre-programmee")


def test_coordination_records_the_forums_attendance(page, demo_server, axe):
    login(page, demo_server, "coordination")
    page.goto(_session_url(demo_server, FORUM))
    expect(page.get_by_role("heading", name=FORUM, level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Présences à saisir")
    page.get_by_role("link", name="Saisir les présences").click()
    expect(page.get_by_role("heading", name="Présences", level=1)).to_be_visible()
    check_accessibility(axe, page, "coordination-presences")

    # Submitted empty: every invited structure needs an answer, said on its row.
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_role("alert")).to_contain_text("Les présences ne sont pas enregistrées")
    for nom in ("France Travail Chambéry", "Mission locale de Chambéry"):
        expect(page.get_by_role("group", name=f"Présence de {nom}")).to_have_accessible_description(
            _says(f"Indiquez si {nom} était présente ou absente.")
        )
    check_accessibility(axe, page, "coordination-presences-erreurs")

    for nom, presence, nombre in [
        ("France Travail Chambéry", "Présente", "3"),
        ("Mission locale de Chambéry", "Présente", "2"),
        ("Point Info Jeunes de Moûtiers", "Absente", ""),
    ]:
        page.get_by_role("group", name=f"Présence de {nom}").get_by_label(
            presence, exact=True
        ).check()
        if nombre:
            page.get_by_label(f"Nombre de personnes de {nom}").fill(nombre)
    page.get_by_role("button", name="Enregistrer les présences").click()

    expect(page.get_by_role("status")).to_contain_text("Présences enregistrées.")
    main = page.locator("main")
    expect(main).to_contain_text("2 structures présentes sur 3")
    table = page.get_by_role("table", name=re.compile("Structures invitées"))
    expect(table.get_by_role("row", name=re.compile("^Point Info Jeunes"))).to_contain_text(
        "Absente"
    )
    expect(table.get_by_role("row", name=re.compile("^Mission locale"))).to_contain_text("2")
    check_accessibility(axe, page, "coordination-presences-enregistrees")


def _unfold(text: str) -> str:
    """iCalendar folds long lines (RFC 5545, 3.1): join them back."""
    return re.sub(r"\r?\n[ \t]", "", text)


def test_counsellor_sees_her_structures_sessions_only(page, demo_server, axe):
    login(page, demo_server, "conseiller")
    page.get_by_role("link", name="Coordination").first.click()
    table = page.locator("#resultats table")
    expect(table.get_by_role("link", name=UPCOMING_APEC)).to_be_visible()
    expect(table.get_by_role("link", name=CANCELLED_LOIRE)).to_have_count(0)
    expect(page.get_by_role("link", name="Programmer une rencontre")).to_have_count(0)
    expect(
        page.get_by_role("link", name="Agenda de Mission locale de Chambéry (.ics)")
    ).to_be_visible()
    check_accessibility(axe, page, "coordination-rencontres-conseiller")

    table.get_by_role("link", name=UPCOMING_APEC).click()
    expect(page.get_by_role("heading", name=UPCOMING_APEC, level=1)).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Structures invitées"))
    expect(table).to_contain_text("Mission locale de Chambéry")
    expect(page.get_by_role("heading", name="Gérer la rencontre")).to_have_count(0)
    check_accessibility(axe, page, "coordination-rencontre-conseiller")

    # The session's calendar entry: a valid iCalendar file with the session in it.
    with page.expect_download() as download:
        page.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")
    text = download.value.path().read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in text
    assert f"SUMMARY:{UPCOMING_APEC}" in _unfold(text)
    events = Calendar.from_ical(text).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [UPCOMING_APEC]
    assert str(events[0]["STATUS"]) == "CONFIRMED"

    # A session in the Loire, between structures hers is not among: as if it did not exist.
    response = page.goto(_session_url(demo_server, HELD_LOIRE))
    assert response.status == 404
    assert HELD_LOIRE not in page.content()
    check_accessibility(axe, page, "coordination-rencontre-introuvable")
