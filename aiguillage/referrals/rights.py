"""The person's rights (RGPD art. 15 and 17) and the merge of duplicate records.

Concept map:

- **Who answers a request.** The *responsible structures* of a person are the structures that
  collected their data with them: the one that recorded the person and those that sent one of
  their referrals. A person who came alone through the public portal has none: the structures
  that received their referral (while they may see the data) and the co-accompaniment members
  with full access answer instead. ``personne_get_for_rights`` is the gateway: it first goes
  through ``access.personne_get_for_member`` (404 and an audited view), then requires a
  membership (export) or the ``responsable_structure`` role (erasure, merge) in one of the
  responsible structures — 404 otherwise, like every gateway.
- **Access right** (``personne_export``): one JSON document with everything the platform holds
  about the person — record, consents, referrals with their log, messages, attachments'
  metadata, co-accompaniments with their timeline. Audited as ``export``.
- **Erasure** (``personne_effacer``): every consent not withdrawn yet is withdrawn
  (``services.consentement_retirer``: the open referrals close as ``annulee`` /
  ``consentement_retire``, the structures are told), open co-accompaniments close, then the
  person and all their referrals are anonymised at once (``retention``'s building blocks).
  Statuses, outcomes and dates stay for the statistics.
- **Duplicates** (``doublons_pour``): pairs of people the manager's structures answer for, with
  the same normalised first and last names and birth date, and the same commune (or one
  unknown) — the rule of ``services.personne_doublons``.
- **Merge** (``personnes_fusionner``): the duplicate's referrals, consents and co-accompaniments
  move to the record kept, which also takes the details it lacked; the duplicate points to it
  (``fusionnee_dans``) and is anonymised. One transaction, audited on both records.

Audit events never carry a person's name: records are named by their public id.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from aiguillage.accounts.access import managed_structure_ids, member_structure_ids
from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.referrals import access, services
from aiguillage.referrals.models import (
    STATUTS_OUVERTS,
    Accompagnement,
    Adressage,
    Consentement,
    MotifAnnulation,
    MotifClotureAccompagnement,
    NiveauAcces,
    Personne,
    Statut,
)
from aiguillage.referrals.retention import (
    adressages_anonymiser,
    evenements_effacer,
    personnes_anonymiser,
)
from aiguillage.referrals.services import DonneesInvalides
from aiguillage.referrals.workflow import Side

__all__ = [
    "FORMAT_EXPORT",
    "PaireDoublons",
    "doublons_pour",
    "personne_effacer",
    "personne_export",
    "personne_get_for_rights",
    "personnes_fusionner",
    "structures_responsables",
]

FORMAT_EXPORT = "aiguillage/personne-export/1"
OUVERTS = [str(s) for s in STATUTS_OUVERTS]


def _repr(personne: Personne) -> str:
    return f"Personne {personne.public_id}"


# --- Who answers ------------------------------------------------------------------------------


def structures_responsables(personne: Personne) -> set[int]:
    """The structures that answer the person's requests (see the module docstring)."""
    ids = set()
    if personne.structure_creatrice_id:
        ids.add(personne.structure_creatrice_id)
    adressages = list(personne.adressages.select_related("consentement"))
    ids |= {a.emettrice_id for a in adressages if a.emettrice_id}
    if ids:
        return ids
    today = timezone.localdate()
    for adressage in adressages:
        consent = adressage.consentement
        if (
            adressage.statut not in access.FERMES_AU_DESTINATAIRE
            and consent.actif(today)
            and consent.structures.filter(pk=adressage.destinataire_id).exists()
        ):
            ids.add(adressage.destinataire_id)
    ids |= set(
        Accompagnement.objects.filter(personne=personne, consentement__retire_le__isnull=True)
        .filter(membres__niveau_acces=NiveauAcces.COMPLET)
        .values_list("membres__structure_id", flat=True)
    )
    return ids


def peut_exporter(*, user, personne: Personne) -> bool:
    return bool(structures_responsables(personne) & member_structure_ids(user))


def peut_gerer(*, user, personne: Personne) -> bool:
    """Erase and merge: a manager of one of the responsible structures."""
    return bool(structures_responsables(personne) & managed_structure_ids(user))


def personne_get_for_rights(*, user, public_id, request=None, gestion: bool = False) -> Personne:
    """A person the user may export (``gestion=False``) or erase and merge (``gestion=True``);
    404 for anybody else."""
    personne = access.personne_get_for_member(user=user, public_id=public_id, request=request)
    if gestion:
        allowed = peut_gerer(user=user, personne=personne)
    else:
        allowed = peut_exporter(user=user, personne=personne)
    if not allowed:
        raise Http404("Personne introuvable.")
    return personne


