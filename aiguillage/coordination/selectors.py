"""Reads on working groups and sessions: the pages' lists, the calendar feeds, and the held
sessions as interactions of the cooperation observatory.

Concept map:

- ``rencontres_filtrees``: a visible-sessions queryset (from ``access.rencontres_for_user``)
  narrowed by kind, département, group and period, with what the list shows annotated (number
  of invited and of present structures), in a fixed number of queries;
- ``rencontres_de_structure``: a structure's sessions (organised or invited), for its calendar;
- ``rencontres_interactions``: each **held** session (attendance recorded, not cancelled) as
  one observatory interaction — kind mapped to the open import format's vocabulary
  (``KIND_PAR_TYPE``), date, organiser and the structures present. Only structures and the
  theme leave it: no person, no free text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from aiguillage.coordination.models import (
    GroupeTravail,
    Invitation,
    Presence,
    Rencontre,
    StatutRencontre,
    TypeRencontre,
)

__all__ = [
    "KIND_PAR_TYPE",
    "InteractionRencontre",
    "Periode",
    "groupes_annotes",
    "rencontre_kind",
    "rencontres_de_structure",
    "rencontres_filtrees",
    "rencontres_interactions",
]


class Periode:
    A_VENIR = "a_venir"
    PASSEES = "passees"


def rencontres_annotees(rencontres: QuerySet[Rencontre]) -> QuerySet[Rencontre]:
    """What a list row needs, joined or counted in the same query."""
    return rencontres.select_related("organisatrice", "groupe", "departement").annotate(
        nb_invitees=Count("invitations", distinct=True),
        nb_presentes=Count(
            "invitations",
            filter=Q(invitations__presence=Presence.PRESENTE),
            distinct=True,
        ),
    )


def rencontres_filtrees(
    rencontres: QuerySet[Rencontre],
    *,
    type: str = "",
    departement: str = "",
    groupe=None,
    periode: str = Periode.A_VENIR,
    maintenant: dt.datetime | None = None,
) -> QuerySet[Rencontre]:
    """Upcoming sessions (not ended yet), soonest first; or past ones, latest first."""
    maintenant = maintenant or timezone.now()
    if type:
        rencontres = rencontres.filter(type=type)
    if departement:
        rencontres = rencontres.filter(departement_id=departement)
    if groupe is not None:
        rencontres = rencontres.filter(groupe=groupe)
    if periode == Periode.PASSEES:
        rencontres = rencontres.filter(fin__lt=maintenant).order_by("-debut", "-pk")
    else:
        rencontres = rencontres.filter(fin__gte=maintenant).order_by("debut", "pk")
    return rencontres_annotees(rencontres)


def rencontres_de_structure(
    *, structure_id: int, depuis: dt.datetime | None = None
) -> QuerySet[Rencontre]:
    """Sessions a structure organises or is invited to, ending after ``depuis`` (default: a
    year ago), with what a calendar entry shows prefetched."""
    depuis = depuis or timezone.now() - dt.timedelta(days=365)
    invitees = Invitation.objects.filter(structure_id=structure_id).values("rencontre_id")
    return (
        Rencontre.objects.filter(Q(organisatrice_id=structure_id) | Q(pk__in=invitees))
        .filter(fin__gte=depuis)
        .select_related("organisatrice", "groupe")
        .prefetch_related("invitations__structure")
        .order_by("debut", "pk")
    )


def groupes_annotes(groupes: QuerySet[GroupeTravail]) -> QuerySet[GroupeTravail]:
    maintenant = timezone.now()
    return (
        groupes.select_related("animatrice", "region")
        .prefetch_related("departements")
        .annotate(
            nb_membres=Count("membres", distinct=True),
            nb_a_venir=Count(
                "rencontres",
                filter=Q(
                    rencontres__fin__gte=maintenant,
                    rencontres__statut=StatutRencontre.PREVUE,
                ),
                distinct=True,
            ),
        )
        # Active groups first on every database (PostgreSQL puts NULLs last by default).
        .order_by(F("clos_le").asc(nulls_first=True), "nom", "pk")
    )


# --- The observatory's interactions -----------------------------------------------------------

#: A session's kind in the observatory's open import format (engine/schema.py ``KINDS``). A
#: meeting or an event of a working group is working-group activity; cross-training and
#: information exchanges keep their own kind inside a group too.
KIND_PAR_TYPE: dict[str, str] = {
    TypeRencontre.REUNION: "meeting",
    TypeRencontre.EVENEMENT: "meeting",
    TypeRencontre.PROFESSIONNALISATION_CROISEE: "cross_training",
    TypeRencontre.ECHANGE_INFORMATION: "information_exchange",
}
KIND_GROUPE = "working_group"


def rencontre_kind(*, type: str, dans_un_groupe: bool) -> str:
    kind = KIND_PAR_TYPE[type]
    if dans_un_groupe and kind == "meeting":
        return KIND_GROUPE
    return kind


@dataclass(frozen=True)
class InteractionRencontre:
    """One held session, as the observatory's ``interactions.csv`` needs it."""

    id: str  # "M<pk>": unique beside the platform's R (referrals), A (co-accompaniments), C
    date: dt.date  # the session's first day, in Europe/Paris
    kind: str  # meeting, cross_training, working_group or information_exchange
    organiser: int  # the organising structure's pk (always among the participants)
    participants: tuple[int, ...]  # organiser first, then the present structures by pk
    theme: str  # the session's theme, else its group's; "" when none


def rencontres_interactions(
    *,
    structure_ids: Collection[int] | None = None,
    region_code: str | None = None,
    fin: dt.date | None = None,
) -> Iterator[InteractionRencontre]:
    """The held sessions (attendance recorded, not cancelled), oldest first, as interactions.

    The organiser counts as a participant (it held the session) with the invited structures
    recorded present. ``structure_ids`` keeps only those structures (the observatory's
    ``organisations.csv``); a session whose organiser is not kept, or with fewer than two
    participants left, is skipped, as the import format requires. ``region_code`` keeps the
    sessions of one région; ``fin`` the sessions that started on or before that day. Two
    queries, whatever the number of sessions."""
    gardees = set(structure_ids) if structure_ids is not None else None
    rencontres = Rencontre.objects.filter(statut=StatutRencontre.TENUE)
    if region_code:
        rencontres = rencontres.filter(region_id=region_code)
    if fin is not None:
        rencontres = rencontres.filter(debut__date__lte=fin)
    rows = list(
        rencontres.values_list(
            "pk", "debut", "type", "groupe_id", "organisatrice_id", "theme", "groupe__theme"
        ).order_by("debut", "pk")
    )
    presentes: dict[int, list[int]] = {}
    for rencontre_id, structure_id in (
        Invitation.objects.filter(rencontre__in=rencontres, presence=Presence.PRESENTE)
        .values_list("rencontre_id", "structure_id")
        .order_by("rencontre_id", "structure_id")
    ):
        presentes.setdefault(rencontre_id, []).append(structure_id)
    for pk, debut, type_, groupe_id, organiser, theme, theme_groupe in rows:
        participants = [organiser, *(s for s in presentes.get(pk, ()) if s != organiser)]
        if gardees is not None:
            if organiser not in gardees:
                continue
            participants = [s for s in participants if s in gardees]
        if len(participants) < 2:
            continue
        yield InteractionRencontre(
            id=f"M{pk}",
            date=timezone.localtime(debut).date(),
            kind=rencontre_kind(type=type_, dans_un_groupe=groupe_id is not None),
            organiser=organiser,
            participants=tuple(participants),
            theme=theme or theme_groupe or "",
        )
