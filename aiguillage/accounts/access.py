"""Who may see and do what: the one place where roles turn into permissions.

Views and API endpoints never query protected objects directly: they call a gateway below, which
returns the object or raises ``Http404`` (not 403, so that a user of another structure cannot
even learn that the object exists). Each gateway is written one condition per line.

Scopes:

- a **member** (``conseiller`` or ``responsable_structure``) sees their structure and its members;
- a ``responsable_structure`` also manages it (edit, add members);
- a ``coordinateur_regional`` sees aggregates and the structures of their région, not people;
- an ``analyste`` sees aggregates of their région (or of every région when attached to a
  national structure), never a person;
- an ``administrateur`` runs the platform: accounts, audit log, Django admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest
from django.urls import reverse

from aiguillage.accounts.models import Membership, Role, User
from aiguillage.core.audit import audit_view
from aiguillage.core.models import AuditEvent
from aiguillage.directory.models import Structure
from aiguillage.territories.models import Region

__all__ = [
    "ALL_REGIONS",
    "Grant",
    "analysed_region_codes",
    "audit_events_for_user",
    "coordinated_region_codes",
    "grants_for",
    "has_role",
    "is_administrateur",
    "member_get_for_user",
    "navigation_for",
    "region_get_for_dashboard",
    "structure_get_for_manager",
    "structure_get_for_member",
    "structures_for_member",
]

MEMBER_ROLES = frozenset({Role.CONSEILLER, Role.RESPONSABLE_STRUCTURE})
ALL_REGIONS = None  # an analyste of a national structure


@dataclass(frozen=True)
class Grant:
    structure_id: int
    structure_nom: str
    region_id: str | None
    role: str

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def grants_for(user) -> tuple[Grant, ...]:
    """The user's (structure, role) pairs, read once per request and cached on the user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_aiguillage_grants", None)
    if cached is None:
        cached = tuple(
            Grant(m.structure_id, m.structure.nom, m.structure.region_id, m.role)
            for m in Membership.objects.filter(user=user).select_related("structure")
        )
        user._aiguillage_grants = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return any(g.role in roles for g in grants_for(user))


def is_administrateur(user) -> bool:
    return has_role(user, Role.ADMINISTRATEUR)


def member_structure_ids(user) -> set[int]:
    return {g.structure_id for g in grants_for(user) if g.role in MEMBER_ROLES}


def managed_structure_ids(user) -> set[int]:
    return {g.structure_id for g in grants_for(user) if g.role == Role.RESPONSABLE_STRUCTURE}


def coordinated_region_codes(user) -> set[str]:
    return {
        g.region_id
        for g in grants_for(user)
        if g.role == Role.COORDINATEUR_REGIONAL and g.region_id
    }


def analysed_region_codes(user) -> set[str] | None:
    """Régions whose aggregates the user may read; ``ALL_REGIONS`` (None) for every région."""
    codes: set[str] = set(coordinated_region_codes(user))
    for grant in grants_for(user):
        if grant.role == Role.ANALYSTE and grant.region_id is None:
            return ALL_REGIONS
        if grant.role == Role.ANALYSTE:
            codes.add(grant.region_id)
    if is_administrateur(user):
        return ALL_REGIONS
    return codes


# --- Gateways ---------------------------------------------------------------------------------


def structures_for_member(*, user) -> list[Structure]:
    return list(
        Structure.objects.filter(pk__in=member_structure_ids(user)).select_related("region")
    )


def structure_get_for_member(*, user, structure_id: int) -> Structure:
    """A structure the user works in (or any, for an administrator)."""
    allowed = is_administrateur(user) or structure_id in member_structure_ids(user)
    if not allowed:
        raise Http404("Structure introuvable.")
    try:
        return Structure.objects.select_related("region", "departement", "commune").get(
            pk=structure_id
        )
    except Structure.DoesNotExist as exc:
        raise Http404("Structure introuvable.") from exc


