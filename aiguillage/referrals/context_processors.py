"""The unread-notifications counter shown on the "Adressages" menu entry (members only)."""

from __future__ import annotations

from django.urls import reverse

from aiguillage.accounts.access import member_structure_ids
from aiguillage.referrals.notifications import unread_count


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) or not member_structure_ids(user):
        return {}
    return {
        "notifications_non_lues": unread_count(user),
        "adressages_url": reverse("referrals:inbox"),
    }
