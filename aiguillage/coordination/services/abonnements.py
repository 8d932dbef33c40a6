"""Secret calendar links: make (or replace) a structure's link, revoke it, note that a calendar
read it.

The token is ``secrets.token_urlsafe(32)``: 256 random bits, 43 URL-safe characters. Only its
SHA-256 is stored (``LienAgenda.empreinte``), and the token is returned once, to be shown once.
A fast hash is enough because the token is random, not chosen by a person: nobody can try
2^256 guesses, so the slow, salted hashes made for passwords would only cost time at each
calendar poll (docs/coordination.md explains why not Django's ``signing`` either).

Making and revoking are audited (never the token or its hash); reading the link is not — a
calendar reads it every few minutes or hours — it only updates ``LienAgenda.utilise_le``.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aiguillage.coordination.models import LienAgenda
from aiguillage.coordination.workflow import ActionInterdite
from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.directory.models import Structure

#: Random bytes in a token (``secrets.token_urlsafe``): 256 bits.
JETON_OCTETS = 32

#: ``utilise_le`` is written at most this often per link: a date to the nearest few minutes is
#: all a manager needs, and a team's calendars polling the same link do not write at each read.
PRECISION_UTILISATION = dt.timedelta(minutes=5)


def _libelle(structure: Structure) -> str:
    return f"Lien d'abonnement à l'agenda de {structure.nom}"[:200]


@transaction.atomic
def lien_agenda_creer(*, structure: Structure, acting_user, request=None) -> tuple[LienAgenda, str]:
    """Make the structure's secret calendar link, replacing the one it had (which answers 404
    from now on). Returns the link and its token: the only time the token exists in clear."""
    jeton = secrets.token_urlsafe(JETON_OCTETS)
    auteur = acting_user if getattr(acting_user, "is_authenticated", False) else None
    lien, cree = LienAgenda.objects.update_or_create(
        structure=structure,
        defaults={
            "empreinte": LienAgenda.empreinte_de(jeton),
            "cree_le": timezone.now(),
            "cree_par": auteur,
            "utilise_le": None,
        },
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=acting_user,
        obj=lien,
        object_repr=_libelle(structure),
        structure_id=structure.pk,
        request=request,
        details={"lien_precedent_revoque": not cree},
    )
    return lien, jeton


@transaction.atomic
def lien_agenda_revoquer(*, structure: Structure, acting_user, request=None) -> None:
    """Revoke the structure's secret calendar link: it answers 404 from now on."""
    lien = LienAgenda.objects.select_for_update().filter(structure=structure).first()
    if lien is None:
        raise ActionInterdite("Cette structure n'a pas de lien d'abonnement : rien à révoquer.")
    audit_record(
        action=AuditAction.DELETE,
        actor=acting_user,
        obj=lien,
        object_repr=_libelle(structure),
        structure_id=structure.pk,
        request=request,
        details={"cree_le": lien.cree_le.isoformat()},
    )
    lien.delete()


def lien_agenda_utilise(*, lien: LienAgenda, maintenant: dt.datetime | None = None) -> bool:
    """Note that a calendar read the link (``utilise_le``), unless that was noted less than
    ``PRECISION_UTILISATION`` ago. One ``UPDATE``, no lock, no audit event. Returns whether it
    wrote."""
    maintenant = maintenant or timezone.now()
    ecrit = (
        LienAgenda.objects.filter(pk=lien.pk)
        .filter(Q(utilise_le__isnull=True) | Q(utilise_le__lte=maintenant - PRECISION_UTILISATION))
        .update(utilise_le=maintenant)
    )
    return bool(ecrit)
