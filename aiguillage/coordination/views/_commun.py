"""Helpers shared by the coordination pages."""

from __future__ import annotations

from collections.abc import Callable

from aiguillage.accounts.access import MEMBER_ROLES, grants_for, is_administrateur
from aiguillage.accounts.models import Role
from aiguillage.coordination.services import DonneesInvalides
from aiguillage.coordination.workflow import ActionInterdite
from aiguillage.core.forms import erreurs_sur
from aiguillage.territories.models import Departement

PAR_PAGE = 25


def soumettre(form, action: Callable[[], object]) -> tuple[int, str, bool]:
    """Run ``action`` (the service call) when the submitted ``form`` is valid. Returns the
    page's status, its error and whether it was done: 400 with the service's
    ``DonneesInvalides`` on the form's fields, 409 with an ``ActionInterdite``'s message."""
    if not form.is_valid():
        return 400, "", False
    try:
        action()
    except DonneesInvalides as exc:
        erreurs_sur(form, exc.erreurs)
        return 400, "", False
    except ActionInterdite as exc:
        return 409, str(exc), False
    return 200, "", True


def departements_du_perimetre(user) -> list[Departement]:
    """The départements of the régions of the user's structures and coordinated régions."""
    departements = Departement.objects.order_by("code")
    if is_administrateur(user):
        return list(departements)
    regions = {
        g.region_id
        for g in grants_for(user)
        if g.region_id and (g.role in MEMBER_ROLES or g.role == Role.COORDINATEUR_REGIONAL)
    }
    return list(departements.filter(region_id__in=regions))


def structures_membre(user) -> list[tuple[int, str]]:
    """The user's structures (as a member), for their calendar links: no query."""
    found: dict[int, str] = {}
    for grant in grants_for(user):
        if grant.role in MEMBER_ROLES:
            found.setdefault(grant.structure_id, grant.structure_nom)
    return sorted(found.items(), key=lambda item: item[1])
