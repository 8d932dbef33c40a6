"""Writes on referrals: every user-visible change is one audited, atomic function here.

Moves of status go through ``adressage_transition`` only, which checks ``workflow.TRANSITIONS``
and the acting side, writes the ``Transition`` log and notifies after commit. The status itself
is changed by a compare-and-set ``UPDATE … WHERE statut = <expected>``, so two concurrent moves
cannot both win; the fan-out's "first to accept takes it" is the same compare-and-set on
``Diffusion.prise_par``.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from aiguillage.accounts.access import member_structure_ids
from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.core.telephones import telephone_chiffres
from aiguillage.referrals import workflow
from aiguillage.referrals.access import personne_champs_modifiables, sides_for
from aiguillage.referrals.models import (
    DONNEES_MINIMALES,
    MOTIFS_CLOTURE_CONSEILLER,
    ROLES_PILOTES,
    STATUTS_FINAUX,
    STATUTS_OUVERTS,
    Accompagnement,
    Adressage,
    Canal,
    Consentement,
    Diffusion,
    DonneePartagee,
    EvenementAccompagnement,
    MembreAccompagnement,
    Message,
    ModeConsentement,
    MotifAnnulation,
    MotifClotureAccompagnement,
    MotifRefus,
    NiveauAcces,
    Personne,
    PieceJointe,
    PreferenceContact,
    Resultat,
    RoleAccompagnement,
    Statut,
    Transition,
    TypeEvenement,
    TypeNotification,
)
from aiguillage.referrals.notifications import notify_structure
from aiguillage.referrals.workflow import Side, TransitionInterdite
from aiguillage.territories.search import normalise

__all__ = [
    "DonneesInvalides",
    "TransitionInterdite",
    "accompagnement_clore",
    "accompagnement_create",
    "accompagnement_evenement_add",
    "accompagnement_membre_add",
    "accompagnement_peut_clore",
    "adressage_create",
    "adressage_ouvrir",
    "adressage_rediriger",
    "adressage_transition",
    "consentement_create",
    "consentement_retirer",
    "consentement_texte",
    "message_create",
    "personne_create",
    "personne_doublons",
    "personne_modifier",
]


class DonneesInvalides(ValueError):
    """Bad input to a service, with French messages naming the field."""

    def __init__(self, erreurs: dict[str, str]):
        self.erreurs = erreurs
        super().__init__("; ".join(f"{k} : {v}" for k, v in erreurs.items()))


OUVERTS = [str(s) for s in STATUTS_OUVERTS]


def _lien(adressage: Adressage) -> str:
    return reverse("referrals:detail", args=[adressage.public_id])


# --- People -----------------------------------------------------------------------------------


def personne_doublons(*, prenom: str, nom: str, date_naissance: date | None, commune_id=None):
    """Existing people with the same names, birth date and commune (accents and case ignored)."""
    if not date_naissance:
        return Personne.objects.none()
    found = Personne.objects.filter(
        prenom_normalise=normalise(prenom),
        nom_normalise=normalise(nom),
        date_naissance=date_naissance,
        anonymisee_le__isnull=True,
        fusionnee_dans__isnull=True,
    )
    if commune_id:
        found = found.filter(Q(commune_id=commune_id) | Q(commune__isnull=True))
    return found


def _personne_erreurs(data: dict) -> dict[str, str]:
    """The rules every person record follows (a first name, a way to reach them that matches
    their preference), in French, naming the field."""
    erreurs = {}
    if not (data.get("prenom") or "").strip():
        erreurs["prenom"] = "Le prénom est obligatoire."
    if not data.get("courriel") and not data.get("telephone"):
        erreurs["courriel"] = "Indiquez au moins un moyen de contact : courriel ou téléphone."
    preference = data.get("preference_contact") or ""
    if preference in ("telephone", "sms") and not data.get("telephone"):
        erreurs["telephone"] = "La préférence de contact demande un numéro de téléphone."
    if preference == "courriel" and not data.get("courriel"):
        erreurs["courriel"] = "La préférence de contact demande une adresse électronique."
    return erreurs


@transaction.atomic
def personne_create(*, data: dict, structure=None, acting_user=None, request=None) -> Personne:
    """Record a person (minimum data). Raise ``DonneesInvalides`` without a way to reach them."""
    erreurs = _personne_erreurs(data)
    if erreurs:
        raise DonneesInvalides(erreurs)
    preference = data.get("preference_contact") or ""
    personne = Personne.objects.create(
        structure_creatrice=structure,
        prenom=data["prenom"].strip(),
        nom=(data.get("nom") or "").strip(),
        date_naissance=data.get("date_naissance"),
        commune=data.get("commune"),
        courriel=data.get("courriel") or "",
        telephone=data.get("telephone") or "",
        preference_contact=preference or ("courriel" if data.get("courriel") else "telephone"),
        contact_uniquement_ainsi=bool(data.get("contact_uniquement_ainsi")),
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=acting_user,
        obj=personne,
        object_repr=f"Personne {personne.public_id}",
        structure_id=structure.pk if structure else None,
        request=request,
    )
    return personne


#: The corrections a counsellor may make, with the field's French name (for the messages).
CHAMPS_PERSONNE = {
    "prenom": "prénom",
    "nom": "nom",
    "date_naissance": "date de naissance",
    "commune": "commune de résidence",
    "courriel": "courriel",
    "telephone": "téléphone",
    "preference_contact": "préférence de contact",
    "contact_uniquement_ainsi": "ne contacter la personne que de cette façon",
}
TELEPHONE_CARACTERES = frozenset("0123456789 .-()+")
NE_APRES = date(1900, 1, 1)


def _valeur_propre(champ: str, valeur):
    if champ in ("prenom", "nom", "courriel", "telephone", "preference_contact"):
        return (valeur or "").strip()
    if champ == "contact_uniquement_ainsi":
        return bool(valeur)
    return valeur or None  # date_naissance, commune


def _change(champ: str, valeur, fiche: Personne) -> bool:
    """Whether the value changes the record; a phone number written another way
    ("04 65 71 78 28" for "+33465717828") is the same number."""
    actuelle = getattr(fiche, champ)
    if champ == "telephone" and valeur and actuelle:
        return telephone_chiffres(valeur) != telephone_chiffres(actuelle)
    return valeur != actuelle


def _correction_erreurs(valeurs: dict, changes: set[str]) -> dict[str, str]:
    """The record's rules on the values it would have, and the format of what changes."""
    erreurs = _personne_erreurs(valeurs)
    if valeurs["preference_contact"] not in PreferenceContact.values:
        erreurs["preference_contact"] = "Choisissez une préférence de contact : " + ", ".join(
            label.lower() for label in PreferenceContact.labels
        )
    naissance = valeurs["date_naissance"]
    if (
        "date_naissance" in changes
        and naissance
        and not (NE_APRES <= naissance <= timezone.localdate())
    ):
        erreurs["date_naissance"] = (
            f"La date de naissance doit être comprise entre le {NE_APRES:%d/%m/%Y} et aujourd'hui."
        )
    telephone = valeurs["telephone"]
    if "telephone" in changes and telephone:
        chiffres = sum(c.isdigit() for c in telephone)
        if not set(telephone) <= TELEPHONE_CARACTERES or not 6 <= chiffres <= 15:
            erreurs.setdefault(
                "telephone",
                f"Le téléphone « {telephone} » n'est pas un numéro valable : des chiffres, "
                "séparés au besoin par des espaces, des points ou des tirets (« + » devant "
                "l'indicatif d'un autre pays).",
            )
    for champ, longueur in (("prenom", 100), ("nom", 100), ("telephone", 30)):
        if len(valeurs[champ]) > longueur and champ in changes:
            erreurs.setdefault(
                champ,
                f"Le champ « {CHAMPS_PERSONNE[champ]} » ne doit pas dépasser {longueur} "
                "caractères.",
            )
    return erreurs