# --- Access right: the export -----------------------------------------------------------------


def _dt(value):
    return value.isoformat() if value else None


def _nom(structure) -> str | None:
    return structure.nom if structure is not None else None


def personne_export(*, personne: Personne, acting_user=None, request=None) -> dict:
    """Everything held about the person, as one JSON-ready document (audited as an export)."""
    personne = Personne.objects.select_related("commune", "structure_creatrice").get(pk=personne.pk)
    consentements = (
        Consentement.objects.filter(personne=personne)
        .select_related("structure")
        .prefetch_related("structures")
        .order_by("donne_le", "pk")
    )
    adressages = (
        Adressage.objects.filter(personne=personne)
        .select_related("emettrice", "destinataire", "site", "consentement")
        .prefetch_related(
            "transitions__structure", "messages__structure", "pieces_jointes__structure"
        )
        .order_by("cree_le", "pk")
    )
    accompagnements = (
        Accompagnement.objects.filter(personne=personne)
        .prefetch_related("membres__structure", "evenements__structure")
        .order_by("ouvert_le", "pk")
    )
    document = {
        "format": FORMAT_EXPORT,
        "genere_le": timezone.now().isoformat(),
        "personne": {
            "identifiant": str(personne.public_id),
            "cree_le": _dt(personne.cree_le),
            "structure_creatrice": _nom(personne.structure_creatrice),
            "prenom": personne.prenom,
            "nom": personne.nom,
            "date_naissance": _dt(personne.date_naissance),
            "commune": (
                {"code": personne.commune.code, "nom": personne.commune.nom}
                if personne.commune
                else None
            ),
            "courriel": personne.courriel,
            "telephone": personne.telephone,
            "preference_contact": personne.get_preference_contact_display(),
            "contact_uniquement_ainsi": personne.contact_uniquement_ainsi,
            "dossiers_fusionnes": [
                str(p) for p in personne.fusionnees.values_list("public_id", flat=True)
            ],
        },
        "consentements": [
            {
                "identifiant": str(c.public_id),
                "donnees_partagees": list(c.donnees_partagees),
                "structures_destinataires": sorted(s.nom for s in c.structures.all()),
                "recueilli": c.get_mode_display(),
                "recueilli_par_structure": _nom(c.structure),
                "texte": c.texte,
                "donne_le": _dt(c.donne_le),
                "valable_jusqu_au": _dt(c.valable_jusqu_au),
                "retire_le": _dt(c.retire_le),
            }
            for c in consentements
        ],
        "adressages": [_adressage_export(a) for a in adressages],
        "accompagnements": [
            {
                "identifiant": str(acc.public_id),
                "intitule": acc.intitule,
                "theme": acc.theme,
                "ouvert_le": _dt(acc.ouvert_le),
                "clos_le": _dt(acc.clos_le),
                "motif_cloture": acc.get_motif_cloture_display() if acc.motif_cloture else None,
                "consentement": str(acc.consentement.public_id),
                "structures": [
                    {
                        "structure": m.structure.nom,
                        "role": m.get_role_display(),
                        "acces": m.get_niveau_acces_display(),
                        "depuis": _dt(m.ajoute_le),
                    }
                    for m in acc.membres.all()
                ],
                "evenements": [
                    {
                        "date": _dt(e.date),
                        "type": e.get_type_display(),
                        "structure": e.structure.nom,
                        "texte": e.texte,
                    }
                    for e in acc.evenements.all()
                ],
            }
            for acc in accompagnements.select_related("consentement")
        ],
    }
    audit_record(
        action=AuditAction.EXPORT,
        actor=acting_user,
        obj=personne,
        object_repr=_repr(personne),
        request=request,
        details={
            "adressages": len(document["adressages"]),
            "consentements": len(document["consentements"]),
            "accompagnements": len(document["accompagnements"]),
        },
    )
    return document


