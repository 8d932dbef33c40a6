"""The saved searches' e-mail alerts: ``aiguillage annuaire alerter``, to run once a day.

Concept map:

- a saved search with an alert (``FrequenceAlerte.QUOTIDIENNE`` or ``HEBDOMADAIRE``) is **due**
  on a day when its *reference* — its last alert, or its creation when none was sent yet — falls
  at least one day (daily) or seven days (weekly) before that day;
- a due search's **new services** are those published after its reference and up to the run, at
  the sites its search shows (``selectors.saved_search_new_services``: the search page's own
  filter);
- with new services, its owner gets one e-mail (the services, a link back to the search, a link
  to change or stop the alert) and ``alerte_envoyee_le`` becomes the run's moment; with none,
  nothing is sent nor written, and the search is looked at again on the next run.

Idempotent: a second run on the same day finds nothing due. ``dry_run`` counts what would be sent
and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.directory.models import FrequenceAlerte, RechercheSauvegardee, Service
from aiguillage.directory.selectors import (
    criteria_labels,
    saved_search_new_services,
    search_url,
)
from aiguillage.territories.models import Commune

__all__ = ["ALERT_SERVICES_MAX", "INTERVALS", "AlertReport", "saved_search_alerts_send"]

#: Days between two alerts of each frequency.
INTERVALS = {FrequenceAlerte.QUOTIDIENNE: 1, FrequenceAlerte.HEBDOMADAIRE: 7}
#: Services listed in one e-mail; the others are counted, and the link shows them all.
ALERT_SERVICES_MAX = 30


@dataclass
class AlertReport:
    """What a run did (or would do, in a dry run): counts and ``(saved search id, services)``."""

    date: date
    dry_run: bool = False
    envoyees: int = 0
    services: int = 0
    sans_nouveaute: int = 0
    ignorees: int = 0  # changed or sent by another run meanwhile
    actions: list[tuple[int, int]] = field(default_factory=list)

    def __str__(self) -> str:
        verbe = "à envoyer" if self.dry_run else "envoyée(s)"
        texte = (
            f"{self.date:%d/%m/%Y} : {self.envoyees} alerte(s) {verbe} "
            f"({self.services} nouveau(x) service(s)), "
            f"{self.sans_nouveaute} recherche(s) sans nouveau service"
        )
        if self.ignorees:
            texte += f", {self.ignorees} ignorée(s) (modifiée(s) entre-temps)"
        return texte + "."


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _due(aujourd_hui: date):
    """The saved searches whose alert is due on ``aujourd_hui``, with their ``reference``."""
    due = Q()
    for frequence, days in INTERVALS.items():
        # reference's day <= aujourd_hui - days  ⇔  reference < start of (aujourd_hui - days + 1)
        limit = _day_start(aujourd_hui - timedelta(days=days - 1))
        due |= Q(frequence=frequence, reference__lt=limit)
    return (
        RechercheSauvegardee.objects.annotate(reference=Coalesce("alerte_envoyee_le", "cree_le"))
        .filter(due, proprietaire__is_active=True)
        .select_related("proprietaire")
        .order_by("pk")
    )


def saved_search_alerts_send(
    *, aujourd_hui: date | None = None, dry_run: bool = False
) -> AlertReport:
    """Send the alerts due on ``aujourd_hui`` (default: today, Paris time).

    The services counted are those published up to now, or up to the end of ``aujourd_hui``
    when replaying a past day.
    """
    now = timezone.now()
    aujourd_hui = aujourd_hui or timezone.localdate(now)
    until = min(now, _day_start(aujourd_hui + timedelta(days=1)))
    report = AlertReport(date=aujourd_hui, dry_run=dry_run)
    for recherche in _due(aujourd_hui):
        services = saved_search_new_services(
            criteres=recherche.criteres, after=recherche.reference, until=until
        )
        total = services.count()
        if not total:
            report.sans_nouveaute += 1
            continue
        if not dry_run and not _send(recherche, list(services[:ALERT_SERVICES_MAX]), total, until):
            report.ignorees += 1
            continue
        report.envoyees += 1
        report.services += total
        report.actions.append((recherche.pk, total))
    if report.envoyees and not dry_run:
        audit_record(
            action=AuditAction.UPDATE,
            object_type="directory.recherchesauvegardee",
            object_repr=f"Alertes des recherches sauvegardées du {aujourd_hui:%d/%m/%Y}",
            details={
                "date": aujourd_hui.isoformat(),
                "envoyees": report.envoyees,
                "services": report.services,
                "sans_nouveaute": report.sans_nouveaute,
            },
        )
    return report


def _send(recherche: RechercheSauvegardee, services: list[Service], total: int, until) -> bool:
    """Mark the search as alerted and e-mail its owner; ``False`` when another run (or its owner)
    changed it meanwhile."""
    with transaction.atomic():
        marked = RechercheSauvegardee.objects.filter(
            pk=recherche.pk,
            alerte_envoyee_le=recherche.alerte_envoyee_le,
            frequence=recherche.frequence,
        ).update(alerte_envoyee_le=until)
        if not marked:
            return False
        # Sent inside the transaction: if the mail server refuses it, the mark is rolled back and
        # the next run tries again (a lost alert would be worse than a late one).
        send_mail(
            subject=_subject(recherche, total),
            message=_body(recherche, services, total),
            from_email=None,
            recipient_list=[recherche.proprietaire.email],
        )
    return True


def _subject(recherche: RechercheSauvegardee, total: int) -> str:
    plateforme = settings.AIGUILLAGE_THEME["nom_plateforme"]
    nouveaux = "1 nouveau service" if total == 1 else f"{total} nouveaux services"
    return f"[{plateforme}] Annuaire : {nouveaux} pour « {recherche.nom} »"


def _body(recherche: RechercheSauvegardee, services: list[Service], total: int) -> str:
    base = settings.AIGUILLAGE_URL_PUBLIQUE.rstrip("/")
    code = recherche.criteres.get("code", "")
    commune_nom = Commune.objects.filter(code=code).values_list("nom", flat=True).first() or ""
    return render_to_string(
        "directory/emails/alerte_recherche.txt",
        {
            "recherche": recherche,
            "criteres": criteria_labels(recherche.criteres, commune_nom=commune_nom),
            "depuis": recherche.reference,
            "services": [
                (service, base + reverse("directory:site_detail", args=[service.site_id]))
                for service in services
            ],
            "total": total,
            "autres": total - len(services),
            "url_recherche": base + search_url(recherche.criteres, commune_nom=commune_nom),
            "url_recherches": base + reverse("directory:saved_searches"),
            "plateforme": settings.AIGUILLAGE_THEME["nom_plateforme"],
        },
    )
