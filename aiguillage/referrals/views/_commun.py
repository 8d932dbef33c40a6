"""Helpers shared by the referral pages: membership checks, the user's structures and régions,
the page number, identifiers from the query string, a service's errors on a form, the persons a
user may open among possible duplicates."""

from __future__ import annotations

from django.http import Http404

from aiguillage.accounts.access import MEMBER_ROLES, grants_for, member_structure_ids
from aiguillage.referrals import access

PER_PAGE = 50


def _require_member(user) -> set[int]:
    """Referral pages are for the members (counsellors, managers) of a structure."""
    ids = member_structure_ids(user)
    if not ids:
        raise Http404("Page réservée aux structures.")
    return ids


def _member_structures(user) -> list[tuple[int, str]]:
    found: dict[int, str] = {}
    for grant in grants_for(user):
        if grant.role in MEMBER_ROLES:
            found.setdefault(grant.structure_id, grant.structure_nom)
    return sorted(found.items(), key=lambda item: item[1])


def _region_ids(user) -> set[str | None]:
    return {g.region_id for g in grants_for(user) if g.role in MEMBER_ROLES}


def _personnes_visibles(request, candidats) -> list:
    """Among ``candidats`` (possible duplicates), those the user may open, read through the
    person gateway (each one shown is audited); the others are left out silently."""
    found = []
    for candidat in candidats:
        try:
            found.append(
                access.personne_get_for_member(
                    user=request.user, public_id=candidat.public_id, request=request
                )
            )
        except Http404:
            continue
    return found