def _structure_de(personne: Personne, user) -> int | None:
    """The user's structure that deals with the person (for the audit log)."""
    ids = member_structure_ids(user)
    if personne.structure_creatrice_id in ids:
        return personne.structure_creatrice_id
    for emettrice, destinataire in personne.adressages.values_list(
        "emettrice_id", "destinataire_id"
    ):
        for structure_id in (emettrice, destinataire):
            if structure_id in ids:
                return structure_id
    return (
        MembreAccompagnement.objects.filter(accompagnement__personne=personne, structure_id__in=ids)
        .values_list("structure_id", flat=True)
        .first()
    )


@transaction.atomic
def personne_modifier(
    *, personne: Personne, acting_user, data: dict, version=None, request=None
) -> list[str]:
    """Correct the person's details (right to rectification).

    ``data`` holds the fields to write (``CHAMPS_PERSONNE``); each must be one the user's
    structures may see (``access.personne_champs_modifiables``): a structure never overwrites
    what the consent does not share with it. ``version`` is the record's ``modifiee_le`` when
    the form was shown: a record changed since then is refused rather than overwritten. The
    normalised names (duplicate detection) follow. Returns the names of the fields changed
    (none: nothing written); the audit event lists those names, never the values."""
    modifiables = set(personne_champs_modifiables(personne=personne, user=acting_user))
    interdits = {}
    for champ in data:
        if champ not in CHAMPS_PERSONNE:
            interdits[champ] = f"Le champ « {champ} » ne fait pas partie de la fiche."
        elif champ not in modifiables:
            interdits[champ] = (
                f"Votre structure ne peut pas modifier le champ « {CHAMPS_PERSONNE[champ]} » : "
                "le consentement de la personne ne le partage pas avec elle."
            )
    if interdits:
        raise DonneesInvalides(interdits)
    fiche = (
        Personne.objects.select_for_update()
        .filter(pk=personne.pk, anonymisee_le__isnull=True, fusionnee_dans__isnull=True)
        .first()
    )
    if fiche is None:
        raise TransitionInterdite("Cette fiche a été effacée ou fusionnée entre-temps.")
    if version is not None and fiche.modifiee_le != version:
        raise TransitionInterdite(
            "La fiche a été modifiée par quelqu'un d'autre pendant que vous la corrigiez : "
            "rechargez la page, vérifiez ses informations et refaites vos corrections."
        )
    nouvelles = {champ: _valeur_propre(champ, valeur) for champ, valeur in data.items()}
    changes = [c for c in CHAMPS_PERSONNE if c in nouvelles and _change(c, nouvelles[c], fiche)]
    valeurs = {champ: getattr(fiche, champ) for champ in CHAMPS_PERSONNE} | nouvelles
    erreurs = _correction_erreurs(valeurs, set(changes))
    if erreurs:
        raise DonneesInvalides(erreurs)
    if not changes:
        return []
    for champ in changes:
        setattr(fiche, champ, nouvelles[champ])
    # ``save`` recomputes the normalised names from the new ones.
    fiche.save(update_fields=[*changes, "prenom_normalise", "nom_normalise", "modifiee_le"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        obj=fiche,
        object_repr=f"Personne {fiche.public_id}",
        structure_id=_structure_de(fiche, acting_user),
        request=request,
        details={"rectification": True, "champs_modifies": changes},
    )
    personne.refresh_from_db()
    return changes


# --- Consent ----------------------------------------------------------------------------------

CONSENTEMENT_TEXTE = (
    "J'accepte que {donnees} soient transmis à {structures} pour {objet}. "
    "Je peux retirer ce consentement à tout moment ; la ou les structures destinataires n'auront "
    "alors plus accès à ces informations. Ce consentement vaut jusqu'au {fin:%d/%m/%Y}."
)


def consentement_texte(*, donnees, structures, fin: date, objet: str = "") -> str:
    labels = [DonneePartagee(d).label.lower() for d in donnees]
    return CONSENTEMENT_TEXTE.format(
        donnees=", ".join(labels),
        structures=", ".join(s.nom for s in structures),
        objet=objet or "que l'on me recontacte au sujet de mon projet professionnel",
        fin=fin,
    )


def consentement_fin(duree_mois: int | None = None) -> date:
    """The end date of a consent given today (``AIGUILLAGE_CONSENTEMENT_DUREE_MOIS`` months)."""
    mois = duree_mois or settings.AIGUILLAGE_CONSENTEMENT_DUREE_MOIS
    return (timezone.now() + timedelta(days=round(mois * 30.44))).date()


def consentement_create(
    *,
    personne: Personne,
    structures,
    donnees,
    mode: str,
    recueilli_par=None,
    structure=None,
    duree_mois: int | None = None,
    texte: str = "",
) -> Consentement:
    """Record the person's explicit consent to share ``donnees`` with ``structures``."""
    structures = list(structures)
    donnees = list(dict.fromkeys([*DONNEES_MINIMALES, *donnees]))
    erreurs = {}
    if not structures:
        erreurs["structures"] = "Choisissez au moins une structure destinataire."
    if mode not in ModeConsentement.values:
        erreurs["mode"] = "Mode de recueil inconnu : " + ", ".join(ModeConsentement.values) + "."
    if mode != ModeConsentement.PORTAIL and recueilli_par is None:
        erreurs["recueilli_par"] = "Indiquez qui a recueilli le consentement."
    if erreurs:
        raise DonneesInvalides(erreurs)
    now = timezone.now()
    fin = consentement_fin(duree_mois)
    consent = Consentement.objects.create(
        personne=personne,
        donnees_partagees=[str(d) for d in donnees],
        mode=mode,
        recueilli_par=recueilli_par,
        structure=structure,
        texte=texte or consentement_texte(donnees=donnees, structures=structures, fin=fin),
        donne_le=now,
        valable_jusqu_au=fin,
    )
    consent.structures.set(structures)
    return consent


@transaction.atomic
def consentement_retirer(*, consentement: Consentement, acting_user=None, request=None) -> int:
    """The person withdraws consent: receivers lose access and open referrals close."""
    updated = Consentement.objects.filter(pk=consentement.pk, retire_le__isnull=True).update(
        retire_le=timezone.now(), retire_par=acting_user
    )
    if not updated:
        raise TransitionInterdite("Ce consentement a déjà été retiré.")
    consentement.refresh_from_db()
    closed = 0
    for adressage in consentement.adressages.filter(statut__in=OUVERTS):
        adressage_transition(
            adressage=adressage,
            vers=Statut.ANNULEE,
            acting_user=acting_user,
            side=Side.SYSTEME,
            motif=MotifAnnulation.CONSENTEMENT_RETIRE,
        )
        closed += 1
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        obj=consentement,
        object_repr=f"Retrait du consentement {consentement.public_id}",
        request=request,
        details={"adressages_clos": closed},
    )
    return closed


