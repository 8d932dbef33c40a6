"""Who sees and who manages working groups and sessions, from the grants of
``accounts.access`` (the one place where roles turn into permissions).

Rules (docs/coordination.md):

- a **session** (``Rencontre``) is visible to the members (``conseiller``,
  ``responsable_structure``) of its organising structure and of its invited structures, to the
  ``coordinateur_regional`` of its région, and to platform administrators; anybody else — another
  structure, an analyst, the coordination of another région — gets **404**, as if it did not
  exist;
- a **working group** is visible to the members of its animating and member structures, to the
  coordination of its région, and to administrators;
- sessions and groups are **managed** (create, change, cancel, record attendance) by the
  coordination of their région, by the managers (``responsable_structure``) of the organising
  (animating) structure, and by administrators;
- a structure's **calendar feed** is for its members, the coordination of its région and
  administrators; its **secret link** (``LienAgenda``) is made and revoked by the managers of
  the structure, the coordination of its région and administrators, and shows, to whoever
  holds it, what the structure's members see of its sessions as such — nothing more.

Gateways return the object or raise ``Http404``; each condition is on its own line.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from aiguillage.accounts.access import (
    coordinated_region_codes,
    is_administrateur,
    managed_structure_ids,
    member_structure_ids,
)
from aiguillage.coordination.models import GroupeTravail, Invitation, LienAgenda, Rencontre
from aiguillage.directory.models import Structure

__all__ = [
    "a_acces_coordination",
    "groupe_get_for_manager",
    "groupe_get_for_user",
    "groupes_for_user",
    "lien_agenda_get_par_jeton",
    "peut_creer",
    "peut_gerer_abonnement",
    "peut_gerer_groupe",
    "peut_gerer_rencontre",
    "rencontre_get_for_manager",
    "rencontre_get_for_user",
    "rencontres_for_structure",
    "rencontres_for_user",
    "require_access",
    "structure_get_for_abonnement",
    "structure_get_for_agenda",
    "structures_agendas",
    "structures_organisables",
]


def a_acces_coordination(user) -> bool:
    """Whether the coordination pages are for ``user`` at all (the menu entry, the lists)."""
    return bool(
        is_administrateur(user) or member_structure_ids(user) or coordinated_region_codes(user)
    )


def require_access(user) -> None:
    """404 for the users the coordination pages are not for (analysts only, no role)."""
    if not a_acces_coordination(user):
        raise Http404("Page réservée aux structures et à la coordination régionale.")


# --- Sessions ---------------------------------------------------------------------------------


def _vues_par_membres(structure_ids) -> Q:
    """The sessions the members of these structures see as such: organised or invited."""
    invited = Invitation.objects.filter(structure_id__in=structure_ids).values("rencontre_id")
    return Q(organisatrice_id__in=structure_ids) | Q(pk__in=invited)


def rencontres_for_user(*, user) -> QuerySet[Rencontre]:
    """The sessions ``user`` may see (see the module's rules)."""
    if is_administrateur(user):
        return Rencontre.objects.all()
    ids = member_structure_ids(user)
    regions = coordinated_region_codes(user)
    condition = Q(pk__in=[])
    if ids:
        condition |= _vues_par_membres(ids)
    if regions:
        condition |= Q(region_id__in=regions)
    return Rencontre.objects.filter(condition)


def rencontres_for_structure(*, structure_id: int) -> QuerySet[Rencontre]:
    """The sessions any member of the structure sees through it (the secret link's scope)."""
    return Rencontre.objects.filter(_vues_par_membres([structure_id]))


def rencontre_get_for_user(*, user, public_id) -> Rencontre:
    rencontre = (
        rencontres_for_user(user=user)
        .select_related("organisatrice", "groupe", "region", "departement")
        .filter(public_id=public_id)
        .first()
    )
    if rencontre is None:
        raise Http404("Rencontre introuvable.")
    return rencontre


def peut_gerer_rencontre(user, rencontre: Rencontre) -> bool:
    return (
        is_administrateur(user)
        or rencontre.region_id in coordinated_region_codes(user)
        or rencontre.organisatrice_id in managed_structure_ids(user)
    )


def rencontre_get_for_manager(*, user, public_id) -> Rencontre:
    """A session the user may change (404 otherwise, even when they may see it)."""
    rencontre = rencontre_get_for_user(user=user, public_id=public_id)
    if not peut_gerer_rencontre(user, rencontre):
        raise Http404("Rencontre introuvable.")
    return rencontre


# --- Working groups ---------------------------------------------------------------------------


def groupes_for_user(*, user) -> QuerySet[GroupeTravail]:
    if is_administrateur(user):
        return GroupeTravail.objects.all()
    ids = member_structure_ids(user)
    regions = coordinated_region_codes(user)
    members = GroupeTravail.membres.through.objects.filter(structure_id__in=ids).values(
        "groupetravail_id"
    )
    condition = Q(pk__in=[])
    if ids:
        condition |= Q(animatrice_id__in=ids) | Q(pk__in=members)
    if regions:
        condition |= Q(region_id__in=regions)
    return GroupeTravail.objects.filter(condition)


def groupe_get_for_user(*, user, public_id) -> GroupeTravail:
    groupe = (
        groupes_for_user(user=user)
        .select_related("animatrice", "region")
        .filter(public_id=public_id)
        .first()
    )
    if groupe is None:
        raise Http404("Groupe de travail introuvable.")
    return groupe


def peut_gerer_groupe(user, groupe: GroupeTravail) -> bool:
    return (
        is_administrateur(user)
        or groupe.region_id in coordinated_region_codes(user)
        or groupe.animatrice_id in managed_structure_ids(user)
    )


def groupe_get_for_manager(*, user, public_id) -> GroupeTravail:
    groupe = groupe_get_for_user(user=user, public_id=public_id)
    if not peut_gerer_groupe(user, groupe):
        raise Http404("Groupe de travail introuvable.")
    return groupe


# --- Creating, and the structures one may act for -------------------------------------------


def structures_organisables(user) -> QuerySet[Structure]:
    """The structures on whose behalf ``user`` may organise a session or animate a group: every
    structure of a coordinated région, the structures they manage (all, for administrators)."""
    if is_administrateur(user):
        return Structure.objects.all()
    condition = Q(pk__in=managed_structure_ids(user))
    regions = coordinated_region_codes(user)
    if regions:
        condition |= Q(region_id__in=regions)
    return Structure.objects.filter(condition)


def peut_creer(user) -> bool:
    return bool(
        is_administrateur(user) or managed_structure_ids(user) or coordinated_region_codes(user)
    )


def structure_get_for_agenda(*, user, structure_id: int) -> Structure:
    """A structure whose calendar feed the user may read."""
    structure = Structure.objects.filter(pk=structure_id).first()
    allowed = structure is not None and (
        is_administrateur(user)
        or structure.pk in member_structure_ids(user)
        or (structure.region_id or "") in coordinated_region_codes(user)
    )
    if not allowed:
        raise Http404("Structure introuvable.")
    return structure


# --- Calendar subscriptions (secret links) ----------------------------------------------------


def peut_gerer_abonnement(user, structure: Structure) -> bool:
    """Whether ``user`` may make, replace and revoke the structure's secret calendar link."""
    return (
        is_administrateur(user)
        or (structure.region_id or "") in coordinated_region_codes(user)
        or structure.pk in managed_structure_ids(user)
    )


def structure_get_for_abonnement(*, user, structure_id: int) -> Structure:
    """A structure whose secret calendar link the user manages (404 otherwise, even for a
    counsellor of the structure, who may read its calendar)."""
    structure = structure_get_for_agenda(user=user, structure_id=structure_id)
    if not peut_gerer_abonnement(user, structure):
        raise Http404("Structure introuvable.")
    return structure


def lien_agenda_get_par_jeton(*, jeton: str) -> LienAgenda:
    """The live link holding this token (found by its SHA-256: the token itself is stored
    nowhere); 404 for a wrong, replaced or revoked token."""
    lien = (
        LienAgenda.objects.select_related("structure")
        .filter(empreinte=LienAgenda.empreinte_de(jeton))
        .first()
    )
    if lien is None:
        raise Http404("Agenda introuvable.")
    return lien


def structures_agendas(user) -> QuerySet[Structure]:
    """The structures whose calendar page is offered to ``user``: the ones they work in and,
    for the coordination of a région (every région, for administrators), the structures of the
    région that organise or are invited to sessions, or hold a secret link."""
    condition = Q(pk__in=member_structure_ids(user))
    participantes = (
        Q(pk__in=Rencontre.objects.values("organisatrice_id"))
        | Q(pk__in=Invitation.objects.values("structure_id"))
        | Q(pk__in=LienAgenda.objects.values("structure_id"))
    )
    regions = coordinated_region_codes(user)
    if is_administrateur(user):
        condition |= participantes
    elif regions:
        condition |= Q(region_id__in=regions) & participantes
    return Structure.objects.filter(condition)
