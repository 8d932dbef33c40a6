"""Telling the invited structures: an e-mail, after the transaction commits, to the members of
each structure a session concerns.

Concept map:

- ``Avis``: what happened, for one structure — it is invited (``INVITATION``: the session is
  planned, or the structure added to it), the session changed in a way calendars take
  (``CHANGEMENT``: date, times, place, title, kind, description — what raises the iCalendar
  ``SEQUENCE``), the session is cancelled (``ANNULATION``), or the structure is no longer
  invited (``RETRAIT``);
- ``avis_apres_commit``: what the services call inside their transaction; it registers one
  ``transaction.on_commit`` callback, so that nothing leaves when the transaction rolls back;
- ``avis_envoyer``: that callback. It reads the session again and sends only what is still
  true (a structure still invited, a session still planned or really cancelled), and nothing
  for a session already over (recorded afterwards, to keep track of it).

Who receives: as for referrals (``referrals.notifications.notify_structure``), the active
members (``conseiller``, ``responsable_structure``) of the structure, not the person who made
the change; one e-mail per person and session, naming their structures concerned.

What it says: the kind, title, date and times, place or « À distance », the organising
structure, the group, and the session's address (behind the login). Never a person, never the
description or the cancellation reason (free text, which might name someone: they are on the
page). The session's ``.ics`` goes with it (``calendrier.rencontre_ics``, ``texte_libre=False``:
``METHOD:PUBLISH``, the same ``UID`` and ``SEQUENCE`` as the feeds, ``STATUS:CANCELLED`` for a
cancellation), so that a calendar adds or updates the entry; none for a removal, whose
recipients no longer see the session.

Referrals' ``Notification`` (the in-app counter) is not used: its kinds and links are the
referrals' own (an ``Adressage`` or an ``Accompagnement``), shown under « Adressages ».
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from aiguillage.accounts.access import MEMBER_ROLES
from aiguillage.accounts.models import Membership
from aiguillage.coordination import calendrier
from aiguillage.coordination.models import Rencontre, StatutRencontre

__all__ = ["LIBELLES_CHANGEMENT", "Avis", "avis_apres_commit", "avis_envoyer"]


class Avis:
    INVITATION = "invitation"
    CHANGEMENT = "changement"
    ANNULATION = "annulation"
    RETRAIT = "retrait"


#: The order of the e-mails: a person concerned twice about one session (through two of their
#: structures) receives the first only.
ORDRE = (Avis.INVITATION, Avis.CHANGEMENT, Avis.ANNULATION, Avis.RETRAIT)

SUJETS = {
    Avis.INVITATION: "Invitation",
    Avis.CHANGEMENT: "Rencontre modifiée",
    Avis.ANNULATION: "Rencontre annulée",
    Avis.RETRAIT: "Invitation retirée",
}

#: What changed, in the e-mail's words (the services' changed fields, see ``CHAMPS_CALENDRIER``).
LIBELLES_CHANGEMENT = {
    "debut": "la date ou l'horaire",
    "fin": "la date ou l'horaire",
    "lieu": "le lieu",
    "a_distance": "le lieu",
    "intitule": "l'intitulé",
    "type": "le type de rencontre",
    "description": "la description",
}


def avis_apres_commit(
    *,
    rencontre: Rencontre,
    avis: Mapping[str, Collection[int]],
    changes: Iterable[str] = (),
    sauf=None,
) -> None:
    """Tell the structures in ``avis`` (kind → structure ids) once the transaction commits.
    ``changes``: the changed fields, for ``CHANGEMENT``; ``sauf``: the acting user."""
    a_envoyer = {genre: frozenset(ids) for genre, ids in avis.items() if ids}
    if not a_envoyer:
        return
    rencontre_id = rencontre.pk
    champs = tuple(changes)
    sauf_id = sauf.pk if getattr(sauf, "is_authenticated", False) else None

    def envoyer() -> None:
        avis_envoyer(rencontre_id=rencontre_id, avis=a_envoyer, changes=champs, sauf_id=sauf_id)

    # robust: a failing mail server must not turn a committed change into an error page.
    transaction.on_commit(envoyer, robust=True)


def _encore_vrai(genre: str, rencontre: Rencontre, structure_id: int, invitees: set[int]) -> bool:
    if genre == Avis.RETRAIT:
        return structure_id not in invitees
    if structure_id not in invitees:
        return False
    if genre == Avis.ANNULATION:
        return rencontre.statut == StatutRencontre.ANNULEE
    return rencontre.statut == StatutRencontre.PREVUE


def _liste(elements: list[str]) -> str:
    return elements[0] if len(elements) == 1 else f"{', '.join(elements[:-1])} et {elements[-1]}"


def _ce_qui_change(changes: Iterable[str]) -> str:
    """« la date ou l'horaire et le lieu »: in ``LIBELLES_CHANGEMENT``'s order, once each."""
    changes = set(changes)
    libelles: list[str] = []
    for champ, libelle in LIBELLES_CHANGEMENT.items():
        if champ in changes and libelle not in libelles:
            libelles.append(libelle)
    return _liste(libelles) if libelles else ""


def _courriel(
    genre: str,
    rencontre: Rencontre,
    *,
    destinataire: str,
    structures: list[str],
    changes: Iterable[str],
    url: str,
    ics: bytes,
) -> EmailMessage:
    debut = timezone.localtime(rencontre.debut)
    fin = timezone.localtime(rencontre.fin)
    context = {
        "avis": genre,
        "rencontre": rencontre,
        "debut": debut,
        "fin": fin,
        "meme_jour": debut.date() == fin.date(),
        "structures": _liste(structures),
        "pluriel": len(structures) > 1,
        "ce_qui_change": _ce_qui_change(changes),
        "url": url,
        "demo": rencontre.organisatrice.est_demo,
    }
    corps = render_to_string("coordination/courriel_avis.txt", context)
    sujet = (
        f"[Aiguillage] {SUJETS[genre]} : {rencontre.intitule[:100]} ({date_format(debut, 'j F Y')})"
    )
    message = EmailMessage(sujet, corps, settings.DEFAULT_FROM_EMAIL, [destinataire])
    if genre != Avis.RETRAIT:
        message.attach("rencontre.ics", ics, "text/calendar")
    return message


def avis_envoyer(
    *,
    rencontre_id: int,
    avis: Mapping[str, Collection[int]],
    changes: Iterable[str] = (),
    sauf_id: int | None = None,
) -> int:
    """Send the e-mails of ``avis`` that are still true (see the module); returns how many."""
    rencontre = (
        Rencontre.objects.select_related("organisatrice", "groupe")
        .prefetch_related("invitations__structure")
        .filter(pk=rencontre_id)
        .first()
    )
    if rencontre is None or rencontre.fin <= timezone.now():
        return 0
    invitees = {i.structure_id for i in rencontre.invitations.all()}
    concernees = {
        genre: {s for s in avis.get(genre, ()) if _encore_vrai(genre, rencontre, s, invitees)}
        for genre in ORDRE
    }
    toutes = set().union(*concernees.values())
    if not toutes:
        return 0
    rattachements = (
        Membership.objects.filter(
            structure_id__in=toutes, role__in=MEMBER_ROLES, user__is_active=True
        )
        .exclude(user_id=sauf_id)
        .values_list("user_id", "user__email", "structure_id", "structure__nom")
        .order_by("user_id", "structure__nom")
    )
    rattachements = list(rattachements)
    chemin = reverse("coordination:rencontre", args=[rencontre.public_id])
    url = f"{settings.AIGUILLAGE_URL_PUBLIQUE.rstrip('/')}{chemin}"
    messages: list[EmailMessage] = []
    deja: set[int] = set()
    with translation.override("fr"), timezone.override(calendrier.PARIS):
        ics = calendrier.rencontre_ics(rencontre, url=url, texte_libre=False)
        for genre in ORDRE:
            par_personne: dict[int, tuple[str, list[str]]] = {}
            for user_id, email, structure_id, nom in rattachements:
                if structure_id in concernees[genre] and user_id not in deja:
                    par_personne.setdefault(user_id, (email, []))[1].append(nom)
            for user_id, (email, noms) in par_personne.items():
                deja.add(user_id)
                messages.append(
                    _courriel(
                        genre,
                        rencontre,
                        destinataire=email,
                        structures=noms,
                        changes=changes,
                        url=url,
                        ics=ics,
                    )
                )
    if messages:
        get_connection(fail_silently=True).send_messages(messages)
    return len(messages)