# --- Referrals --------------------------------------------------------------------------------


@transaction.atomic
def adressage_create(
    *,
    personne: Personne,
    consentement: Consentement,
    destinataires,
    motif: str,
    note: str = "",
    canal: str = Canal.CONSEILLER,
    emettrice=None,
    emis_par=None,
    site=None,
    diagnostic=None,
    origine: Adressage | None = None,
    request=None,
) -> list[Adressage]:
    """Send the person to one structure, or fan the request out to several (first to accept
    takes it). The consent must cover every receiver."""
    destinataires = list(dict.fromkeys(destinataires))
    erreurs = {}
    if not destinataires:
        erreurs["destinataires"] = "Choisissez au moins une structure destinataire."
    if not (motif or "").strip():
        erreurs["motif"] = "Indiquez le motif de l'adressage."
    if emettrice is not None and any(d.pk == emettrice.pk for d in destinataires):
        erreurs["destinataires"] = "Une structure ne peut pas s'adresser une personne à elle-même."
    covered = set(consentement.structures.values_list("pk", flat=True))
    missing = [d.nom for d in destinataires if d.pk not in covered]
    if missing:
        erreurs["consentement"] = (
            "Le consentement de la personne ne couvre pas : " + ", ".join(missing) + "."
        )
    if consentement.personne_id != personne.pk or not consentement.actif(timezone.localdate()):
        erreurs["consentement"] = "Le consentement n'est pas valable pour cette personne."
    if erreurs:
        raise DonneesInvalides(erreurs)
    now = timezone.now()
    diffusion = Diffusion.objects.create() if len(destinataires) > 1 else None
    created = []
    for destinataire in destinataires:
        adressage = Adressage.objects.create(
            canal=canal,
            personne=personne,
            consentement=consentement,
            emettrice=emettrice,
            emis_par=emis_par if getattr(emis_par, "is_authenticated", False) else None,
            destinataire=destinataire,
            site=site if site is not None and site.structure_id == destinataire.pk else None,
            diagnostic=diagnostic,
            diffusion=diffusion,
            origine=origine,
            motif=motif.strip()[:200],
            note=note,
            statut=Statut.ENVOYEE,
            statut_depuis=now,
        )
        Transition.objects.create(
            adressage=adressage,
            de="",
            vers=Statut.ENVOYEE,
            le=now,
            par=adressage.emis_par,
            structure=emettrice,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=emis_par,
            obj=adressage,
            structure_id=emettrice.pk if emettrice else destinataire.pk,
            request=request,
            details={"destinataire": destinataire.pk, "diffusion": bool(diffusion)},
        )
        qui = emettrice.nom if emettrice else "le portail public"
        notify_structure(
            structure_id=destinataire.pk,
            type=TypeNotification.NOUVEL_ADRESSAGE,
            texte=f"Nouvel adressage reçu de {qui} : {adressage.motif}",
            lien=_lien(adressage),
            adressage=adressage,
        )
        created.append(adressage)
    return created


