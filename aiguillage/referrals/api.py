"""Referrals API (``/api/v1/adressages``): the same gateways and services as the pages.

Concept map:

- every endpoint but ``GET /statuts`` needs a session (``django_auth``) and reads through
  ``referrals.access``: a referral is **404** for anyone not a member of its sending or receiving
  structure (administrators, coordinators and analysts included), and the person's data appear
  only as ``access.donnees_visibles`` allows (each display is audited by the gateway);
- ``POST /adressages`` records the person (or reuses one the user may see), the consent, and
  one referral per receiver (several receivers = a fan-out, the first to accept takes it). With
  an ``Idempotency-Key`` header a retried POST returns the same referrals (``idempotency.py``);
- ``POST /adressages/{id}/transitions`` moves the status through ``services.adressage_transition``
  (``redirigee`` through ``services.adressage_rediriger``); a forbidden move is **409** with the
  state machine's French message, and nothing changes;
- as on the referral's page, the receiving structure's first ``GET /adressages/{id}`` marks an
  ``envoyee`` referral ``recue``; messages and attachments are shown (and messages accepted)
  only while the user sees the person's data: otherwise the exchanges are closed;
- a request the rules refuse is **422** ``RequeteInvalide`` (``api/erreurs.py``): ``detail`` and
  ``erreurs``, each field named as the client sends it (``personne.courriel``, not the
  service's ``courriel``; ``fichiers``; the ``Idempotency-Key`` header);
- each referral carries its FHIR R4 ``Task.status`` (``workflow.FHIR_TASK_STATUS``) and our exact
  status as ``business_status``; ``GET /statuts`` publishes the whole machine.

The contract is documented in ``docs/api-adressages.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Form, Header, Query, Router, Schema, UploadedFile
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import django_auth

from aiguillage.accounts.access import member_structure_ids
from aiguillage.api.erreurs import RequeteInvalide
from aiguillage.directory.models import Site, Structure
from aiguillage.referrals import access, idempotency, selectors, services
from aiguillage.referrals.models import (
    STATUTS_FINAUX,
    Adressage,
    Canal,
    DonneePartagee,
    MotifAnnulation,
    MotifRefus,
    PreferenceContact,
    Resultat,
    Statut,
)
from aiguillage.referrals.services import DonneesInvalides
from aiguillage.referrals.workflow import (
    FHIR_TASK_STATUS,
    TRANSITIONS,
    TransitionInterdite,
    allowed_from,
)
from aiguillage.territories.models import Commune

__all__ = ["router"]

router = Router(tags=["adressages"])

# The coded reason each closing status requires (``motif`` of a transition).
MOTIFS_PAR_STATUT = {
    Statut.REFUSEE: MotifRefus,
    Statut.TERMINEE: Resultat,
    Statut.ANNULEE: MotifAnnulation,
}


# --- Schemas ----------------------------------------------------------------------------------


class StructureRef(Schema):
    id: int
    nom: str


class CommuneRef(Schema):
    code: str
    nom: str


class Choix(Schema):
    code: str
    label: str


class PersonneResume(Schema):
    prenom: str
    nom: str


class AdressageResume(Schema):
    public_id: UUID
    cree_le: datetime
    canal: str
    statut: str
    statut_label: str
    fhir_task_status: str
    motif: str
    emettrice: StructureRef | None
    destinataire: StructureRef
    diffusion: bool = Field(..., description="Demande diffusée à plusieurs structures")
    personne: PersonneResume | None = Field(
        ..., description="Absent quand les données de la personne ne sont pas visibles"
    )


class InboxOut(Schema):
    boite: str
    total: int
    page: int
    pages: int
    resultats: list[AdressageResume]


class InboxQuery(Schema):
    boite: str = Field("a_traiter", description="a_traiter, recus ou envoyes")
    statut: str = Field("", description="Un statut (voir /adressages/statuts)")
    structure: int | None = Field(None, description="Une de vos structures")
    page: int = 1


class PersonneOut(Schema):
    public_id: UUID
    prenom: str
    nom: str
    courriel: str | None
    telephone: str | None
    preference_contact: str | None
    contact_uniquement_ainsi: bool | None
    date_naissance: date | None
    commune: CommuneRef | None


class ConsentementOut(Schema):
    public_id: UUID
    donnees_partagees: list[str]
    mode: str
    donne_le: datetime
    valable_jusqu_au: date
    retire_le: datetime | None
    actif: bool


class EtapeOut(Schema):
    de: str
    vers: str
    vers_label: str
    le: datetime
    structure: StructureRef | None
    motif: str
    commentaire: str


class TransitionPossible(Schema):
    statut: str
    label: str
    fhir_task_status: str
    motifs: list[Choix] = Field(..., description="Motifs codés acceptés (vide : aucun requis)")


class AdressageOut(Schema):
    public_id: UUID
    cree_le: datetime
    modifie_le: datetime
    canal: str
    statut: str
    statut_label: str
    statut_depuis: datetime
    fhir_task_status: str = Field(..., description="Task.status FHIR R4")
    business_status: str = Field(..., description="Task.businessStatus : le statut exact")
    motif: str
    note: str | None = Field(..., description="Absente si la note n'est pas partagée")
    emettrice: StructureRef | None
    destinataire: StructureRef
    site: StructureRef | None
    diffusion: UUID | None
    origine: UUID | None
    redirections: list[UUID]
    diagnostic: UUID | None
    motif_refus: str
    resultat: str
    motif_annulation: str
    commentaire_cloture: str
    recue_le: datetime | None
    acceptee_le: datetime | None
    premier_contact_le: datetime | None
    cloturee_le: datetime | None
    personne: PersonneOut | None
    consentement: ConsentementOut
    cotes: list[str] = Field(..., description="Vos côtés : emettrice, destinataire")
    transitions_possibles: list[TransitionPossible]
    historique: list[EtapeOut]


class PersonneIn(Schema):
    prenom: str
    nom: str = ""
    date_naissance: date | None = None
    commune: str | None = Field(None, description="Code INSEE de la commune de résidence")
    courriel: str = ""
    telephone: str = ""
    preference_contact: str = Field("", description="courriel, telephone ou sms")
    contact_uniquement_ainsi: bool = False


class ConsentementIn(Schema):
    donnees: list[str] = Field(
        default_factory=list,
        description="Données partagées en plus de l'identité et des coordonnées (toujours "
        "transmises) : date_naissance, commune, situation, note",
    )
    mode: str = Field(..., description="en_personne, telephone, ecrit ou portail")


class AdressageIn(Schema):
    personne: PersonneIn | None = Field(None, description="Une nouvelle personne…")
    personne_id: UUID | None = Field(None, description="… ou une personne déjà connue")
    consentement: ConsentementIn
    destinataires: list[int] = Field(
        ..., description="Structures destinataires ; plusieurs : la première qui accepte la prend"
    )
    motif: str
    note: str = ""
    emettrice: int | None = Field(
        None, description="Votre structure émettrice (obligatoire si vous en avez plusieurs)"
    )
    site: int | None = Field(None, description="Un site d'une structure destinataire")


class CreationOut(Schema):
    diffusion: UUID | None
    adressages: list[AdressageOut]


class TransitionIn(Schema):
    vers: str
    motif: str = Field("", description="Motif codé : refus, résultat ou annulation")
    commentaire: str = ""
    structure: int | None = Field(None, description="Pour « redirigee » : la nouvelle structure")


class PieceJointeOut(Schema):
    public_id: UUID
    nom: str
    type_mime: str
    taille: int
    cree_le: datetime
    structure: StructureRef
    message: UUID | None
    url: str


class MessageOut(Schema):
    public_id: UUID
    cree_le: datetime
    structure: StructureRef
    auteur: str | None
    texte: str
    pieces_jointes: list[PieceJointeOut]


class RetraitOut(Schema):
    adressages_clos: int
    adressage: AdressageOut


class TransitionDecrite(Schema):
    vers: str
    par: str = Field(..., description="destinataire, emettrice ou systeme")


class StatutOut(Schema):
    statut: str
    label: str
    fhir_task_status: str
    final: bool
    motifs: list[Choix]
    transitions: list[TransitionDecrite]


class Erreur(Schema):
    detail: str


# --- Helpers ----------------------------------------------------------------------------------


def _structure(structure) -> dict | None:
    return {"id": structure.pk, "nom": structure.nom} if structure is not None else None


def _motifs(statut: str) -> list[dict]:
    choices = MOTIFS_PAR_STATUT.get(statut)
    return [{"code": c.value, "label": c.label} for c in choices] if choices else []


def _transitions_possibles(adressage: Adressage, user) -> list[dict]:
    targets: list[str] = []
    for side in sorted(access.sides_for(adressage=adressage, user=user)):
        targets += [t for t in allowed_from(adressage.statut, side) if t not in targets]
    return [
        {
            "statut": t,
            "label": Statut(t).label,
            "fhir_task_status": FHIR_TASK_STATUS[t],
            "motifs": _motifs(t),
        }
        for t in targets
    ]


def _personne_out(adressage: Adressage, vue) -> dict | None:
    if vue is None:
        return None
    commune = vue.commune
    return {
        "public_id": adressage.personne.public_id,
        "prenom": vue.prenom,
        "nom": vue.nom,
        "courriel": vue.courriel,
        "telephone": vue.telephone,
        "preference_contact": vue.preference_contact,
        "contact_uniquement_ainsi": vue.contact_uniquement_ainsi,
        "date_naissance": vue.date_naissance,
        "commune": {"code": commune.code, "nom": commune.nom} if commune else None,
    }


def _adressage_out(adressage: Adressage, user) -> dict:
    """One referral as ``user`` may see it (the caller went through the gateway)."""
    vue = access.donnees_visibles(adressage=adressage, user=user)
    consent = adressage.consentement
    visibles = access.adressages_for_member(user=user)
    origine = None
    if adressage.origine_id:
        origine = visibles.filter(pk=adressage.origine_id).values_list("public_id", flat=True)
        origine = origine.first()
    historique = adressage.transitions.select_related("structure")
    diagnostic = None
    if vue is not None and vue.situation_visible and adressage.diagnostic_id:
        diagnostic = adressage.diagnostic.public_id
    return {
        "public_id": adressage.public_id,
        "cree_le": adressage.cree_le,
        "modifie_le": adressage.modifie_le,
        "canal": adressage.canal,
        "statut": adressage.statut,
        "statut_label": adressage.get_statut_display(),
        "statut_depuis": adressage.statut_depuis,
        "fhir_task_status": FHIR_TASK_STATUS[adressage.statut],
        "business_status": adressage.statut,
        "motif": adressage.motif,
        "note": adressage.note if vue is not None and vue.note_visible else None,
        "emettrice": _structure(adressage.emettrice),
        "destinataire": _structure(adressage.destinataire),
        "site": _structure(adressage.site),
        "diffusion": adressage.diffusion.public_id if adressage.diffusion_id else None,
        "origine": origine,
        "redirections": list(
            visibles.filter(origine=adressage).values_list("public_id", flat=True)
        ),
        "diagnostic": diagnostic,
        "motif_refus": adressage.motif_refus,
        "resultat": adressage.resultat,
        "motif_annulation": adressage.motif_annulation,
        "commentaire_cloture": adressage.commentaire_cloture,
        "recue_le": adressage.recue_le,
        "acceptee_le": adressage.acceptee_le,
        "premier_contact_le": adressage.premier_contact_le,
        "cloturee_le": adressage.cloturee_le,
        "personne": _personne_out(adressage, vue),
        "consentement": {
            "public_id": consent.public_id,
            "donnees_partagees": consent.donnees_partagees,
            "mode": consent.mode,
            "donne_le": consent.donne_le,
            "valable_jusqu_au": consent.valable_jusqu_au,
            "retire_le": consent.retire_le,
            "actif": consent.actif(timezone.localdate()),
        },
        "cotes": sorted(access.sides_for(adressage=adressage, user=user)),
        "transitions_possibles": _transitions_possibles(adressage, user),
        "historique": [
            {
                "de": etape.de,
                "vers": etape.vers,
                "vers_label": etape.get_vers_display(),
                "le": etape.le,
                "structure": _structure(etape.structure),
                "motif": etape.motif,
                "commentaire": etape.commentaire,
            }
            for etape in historique
        ],
    }


def _get(request, public_id: UUID, *, audit: bool = True) -> Adressage:
    return access.adressage_get_for_member(
        user=request.user, public_id=public_id, request=request, audit=audit
    )


def _piece_out(piece) -> dict:
    return {
        "public_id": piece.public_id,
        "nom": piece.nom,
        "type_mime": piece.type_mime,
        "taille": piece.taille,
        "cree_le": piece.cree_le,
        "structure": _structure(piece.structure),
        "message": piece.message.public_id if piece.message_id else None,
        "url": reverse("api:adressage_piece_jointe", kwargs={"public_id": piece.public_id}),
    }


# --- Reference: the state machine ------------------------------------------------------------


@router.get(
    "/statuts",
    response=list[StatutOut],
    summary="Statuts d'un adressage, correspondance FHIR Task et transitions permises",
)
def statuts(request):
    """Chaque statut avec son libellé, son `Task.status` FHIR R4
    (http://hl7.org/fhir/R4/task.html), les motifs codés qu'il demande et les passages permis
    depuis lui (`par` : la structure qui peut le faire). Public."""
    return [
        {
            "statut": statut.value,
            "label": statut.label,
            "fhir_task_status": FHIR_TASK_STATUS[statut],
            "final": statut in STATUTS_FINAUX,
            "motifs": _motifs(statut),
            "transitions": [
                {"vers": str(vers), "par": par}
                for (de, vers), par in TRANSITIONS.items()
                if de == statut
            ],
        }
        for statut in Statut
    ]


# --- Inbox and creation -----------------------------------------------------------------------


@router.get(
    "",
    response=InboxOut,
    auth=django_auth,
    summary="Boîte des adressages (à traiter, reçus, envoyés)",
)
def inbox(request, filtres: Query[InboxQuery]):
    """Les adressages de vos structures, 50 par page, du plus récent au plus ancien.
    Le prénom et le nom de la personne n'apparaissent que si vous pouvez les voir."""
    erreurs = {}
    if filtres.boite not in selectors.BOITES:
        erreurs["boite"] = f"valeur « {filtres.boite} » inconnue (a_traiter, recus, envoyes)."
    if filtres.statut and filtres.statut not in Statut.values:
        erreurs["statut"] = f"valeur « {filtres.statut} » inconnue."
    if erreurs:
        raise RequeteInvalide(erreurs, emplacement="query")
    page = selectors.inbox(
        user=request.user,
        boite=filtres.boite,
        statut=filtres.statut,
        structure_id=filtres.structure,
        page=filtres.page,
    )
    return {
        "boite": filtres.boite,
        "total": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "resultats": [
            {
                "public_id": item.public_id,
                "cree_le": item.cree_le,
                "canal": item.canal,
                "statut": item.statut,
                "statut_label": item.get_statut_display(),
                "fhir_task_status": FHIR_TASK_STATUS[item.statut],
                "motif": item.motif,
                "emettrice": _structure(item.emettrice),
                "destinataire": _structure(item.destinataire),
                "diffusion": item.diffusion_id is not None,
                "personne": (
                    {"prenom": item.personne.prenom, "nom": item.personne.nom}
                    if item.nom_visible
                    else None
                ),
            }
            for item in page.object_list
        ],
    }


def _check_person(data: PersonneIn) -> tuple[dict, dict[str, str]]:
    erreurs = {}
    values = data.dict()
    if len(data.prenom) > 100:
        erreurs["personne.prenom"] = "100 caractères au plus."
    if len(data.nom) > 100:
        erreurs["personne.nom"] = "100 caractères au plus."
    if len(data.telephone) > 30:
        erreurs["personne.telephone"] = "30 caractères au plus."
    if data.courriel:
        try:
            validate_email(data.courriel)
        except ValidationError:
            erreurs["personne.courriel"] = f"adresse électronique « {data.courriel} » invalide."
    if data.preference_contact and data.preference_contact not in PreferenceContact.values:
        erreurs["personne.preference_contact"] = (
            f"valeur « {data.preference_contact} » inconnue ("
            + ", ".join(PreferenceContact.values)
            + ")."
        )
    values["commune"] = None
    if data.commune:
        values["commune"] = Commune.objects.filter(code=data.commune).first()
        if values["commune"] is None:
            erreurs["personne.commune"] = f"code INSEE « {data.commune} » inconnu."
    return values, erreurs


def _emettrice(user, structure_id: int | None) -> Structure:
    ids = member_structure_ids(user)
    if not ids:
        raise HttpError(
            403,
            "Seuls les membres d'une structure (conseiller, responsable) peuvent adresser "
            "une personne.",
        )
    if structure_id is None:
        if len(ids) > 1:
            raise RequeteInvalide(
                {"emettrice": "vous êtes membre de plusieurs structures : précisez laquelle."}
            )
        (structure_id,) = ids
    if structure_id not in ids:
        raise RequeteInvalide(
            {"emettrice": f"vous n'êtes pas membre de la structure n° {structure_id}."}
        )
    return Structure.objects.get(pk=structure_id)


def _invalide(exc: DonneesInvalides, noms: Mapping[str, str] | None = None) -> RequeteInvalide:
    """A service's errors, each field under the API's name (``noms``: the service's → ours)."""
    noms = noms or {}
    return RequeteInvalide({noms.get(k, k): v for k, v in exc.erreurs.items()})


@router.post(
    "",
    response={201: CreationOut, 200: CreationOut, 403: Erreur},
    auth=django_auth,
    summary="Adresser une personne à une ou plusieurs structures",
)
def create(
    request,
    payload: AdressageIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        description="Clé choisie par le client : une requête renvoyée avec la même clé et le "
        "même corps ne crée rien et renvoie les mêmes adressages (200).",
    ),
):
    """Enregistre la personne (ou reprend `personne_id`), son consentement et un adressage par
    structure destinataire. **201** à la création ; **200** avec les mêmes adressages quand la
    requête est rejouée avec la même `Idempotency-Key` ; **422** si la clé a déjà servi avec un
    autre corps."""
    user = request.user
    emettrice = _emettrice(user, payload.emettrice)
    cle = (idempotency_key or "").strip()
    if idempotency_key is not None and not cle:
        raise RequeteInvalide({"Idempotency-Key": "la clé est vide."}, emplacement="header")
    if len(cle) > idempotency.CLE_LONGUEUR_MAX:
        raise RequeteInvalide(
            {"Idempotency-Key": f"{idempotency.CLE_LONGUEUR_MAX} caractères au plus."},
            emplacement="header",
        )

    def creer() -> list[Adressage]:
        return _create_referrals(request, payload, emettrice)

    try:
        if cle:
            execution = idempotency.adressages_create_once(
                user=user,
                cle=cle,
                empreinte=idempotency.empreinte_corps(payload.model_dump(mode="json")),
                create=creer,
            )
            ids, replayed = execution.adressages, execution.replayed
        else:
            with transaction.atomic():
                ids, replayed = [str(a.public_id) for a in creer()], False
    except idempotency.CleReutilisee as exc:
        raise RequeteInvalide({"Idempotency-Key": str(exc)}, emplacement="header") from exc
    found = {
        str(a.public_id): a
        for a in access.adressages_for_member(user=user)
        .filter(public_id__in=ids)
        .select_related("personne", "consentement", "emettrice", "destinataire", "site")
    }
    adressages = []
    for public_id in ids:
        if public_id in found:
            adressage = found[public_id]
            if replayed:
                # Answering a replay displays the person again: same audit as a read.
                _get(request, adressage.public_id)
            adressages.append(adressage)
    diffusion = next(
        (a.diffusion.public_id for a in adressages if a.diffusion_id is not None), None
    )
    body = {"diffusion": diffusion, "adressages": [_adressage_out(a, user) for a in adressages]}
    if replayed:
        response["Idempotent-Replayed"] = "true"
        return Status(200, body)
    return Status(201, body)


