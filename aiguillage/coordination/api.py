"""Coordination API (``/api/v1/coordination``): read-only, the same gateways and selectors as
the pages.

Concept map:

- every endpoint needs a session (``django_auth``: **401** without one) and reads through
  ``coordination.access``: the lists are ``access.rencontres_for_user`` and
  ``access.groupes_for_user`` (no rule of visibility is written here), and one session or group
  is ``access.rencontre_get_for_user`` / ``access.groupe_get_for_user``: **404** for whoever
  does not see it; the lists are 404 for the users the pages are not for
  (``access.require_access``: analysts, no role);
- ``GET /rencontres`` takes the list page's filters (``periode``, ``type``, ``departement``,
  ``groupe``) through ``selectors.rencontres_filtrees``, in the same order, 25 per page; a value
  the page would silently ignore is here a **422** ``RequeteInvalide`` naming the query
  parameter (``champ``);
- what leaves is what the pages show to that user: structures (id, name, network), never a
  person; the free texts (a session's description and cancellation reason, a group's purpose)
  only on the detail, as on the pages; attendance only once it was recorded (``tenue``);
- dates are ISO 8601 at the Paris offset (``+01:00`` / ``+02:00``).

The contract is documented in ``docs/coordination.md`` (« API »).
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from aiguillage.api.erreurs import RequeteInvalide
from aiguillage.coordination import access, selectors
from aiguillage.coordination.models import (
    GroupeTravail,
    Rencontre,
    StatutRencontre,
    TypeRencontre,
)
from aiguillage.coordination.selectors import Periode
from aiguillage.territories.models import Departement

__all__ = ["router"]

router = Router(tags=["coordination"])

PAR_PAGE = 25  # as the list page (``views._commun.PAR_PAGE``)
PERIODES = (Periode.A_VENIR, Periode.PASSEES)


# --- Schemas ----------------------------------------------------------------------------------


class StructureRef(Schema):
    id: int
    nom: str
    reseau: str = Field(..., description="Réseau de la structure (code)")


class TerritoireRef(Schema):
    code: str
    nom: str


class GroupeRef(Schema):
    public_id: UUID
    nom: str
    theme: str


class InvitationOut(Schema):
    structure: StructureRef
    presence: str | None = Field(
        ..., description="presente ou absente ; null tant que les présences ne sont pas saisies"
    )
    nombre_personnes: int | None = Field(
        ..., description="Nombre de personnes venues, si on le sait (structure présente)"
    )


class RencontreResume(Schema):
    public_id: UUID
    type: str = Field(
        ..., description="reunion, professionnalisation_croisee, evenement, echange_information"
    )
    type_label: str
    intitule: str
    debut: dt.datetime = Field(..., description="ISO 8601, à l'heure de Paris")
    fin: dt.datetime = Field(..., description="ISO 8601, à l'heure de Paris")
    lieu: str = Field(..., description="Vide si la rencontre a lieu seulement à distance")
    a_distance: bool
    statut: str = Field(..., description="prevue, tenue ou annulee")
    statut_label: str
    organisatrice: StructureRef
    groupe: GroupeRef | None
    departement: TerritoireRef | None = Field(..., description="null : toute la région")
    region: str = Field(..., description="Code INSEE de la région")
    nb_invitees: int = Field(..., description="Structures invitées")
    nb_presentes: int | None = Field(..., description="Structures présentes (rencontre tenue)")
    url: str = Field(..., description="La page de la rencontre (connexion nécessaire)")
    ics: str = Field(..., description="La rencontre en iCalendar (connexion nécessaire)")


class RencontreOut(RencontreResume):
    theme: str = Field(..., description="Thème de la rencontre, sinon celui de son groupe")
    description: str = Field(..., description="Texte libre, comme sur la page de la rencontre")
    annulee_le: dt.datetime | None
    motif_annulation: str | None = Field(
        ..., description="Motif d'annulation (rencontre annulée), comme sur la page"
    )
    presences_le: dt.datetime | None
    invitations: list[InvitationOut]


class RencontresOut(Schema):
    periode: str
    total: int
    page: int
    pages: int
    resultats: list[RencontreResume]


class RencontresQuery(Schema):
    periode: str = Field(
        Periode.A_VENIR,
        description="a_venir (pas encore finies, la plus proche d'abord) ou passees (la plus "
        "récente d'abord)",
    )
    type: str = Field("", description="Un type de rencontre (vide : tous)")
    departement: str = Field("", description="Code INSEE d'un département (vide : tous)")
    groupe: str = Field("", description="public_id d'un groupe de travail que vous voyez")
    page: int = Field(1, ge=1)


class GroupeResume(Schema):
    public_id: UUID
    nom: str
    theme: str
    actif: bool
    clos_le: dt.date | None
    region: str = Field(..., description="Code INSEE de la région")
    departements: list[TerritoireRef] = Field(..., description="Vide : toute la région")
    animatrice: StructureRef
    nb_membres: int
    nb_rencontres_a_venir: int = Field(..., description="Rencontres prévues pas encore finies")
    url: str


class GroupeOut(GroupeResume):
    description: str = Field(..., description="Objet du groupe, comme sur sa page")
    membres: list[StructureRef]


class GroupesOut(Schema):
    total: int
    page: int
    pages: int
    resultats: list[GroupeResume]


class GroupesQuery(Schema):
    page: int = Field(1, ge=1)


# --- Helpers ----------------------------------------------------------------------------------


def _structure(structure) -> dict:
    return {"id": structure.pk, "nom": structure.nom, "reseau": structure.reseau}


def _territoire(departement) -> dict | None:
    if departement is None:
        return None
    return {"code": departement.code, "nom": departement.nom}


def _rencontre_resume(rencontre: Rencontre) -> dict:
    """A list row: what ``_rencontres.html`` shows (no free text)."""
    groupe = rencontre.groupe
    tenue = rencontre.statut == StatutRencontre.TENUE
    return {
        "public_id": rencontre.public_id,
        "type": rencontre.type,
        "type_label": rencontre.get_type_display(),
        "intitule": rencontre.intitule,
        "debut": timezone.localtime(rencontre.debut),
        "fin": timezone.localtime(rencontre.fin),
        "lieu": rencontre.lieu,
        "a_distance": rencontre.a_distance,
        "statut": rencontre.statut,
        "statut_label": rencontre.get_statut_display(),
        "organisatrice": _structure(rencontre.organisatrice),
        "groupe": (
            {"public_id": groupe.public_id, "nom": groupe.nom, "theme": groupe.theme}
            if groupe is not None
            else None
        ),
        "departement": _territoire(rencontre.departement),
        "region": rencontre.region_id,
        "nb_invitees": rencontre.nb_invitees,
        "nb_presentes": rencontre.nb_presentes if tenue else None,
        "url": reverse("coordination:rencontre", kwargs={"public_id": rencontre.public_id}),
        "ics": reverse("coordination:rencontre_ics", kwargs={"public_id": rencontre.public_id}),
    }


def _groupe_resume(groupe: GroupeTravail) -> dict:
    return {
        "public_id": groupe.public_id,
        "nom": groupe.nom,
        "theme": groupe.theme,
        "actif": groupe.actif,
        "clos_le": groupe.clos_le,
        "region": groupe.region_id,
        "departements": [_territoire(d) for d in groupe.departements.all()],
        "animatrice": _structure(groupe.animatrice),
        "nb_membres": groupe.nb_membres,
        "nb_rencontres_a_venir": groupe.nb_a_venir,
        "url": reverse("coordination:groupe", kwargs={"public_id": groupe.public_id}),
    }


def _groupes(user):
    """The visible groups with what a row shows; the départements without their contour."""
    departements = Departement.objects.only("code", "nom").order_by("code")
    return (
        selectors.groupes_annotes(access.groupes_for_user(user=user))
        .select_related(None)
        .select_related("animatrice")
        .prefetch_related(None)
        .prefetch_related(Prefetch("departements", queryset=departements))
    )


def _filtres(user, query: RencontresQuery) -> dict:
    """The list page's filters, each checked: 422 naming every parameter out of its values."""
    erreurs: dict[str, str] = {}
    if query.periode not in PERIODES:
        erreurs["periode"] = f"valeur « {query.periode} » inconnue (a_venir, passees)."
    if query.type and query.type not in TypeRencontre.values:
        erreurs["type"] = f"valeur « {query.type} » inconnue ({', '.join(TypeRencontre.values)})."
    if query.departement and not Departement.objects.filter(pk=query.departement).exists():
        erreurs["departement"] = f"département « {query.departement} » inconnu."
    groupe = None
    if query.groupe:
        try:
            public_id = UUID(query.groupe)
        except ValueError:
            public_id = None
        if public_id is not None:
            groupe = access.groupes_for_user(user=user).filter(public_id=public_id).first()
        if groupe is None:  # unknown and invisible alike: nothing to learn from the answer
            erreurs["groupe"] = f"groupe de travail « {query.groupe} » inconnu."
    if erreurs:
        raise RequeteInvalide(erreurs, emplacement="query")
    return {
        "periode": query.periode,
        "type": query.type,
        "departement": query.departement,
        "groupe": groupe,
    }