def adressage_ouvrir(*, adressage: Adressage, user, request=None) -> Adressage:
    """A member of the receiving structure opens the referral: ``envoyee`` becomes ``recue``
    (the read receipt). Pages and API call this on their first read."""
    if Side.DESTINATAIRE not in sides_for(adressage=adressage, user=user):
        return adressage
    if adressage.statut != Statut.ENVOYEE:
        return adressage
    # Another member may have opened it at the same moment: then it is already "reçue".
    with contextlib.suppress(TransitionInterdite):
        return adressage_transition(
            adressage=adressage,
            vers=Statut.RECUE,
            acting_user=user,
            side=Side.DESTINATAIRE,
            request=request,
        )
    adressage.refresh_from_db()
    return adressage


STAMPS = {
    Statut.RECUE: "recue_le",
    Statut.ACCEPTEE: "acceptee_le",
    Statut.PREMIER_CONTACT: "premier_contact_le",
}


@transaction.atomic
def adressage_transition(
    *,
    adressage: Adressage,
    vers: str,
    acting_user=None,
    side: str | None = None,
    motif: str = "",
    commentaire: str = "",
    request=None,
) -> Adressage:
    """Move the referral to ``vers`` if the state machine and the user's side allow it.

    ``motif`` is the coded reason: a ``MotifRefus`` for ``refusee``, a ``Resultat`` for
    ``terminee``, a ``MotifAnnulation`` for ``annulee``. A forbidden move raises
    ``TransitionInterdite`` and changes nothing."""
    de = adressage.statut
    sides = {side} if side else sides_for(adressage=adressage, user=acting_user)
    if not sides:
        raise TransitionInterdite("Vous n'êtes membre d'aucune structure de cet adressage.")
    errors = []
    for candidate in sides:
        try:
            workflow.check(de, vers, candidate)
        except TransitionInterdite as exc:
            errors.append(exc)
        else:
            break
    else:
        raise errors[0]
    fields = _fields_for(vers, motif, commentaire)
    now = timezone.now()
    if vers in STAMPS:
        fields[STAMPS[vers]] = now
    if vers == Statut.ACCEPTEE and not adressage.recue_le:
        fields["recue_le"] = now
    if vers in STATUTS_FINAUX:
        fields["cloturee_le"] = now
    if vers == Statut.ACCEPTEE and adressage.diffusion_id:
        taken = Diffusion.objects.filter(pk=adressage.diffusion_id, prise_par__isnull=True).update(
            prise_par=adressage
        )
        if not taken:
            raise TransitionInterdite(
                "Une autre structure a déjà pris en charge cette demande : elle ne peut plus "
                "être acceptée."
            )
    updated = Adressage.objects.filter(pk=adressage.pk, statut=de).update(
        statut=vers, statut_depuis=now, modifie_le=now, **fields
    )
    if not updated:
        current = Adressage.objects.filter(pk=adressage.pk).values_list("statut", flat=True).first()
        raise TransitionInterdite(
            "L'adressage a changé entre-temps (statut actuel : "
            f"« {Statut(current).label if current else 'supprimé'} »). Rechargez la page."
        )
    acting_structure = _acting_structure(adressage, acting_user, sides)
    Transition.objects.create(
        adressage=adressage,
        de=de,
        vers=vers,
        le=now,
        par=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        structure=acting_structure,
        motif=motif,
        commentaire=commentaire,
    )
    adressage.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        obj=adressage,
        structure_id=acting_structure.pk if acting_structure else adressage.destinataire_id,
        request=request,
        details={"de": de, "vers": vers, "motif": motif},
    )
    _notify_transition(adressage, de, vers, acting_user)
    if vers == Statut.ACCEPTEE and adressage.diffusion_id:
        _close_siblings(adressage)
    return adressage


