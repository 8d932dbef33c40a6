"""The reminder ladder: nobody falls between two doors because a structure never answered.

Concept map:

- A referral **waits** while it is ``envoyee`` or ``recue``: the receiving structure has not
  taken the person in charge (nor refused, nor redirected). Reading it (``recue``) does not stop
  the clock: the ladder counts from the **sending** (``Adressage.cree_le``, in local time), the
  moment the person started waiting.
- **Working days** are Monday to Friday minus French public holidays (``holidays.France``,
  metropolitan calendar; ``AIGUILLAGE_ADRESSAGES_FERIES_SUBDIVISION = "57"`` adds Good Friday and
  26 December for Alsace-Moselle, ``"974"`` etc. the overseas days). The *n*-th working day
  "after" the sending is counted from the next day: a referral sent on Monday reaches its 5th
  working day on the next Monday.
- Three levels (``models.NiveauRappel``), each recorded once in ``Rappel`` (unique per referral
  and level), so running the ladder twice the same day — or every hour — never sends twice:

  1. ``rappel`` on the ``AIGUILLAGE_ADRESSAGES_RAPPEL_JOURS_OUVRES``-th working day (5): the
     receiving structure's members are reminded;
  2. ``escalade`` on the ``AIGUILLAGE_ADRESSAGES_ESCALADE_JOURS_OUVRES``-th working day (10): its
     managers (``responsable_structure``; its members when it has none) are told;
  3. ``expiration`` after ``AIGUILLAGE_ADRESSAGES_EXPIRATION_JOURS`` **calendar** days (30): the
     referral moves to ``expiree`` through ``services.adressage_transition`` (side
     ``systeme``), which tells the sender and the receiver.

  A run that was missed catches up: every level already due is sent, except that once the
  expiry is due the referral simply expires (reminding a structure of a request that closes the
  same day would only be noise).

``relances_envoyer`` is run by ``aiguillage adressages relancer`` (cron or a systemd timer, see
docs/adressages-donnees-personnelles.md).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import holidays
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aiguillage.accounts.access import MEMBER_ROLES
from aiguillage.accounts.models import Role
from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.referrals import services
from aiguillage.referrals.models import (
    Adressage,
    NiveauRappel,
    Rappel,
    Statut,
    TypeNotification,
)
from aiguillage.referrals.notifications import notify_structure
from aiguillage.referrals.workflow import Side, TransitionInterdite

__all__ = [
    "EN_ATTENTE",
    "Echeances",
    "RapportRelances",
    "echeances",
    "est_jour_ouvre",
    "jours_ouvres_ajouter",
    "relances_envoyer",
]

#: The statuses in which a referral waits for the receiver's answer.
EN_ATTENTE = (Statut.ENVOYEE, Statut.RECUE)


# --- Working days -----------------------------------------------------------------------------


def _subdivision() -> str | None:
    return getattr(settings, "AIGUILLAGE_ADRESSAGES_FERIES_SUBDIVISION", "") or None


@functools.cache
def _feries(annee: int, subdivision: str | None) -> frozenset[date]:
    return frozenset(holidays.France(years=annee, subdiv=subdivision))


def est_jour_ouvre(jour: date) -> bool:
    """Monday to Friday, and not a French public holiday."""
    return jour.weekday() < 5 and jour not in _feries(jour.year, _subdivision())


def jours_ouvres_ajouter(depart: date, n: int) -> date:
    """The ``n``-th working day after ``depart`` (``depart`` itself never counts)."""
    jour = depart
    while n > 0:
        jour += timedelta(days=1)
        if est_jour_ouvre(jour):
            n -= 1
    return jour


@dataclass(frozen=True)
class Echeances:
    """The dates on which each level is due for a referral sent on ``envoi``."""

    envoi: date
    rappel: date
    escalade: date
    expiration: date

    def dues(self, aujourd_hui: date) -> list[str]:
        """The levels due on ``aujourd_hui`` (the expiry alone once it is due)."""
        if aujourd_hui >= self.expiration:
            return [NiveauRappel.EXPIRATION]
        dues = []
        if aujourd_hui >= self.rappel:
            dues.append(NiveauRappel.RAPPEL)
        if aujourd_hui >= self.escalade:
            dues.append(NiveauRappel.ESCALADE)
        return dues


def echeances(envoi: date) -> Echeances:
    return Echeances(
        envoi=envoi,
        rappel=jours_ouvres_ajouter(envoi, settings.AIGUILLAGE_ADRESSAGES_RAPPEL_JOURS_OUVRES),
        escalade=jours_ouvres_ajouter(envoi, settings.AIGUILLAGE_ADRESSAGES_ESCALADE_JOURS_OUVRES),
        expiration=envoi + timedelta(days=settings.AIGUILLAGE_ADRESSAGES_EXPIRATION_JOURS),
    )


# --- The ladder -------------------------------------------------------------------------------


@dataclass
class RapportRelances:
    """What a run did (or would do, in a dry run): counts and ``(referral id, level)``."""

    date: date
    dry_run: bool = False
    rappels: int = 0
    escalades: int = 0
    expirations: int = 0
    ignores: int = 0  # changed status while the ladder ran (accepted meanwhile…)
    actions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.rappels + self.escalades + self.expirations

    def __str__(self) -> str:
        verbe = "à envoyer" if self.dry_run else "envoyé(s)"
        texte = (
            f"{self.date:%d/%m/%Y} : {self.rappels} rappel(s), {self.escalades} escalade(s) "
            f"{verbe}, {self.expirations} adressage(s) "
            f"{'à faire expirer' if self.dry_run else 'expiré(s)'}"
        )
        if self.ignores:
            texte += f", {self.ignores} ignoré(s) (statut changé entre-temps)"
        return texte + "."


def _debut_du_jour(jour: date) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time.min))


def relances_envoyer(*, aujourd_hui: date | None = None, dry_run: bool = False) -> RapportRelances:
    """Send every level due on ``aujourd_hui`` (default: today) and not sent yet."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    rapport = RapportRelances(date=aujourd_hui, dry_run=dry_run)
    premier_palier = min(
        settings.AIGUILLAGE_ADRESSAGES_RAPPEL_JOURS_OUVRES,
        settings.AIGUILLAGE_ADRESSAGES_ESCALADE_JOURS_OUVRES,
        settings.AIGUILLAGE_ADRESSAGES_EXPIRATION_JOURS,
    )
    # n working days are at least n calendar days: nothing sent after that date is due yet.
    envoyes_avant = _debut_du_jour(aujourd_hui - timedelta(days=premier_palier - 1))
    candidats = (
        Adressage.objects.filter(statut__in=EN_ATTENTE, cree_le__lt=envoyes_avant)
        .select_related("emettrice", "destinataire")
        .prefetch_related("rappels")
        .order_by("cree_le", "pk")
    )
    for adressage in candidats.iterator(chunk_size=500):
        envoi = timezone.localtime(adressage.cree_le).date()
        deja = {r.niveau for r in adressage.rappels.all()}
        for niveau in echeances(envoi).dues(aujourd_hui):
            if niveau in deja:
                continue
            fait = True if dry_run else _envoyer(adressage, niveau, envoi)
            if fait is None:
                continue  # recorded by a concurrent run
            if not fait:
                rapport.ignores += 1
                break
            rapport.actions.append((str(adressage.public_id), str(niveau)))
            if niveau == NiveauRappel.RAPPEL:
                rapport.rappels += 1
            elif niveau == NiveauRappel.ESCALADE:
                rapport.escalades += 1
            else:
                rapport.expirations += 1
    if rapport.total and not dry_run:
        audit_record(
            action=AuditAction.UPDATE,
            object_type="referrals.rappel",
            object_repr=f"Échelle de rappels du {aujourd_hui:%d/%m/%Y}",
            details={
                "date": aujourd_hui.isoformat(),
                "rappels": rapport.rappels,
                "escalades": rapport.escalades,
                "expirations": rapport.expirations,
                "ignores": rapport.ignores,
            },
        )
    return rapport


