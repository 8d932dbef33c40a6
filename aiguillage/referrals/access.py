"""The one gateway to referrals, people, messages, attachments and co-accompaniments.

Rules (see docs/adressages.md):

- a referral is visible only to the members (``conseiller``, ``responsable_structure``) of its
  sending and receiving structures; anybody else — another structure, a coordinator, an analyst,
  even a platform administrator — gets **404**, as if it did not exist;
- the receiver sees the person's data only while the consent is active (not withdrawn, not past
  its end date), covers the receiving structure, and the referral was not cancelled or expired;
  it sees only the data items the consent lists (``donnees_partagees``);
- a co-accompaniment is visible to the members of its member structures; the level ``parcours``
  shows the timeline without contact details;
- a person's record (``personne_get_for_member``) is visible to the structures involved with the
  person; what each one sees of it (``personne_donnees_partagees``) is also what it may correct
  (``personne_champs_modifiables``): a structure never reads nor overwrites a field the consent
  does not share with it;
- every display of a person's data is written to the audit log (``audit_view``).

Coordinators and analysts read aggregates only (``stats.region_statistiques``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from aiguillage.accounts.access import member_structure_ids
from aiguillage.core.audit import audit_view
from aiguillage.referrals.models import (
    Accompagnement,
    Adressage,
    DonneePartagee,
    NiveauAcces,
    Personne,
    PieceJointe,
    Statut,
)
from aiguillage.referrals.workflow import Side

__all__ = [
    "CHAMPS_PAR_DONNEE",
    "accompagnement_get_for_member",
    "accompagnements_for_member",
    "adressage_get_for_member",
    "adressages_for_member",
    "champs_du_partage",
    "donnees_visibles",
    "personne_champs_modifiables",
    "personne_donnees_partagees",
    "personne_get_for_member",
    "piece_jointe_get_for_member",
    "sides_for",
]

FERMES_AU_DESTINATAIRE = frozenset({Statut.ANNULEE, Statut.EXPIREE})


def adressages_for_member(*, user):
    """Referrals sent or received by the user's structures."""
    ids = member_structure_ids(user)
    return Adressage.objects.filter(Q(destinataire_id__in=ids) | Q(emettrice_id__in=ids))


def adressage_get_for_member(*, user, public_id, request=None, audit: bool = True) -> Adressage:
    adressage = (
        adressages_for_member(user=user)
        .select_related(
            "personne",
            "personne__commune",
            "consentement",
            "emettrice",
            "destinataire",
            "site",
            "emis_par",
        )
        .prefetch_related("consentement__structures")
        .filter(public_id=public_id)
        .first()
    )
    if adressage is None:
        raise Http404("Adressage introuvable.")
    if audit and donnees_visibles(adressage=adressage, user=user):
        audit_view(
            actor=user,
            obj=adressage.personne,
            request=request,
            structure_id=_acting_structure_id(adressage, user),
            object_repr=f"Personne de l'adressage {adressage.public_id}",
        )
    return adressage


def sides_for(*, adressage: Adressage, user) -> set[str]:
    ids = member_structure_ids(user)
    sides = set()
    if adressage.destinataire_id in ids:
        sides.add(Side.DESTINATAIRE)
    if adressage.emettrice_id is not None and adressage.emettrice_id in ids:
        sides.add(Side.EMETTRICE)
    return sides


def _acting_structure_id(adressage: Adressage, user) -> int | None:
    ids = member_structure_ids(user)
    if adressage.destinataire_id in ids:
        return adressage.destinataire_id
    return adressage.emettrice_id


@dataclass(frozen=True)
class VuePersonne:
    """The person's data as one structure may see it (``None`` for what is not shared)."""

    prenom: str
    nom: str
    courriel: str | None
    telephone: str | None
    preference_contact: str | None
    preference_contact_label: str | None
    contact_uniquement_ainsi: bool | None
    date_naissance: object | None
    commune: object | None
    note_visible: bool
    situation_visible: bool


def donnees_visibles(*, adressage: Adressage, user) -> VuePersonne | None:
    """What ``user`` may see of the referral's person, or ``None`` (nothing)."""
    personne = adressage.personne
    if personne.anonymisee_le is not None:
        return None
    sides = sides_for(adressage=adressage, user=user)
    if Side.EMETTRICE in sides:
        # The sender collected these data itself.
        return _vue(personne, None)
    if Side.DESTINATAIRE not in sides:
        return None
    consent = adressage.consentement
    if adressage.statut in FERMES_AU_DESTINATAIRE or not consent.actif(timezone.localdate()):
        return None
    # ``all()``: read once per consent (and from the prefetch when the gateway made one).
    if not any(s.pk == adressage.destinataire_id for s in consent.structures.all()):
        return None
    return _vue(personne, set(consent.donnees_partagees))


def _vue(personne: Personne, shared: set[str] | None) -> VuePersonne:
    def ok(item: str) -> bool:
        return shared is None or item in shared

    contact = ok(DonneePartagee.COORDONNEES)
    return VuePersonne(
        prenom=personne.prenom,
        nom=personne.nom if ok(DonneePartagee.IDENTITE) else "",
        courriel=personne.courriel if contact else None,
        telephone=personne.telephone if contact else None,
        preference_contact=personne.preference_contact if contact else None,
        preference_contact_label=personne.get_preference_contact_display() if contact else None,
        contact_uniquement_ainsi=personne.contact_uniquement_ainsi if contact else None,
        date_naissance=personne.date_naissance if ok(DonneePartagee.DATE_NAISSANCE) else None,
        commune=personne.commune if ok(DonneePartagee.COMMUNE) else None,
        note_visible=ok(DonneePartagee.NOTE),
        situation_visible=ok(DonneePartagee.SITUATION),
    )