def _acting_structure(adressage: Adressage, user, sides: set[str]):
    if Side.DESTINATAIRE in sides:
        return adressage.destinataire
    if Side.EMETTRICE in sides:
        return adressage.emettrice
    return None


def _fields_for(vers: str, motif: str, commentaire: str) -> dict:
    if vers == Statut.REFUSEE:
        if motif not in MotifRefus.values:
            raise TransitionInterdite(
                "Un refus doit être motivé : " + ", ".join(MotifRefus.values) + "."
            )
        if motif == MotifRefus.AUTRE and not commentaire.strip():
            raise TransitionInterdite("Le motif « autre » demande un commentaire.")
        return {"motif_refus": motif, "commentaire_cloture": commentaire}
    if vers == Statut.TERMINEE:
        if motif not in Resultat.values:
            raise TransitionInterdite(
                "Indiquez le résultat de l'accompagnement : " + ", ".join(Resultat.values) + "."
            )
        return {"resultat": motif, "commentaire_cloture": commentaire}
    if vers == Statut.ANNULEE:
        if motif not in MotifAnnulation.values:
            raise TransitionInterdite(
                "Indiquez le motif de l'annulation : " + ", ".join(MotifAnnulation.values) + "."
            )
        return {"motif_annulation": motif, "commentaire_cloture": commentaire}
    if vers == Statut.EXPIREE:
        return {"commentaire_cloture": commentaire}
    return {}


def _notify_transition(adressage: Adressage, de: str, vers: str, acting_user) -> None:
    if vers == Statut.RECUE:
        return  # a read receipt: shown in the sender's list, not worth an e-mail
    label = Statut(vers).label.lower()
    texte = f"Adressage vers {adressage.destinataire.nom} : {label}"
    if vers == Statut.REFUSEE:
        texte += f" ({MotifRefus(adressage.motif_refus).label.lower()})"
    if vers == Statut.TERMINEE:
        texte += f" ({Resultat(adressage.resultat).label.lower()})"
    # The sender always learns what happened (a refusal is always shared back).
    notify_structure(
        structure_id=adressage.emettrice_id,
        type=TypeNotification.EXPIRATION if vers == Statut.EXPIREE else TypeNotification.STATUT,
        texte=texte,
        lien=_lien(adressage),
        adressage=adressage,
        sauf=acting_user,
    )
    if vers in (Statut.ANNULEE, Statut.EXPIREE):
        notify_structure(
            structure_id=adressage.destinataire_id,
            type=TypeNotification.STATUT,
            texte=f"Adressage reçu de {_emettrice_nom(adressage)} : {label}",
            lien=_lien(adressage),
            adressage=adressage,
            sauf=acting_user,
        )


def _emettrice_nom(adressage: Adressage) -> str:
    return adressage.emettrice.nom if adressage.emettrice_id else "le portail public"


def _close_siblings(taken: Adressage) -> None:
    siblings = Adressage.objects.filter(diffusion_id=taken.diffusion_id).exclude(pk=taken.pk)
    for sibling in siblings.filter(statut__in=OUVERTS):
        adressage_transition(
            adressage=sibling,
            vers=Statut.ANNULEE,
            side=Side.SYSTEME,
            motif=MotifAnnulation.PRISE_PAR_AUTRE,
            commentaire=f"Prise en charge par {taken.destinataire.nom}.",
        )