def _adressage_export(a: Adressage) -> dict:
    return {
        "identifiant": str(a.public_id),
        "envoye_le": _dt(a.cree_le),
        "canal": a.get_canal_display(),
        "structure_emettrice": _nom(a.emettrice) or "Portail public (la personne elle-même)",
        "structure_destinataire": a.destinataire.nom,
        "site": _nom(a.site),
        "consentement": str(a.consentement.public_id),
        "motif": a.motif,
        "note": a.note,
        "statut": a.get_statut_display(),
        "motif_refus": a.get_motif_refus_display() if a.motif_refus else None,
        "resultat": a.get_resultat_display() if a.resultat else None,
        "motif_annulation": a.get_motif_annulation_display() if a.motif_annulation else None,
        "commentaire": a.commentaire_cloture,
        "recue_le": _dt(a.recue_le),
        "acceptee_le": _dt(a.acceptee_le),
        "premier_contact_le": _dt(a.premier_contact_le),
        "cloturee_le": _dt(a.cloturee_le),
        "anonymise_le": _dt(a.anonymise_le),
        "historique": [
            {
                "de": Statut(t.de).label if t.de else None,
                "vers": Statut(t.vers).label,
                "le": _dt(t.le),
                "structure": _nom(t.structure),
                "motif": t.motif,
                "commentaire": t.commentaire,
            }
            for t in a.transitions.all()
        ],
        "messages": [
            {"structure": m.structure.nom, "envoye_le": _dt(m.cree_le), "texte": m.texte}
            for m in a.messages.all()
        ],
        "pieces_jointes": [
            {
                "nom": p.nom,
                "type": p.type_mime,
                "taille_octets": p.taille,
                "structure": p.structure.nom,
                "ajoutee_le": _dt(p.cree_le),
            }
            for p in a.pieces_jointes.all()
        ],
    }


# --- Erasure ----------------------------------------------------------------------------------


@dataclass
class Effacement:
    consentements_retires: int = 0
    adressages_clos: int = 0
    accompagnements_clos: int = 0
    adressages_anonymises: int = 0


@transaction.atomic
def personne_effacer(*, personne: Personne, acting_user, request=None) -> Effacement:
    """Erase the person on request: withdraw consents, close what is open, anonymise now."""
    locked = Personne.objects.select_for_update().filter(pk=personne.pk).first()
    if locked is None or locked.anonymisee_le is not None:
        raise DonneesInvalides({"personne": "Cette personne a déjà été effacée."})
    bilan = Effacement()
    for consent in Consentement.objects.filter(personne=personne, retire_le__isnull=True):
        bilan.adressages_clos += services.consentement_retirer(
            consentement=consent, acting_user=acting_user, request=request
        )
        bilan.consentements_retires += 1
    # A referral still open under a consent withdrawn earlier (should not happen): close it too.
    for adressage in Adressage.objects.filter(personne=personne, statut__in=OUVERTS):
        services.adressage_transition(
            adressage=adressage,
            vers=Statut.ANNULEE,
            acting_user=acting_user,
            side=Side.SYSTEME,
            motif=MotifAnnulation.CONSENTEMENT_RETIRE,
            request=request,
        )
        bilan.adressages_clos += 1
    now = timezone.now()
    accompagnements = Accompagnement.objects.filter(personne=personne)
    bilan.accompagnements_clos = accompagnements.filter(clos_le__isnull=True).update(
        clos_le=now, motif_cloture=MotifClotureAccompagnement.EFFACEMENT
    )
    evenements_effacer(accompagnements=accompagnements)
    ids = list(Adressage.objects.filter(personne=personne).values_list("pk", flat=True))
    bilan.adressages_anonymises, _, _ = adressages_anonymiser(ids=ids, maintenant=now)
    personnes_anonymiser(ids=[personne.pk], maintenant=now)
    audit_record(
        action=AuditAction.DELETE,
        actor=acting_user,
        obj=personne,
        object_repr=_repr(personne),
        request=request,
        details={"effacement_sur_demande": True, **bilan.__dict__},
    )
    personne.refresh_from_db()
    return bilan


# --- Duplicates and merge ---------------------------------------------------------------------


@dataclass(frozen=True)
class PaireDoublons:
    a: Personne
    b: Personne


def _compatibles(a: Personne, b: Personne) -> bool:
    return a.commune_id is None or b.commune_id is None or a.commune_id == b.commune_id


def _candidats(structure_ids: set[int]):
    """People the structures may answer for (a superset: checked one by one afterwards)."""
    return Personne.objects.filter(
        Q(structure_creatrice_id__in=structure_ids)
        | Q(adressages__emettrice_id__in=structure_ids)
        | Q(structure_creatrice__isnull=True, adressages__destinataire_id__in=structure_ids)
        | Q(
            accompagnements__membres__structure_id__in=structure_ids,
            accompagnements__membres__niveau_acces=NiveauAcces.COMPLET,
        ),
        anonymisee_le__isnull=True,
        fusionnee_dans__isnull=True,
        date_naissance__isnull=False,
    )


