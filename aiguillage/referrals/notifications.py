"""Telling the structures involved: one ``Notification`` per member (the in-app counter) and an
e-mail after the transaction commits. Texts never carry a person's name (e-mail is not a safe
channel for personal data): they name the referral and link to it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from aiguillage.accounts.access import MEMBER_ROLES
from aiguillage.accounts.models import Membership
from aiguillage.referrals.models import Notification

__all__ = ["notify_structure", "unread_count"]


def notify_structure(
    *,
    structure_id: int | None,
    type: str,
    texte: str,
    lien: str = "",
    adressage=None,
    accompagnement=None,
    roles=MEMBER_ROLES,
    sauf=None,
) -> int:
    """Notify the members of ``structure_id`` having one of ``roles`` (not ``sauf``)."""
    if structure_id is None:
        return 0
    members = (
        Membership.objects.filter(structure_id=structure_id, role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    users = {m.user_id: m.user for m in members if sauf is None or m.user_id != sauf.pk}
    Notification.objects.bulk_create(
        Notification(
            utilisateur_id=user_id,
            type=type,
            texte=texte[:300],
            adressage=adressage,
            accompagnement=accompagnement,
        )
        for user_id in users
    )
    url = f"{settings.AIGUILLAGE_URL_PUBLIQUE.rstrip('/')}{lien}" if lien else ""
    body = f"{texte}\n\n{url}\n\n— Aiguillage" if url else f"{texte}\n\n— Aiguillage"
    messages = [
        (f"[Aiguillage] {texte[:120]}", body, settings.DEFAULT_FROM_EMAIL, [u.email])
        for u in users.values()
    ]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(users)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(utilisateur=user, lue_le__isnull=True).count()