@transaction.atomic
def adressage_rediriger(
    *,
    adressage: Adressage,
    vers_structure,
    acting_user,
    commentaire: str = "",
    consentement_mode: str = ModeConsentement.TELEPHONE,
    texte: str = "",
    request=None,
) -> Adressage:
    """The receiver sends the person on to ``vers_structure`` (a new referral, with the
    person's consent for that structure recorded by the acting counsellor)."""
    if vers_structure.pk in (adressage.destinataire_id, adressage.emettrice_id):
        raise DonneesInvalides(
            {"structure": "Choisissez une autre structure que l'émettrice et la destinataire."}
        )
    adressage_transition(
        adressage=adressage,
        vers=Statut.REDIRIGEE,
        acting_user=acting_user,
        commentaire=commentaire or f"Redirigée vers {vers_structure.nom}.",
        request=request,
    )
    ancien = adressage.consentement
    consent = consentement_create(
        personne=adressage.personne,
        structures=[vers_structure],
        donnees=ancien.donnees_partagees,
        mode=consentement_mode,
        recueilli_par=acting_user,
        structure=adressage.destinataire,
        texte=texte,
    )
    (nouveau,) = adressage_create(
        personne=adressage.personne,
        consentement=consent,
        destinataires=[vers_structure],
        motif=adressage.motif,
        note=commentaire or adressage.note,
        canal=Canal.CONSEILLER,
        emettrice=adressage.destinataire,
        emis_par=acting_user,
        diagnostic=adressage.diagnostic,
        origine=adressage,
        request=request,
    )
    return nouveau


# --- Messages ---------------------------------------------------------------------------------


@transaction.atomic
def message_create(
    *, adressage: Adressage, auteur, texte: str, fichiers=(), request=None
) -> Message:
    """A message between the structures of the referral, with optional attachments."""
    sides = sides_for(adressage=adressage, user=auteur)
    if not sides:
        raise TransitionInterdite("Vous n'êtes membre d'aucune structure de cet adressage.")
    if not (texte or "").strip():
        raise DonneesInvalides({"texte": "Le message est vide."})
    structure = _acting_structure(adressage, auteur, sides)
    message = Message.objects.create(
        adressage=adressage, auteur=auteur, structure=structure, texte=texte.strip()
    )
    for fichier in fichiers:
        piece_jointe_add(adressage=adressage, message=message, fichier=fichier, auteur=auteur)
    other = (
        adressage.emettrice_id
        if structure.pk == adressage.destinataire_id
        else adressage.destinataire_id
    )
    notify_structure(
        structure_id=other,
        type=TypeNotification.MESSAGE,
        texte=f"Nouveau message de {structure.nom} sur un adressage",
        lien=_lien(adressage),
        adressage=adressage,
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=auteur,
        obj=message,
        structure_id=structure.pk,
        request=request,
    )
    return message


TYPES_AUTORISES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/plain",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def piece_jointe_add(*, adressage: Adressage, fichier, auteur, message=None) -> PieceJointe:
    sides = sides_for(adressage=adressage, user=auteur)
    if not sides:
        raise TransitionInterdite("Vous n'êtes membre d'aucune structure de cet adressage.")
    size = getattr(fichier, "size", 0) or 0
    content_type = getattr(fichier, "content_type", "") or "application/octet-stream"
    if size > settings.AIGUILLAGE_PIECE_JOINTE_MAX_OCTETS:
        raise DonneesInvalides(
            {
                "fichier": f"« {fichier.name} » dépasse la taille maximale "
                f"({settings.AIGUILLAGE_PIECE_JOINTE_MAX_OCTETS // (1024 * 1024)} Mo)."
            }
        )
    if content_type not in TYPES_AUTORISES:
        raise DonneesInvalides(
            {"fichier": f"« {fichier.name} » : type non accepté (PDF, image, texte, document)."}
        )
    piece = PieceJointe(
        adressage=adressage,
        message=message,
        nom=fichier.name[:200],
        type_mime=content_type,
        taille=size,
        ajoutee_par=auteur,
        structure=_acting_structure(adressage, auteur, sides),
    )
    piece.fichier.save(fichier.name, fichier, save=False)
    piece.save()
    return piece


# --- Co-accompaniment -------------------------------------------------------------------------


@transaction.atomic
def accompagnement_create(
    *,
    personne: Personne,
    consentement: Consentement,
    intitule: str,
    structure,
    acting_user,
    theme: str = "",
    adressage: Adressage | None = None,
    request=None,
) -> Accompagnement:
    """Open a shared follow-up; ``structure`` (the user's) is its first referent."""
    if structure.pk not in member_structure_ids(acting_user):
        raise TransitionInterdite("Vous n'êtes pas membre de cette structure.")
    if not (intitule or "").strip():
        raise DonneesInvalides({"intitule": "Donnez un intitulé au co-accompagnement."})
    accompagnement = Accompagnement.objects.create(
        personne=personne,
        consentement=consentement,
        intitule=intitule.strip(),
        theme=theme.strip(),
        cree_par=acting_user,
        adressage=adressage,
    )
    MembreAccompagnement.objects.create(
        accompagnement=accompagnement,
        structure=structure,
        role=RoleAccompagnement.REFERENT,
        niveau_acces=NiveauAcces.COMPLET,
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=acting_user,
        obj=accompagnement,
        object_repr=f"Co-accompagnement {accompagnement.public_id}",
        structure_id=structure.pk,
        request=request,
    )
    return accompagnement


