"""Working groups: create, change, close, reopen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from aiguillage.coordination.models import GroupeTravail, StatutRencontre
from aiguillage.coordination.services._commun import (
    OBLIGATOIRES_GROUPE,
    DonneesInvalides,
    _distinctes,
    _organisable,
)
from aiguillage.coordination.workflow import ActionInterdite
from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.directory.models import Structure
from aiguillage.territories.models import Departement


@dataclass
class ChampsGroupe:
    nom: str
    theme: str
    animatrice: Structure | None
    membres: Sequence[Structure] = ()
    departements: Sequence[Departement] = ()
    description: str = ""


def _groupe_erreurs(champs: ChampsGroupe, *, user, animatrice_changee: bool) -> dict[str, str]:
    erreurs: dict[str, str] = {}
    if not champs.nom.strip():
        erreurs["nom"] = OBLIGATOIRES_GROUPE["nom"]
    if not champs.theme.strip():
        erreurs["theme"] = OBLIGATOIRES_GROUPE["theme"]
    animatrice = champs.animatrice
    if animatrice is None:
        erreurs["animatrice"] = OBLIGATOIRES_GROUPE["animatrice"]
    elif animatrice.region_id is None:
        erreurs["animatrice"] = (
            "Cette structure n'est rattachée à aucune région : choisissez une structure de la "
            "région qui anime le groupe."
        )
    elif animatrice_changee and not _organisable(user, animatrice):
        erreurs["animatrice"] = "Vous ne pouvez pas faire animer un groupe par cette structure."
    else:
        autres = [d.nom for d in champs.departements if d.region_id != animatrice.region_id]
        if autres:
            erreurs["departements"] = (
                "Ces départements ne sont pas dans la région du groupe : " + ", ".join(autres) + "."
            )
    if not _distinctes(champs.membres, animatrice):
        erreurs["membres"] = "Ajoutez au moins une structure membre, en plus de l'animatrice."
    return erreurs


@transaction.atomic
def groupe_create(*, champs: ChampsGroupe, acting_user, request=None) -> GroupeTravail:
    """Create a working group, animated by a structure the user may act for."""
    erreurs = _groupe_erreurs(champs, user=acting_user, animatrice_changee=True)
    if erreurs:
        raise DonneesInvalides(erreurs)
    groupe = GroupeTravail.objects.create(
        nom=champs.nom.strip(),
        theme=champs.theme.strip(),
        description=champs.description.strip(),
        region_id=champs.animatrice.region_id,
        animatrice=champs.animatrice,
        cree_par=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    membres = _distinctes(champs.membres, champs.animatrice)
    groupe.membres.set(membres)
    groupe.departements.set(champs.departements)
    audit_record(
        action=AuditAction.CREATE,
        actor=acting_user,
        obj=groupe,
        structure_id=groupe.animatrice_id,
        request=request,
        details={
            "theme": groupe.theme,
            "membres": [s.pk for s in membres],
            "departements": sorted(d.code for d in champs.departements),
        },
    )
    return groupe


def _groupe_verrouille(groupe: GroupeTravail) -> GroupeTravail:
    return (
        GroupeTravail.objects.select_for_update(of=("self",))
        .select_related("animatrice")
        .get(pk=groupe.pk)
    )


@transaction.atomic
def groupe_modifier(
    *, groupe: GroupeTravail, champs: ChampsGroupe, acting_user, request=None
) -> GroupeTravail:
    """Change a working group's name, theme, scope, animator or members (not when closed)."""
    groupe = _groupe_verrouille(groupe)
    if not groupe.actif:
        raise ActionInterdite("Ce groupe de travail est clos : rouvrez-le pour le modifier.")
    changee = champs.animatrice is not None and champs.animatrice.pk != groupe.animatrice_id
    erreurs = _groupe_erreurs(champs, user=acting_user, animatrice_changee=changee)
    if not erreurs and changee and champs.animatrice.region_id != groupe.region_id:
        erreurs["animatrice"] = "La structure animatrice doit être de la région du groupe."
    if erreurs:
        raise DonneesInvalides(erreurs)
    avant = {
        "nom": groupe.nom,
        "theme": groupe.theme,
        "description": groupe.description,
        "animatrice": groupe.animatrice_id,
        "membres": set(groupe.membres.values_list("pk", flat=True)),
        "departements": set(groupe.departements.values_list("pk", flat=True)),
    }
    membres = _distinctes(champs.membres, champs.animatrice)
    apres = {
        "nom": champs.nom.strip(),
        "theme": champs.theme.strip(),
        "description": champs.description.strip(),
        "animatrice": champs.animatrice.pk,
        "membres": {s.pk for s in membres},
        "departements": {d.pk for d in champs.departements},
    }
    changes = sorted(k for k in avant if avant[k] != apres[k])
    if not changes:
        return groupe
    groupe.nom = apres["nom"]
    groupe.theme = apres["theme"]
    groupe.description = apres["description"]
    groupe.animatrice = champs.animatrice
    groupe.save()
    groupe.membres.set(membres)
    groupe.departements.set(champs.departements)
    _modification_auditer(groupe, acting_user, request, {"champs": changes})
    return groupe


def _modification_auditer(groupe: GroupeTravail, acting_user, request, details: dict) -> None:
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        obj=groupe,
        structure_id=groupe.animatrice_id,
        request=request,
        details=details,
    )


@transaction.atomic
def groupe_clore(
    *, groupe: GroupeTravail, acting_user, request=None, le: dt.date | None = None
) -> GroupeTravail:
    """Close a working group: it keeps its history but takes no new session. Refused while
    sessions of the group are still planned."""
    groupe = _groupe_verrouille(groupe)
    if not groupe.actif:
        raise ActionInterdite("Ce groupe de travail est déjà clos.")
    prevues = groupe.rencontres.filter(
        statut=StatutRencontre.PREVUE, fin__gte=timezone.now()
    ).count()
    if prevues:
        raise ActionInterdite(
            f"Ce groupe a encore {prevues} rencontre{'s' if prevues > 1 else ''} à venir : "
            "annulez-les, ou attendez qu'elles aient eu lieu, avant de le clore."
        )
    groupe.clos_le = le or timezone.localdate()
    groupe.save(update_fields=["clos_le"])
    _modification_auditer(groupe, acting_user, request, {"clos_le": groupe.clos_le.isoformat()})
    return groupe


@transaction.atomic
def groupe_rouvrir(*, groupe: GroupeTravail, acting_user, request=None) -> GroupeTravail:
    groupe = _groupe_verrouille(groupe)
    if groupe.actif:
        raise ActionInterdite("Ce groupe de travail est déjà actif.")
    groupe.clos_le = None
    groupe.save(update_fields=["clos_le"])
    _modification_auditer(groupe, acting_user, request, {"rouvert": True})
    return groupe