# --- Sessions ---------------------------------------------------------------------------------


@router.get(
    "/rencontres",
    response=RencontresOut,
    auth=django_auth,
    summary="Les rencontres que vous voyez (à venir ou passées, filtrées)",
)
def rencontres(request, filtres: Query[RencontresQuery]):
    """Les rencontres visibles comme sur la page « Coordination » : celles qu'organise ou où est
    invitée une de vos structures, toutes celles de la région que vous coordonnez. `periode` :
    `a_venir` (pas encore finies, la plus proche d'abord) ou `passees` (la plus récente
    d'abord) ; 25 par page. **404** si la coordination n'est pas pour vous (analyste, compte sans
    structure) ; **422** pour un filtre inconnu."""
    user = request.user
    access.require_access(user)
    valeurs = _filtres(user, filtres)
    items = selectors.rencontres_filtrees(access.rencontres_for_user(user=user), **valeurs).defer(
        "departement__contour"
    )
    page = Paginator(items, PAR_PAGE).get_page(filtres.page)
    return {
        "periode": valeurs["periode"],
        "total": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "resultats": [_rencontre_resume(r) for r in page.object_list],
    }


@router.get(
    "/rencontres/{public_id}",
    response=RencontreOut,
    auth=django_auth,
    summary="Une rencontre, ses structures invitées et leur présence",
)
def rencontre(request, public_id: UUID):
    """**404** si vous ne voyez pas la rencontre (autre structure, autre région), comme si elle
    n'existait pas. `presence` et `nombre_personnes` ne sont renseignés qu'une fois les
    présences saisies (rencontre `tenue`)."""
    item = access.rencontre_get_for_user(user=request.user, public_id=public_id)
    invitations = list(item.invitations.select_related("structure").order_by("structure__nom"))
    tenue = item.statut == StatutRencontre.TENUE
    annulee = item.statut == StatutRencontre.ANNULEE
    item.nb_invitees = len(invitations)
    item.nb_presentes = sum(1 for i in invitations if i.presence == "presente")
    return {
        **_rencontre_resume(item),
        "theme": item.theme_effectif,
        "description": item.description,
        "annulee_le": timezone.localtime(item.annulee_le) if item.annulee_le else None,
        "motif_annulation": item.motif_annulation if annulee else None,
        "presences_le": timezone.localtime(item.presences_le) if item.presences_le else None,
        "invitations": [
            {
                "structure": _structure(i.structure),
                "presence": (i.presence or None) if tenue else None,
                "nombre_personnes": i.nombre_personnes if tenue else None,
            }
            for i in invitations
        ],
    }


