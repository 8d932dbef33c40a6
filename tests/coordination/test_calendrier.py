"""The iCalendar downloads, parsed back with ``icalendar``: stable UID, Europe/Paris times,
cancelled sessions, a structure's feed holding its sessions only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from aiguillage.coordination import services
from tests.coordination.factories import RencontreFactory, monde
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def ics(client, user, url) -> Calendar:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def url_ics(rencontre) -> str:
    return f"/coordination/rencontres/{rencontre.public_id}/rencontre.ics"


def test_one_session_as_ics(client):
    m = monde(
        debut=dt.datetime(2031, 7, 3, 9, 30, tzinfo=PARIS),
        fin=dt.datetime(2031, 7, 3, 12, 0, tzinfo=PARIS),
        intitule="Professionnalisation croisée : l'offre de Cap emploi",
        lieu="Maison de la Région, Chambéry",
    )

    calendar = ics(client, m.conseiller_invitee, url_ics(m.rencontre))

    (event,) = events(calendar)
    assert str(calendar["PRODID"]).startswith("-//Aiguillage//")
    assert str(event["UID"]) == f"rencontre-{m.rencontre.public_id}@aiguillage"
    assert str(event["SUMMARY"]) == "Professionnalisation croisée : l'offre de Cap emploi"
    assert str(event["LOCATION"]) == "Maison de la Région, Chambéry"
    assert str(event["STATUS"]) == "CONFIRMED"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == dt.datetime(2031, 7, 3, 9, 30, tzinfo=PARIS)
    assert end == dt.datetime(2031, 7, 3, 12, 0, tzinfo=PARIS)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert start.utcoffset() == dt.timedelta(hours=2)  # summer time
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    description = str(event["DESCRIPTION"])
    assert m.organisatrice.nom in description
    assert m.invitee.nom in description
    assert str(event["URL"]).endswith(f"/coordination/rencontres/{m.rencontre.public_id}/")


def test_winter_time_and_remote_session(client):
    m = monde(
        debut=dt.datetime(2031, 1, 14, 14, 0, tzinfo=PARIS),
        fin=dt.datetime(2031, 1, 14, 15, 0, tzinfo=PARIS),
        lieu="",
        a_distance=True,
    )
    (event,) = events(ics(client, m.conseiller_invitee, url_ics(m.rencontre)))
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=1)
    assert str(event["LOCATION"]) == "À distance"


def test_the_uid_stays_and_the_sequence_rises_when_the_session_changes_then_is_cancelled(client):
    m = monde()
    (before,) = events(ics(client, m.responsable, url_ics(m.rencontre)))

    services.rencontre_modifier(
        rencontre=m.rencontre,
        champs=services.ChampsRencontre(
            type=m.rencontre.type,
            intitule="Réunion déplacée",
            debut=m.rencontre.debut + dt.timedelta(hours=1),
            fin=m.rencontre.fin + dt.timedelta(hours=1),
            organisatrice=m.organisatrice,
            invitees=[m.invitee],
            lieu=m.rencontre.lieu,
        ),
        acting_user=m.responsable,
    )
    (changed,) = events(ics(client, m.responsable, url_ics(m.rencontre)))
    services.rencontre_annuler(rencontre=m.rencontre, acting_user=m.responsable, motif="Grève")
    (cancelled,) = events(ics(client, m.responsable, url_ics(m.rencontre)))

    assert before["UID"] == changed["UID"] == cancelled["UID"]
    assert (before["SEQUENCE"], changed["SEQUENCE"], cancelled["SEQUENCE"]) == (0, 1, 2)
    assert changed.decoded("DTSTART") == before.decoded("DTSTART") + dt.timedelta(hours=1)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "Annulée : Grève" in str(cancelled["DESCRIPTION"])


def test_a_structures_feed_holds_its_sessions_only(client):
    m = monde()
    organisee = RencontreFactory(organisatrice=m.invitee, invitees=[m.autre])
    annulee = RencontreFactory(organisatrice=m.organisatrice, invitees=[m.invitee], annulee=True)
    ailleurs = RencontreFactory(organisatrice=m.autre, invitees=[StructureFactory()])
    ancienne = RencontreFactory(
        organisatrice=m.organisatrice,
        invitees=[m.invitee],
        debut=dt.datetime(2020, 1, 6, 9, tzinfo=PARIS),
        fin=dt.datetime(2020, 1, 6, 10, tzinfo=PARIS),
    )

    calendar = ics(client, m.conseiller_invitee, f"/coordination/agendas/{m.invitee.pk}.ics")

    by_uid = {str(e["UID"]): e for e in events(calendar)}
    assert set(by_uid) == {
        f"rencontre-{r.public_id}@aiguillage" for r in (m.rencontre, organisee, annulee)
    }
    assert f"rencontre-{ailleurs.public_id}@aiguillage" not in by_uid
    assert f"rencontre-{ancienne.public_id}@aiguillage" not in by_uid  # ended over a year ago
    assert str(by_uid[f"rencontre-{annulee.public_id}@aiguillage"]["STATUS"]) == "CANCELLED"
    assert m.invitee.nom in str(calendar["X-WR-CALNAME"])


def test_another_structures_feed_is_404(client):
    m = monde()
    client.force_login(m.conseiller_autre)
    assert client.get(f"/coordination/agendas/{m.invitee.pk}.ics").status_code == 404
    assert client.get("/coordination/agendas/999999.ics").status_code == 404


def test_the_coordinations_feed_of_a_structure_leaves_out_other_regions_sessions(client):
    m = monde()
    autre_region = StructureFactory(autre_region=True)
    hors_region = RencontreFactory(organisatrice=autre_region, invitees=[m.invitee])

    calendar = ics(client, m.coordination, f"/coordination/agendas/{m.invitee.pk}.ics")

    uids = {str(e["UID"]) for e in events(calendar)}
    assert f"rencontre-{m.rencontre.public_id}@aiguillage" in uids
    assert f"rencontre-{hors_region.public_id}@aiguillage" not in uids


def test_an_empty_feed_is_a_valid_calendar(client):
    m = monde()
    calendar = ics(client, m.conseiller_autre, f"/coordination/agendas/{m.autre.pk}.ics")
    assert events(calendar) == []
    assert str(calendar["VERSION"]) == "2.0"