def _create_referrals(request, payload: AdressageIn, emettrice: Structure) -> list[Adressage]:
    """Person, consent and referrals; runs inside the caller's transaction."""
    user = request.user
    erreurs: dict[str, str] = {}
    if (payload.personne is None) == (payload.personne_id is None):
        erreurs["personne"] = "indiquez soit une nouvelle personne, soit personne_id."
    donnees = payload.consentement.donnees
    inconnues = [d for d in donnees if d not in DonneePartagee.values]
    if inconnues:
        erreurs["consentement.donnees"] = (
            "valeur(s) inconnue(s) : "
            + ", ".join(f"« {d} »" for d in inconnues)
            + " (possibles : "
            + ", ".join(DonneePartagee.values)
            + ")."
        )
    ids = list(dict.fromkeys(payload.destinataires))
    structures = Structure.objects.in_bulk(ids)
    manquantes = [str(i) for i in ids if i not in structures]
    if manquantes:
        erreurs["destinataires"] = "structure(s) inconnue(s) : " + ", ".join(manquantes) + "."
    destinataires = [structures[i] for i in ids if i in structures]
    if len(payload.motif) > 200:
        erreurs["motif"] = "200 caractères au plus."
    if len(payload.note) > 4000:
        erreurs["note"] = "4 000 caractères au plus."
    site = None
    if payload.site is not None:
        site = Site.objects.filter(pk=payload.site, structure_id__in=ids).first()
        if site is None:
            erreurs["site"] = f"le site n° {payload.site} n'est à aucune structure destinataire."
    data = None
    if payload.personne is not None:
        data, person_errors = _check_person(payload.personne)
        erreurs.update(person_errors)
    if erreurs:
        raise RequeteInvalide(erreurs)

    if payload.personne_id is not None:
        try:
            personne = access.personne_get_for_member(
                user=user, public_id=payload.personne_id, request=request
            )
        except Http404 as exc:
            raise RequeteInvalide({"personne_id": "personne introuvable."}) from exc
    else:
        try:
            personne = services.personne_create(
                data=data, structure=emettrice, acting_user=user, request=request
            )
        except DonneesInvalides as exc:
            raise _invalide(exc, {k: f"personne.{k}" for k in exc.erreurs}) from exc
    try:
        consentement = services.consentement_create(
            personne=personne,
            structures=destinataires,
            donnees=donnees,
            mode=payload.consentement.mode,
            recueilli_par=user,
            structure=emettrice,
        )
    except DonneesInvalides as exc:
        raise _invalide(exc, {"structures": "destinataires", "mode": "consentement.mode"}) from exc
    try:
        return services.adressage_create(
            personne=personne,
            consentement=consentement,
            destinataires=destinataires,
            motif=payload.motif,
            note=payload.note,
            canal=Canal.API,
            emettrice=emettrice,
            emis_par=user,
            site=site,
            request=request,
        )
    except DonneesInvalides as exc:
        raise _invalide(exc) from exc