def doublons_pour(*, user, request=None, limite: int = 100) -> list[PaireDoublons]:
    """Probable duplicate pairs among the people the user's managed structures answer for.
    Every person shown goes through the gateway (and its audited view)."""
    geres = managed_structure_ids(user)
    if not geres:
        return []
    cles = (
        _candidats(geres)
        .values("prenom_normalise", "nom_normalise", "date_naissance")
        .annotate(n=Count("pk", distinct=True))
        .filter(n__gte=2)
        .order_by("nom_normalise", "prenom_normalise", "date_naissance")[:limite]
    )
    condition = Q(pk__in=[])
    for cle in cles:
        condition |= Q(
            prenom_normalise=cle["prenom_normalise"],
            nom_normalise=cle["nom_normalise"],
            date_naissance=cle["date_naissance"],
        )
    groupes: dict[tuple, list[Personne]] = {}
    personnes = (
        _candidats(geres).filter(condition).distinct().select_related("commune").order_by("cree_le")
    )
    for personne in personnes:
        if not structures_responsables(personne) & geres:
            continue
        cle = (personne.prenom_normalise, personne.nom_normalise, personne.date_naissance)
        groupes.setdefault(cle, []).append(personne)
    paires = [
        PaireDoublons(a, b)
        for groupe in groupes.values()
        for a, b in combinations(groupe, 2)
        if _compatibles(a, b)
    ][:limite]
    visibles = set()
    for personne in {p.pk: p for paire in paires for p in (paire.a, paire.b)}.values():
        try:
            access.personne_get_for_member(user=user, public_id=personne.public_id, request=request)
        except Http404:
            continue
        visibles.add(personne.pk)
    return [p for p in paires if p.a.pk in visibles and p.b.pk in visibles]


def doublons_de(*, personne: Personne, user) -> list[Personne]:
    """The probable duplicates of ``personne`` that the user may merge with it."""
    found = services.personne_doublons(
        prenom=personne.prenom,
        nom=personne.nom,
        date_naissance=personne.date_naissance,
        commune_id=personne.commune_id,
    ).exclude(pk=personne.pk)
    return [p for p in found.select_related("commune") if peut_gerer(user=user, personne=p)]


COMPLETER = ("nom", "date_naissance", "commune", "courriel", "telephone")


@transaction.atomic
def personnes_fusionner(
    *, garder: Personne, doublon: Personne, acting_user, request=None
) -> Personne:
    """Merge ``doublon`` into ``garder`` (see the module docstring)."""
    if garder.pk == doublon.pk:
        raise DonneesInvalides({"doublon": "Choisissez deux personnes différentes."})
    locked = {
        p.pk: p for p in Personne.objects.select_for_update().filter(pk__in=[garder.pk, doublon.pk])
    }
    for role, personne in (("garder", garder), ("doublon", doublon)):
        current = locked.get(personne.pk)
        if current is None or current.anonymisee_le or current.fusionnee_dans_id:
            raise DonneesInvalides(
                {role: "Cette personne a été effacée ou fusionnée entre-temps. Rechargez la page."}
            )
    garder, doublon = locked[garder.pk], locked[doublon.pk]
    moved = {
        "adressages": Adressage.objects.filter(personne=doublon).update(personne=garder),
        "consentements": Consentement.objects.filter(personne=doublon).update(personne=garder),
        "accompagnements": Accompagnement.objects.filter(personne=doublon).update(personne=garder),
    }
    Personne.objects.filter(fusionnee_dans=doublon).update(fusionnee_dans=garder)
    completes = []
    for champ in COMPLETER:
        if not getattr(garder, champ) and getattr(doublon, champ):
            setattr(garder, champ, getattr(doublon, champ))
            completes.append(champ)
    if not garder.structure_creatrice_id and doublon.structure_creatrice_id:
        garder.structure_creatrice_id = doublon.structure_creatrice_id
        completes.append("structure_creatrice")
    if completes:
        garder.save()
    Personne.objects.filter(pk=doublon.pk).update(fusionnee_dans=garder)
    personnes_anonymiser(ids=[doublon.pk])
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        obj=garder,
        object_repr=_repr(garder),
        request=request,
        details={"fusion_de": str(doublon.public_id), "champs_completes": completes, **moved},
    )
    audit_record(
        action=AuditAction.DELETE,
        actor=acting_user,
        obj=doublon,
        object_repr=_repr(doublon),
        request=request,
        details={"fusionnee_dans": str(garder.public_id)},
    )
    return garder