@transaction.atomic
def accompagnement_membre_add(
    *, accompagnement: Accompagnement, structure, role: str, niveau_acces: str, acting_user
) -> MembreAccompagnement:
    """Add a structure; full access needs the person's consent to cover it. Refused once the
    co-accompaniment is closed."""
    ids = member_structure_ids(acting_user)
    if not accompagnement.membres.filter(structure_id__in=ids).exists():
        raise TransitionInterdite("Seules les structures membres peuvent en ajouter d'autres.")
    _ouvert_ou_refus(accompagnement, "aucune structure ne peut plus y être associée")
    if accompagnement.membres.filter(structure=structure).exists():
        raise DonneesInvalides({"structure": f"{structure.nom} suit déjà cette personne."})
    covered = accompagnement.consentement.structures.filter(pk=structure.pk).exists()
    if niveau_acces == NiveauAcces.COMPLET and not covered:
        raise DonneesInvalides(
            {
                "niveau_acces": f"Le consentement de la personne ne couvre pas {structure.nom} : "
                "accès « parcours » seulement, ou recueillez un nouveau consentement."
            }
        )
    membre = MembreAccompagnement.objects.create(
        accompagnement=accompagnement, structure=structure, role=role, niveau_acces=niveau_acces
    )
    acting = accompagnement.membres.filter(structure_id__in=ids).first().structure
    EvenementAccompagnement.objects.create(
        accompagnement=accompagnement,
        structure=acting,
        auteur=acting_user,
        type=TypeEvenement.MEMBRE,
        texte=f"{structure.nom} rejoint le co-accompagnement ({membre.get_role_display()}).",
        date=timezone.localdate(),
    )
    notify_structure(
        structure_id=structure.pk,
        type=TypeNotification.ACCOMPAGNEMENT,
        texte=f"{acting.nom} vous associe à un co-accompagnement : {accompagnement.intitule}",
        lien=reverse("referrals:accompagnement", args=[accompagnement.public_id]),
        accompagnement=accompagnement,
    )
    return membre


#: What a member writes on the timeline; arrivals and the closing are written by the services.
TYPES_EVENEMENT_MANUELS = frozenset(
    {TypeEvenement.NOTE, TypeEvenement.RENDEZ_VOUS, TypeEvenement.ETAPE}
)


def _verrouiller(accompagnement: Accompagnement):
    """Lock the co-accompaniment's row until the end of the transaction (writes on it and its
    closing take turns) and return its current ``clos_le``."""
    return (
        Accompagnement.objects.select_for_update()
        .filter(pk=accompagnement.pk)
        .values_list("clos_le", flat=True)
        .first()
    )


def _ouvert_ou_refus(accompagnement: Accompagnement, consequence: str) -> None:
    """Refuse a change to a closed co-accompaniment (after a concurrent closing, too)."""
    clos_le = _verrouiller(accompagnement)
    if clos_le is not None:
        raise TransitionInterdite(
            f"Ce co-accompagnement est clos depuis le {timezone.localtime(clos_le):%d/%m/%Y} : "
            f"{consequence}."
        )


def _membre_pilote(accompagnement: Accompagnement, user) -> MembreAccompagnement | None:
    """The user's member structure that leads the co-accompaniment (referent or co-referent)."""
    return (
        accompagnement.membres.filter(
            structure_id__in=member_structure_ids(user), role__in=[str(r) for r in ROLES_PILOTES]
        )
        .select_related("structure")
        .order_by("-role", "pk")  # the referent first, if the user belongs to both
        .first()
    )


def accompagnement_peut_clore(*, accompagnement: Accompagnement, user) -> bool:
    """Still open, and the user belongs to a referent or co-referent member structure."""
    return accompagnement.clos_le is None and _membre_pilote(accompagnement, user) is not None


NOTE_CLOTURE_MAX = 2000