# --- Attachments (download) -------------------------------------------------------------------


@router.get(
    "/pieces-jointes/{public_id}",
    auth=django_auth,
    url_name="adressage_piece_jointe",
    summary="Télécharger une pièce jointe",
    response={200: None},
    openapi_extra={
        "responses": {200: {"description": "Le fichier", "content": {"*/*": {}}}},
    },
)
def piece_jointe(request, public_id: UUID):
    """Le fichier, pour les membres des structures de l'adressage qui voient les données de la
    personne (404 sinon)."""
    piece = access.piece_jointe_get_for_member(
        user=request.user, public_id=public_id, request=request
    )
    return FileResponse(
        piece.fichier.open("rb"),
        as_attachment=True,
        filename=piece.nom,
        content_type=piece.type_mime,
    )


# --- One referral -----------------------------------------------------------------------------


@router.get(
    "/{public_id}",
    response=AdressageOut,
    auth=django_auth,
    summary="Un adressage, son historique et les statuts qu'il peut prendre",
)
def detail(request, public_id: UUID):
    """404 si vous n'êtes membre ni de la structure émettrice ni de la destinataire. Les
    données de la personne n'apparaissent que si son consentement vous les ouvre. Comme la
    page, la première lecture par la structure destinataire fait passer un adressage
    `envoyee` à `recue`."""
    user = request.user
    adressage = _get(request, public_id)
    was_sent = adressage.statut == Statut.ENVOYEE
    services.adressage_ouvrir(adressage=adressage, user=user, request=request)
    if was_sent:
        adressage = _get(request, public_id, audit=False)
    return _adressage_out(adressage, user)