def piece_jointe_get_for_member(*, user, public_id, request=None) -> PieceJointe:
    piece = PieceJointe.objects.select_related("adressage").filter(public_id=public_id).first()
    if piece is None:
        raise Http404("Pièce jointe introuvable.")
    # Same rule as the referral it belongs to (404 for anybody else).
    adressage = adressage_get_for_member(
        user=user, public_id=piece.adressage.public_id, request=request
    )
    if donnees_visibles(adressage=adressage, user=user) is None:
        raise Http404("Pièce jointe introuvable.")
    return piece


def accompagnements_for_member(*, user):
    return Accompagnement.objects.filter(
        membres__structure_id__in=member_structure_ids(user)
    ).distinct()


def accompagnement_get_for_member(*, user, public_id, request=None):
    """A co-accompaniment and the user's access level (``complet`` or ``parcours``)."""
    accompagnement = (
        accompagnements_for_member(user=user)
        .select_related("personne", "consentement")
        .filter(public_id=public_id)
        .first()
    )
    if accompagnement is None:
        raise Http404("Co-accompagnement introuvable.")
    ids = member_structure_ids(user)
    levels = {m.niveau_acces for m in accompagnement.membres.all() if m.structure_id in ids}
    niveau = NiveauAcces.COMPLET if NiveauAcces.COMPLET in levels else NiveauAcces.PARCOURS
    if not accompagnement.consentement.actif(timezone.localdate()):
        niveau = NiveauAcces.PARCOURS  # consent withdrawn or expired: no contact details
    audit_view(
        actor=user,
        obj=accompagnement.personne,
        request=request,
        object_repr=f"Personne du co-accompagnement {accompagnement.public_id}",
    )
    return accompagnement, niveau


def personne_get_for_member(*, user, public_id, request=None) -> Personne:
    """A person record (export, erasure, merge): structures that created it or hold it through
    a referral whose data they may see, or a co-accompaniment with full access."""
    ids = member_structure_ids(user)
    personne = Personne.objects.filter(public_id=public_id, anonymisee_le__isnull=True).first()
    if personne is None:
        raise Http404("Personne introuvable.")
    allowed = personne.structure_creatrice_id in ids
    if not allowed:
        referrals = personne.adressages.select_related("consentement").prefetch_related(
            "consentement__structures"
        )
        for adressage in referrals:
            if donnees_visibles(adressage=adressage, user=user) is not None:
                allowed = True
                break
    if not allowed:
        allowed = personne.accompagnements.filter(
            membres__structure_id__in=ids, membres__niveau_acces=NiveauAcces.COMPLET
        ).exists()
    if not allowed:
        raise Http404("Personne introuvable.")
    audit_view(
        actor=user, obj=personne, request=request, object_repr=f"Personne {personne.public_id}"
    )
    return personne


#: The ``Personne`` fields behind each shared item (situation and note are not on the record).
CHAMPS_PAR_DONNEE: dict[str, tuple[str, ...]] = {
    DonneePartagee.IDENTITE: ("prenom", "nom"),
    DonneePartagee.DATE_NAISSANCE: ("date_naissance",),
    DonneePartagee.COMMUNE: ("commune",),
    DonneePartagee.COORDONNEES: (
        "courriel",
        "telephone",
        "preference_contact",
        "contact_uniquement_ainsi",
    ),
}


def personne_donnees_partagees(*, personne: Personne, user) -> set[str] | None:
    """What the user's structures may see of a person they reach through
    ``personne_get_for_member``: ``None`` for everything (they recorded the person or sent one of
    their referrals), else the items shared by the consents of the referrals whose data they see
    and of the co-accompaniments where they have full access under an active consent."""
    ids = member_structure_ids(user)
    if personne.structure_creatrice_id in ids:
        return None
    adressages = list(
        personne.adressages.select_related("consentement", "personne").prefetch_related(
            "consentement__structures"
        )
    )
    if any(a.emettrice_id in ids for a in adressages if a.emettrice_id):
        return None
    partage: set[str] = set()
    for adressage in adressages:
        if donnees_visibles(adressage=adressage, user=user) is not None:
            partage |= set(adressage.consentement.donnees_partagees)
    today = timezone.localdate()
    for accompagnement in personne.accompagnements.filter(
        membres__structure_id__in=ids,
        membres__niveau_acces=NiveauAcces.COMPLET,
        consentement__retire_le__isnull=True,
    ).select_related("consentement"):
        if accompagnement.consentement.actif(today):
            partage |= set(accompagnement.consentement.donnees_partagees)
    return partage


def champs_du_partage(partage: set[str] | None) -> tuple[str, ...]:
    """The ``Personne`` fields behind what is shared (``None``: everything)."""
    return tuple(
        champ
        for donnee, champs in CHAMPS_PAR_DONNEE.items()
        if partage is None or donnee in partage
        for champ in champs
    )


def personne_champs_modifiables(*, personne: Personne, user) -> tuple[str, ...]:
    """The ``Personne`` fields the user may correct: exactly those their structures may see."""
    return champs_du_partage(personne_donnees_partagees(personne=personne, user=user))