def structure_get_for_manager(*, user, structure_id: int) -> Structure:
    """A structure the user manages (or any, for an administrator)."""
    allowed = is_administrateur(user) or structure_id in managed_structure_ids(user)
    if not allowed:
        raise Http404("Structure introuvable.")
    return structure_get_for_member(user=user, structure_id=structure_id)


def member_get_for_user(
    *, user, structure_id: int, user_id: int, request: HttpRequest | None = None
) -> Membership:
    """A member's profile (personal data), for colleagues and administrators; the view is logged."""
    structure = structure_get_for_member(user=user, structure_id=structure_id)
    try:
        membership = Membership.objects.select_related("user", "structure").get(
            structure=structure, user_id=user_id
        )
    except Membership.DoesNotExist as exc:
        raise Http404("Membre introuvable.") from exc
    audit_view(actor=user, obj=membership.user, request=request, structure_id=structure.pk)
    return membership


def region_get_for_dashboard(*, user, region_code: str) -> Region:
    """A région whose aggregates the user may read (coordination, analysts, administrators)."""
    scope = analysed_region_codes(user)
    allowed = scope is ALL_REGIONS or region_code in scope
    if not allowed:
        raise Http404("Région introuvable.")
    try:
        return Region.objects.get(code=region_code)
    except Region.DoesNotExist as exc:
        raise Http404("Région introuvable.") from exc


def audit_events_for_user(*, user):
    """The audit log, for administrators only."""
    if not is_administrateur(user):
        raise Http404("Page introuvable.")
    return AuditEvent.objects.all()


# --- Navigation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def navigation_for(user, path: str = "") -> list[NavItem]:
    """Main menu entries, from what the user's roles allow."""
    items: list[tuple[str, str]] = [("Accueil", reverse("core:home"))]
    items.append(("Annuaire", reverse("directory:search")))
    if not getattr(user, "is_authenticated", False):
        items.insert(1, ("Trouver mon conseil", reverse("orientation:portail")))
        return [NavItem(label, url, path == url) for label, url in items]
    for grant in grants_for(user):
        if grant.role in MEMBER_ROLES:
            url = reverse("accounts:structure_detail", args=[grant.structure_id])
            items.append((grant.structure_nom, url))
    if member_structure_ids(user):
        items.append(("Orientation", reverse("orientation:conseiller")))
        items.append(("Adressages", reverse("referrals:inbox")))
    if member_structure_ids(user) or coordinated_region_codes(user) or is_administrateur(user):
        items.append(("Coordination", reverse("coordination:rencontres")))
    scope = analysed_region_codes(user)
    if scope is ALL_REGIONS or scope:
        items.append(("Tableaux de bord régionaux", reverse("accounts:region_list")))
        items.append(("Observatoire", reverse("observatory:index")))
    if is_administrateur(user):
        items.append(("Journal d'audit", reverse("core:audit_log")))
    return [
        NavItem(label, url, path == url or (url != "/" and path.startswith(url)))
        for label, url in items
    ]


def user_display_roles(user: User) -> list[str]:
    return sorted({Role(g.role).label for g in grants_for(user)})


# --- Directory --------------------------------------------------------------------------------


def site_get_for_manager(*, user, site_id: int):
    """A site of a structure the user manages (or any, for an administrator)."""
    from aiguillage.directory.models import Site

    site = Site.objects.select_related("structure", "commune").filter(pk=site_id).first()
    allowed = site is not None and (
        is_administrateur(user) or site.structure_id in managed_structure_ids(user)
    )
    if not allowed:
        raise Http404("Site introuvable.")
    return site


def service_get_for_manager(*, user, service_id: int):
    """A service offered at a site of a structure the user manages."""
    from aiguillage.directory.models import Service

    service = Service.objects.select_related("site__structure").filter(pk=service_id).first()
    allowed = service is not None and (
        is_administrateur(user) or service.site.structure_id in managed_structure_ids(user)
    )
    if not allowed:
        raise Http404("Service introuvable.")
    return service


def can_manage_structure(user, structure_id: int) -> bool:
    return is_administrateur(user) or structure_id in managed_structure_ids(user)