@router.post(
    "/{public_id}/transitions",
    response={200: AdressageOut, 409: Erreur},
    auth=django_auth,
    summary="Changer le statut d'un adressage",
)
def transition(request, public_id: UUID, payload: TransitionIn):
    """Fait passer l'adressage au statut `vers` si la machine à états et votre côté le
    permettent ; sinon **409** avec la raison, et rien ne change. `motif` : motif de refus,
    résultat (`terminee`) ou motif d'annulation. `redirigee` demande `structure` : un nouvel
    adressage part vers elle."""
    adressage = _get(request, public_id)
    if payload.vers not in Statut.values:
        raise RequeteInvalide(
            {"vers": f"statut « {payload.vers} » inconnu (voir /api/v1/adressages/statuts)."}
        )
    if len(payload.commentaire) > 2000:
        raise RequeteInvalide({"commentaire": "2 000 caractères au plus."})
    try:
        if payload.vers == Statut.REDIRIGEE:
            vers_structure = None
            if payload.structure is not None:
                vers_structure = Structure.objects.filter(pk=payload.structure).first()
            if vers_structure is None:
                raise RequeteInvalide(
                    {"structure": "indiquez la structure (existante) vers laquelle rediriger."}
                )
            services.adressage_rediriger(
                adressage=adressage,
                vers_structure=vers_structure,
                acting_user=request.user,
                commentaire=payload.commentaire,
                request=request,
            )
        else:
            services.adressage_transition(
                adressage=adressage,
                vers=payload.vers,
                acting_user=request.user,
                motif=payload.motif,
                commentaire=payload.commentaire,
                request=request,
            )
    except TransitionInterdite as exc:
        raise HttpError(409, str(exc)) from exc
    except DonneesInvalides as exc:
        raise _invalide(exc) from exc
    return _adressage_out(_get(request, public_id, audit=False), request.user)


