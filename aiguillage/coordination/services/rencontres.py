"""Sessions: plan, change, cancel, record attendance.

Planning, changing and cancelling tell the structures concerned once the transaction commits
(``notifications.avis_apres_commit``): invited, no longer invited, the session changed (what
raises the iCalendar sequence), cancelled. Recording attendance tells nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from aiguillage.coordination import access
from aiguillage.coordination.models import (
    GroupeTravail,
    Invitation,
    Presence,
    Rencontre,
    StatutRencontre,
    TypeRencontre,
)
from aiguillage.coordination.notifications import Avis, avis_apres_commit
from aiguillage.coordination.services._commun import (
    NOMBRE_MAXIMUM,
    OBLIGATOIRES_RENCONTRE,
    DonneesInvalides,
    _distinctes,
    _organisable,
)
from aiguillage.coordination.workflow import Action, action_verifier
from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.directory.models import Structure
from aiguillage.territories.models import Departement


@dataclass
class ChampsRencontre:
    type: str
    intitule: str
    debut: dt.datetime | None
    fin: dt.datetime | None
    organisatrice: Structure | None
    invitees: Sequence[Structure] = field(default_factory=list)
    lieu: str = ""
    a_distance: bool = False
    groupe: GroupeTravail | None = None
    departement: Departement | None = None
    theme: str = ""
    description: str = ""


def _region_de(champs: ChampsRencontre) -> str | None:
    if champs.organisatrice is not None and champs.organisatrice.region_id:
        return champs.organisatrice.region_id
    return champs.groupe.region_id if champs.groupe is not None else None


def _rencontre_erreurs(
    champs: ChampsRencontre, *, user, organisatrice_changee: bool, groupe_change: bool
) -> dict[str, str]:
    """The rules every session follows, in French, keyed by the form's field names."""
    erreurs: dict[str, str] = {}
    if champs.type not in TypeRencontre.values:
        erreurs["type"] = OBLIGATOIRES_RENCONTRE["type"]
    if not champs.intitule.strip():
        erreurs["intitule"] = OBLIGATOIRES_RENCONTRE["intitule"]
    if champs.debut is None:
        erreurs["debut"] = OBLIGATOIRES_RENCONTRE["debut"]
    if champs.fin is None:
        erreurs["fin"] = OBLIGATOIRES_RENCONTRE["fin"]
    if champs.debut is not None and champs.fin is not None and champs.fin <= champs.debut:
        erreurs["fin"] = "La fin doit être après le début."
    if not champs.lieu.strip() and not champs.a_distance:
        erreurs["lieu"] = "Indiquez un lieu, ou cochez « à distance »."
    organisatrice = champs.organisatrice
    region = _region_de(champs)
    if organisatrice is None:
        erreurs["organisatrice"] = OBLIGATOIRES_RENCONTRE["organisatrice"]
    elif organisatrice_changee and not _organisable(user, organisatrice):
        erreurs["organisatrice"] = (
            "Vous ne pouvez pas organiser de rencontre au nom de cette structure."
        )
    elif region is None:
        erreurs["organisatrice"] = (
            "Cette structure n'est rattachée à aucune région : rattachez la rencontre à un "
            "groupe de travail, ou choisissez une structure de la région."
        )
    groupe = champs.groupe
    if groupe is not None:
        if groupe_change and not groupe.actif:
            erreurs["groupe"] = (
                "Ce groupe de travail est clos : rouvrez-le, ou choisissez-en un autre."
            )
        elif groupe_change and not access.groupes_for_user(user=user).filter(pk=groupe.pk).exists():
            erreurs["groupe"] = "Groupe de travail introuvable."
        elif region is not None and groupe.region_id != region:
            erreurs["groupe"] = (
                "Ce groupe de travail est d'une autre région que la structure organisatrice."
            )
    departement = champs.departement
    if departement is not None and region is not None and departement.region_id != region:
        erreurs["departement"] = (
            f"{departement.nom} n'est pas dans la région de la structure organisatrice."
        )
    if not _distinctes(champs.invitees, organisatrice):
        erreurs["invitees"] = "Invitez au moins une structure, autre que l'organisatrice."
    return erreurs


def _rencontre_verrouillee(rencontre: Rencontre) -> Rencontre:
    return (
        Rencontre.objects.select_for_update(of=("self",))
        .select_related("organisatrice", "groupe")
        .get(pk=rencontre.pk)
    )


