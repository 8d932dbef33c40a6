"""Reads on referrals: the inbox, at a constant number of SQL queries whatever its size. The
dashboards' aggregates (no person ever appears in them) are in ``stats.py``."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from aiguillage.accounts.access import member_structure_ids
from aiguillage.referrals.models import Adressage, Consentement, Statut

__all__ = ["BOITES", "Boite", "inbox"]


@dataclass(frozen=True)
class Boite:
    slug: str
    label: str


BOITES = {
    "a_traiter": Boite("a_traiter", "À traiter"),
    "recus": Boite("recus", "Reçus"),
    "envoyes": Boite("envoyes", "Envoyés"),
}
A_TRAITER = (Statut.ENVOYEE, Statut.RECUE, Statut.ACCEPTEE)
PER_PAGE = 50


def inbox(
    *,
    user,
    boite: str = "a_traiter",
    statut: str = "",
    structure_id: int | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
):
    """One page of the user's referrals: ``a_traiter`` (received, awaiting an answer or a first
    contact), ``recus`` (all received), ``envoyes`` (sent). Each item carries
    ``nom_visible`` (whether the person's name may be shown to this user). Costs: the user's
    grants (cached per request), one COUNT, the page's ids, the page's rows."""
    ids = member_structure_ids(user)
    if structure_id is not None:
        ids = ids & {structure_id}
    if boite == "envoyes":
        qs = Adressage.objects.filter(emettrice_id__in=ids)
    else:
        qs = Adressage.objects.filter(destinataire_id__in=ids)
        if boite == "a_traiter":
            qs = qs.filter(statut__in=A_TRAITER)
    if statut:
        qs = qs.filter(statut=statut)
    # Two steps: the page's ids from the index alone (order, offset, limit), then only those rows
    # with their joins; joining first would sort every referral of a busy structure.
    paginator = Paginator(qs.order_by("-cree_le", "-pk").values_list("pk", flat=True), per_page)
    page_obj = paginator.get_page(page)
    ids_of_page = list(page_obj.object_list)
    covers_receiver = Consentement.structures.through.objects.filter(
        consentement_id=OuterRef("consentement_id"), structure_id=OuterRef("destinataire_id")
    )
    rows = (
        Adressage.objects.filter(pk__in=ids_of_page)
        .select_related("emettrice", "destinataire", "personne", "consentement")
        .annotate(consentement_couvre=Exists(covers_receiver))
        .in_bulk()
        if ids_of_page
        else {}
    )
    today = timezone.localdate()
    page_obj.object_list = [rows[pk] for pk in ids_of_page]
    for item in page_obj.object_list:
        item.nom_visible = _name_visible(item, ids, today)
    return page_obj


def _name_visible(item: Adressage, ids: set[int], today) -> bool:
    if item.personne.anonymisee_le is not None:
        return False
    if item.emettrice_id in ids:
        return True
    return (
        item.consentement_couvre
        and item.consentement.actif(today)
        and item.statut not in (Statut.ANNULEE, Statut.EXPIREE)
    )


def a_traiter_count(*, user) -> int:
    ids = member_structure_ids(user)
    if not ids:
        return 0
    return Adressage.objects.filter(Q(destinataire_id__in=ids) & Q(statut__in=A_TRAITER)).count()