def _envoyer(adressage: Adressage, niveau: str, envoi: date) -> bool | None:
    """Send one level: ``True`` done, ``False`` no longer waiting, ``None`` already recorded."""
    try:
        with transaction.atomic():
            # Lock the row (PostgreSQL) so that an acceptance cannot slip in between.
            attend = (
                Adressage.objects.select_for_update()
                .filter(pk=adressage.pk, statut__in=EN_ATTENTE)
                .exists()
            )
            if not attend:
                return False
            _, cree = Rappel.objects.get_or_create(
                adressage=adressage, niveau=niveau, defaults={"envoye_le": timezone.now()}
            )
            if not cree:
                return None
            if niveau == NiveauRappel.EXPIRATION:
                adressage.refresh_from_db()
                services.adressage_transition(
                    adressage=adressage,
                    vers=Statut.EXPIREE,
                    side=Side.SYSTEME,
                    commentaire=(
                        "Sans réponse de la structure destinataire "
                        f"{settings.AIGUILLAGE_ADRESSAGES_EXPIRATION_JOURS} jours après l'envoi : "
                        "adressage expiré automatiquement."
                    ),
                )
            else:
                _notifier(adressage, niveau, envoi)
    except TransitionInterdite:
        return False
    return True


def _notifier(adressage: Adressage, niveau: str, envoi: date) -> None:
    emettrice = adressage.emettrice.nom if adressage.emettrice_id else "le portail public"
    lien = reverse("referrals:detail", args=[adressage.public_id])
    if niveau == NiveauRappel.RAPPEL:
        notify_structure(
            structure_id=adressage.destinataire_id,
            type=TypeNotification.RAPPEL,
            texte=(
                f"Rappel : l'adressage envoyé par {emettrice} le {envoi:%d/%m/%Y} attend "
                f"toujours votre réponse ({adressage.motif})"
            ),
            lien=lien,
            adressage=adressage,
        )
        return
    texte = (
        f"Adressage en attente : envoyé à {adressage.destinataire.nom} par {emettrice} le "
        f"{envoi:%d/%m/%Y}, toujours sans réponse ({adressage.motif})"
    )
    notified = notify_structure(
        structure_id=adressage.destinataire_id,
        type=TypeNotification.ESCALADE,
        texte=texte,
        lien=lien,
        adressage=adressage,
        roles=(Role.RESPONSABLE_STRUCTURE,),
    )
    if not notified:
        # A structure without a manager: its members must still hear about it.
        notify_structure(
            structure_id=adressage.destinataire_id,
            type=TypeNotification.ESCALADE,
            texte=texte,
            lien=lien,
            adressage=adressage,
            roles=MEMBER_ROLES,
        )