@transaction.atomic
def rencontre_create(*, champs: ChampsRencontre, acting_user, request=None) -> Rencontre:
    """Plan a session and invite structures (``prevue``)."""
    erreurs = _rencontre_erreurs(
        champs, user=acting_user, organisatrice_changee=True, groupe_change=True
    )
    if erreurs:
        raise DonneesInvalides(erreurs)
    auteur = acting_user if getattr(acting_user, "is_authenticated", False) else None
    rencontre = Rencontre.objects.create(
        type=champs.type,
        intitule=champs.intitule.strip(),
        description=champs.description.strip(),
        theme=champs.theme.strip(),
        debut=champs.debut,
        fin=champs.fin,
        lieu=champs.lieu.strip(),
        a_distance=champs.a_distance,
        groupe=champs.groupe,
        organisatrice=champs.organisatrice,
        region_id=_region_de(champs),
        departement=champs.departement,
        cree_par=auteur,
    )
    invitees = _distinctes(champs.invitees, champs.organisatrice)
    Invitation.objects.bulk_create(
        Invitation(rencontre=rencontre, structure=structure) for structure in invitees
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=acting_user,
        obj=rencontre,
        structure_id=rencontre.organisatrice_id,
        request=request,
        details={
            "type": rencontre.type,
            "debut": rencontre.debut.isoformat(),
            "invitees": [s.pk for s in invitees],
            "groupe": str(rencontre.groupe.public_id) if rencontre.groupe_id else None,
        },
    )
    avis_apres_commit(
        rencontre=rencontre,
        avis={Avis.INVITATION: {s.pk for s in invitees}},
        sauf=acting_user,
    )
    return rencontre


#: The fields whose change a calendar must take (they raise the iCalendar SEQUENCE).
CHAMPS_CALENDRIER = ("intitule", "debut", "fin", "lieu", "a_distance", "description", "type")


@transaction.atomic
def rencontre_modifier(
    *, rencontre: Rencontre, champs: ChampsRencontre, acting_user, request=None
) -> Rencontre:
    """Change a planned session; invitations removed are deleted, new ones added."""
    rencontre = _rencontre_verrouillee(rencontre)
    action_verifier(Action.MODIFIER, rencontre.statut)
    organisatrice_changee = (
        champs.organisatrice is not None and champs.organisatrice.pk != rencontre.organisatrice_id
    )
    groupe_change = (champs.groupe.pk if champs.groupe else None) != rencontre.groupe_id
    erreurs = _rencontre_erreurs(
        champs,
        user=acting_user,
        organisatrice_changee=organisatrice_changee,
        groupe_change=groupe_change,
    )
    if erreurs:
        raise DonneesInvalides(erreurs)
    valeurs = {
        "type": champs.type,
        "intitule": champs.intitule.strip(),
        "description": champs.description.strip(),
        "theme": champs.theme.strip(),
        "debut": champs.debut,
        "fin": champs.fin,
        "lieu": champs.lieu.strip(),
        "a_distance": champs.a_distance,
        "groupe_id": champs.groupe.pk if champs.groupe else None,
        "organisatrice_id": champs.organisatrice.pk,
        "region_id": _region_de(champs),
        "departement_id": champs.departement.pk if champs.departement else None,
    }
    changes = sorted(
        k.removesuffix("_id") for k, v in valeurs.items() if getattr(rencontre, k) != v
    )
    invitees = _distinctes(champs.invitees, champs.organisatrice)
    voulues = {s.pk for s in invitees}
    actuelles = set(rencontre.invitations.values_list("structure_id", flat=True))
    ajoutees, retirees = voulues - actuelles, actuelles - voulues
    if not changes and not ajoutees and not retirees:
        return rencontre
    for key, value in valeurs.items():
        setattr(rencontre, key, value)
    changes_calendrier = [c for c in changes if c in CHAMPS_CALENDRIER]
    if changes_calendrier:
        rencontre.sequence += 1
    rencontre.save()
    rencontre.invitations.filter(structure_id__in=retirees).delete()
    Invitation.objects.bulk_create(
        Invitation(rencontre=rencontre, structure=s) for s in invitees if s.pk in ajoutees
    )
    details: dict = {"champs": changes}
    if ajoutees:
        details["invitees_ajoutees"] = sorted(ajoutees)
    if retirees:
        details["invitees_retirees"] = sorted(retirees)
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        obj=rencontre,
        structure_id=rencontre.organisatrice_id,
        request=request,
        details=details,
    )
    avis = {Avis.INVITATION: ajoutees, Avis.RETRAIT: retirees}
    if changes_calendrier:
        avis[Avis.CHANGEMENT] = voulues - ajoutees
    avis_apres_commit(rencontre=rencontre, avis=avis, changes=changes_calendrier, sauf=acting_user)
    return rencontre