# --- Working groups ---------------------------------------------------------------------------


@router.get(
    "/groupes",
    response=GroupesOut,
    auth=django_auth,
    summary="Les groupes de travail que vous voyez",
)
def groupes(request, filtres: Query[GroupesQuery]):
    """Les groupes dont une de vos structures est animatrice ou membre, tous ceux de la région
    que vous coordonnez, dans l'ordre de la page des groupes ; 25 par page. **404** si la
    coordination n'est pas pour vous."""
    user = request.user
    access.require_access(user)
    page = Paginator(_groupes(user), PAR_PAGE).get_page(filtres.page)
    return {
        "total": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "resultats": [_groupe_resume(g) for g in page.object_list],
    }


@router.get(
    "/groupes/{public_id}",
    response=GroupeOut,
    auth=django_auth,
    summary="Un groupe de travail et ses structures membres",
)
def groupe(request, public_id: UUID):
    """**404** si vous ne voyez pas le groupe. Ses rencontres : `GET /rencontres?groupe=…`."""
    user = request.user
    trouve = access.groupe_get_for_user(user=user, public_id=public_id)  # the gateway's 404
    item = _groupes(user).get(pk=trouve.pk)
    return {
        **_groupe_resume(item),
        "description": item.description,
        "membres": [_structure(s) for s in item.membres.order_by("nom", "pk")],
    }
