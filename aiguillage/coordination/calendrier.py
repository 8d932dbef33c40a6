"""Sessions as iCalendar (RFC 5545), written with the ``icalendar`` library.

- one ``VEVENT`` per session: ``UID`` stable (``rencontre-<public_id>@aiguillage``, so that a
  calendar updates the entry instead of adding one), ``SEQUENCE`` raised by the services at
  every change a calendar must take, ``DTSTART``/``DTEND`` in Europe/Paris with its
  ``VTIMEZONE``, ``STATUS:CANCELLED`` for a cancelled session (``CONFIRMED`` otherwise), the
  place or « À distance », the kind as ``CATEGORIES``, and the session's page as ``URL``;
- ``rencontre_ics`` (one session) and ``agenda_ics`` (a structure's feed) return the bytes.

Only structures are named (organiser, invited structures), never people. With
``texte_libre=False`` (the feed read through a secret link, the file attached to an e-mail) the
description and the cancellation reason are left out too: they are free text, which might name
someone despite the form's warning, and these copies travel outside the login.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event

from aiguillage.coordination.models import Rencontre, StatutRencontre

__all__ = ["PARIS", "PRODID", "agenda_ics", "rencontre_ics", "rencontre_uid"]

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//Aiguillage//Coordination du SPRO//FR"


def rencontre_uid(rencontre: Rencontre) -> str:
    return f"rencontre-{rencontre.public_id}@aiguillage"


def _description(rencontre: Rencontre, url: str, *, texte_libre: bool) -> str:
    lignes = [rencontre.get_type_display()]
    if rencontre.groupe_id:
        lignes.append(f"Groupe de travail : {rencontre.groupe.nom}")
    lignes.append(f"Organisée par : {rencontre.organisatrice.nom}")
    invitees = [i.structure.nom for i in rencontre.invitations.all()]
    if invitees:
        lignes.append("Structures invitées : " + ", ".join(sorted(invitees)))
    if rencontre.statut == StatutRencontre.ANNULEE:
        if texte_libre and rencontre.motif_annulation:
            lignes.append(f"Annulée : {rencontre.motif_annulation}")
        else:
            lignes.append("Annulée.")
    if texte_libre and rencontre.description:
        lignes += ["", rencontre.description]
    if rencontre.organisatrice.est_demo:
        lignes += ["", "Données de démonstration : rencontre fictive."]
    lignes += ["", url]
    return "\n".join(lignes)


def _vevent(rencontre: Rencontre, *, url: str, stamp: dt.datetime, texte_libre: bool) -> Event:
    event = Event()
    event.add("uid", rencontre_uid(rencontre))
    event.add("dtstamp", stamp)
    event.add("sequence", rencontre.sequence)
    event.add("created", rencontre.cree_le.astimezone(dt.UTC))
    event.add("last-modified", rencontre.modifiee_le.astimezone(dt.UTC))
    event.add("dtstart", rencontre.debut.astimezone(PARIS))
    event.add("dtend", rencontre.fin.astimezone(PARIS))
    event.add("summary", rencontre.intitule)
    event.add("location", rencontre.lieu_affiche)
    event.add("description", _description(rencontre, url, texte_libre=texte_libre))
    event.add("categories", [rencontre.get_type_display()])
    event.add("status", "CANCELLED" if rencontre.statut == StatutRencontre.ANNULEE else "CONFIRMED")
    event.add("url", url)
    return event


def _calendrier(
    rencontres: Iterable[Rencontre],
    *,
    url_de: Callable[[Rencontre], str],
    nom: str,
    texte_libre: bool,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", nom)
    calendar.add("x-wr-timezone", "Europe/Paris")
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    debuts = []
    for rencontre in rencontres:
        calendar.add_component(
            _vevent(rencontre, url=url_de(rencontre), stamp=stamp, texte_libre=texte_libre)
        )
        debuts.append(rencontre.debut.astimezone(PARIS).date())
        debuts.append(rencontre.fin.astimezone(PARIS).date())
    if debuts:
        # The VTIMEZONE's rules for the span the events cover (not 1970–2038).
        calendar.add_missing_timezones(
            first_date=min(debuts) - dt.timedelta(days=366),
            last_date=max(debuts) + dt.timedelta(days=366),
        )
    return calendar.to_ical()


def rencontre_ics(rencontre: Rencontre, *, url: str, texte_libre: bool = True) -> bytes:
    return _calendrier(
        [rencontre], url_de=lambda _r: url, nom=rencontre.intitule, texte_libre=texte_libre
    )


def agenda_ics(
    rencontres: Iterable[Rencontre],
    *,
    url_de: Callable[[Rencontre], str],
    nom: str,
    texte_libre: bool = True,
) -> bytes:
    return _calendrier(rencontres, url_de=url_de, nom=nom, texte_libre=texte_libre)