@transaction.atomic
def rencontre_annuler(
    *, rencontre: Rencontre, acting_user, motif: str = "", request=None
) -> Rencontre:
    """Cancel a planned session; it stays listed (and in the calendars) as cancelled."""
    rencontre = _rencontre_verrouillee(rencontre)
    action_verifier(Action.ANNULER, rencontre.statut)
    if len(motif.strip()) > 300:
        raise DonneesInvalides({"motif": "Le motif tient en 300 caractères au plus."})
    rencontre.statut = StatutRencontre.ANNULEE
    rencontre.annulee_le = timezone.now()
    rencontre.motif_annulation = motif.strip()
    rencontre.sequence += 1
    rencontre.save(
        update_fields=["statut", "annulee_le", "motif_annulation", "sequence", "modifiee_le"]
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        obj=rencontre,
        structure_id=rencontre.organisatrice_id,
        request=request,
        details={"statut": StatutRencontre.ANNULEE, "motif": rencontre.motif_annulation},
    )
    avis_apres_commit(
        rencontre=rencontre,
        avis={Avis.ANNULATION: set(rencontre.invitations.values_list("structure_id", flat=True))},
        sauf=acting_user,
    )
    return rencontre


def _presences_erreurs(
    invitations: list[Invitation], presences: Mapping[int, tuple[str, int | None]]
) -> dict[str, str]:
    erreurs: dict[str, str] = {}
    connues = {i.structure_id for i in invitations}
    inconnues = set(presences) - connues
    if inconnues:
        erreurs["__all__"] = "Seules les structures invitées ont une présence à saisir."
    for invitation in invitations:
        pk = invitation.structure_id
        presence, nombre = presences.get(pk, ("", None))
        if presence not in Presence.values:
            erreurs[f"presence_{pk}"] = (
                f"Indiquez si {invitation.structure.nom} était présente ou absente."
            )
            continue
        if nombre is None:
            continue
        if presence == Presence.ABSENTE:
            erreurs[f"nombre_{pk}"] = (
                "Une structure absente n'a pas de participants : videz ce nombre."
            )
        elif nombre < 1:
            erreurs[f"nombre_{pk}"] = "Indiquez au moins une personne, ou laissez vide."
        elif nombre > NOMBRE_MAXIMUM:
            erreurs[f"nombre_{pk}"] = f"{NOMBRE_MAXIMUM} personnes au plus par structure."
    return erreurs


@transaction.atomic
def rencontre_presences_enregistrer(
    *,
    rencontre: Rencontre,
    presences: Mapping[int, tuple[str, int | None]],
    acting_user,
    request=None,
    maintenant: dt.datetime | None = None,
) -> Rencontre:
    """Record, after the session started, which invited structures came (``presences``: the
    invited structure's id → (``presente`` or ``absente``, number of its people or ``None``)).
    Every invited structure needs an answer. The session becomes ``tenue``; recording again
    corrects the attendance."""
    rencontre = _rencontre_verrouillee(rencontre)
    action_verifier(Action.PRESENCES, rencontre.statut)
    maintenant = maintenant or timezone.now()
    if rencontre.debut > maintenant:
        debut = timezone.localtime(rencontre.debut)
        raise DonneesInvalides(
            {
                "__all__": (
                    "La rencontre n'a pas encore eu lieu : les présences se saisissent à partir "
                    f"de son début, le {date_format(debut, 'j F Y à H:i')}."
                )
            }
        )
    invitations = list(rencontre.invitations.select_related("structure").order_by("pk"))
    erreurs = _presences_erreurs(invitations, presences)
    if erreurs:
        raise DonneesInvalides(erreurs)
    for invitation in invitations:
        invitation.presence, invitation.nombre_personnes = presences[invitation.structure_id]
    Invitation.objects.bulk_update(invitations, ["presence", "nombre_personnes"])
    correction = rencontre.statut == StatutRencontre.TENUE
    rencontre.statut = StatutRencontre.TENUE
    rencontre.presences_le = maintenant
    auteur = acting_user if getattr(acting_user, "is_authenticated", False) else None
    rencontre.presences_par = auteur
    rencontre.save(update_fields=["statut", "presences_le", "presences_par", "modifiee_le"])
    presentes = [i.structure_id for i in invitations if i.presence == Presence.PRESENTE]
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        obj=rencontre,
        structure_id=rencontre.organisatrice_id,
        request=request,
        details={
            "presences": "corrigees" if correction else "saisies",
            "presentes": presentes,
            "absentes": len(invitations) - len(presentes),
        },
    )
    return rencontre