@router.post(
    "/{public_id}/consentement/retrait",
    response={200: RetraitOut, 409: Erreur},
    auth=django_auth,
    summary="Enregistrer le retrait du consentement de la personne",
)
def consentement_retrait(request, public_id: UUID):
    """La personne retire son consentement : les structures destinataires n'ont plus accès à
    ses données et les adressages ouverts sous ce consentement sont annulés. **409** s'il était
    déjà retiré."""
    adressage = _get(request, public_id)
    try:
        clos = services.consentement_retirer(
            consentement=adressage.consentement, acting_user=request.user, request=request
        )
    except TransitionInterdite as exc:
        raise HttpError(409, str(exc)) from exc
    adressage = _get(request, public_id, audit=False)
    return {"adressages_clos": clos, "adressage": _adressage_out(adressage, request.user)}


# --- Messages and attachments -----------------------------------------------------------------


def _message_out(message, pieces: list) -> dict:
    return {
        "public_id": message.public_id,
        "cree_le": message.cree_le,
        "structure": _structure(message.structure),
        "auteur": (message.auteur.get_full_name() or None) if message.auteur_id else None,
        "texte": message.texte,
        "pieces_jointes": [_piece_out(p) for p in pieces if p.message_id == message.pk],
    }


ECHANGES_FERMES = (
    "Votre structure n'a plus accès aux données de cette personne : les échanges sont fermés."
)