@transaction.atomic
def accompagnement_clore(
    *, accompagnement: Accompagnement, auteur, motif: str, note: str = "", request=None
) -> Accompagnement:
    """End the co-accompaniment: a member (counsellor or manager) of a referent or co-referent
    structure records the end date, a coded reason (``MotifClotureAccompagnement``; « autre »
    needs the note) and an optional note, as a timeline event. The other members are told
    (never the person's name, nor the free-text title). It is read-only afterwards: no event, no
    member (``_ouvert_ou_refus``); it does not reopen — open a new one if needed."""
    ids = member_structure_ids(auteur)
    if not accompagnement.membres.filter(structure_id__in=ids).exists():
        raise TransitionInterdite(
            "Seules les structures membres peuvent clore ce co-accompagnement."
        )
    pilote = _membre_pilote(accompagnement, auteur)
    if pilote is None:
        raise TransitionInterdite(
            "Seule une structure référente ou co-référente peut clore ce co-accompagnement : "
            "demandez-le à l'une d'elles."
        )
    clos_le = _verrouiller(accompagnement)
    if clos_le is not None:
        raise TransitionInterdite(
            f"Ce co-accompagnement est déjà clos (le {timezone.localtime(clos_le):%d/%m/%Y})."
        )
    note = (note or "").strip()
    erreurs = {}
    motifs = dict(MOTIFS_CLOTURE_CONSEILLER)
    if motif not in motifs:
        erreurs["motif"] = (
            "Choisissez le motif de la clôture : "
            + ", ".join(label.lower() for label in motifs.values())
            + "."
        )
    elif motif == MotifClotureAccompagnement.AUTRE and not note:
        erreurs["note"] = "Le motif « autre » demande une note qui le précise."
    if len(note) > NOTE_CLOTURE_MAX:
        erreurs["note"] = f"La note ne doit pas dépasser {NOTE_CLOTURE_MAX} caractères."
    if erreurs:
        raise DonneesInvalides(erreurs)
    now = timezone.now()
    # Compare-and-set as well (the lock above is a no-op on SQLite): one closing wins.
    closed = Accompagnement.objects.filter(pk=accompagnement.pk, clos_le__isnull=True).update(
        clos_le=now, motif_cloture=motif
    )
    if not closed:
        raise TransitionInterdite("Ce co-accompagnement vient d'être clos par une autre structure.")
    accompagnement.refresh_from_db()
    structure = pilote.structure
    libelle = MotifClotureAccompagnement(motif).label
    texte = f"Co-accompagnement clos par {structure.nom} : {libelle}."
    EvenementAccompagnement.objects.create(
        accompagnement=accompagnement,
        structure=structure,
        auteur=auteur,
        type=TypeEvenement.CLOTURE,
        texte=f"{texte}\n{note}" if note else texte,
        date=timezone.localdate(),
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=auteur,
        obj=accompagnement,
        object_repr=f"Clôture du co-accompagnement {accompagnement.public_id}",
        structure_id=structure.pk,
        request=request,
        details={"motif_cloture": motif, "note": bool(note)},
    )
    lien = reverse("referrals:accompagnement", args=[accompagnement.public_id])
    ouvert = timezone.localtime(accompagnement.ouvert_le)
    for structure_id in accompagnement.membres.values_list("structure_id", flat=True):
        notify_structure(
            structure_id=structure_id,
            type=TypeNotification.ACCOMPAGNEMENT,
            texte=f"{structure.nom} a clos un co-accompagnement ouvert le {ouvert:%d/%m/%Y} : "
            f"{libelle.lower()}",
            lien=lien,
            accompagnement=accompagnement,
            sauf=auteur,
        )
    return accompagnement


@transaction.atomic
def accompagnement_evenement_add(
    *, accompagnement: Accompagnement, acting_user, type: str, texte: str, date_evenement=None
) -> EvenementAccompagnement:
    """A note, an appointment or a step on the shared timeline (refused once closed)."""
    ids = member_structure_ids(acting_user)
    membre = accompagnement.membres.filter(structure_id__in=ids).select_related("structure").first()
    if membre is None:
        raise TransitionInterdite("Seules les structures membres écrivent sur le parcours.")
    _ouvert_ou_refus(accompagnement, "le parcours partagé ne peut plus être complété")
    if not (texte or "").strip():
        raise DonneesInvalides({"texte": "Le texte est vide."})
    if type not in TYPES_EVENEMENT_MANUELS:
        raise DonneesInvalides(
            {"type": "Type inconnu : " + ", ".join(sorted(TYPES_EVENEMENT_MANUELS))}
        )
    return EvenementAccompagnement.objects.create(
        accompagnement=accompagnement,
        structure=membre.structure,
        auteur=acting_user,
        type=type,
        texte=texte.strip(),
        date=date_evenement or timezone.localdate(),
    )


# --- Requests from the public portal ----------------------------------------------------------

DONNEES_PORTAIL = (DonneePartagee.SITUATION, DonneePartagee.NOTE)


def consentement_portail_texte(structures) -> str:
    """The consent text the portal shows before the person sends a request."""
    return consentement_texte(
        donnees=[*DONNEES_MINIMALES, *DONNEES_PORTAIL],
        structures=structures,
        fin=consentement_fin(),
        objet="que cette structure me recontacte au sujet de mon projet professionnel",
    )


@transaction.atomic
def demande_portail_create(*, diagnostic, site, data: dict, request=None) -> Adressage:
    """A person asks a site's structure, from the portal, to contact them: their minimal data,
    their consent (given by themselves, with the text they saw) and the request, received in the
    structure's inbox like any referral (no sending structure)."""
    structure = site.structure
    personne = personne_create(data=data, request=request)
    consent = consentement_create(
        personne=personne,
        structures=[structure],
        donnees=DONNEES_PORTAIL,
        mode=ModeConsentement.PORTAIL,
        texte=consentement_portail_texte([structure]),
    )
    (adressage,) = adressage_create(
        personne=personne,
        consentement=consent,
        destinataires=[structure],
        motif="Demande de contact depuis le portail",
        note=data.get("message", ""),
        canal=Canal.PORTAIL,
        site=site,
        diagnostic=diagnostic,
        request=request,
    )
    return adressage
