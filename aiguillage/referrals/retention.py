"""Retention: what the platform forgets, and when.

Concept map:

- A referral **closed** (``STATUTS_FINAUX``) for more than
  ``AIGUILLAGE_ADRESSAGES_CONSERVATION_MOIS`` months (24) is **anonymised**
  (``adressages_anonymiser``): its note and closing comment are cleared, the comments of its
  transitions too, its messages keep their row (author structure, date: they count the
  exchanges) but their text becomes ``[supprimé]``, its attachments are deleted, files included.
  What feeds the statistics and the observatory stays: structures, reason (``motif``, a short
  reason that must not name anyone), statuses, coded refusal reasons, outcomes, dates and the
  transition log. ``Adressage.anonymise_le`` records it.
- A **person** is anonymised (``personnes_anonymiser``) once nothing about them is still open or
  recent: every referral anonymised, every co-accompaniment closed for longer than the period,
  no consent given within the period, the record itself older than the period. Names, contact
  details, birth date **and commune** are dropped (territorial statistics come from the
  diagnostics and the structures' territories, not from people; a commune left alone on an
  otherwise empty record, next to dated referrals, could single someone out in a small
  village). ``Personne.anonymisee_le`` records it; consents keep their text (the proof of what
  was agreed, without any name).
- The timeline of a co-accompaniment closed for longer than the period loses its texts.
- In-app **notifications** older than ``AIGUILLAGE_NOTIFICATIONS_CONSERVATION_MOIS`` (12) are
  deleted (they never name a person, but they need not pile up).
- API **idempotency keys** older than 30 days are deleted (a retry comes within minutes).
- An expired consent needs no purge: ``access`` stops showing the data the day after its end.

``purger`` runs it all (``aiguillage adressages purger``), writes one audit event with the
counts (no personal data), and can run as often as wanted: what is anonymised is not touched
again. The same building blocks serve the person's erasure and the merge (``rights.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.core.retention import mois_retirer
from aiguillage.referrals.models import (
    STATUTS_FINAUX,
    Accompagnement,
    Adressage,
    CleIdempotence,
    Consentement,
    EvenementAccompagnement,
    Message,
    Notification,
    Personne,
    PieceJointe,
    Transition,
)

# An API client retries within minutes; a month covers any retry policy.
CLES_IDEMPOTENCE_JOURS = 30

__all__ = [
    "SUPPRIME",
    "RapportPurge",
    "adressages_anonymiser",
    "mois_retirer",
    "personnes_anonymiser",
    "purger",
]

SUPPRIME = "[supprimé]"
LOT = 500


def _debut_du_jour(jour: date) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time.min))


def _notifications_mois() -> int:
    return getattr(settings, "AIGUILLAGE_NOTIFICATIONS_CONSERVATION_MOIS", 12)


@dataclass
class RapportPurge:
    date: date
    limite: date
    dry_run: bool = False
    adressages: int = 0
    messages: int = 0
    pieces_jointes: int = 0
    personnes: int = 0
    evenements: int = 0
    notifications: int = 0
    cles_idempotence: int = 0

    def compteurs(self) -> dict[str, int]:
        return {
            "adressages": self.adressages,
            "messages": self.messages,
            "pieces_jointes": self.pieces_jointes,
            "personnes": self.personnes,
            "evenements": self.evenements,
            "notifications": self.notifications,
            "cles_idempotence": self.cles_idempotence,
        }

    def __str__(self) -> str:
        verbe = "à anonymiser" if self.dry_run else "anonymisé(s)"
        return (
            f"Clôturés avant le {self.limite:%d/%m/%Y} : {self.adressages} adressage(s) {verbe} "
            f"({self.messages} message(s), {self.pieces_jointes} pièce(s) jointe(s)), "
            f"{self.personnes} personne(s) {verbe}, {self.evenements} note(s) de parcours "
            f"effacée(s), {self.notifications} notification(s) "
            f"{'à supprimer' if self.dry_run else 'supprimée(s)'}, {self.cles_idempotence} clé(s) "
            f"d'idempotence {'à supprimer' if self.dry_run else 'supprimée(s)'}."
        )


# --- Building blocks (also used by rights.py) -------------------------------------------------


def adressages_anonymiser(*, ids, maintenant: datetime | None = None) -> tuple[int, int, int]:
    """Clear the free texts and attachments of the referrals ``ids`` (inside the caller's
    transaction; files are deleted once it commits). Returns (referrals, messages, files)."""
    ids = list(ids)
    if not ids:
        return 0, 0, 0
    maintenant = maintenant or timezone.now()
    messages = (
        Message.objects.filter(adressage_id__in=ids).exclude(texte=SUPPRIME).update(texte=SUPPRIME)
    )
    Transition.objects.filter(adressage_id__in=ids).exclude(commentaire="").update(commentaire="")
    pieces = PieceJointe.objects.filter(adressage_id__in=ids)
    fichiers = [name for name in pieces.values_list("fichier", flat=True) if name]
    nb_pieces = pieces.count()
    pieces.delete()
    if fichiers:
        transaction.on_commit(lambda: _fichiers_supprimer(fichiers))
    adressages = Adressage.objects.filter(pk__in=ids, anonymise_le__isnull=True).update(
        note="", commentaire_cloture="", anonymise_le=maintenant, modifie_le=maintenant
    )
    return adressages, messages, nb_pieces


def _fichiers_supprimer(noms: list[str]) -> None:
    for nom in noms:
        # A file already gone is what we want; nothing else to do about it.
        if default_storage.exists(nom):
            default_storage.delete(nom)


def personnes_anonymiser(*, ids, maintenant: datetime | None = None) -> int:
    """Drop names, contact details, birth date and commune of the people ``ids``."""
    ids = list(ids)
    if not ids:
        return 0
    maintenant = maintenant or timezone.now()
    return Personne.objects.filter(pk__in=ids, anonymisee_le__isnull=True).update(
        prenom="",
        nom="",
        prenom_normalise="",
        nom_normalise="",
        courriel="",
        telephone="",
        date_naissance=None,
        commune=None,
        contact_uniquement_ainsi=False,
        anonymisee_le=maintenant,
        modifiee_le=maintenant,
    )


def evenements_effacer(*, accompagnements) -> int:
    """Clear the texts of the timelines of ``accompagnements`` (a queryset)."""
    return (
        EvenementAccompagnement.objects.filter(accompagnement__in=accompagnements)
        .exclude(texte=SUPPRIME)
        .update(texte=SUPPRIME)
    )


# --- The scheduled purge ----------------------------------------------------------------------


def _lots(queryset):
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), LOT):
        yield ids[start : start + LOT]


def purger(*, aujourd_hui: date | None = None, dry_run: bool = False) -> RapportPurge:
    """Anonymise what is past its retention period on ``aujourd_hui`` (default: today)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    limite_jour = mois_retirer(aujourd_hui, settings.AIGUILLAGE_ADRESSAGES_CONSERVATION_MOIS)
    limite = _debut_du_jour(limite_jour)
    rapport = RapportPurge(date=aujourd_hui, limite=limite_jour, dry_run=dry_run)

    adressages = Adressage.objects.filter(
        statut__in=list(STATUTS_FINAUX), cloturee_le__lt=limite, anonymise_le__isnull=True
    )
    accompagnements = Accompagnement.objects.filter(clos_le__lt=limite)
    notifications = Notification.objects.filter(
        cree_le__lt=_debut_du_jour(mois_retirer(aujourd_hui, _notifications_mois()))
    )
    cles = CleIdempotence.objects.filter(
        cree_le__lt=_debut_du_jour(aujourd_hui - timedelta(days=CLES_IDEMPOTENCE_JOURS))
    )
    if dry_run:
        rapport.adressages = adressages.count()
        rapport.messages = (
            Message.objects.filter(adressage__in=adressages).exclude(texte=SUPPRIME).count()
        )
        rapport.pieces_jointes = PieceJointe.objects.filter(adressage__in=adressages).count()
        rapport.evenements = (
            EvenementAccompagnement.objects.filter(accompagnement__in=accompagnements)
            .exclude(texte=SUPPRIME)
            .count()
        )
        rapport.personnes = _personnes_a_anonymiser(limite, sans_adressages=adressages).count()
        rapport.notifications = notifications.count()
        rapport.cles_idempotence = cles.count()
        return rapport

    maintenant = timezone.now()
    for lot in _lots(adressages):
        with transaction.atomic():
            n, m, p = adressages_anonymiser(ids=lot, maintenant=maintenant)
        rapport.adressages += n
        rapport.messages += m
        rapport.pieces_jointes += p
    with transaction.atomic():
        rapport.evenements = evenements_effacer(accompagnements=accompagnements)
    for lot in _lots(_personnes_a_anonymiser(limite)):
        with transaction.atomic():
            rapport.personnes += personnes_anonymiser(ids=lot, maintenant=maintenant)
    with transaction.atomic():
        rapport.notifications, _ = notifications.delete()
        rapport.cles_idempotence, _ = cles.delete()
        audit_record(
            action=AuditAction.DELETE,
            object_type="referrals.retention",
            object_repr=f"Purge des adressages clôturés avant le {limite_jour:%d/%m/%Y}",
            details={"date": aujourd_hui.isoformat(), **rapport.compteurs()},
        )
    return rapport


def _personnes_a_anonymiser(limite: datetime, *, sans_adressages=None):
    """People with nothing open or recent. In a dry run, ``sans_adressages`` are the referrals
    that the run would anonymise (they do not keep their person)."""
    encore = Adressage.objects.filter(personne=OuterRef("pk"), anonymise_le__isnull=True)
    if sans_adressages is not None:
        encore = encore.exclude(pk__in=sans_adressages.values("pk"))
    suivi = Accompagnement.objects.filter(personne=OuterRef("pk")).filter(
        Q(clos_le__isnull=True) | Q(clos_le__gte=limite)
    )
    consenti = Consentement.objects.filter(personne=OuterRef("pk"), donne_le__gte=limite)
    return Personne.objects.filter(anonymisee_le__isnull=True, cree_le__lt=limite).exclude(
        Exists(encore) | Exists(suivi) | Exists(consenti)
    )