def _echanges_ouverts(adressage: Adressage, user) -> bool:
    """Messages and attachments may carry personal data: like the referral's page (and
    ``access.piece_jointe_get_for_member``), they are shown only with the person's data."""
    return access.donnees_visibles(adressage=adressage, user=user) is not None


def _pieces_visibles(adressage: Adressage, user) -> list:
    if not _echanges_ouverts(adressage, user):
        return []
    return list(adressage.pieces_jointes.select_related("structure", "message"))


@router.get(
    "/{public_id}/messages",
    response=list[MessageOut],
    auth=django_auth,
    summary="Messages échangés sur un adressage",
)
def messages(request, public_id: UUID):
    """Les messages entre les structures de l'adressage, du plus ancien au plus récent, avec
    leurs pièces jointes ; liste vide si vous ne voyez pas (ou plus) les données de la personne
    (consentement retiré ou expiré, adressage annulé ou expiré, personne anonymisée)."""
    adressage = _get(request, public_id)
    if not _echanges_ouverts(adressage, request.user):
        return []
    pieces = _pieces_visibles(adressage, request.user)
    return [
        _message_out(m, pieces) for m in adressage.messages.select_related("structure", "auteur")
    ]


@router.post(
    "/{public_id}/messages",
    response={201: MessageOut, 409: Erreur},
    auth=django_auth,
    summary="Écrire un message sur un adressage (avec pièces jointes)",
)
def message_create(
    request,
    public_id: UUID,
    texte: Annotated[str, Form(description="Le message (4 000 caractères au plus)")],
    fichiers: Annotated[list[UploadedFile] | None, File(description="PDF, image, texte…")] = None,
):
    """Corps `multipart/form-data` : `texte` et, facultatif, un ou plusieurs `fichiers`
    (5 Mo au plus chacun par défaut). **409** quand votre structure ne voit plus les données de
    la personne : les échanges sont alors fermés."""
    adressage = _get(request, public_id, audit=False)
    if not _echanges_ouverts(adressage, request.user):
        raise HttpError(409, ECHANGES_FERMES)
    if len(texte) > 4000:
        raise RequeteInvalide({"texte": "4 000 caractères au plus."}, emplacement="form")
    try:
        message = services.message_create(
            adressage=adressage,
            auteur=request.user,
            texte=texte,
            fichiers=fichiers or (),
            request=request,
        )
    except DonneesInvalides as exc:
        # The service checks one file at a time (« fichier : « cv.exe » … »): the client sent
        # it in ``fichiers``; the text is a form field.
        fichier = "fichier" in exc.erreurs
        raise RequeteInvalide(
            exc.erreurs,
            emplacement="file" if fichier else "form",
            champs={"fichier": "fichiers"},
        ) from exc
    return Status(201, _message_out(message, list(message.pieces_jointes.all())))


@router.get(
    "/{public_id}/pieces-jointes",
    response=list[PieceJointeOut],
    auth=django_auth,
    summary="Pièces jointes d'un adressage (métadonnées)",
)
def pieces_jointes(request, public_id: UUID):
    """Nom, type, taille et lien de téléchargement de chaque pièce jointe ; liste vide si vous
    ne voyez pas (ou plus) les données de la personne."""
    adressage = _get(request, public_id)
    return [_piece_out(p) for p in _pieces_visibles(adressage, request.user)]
