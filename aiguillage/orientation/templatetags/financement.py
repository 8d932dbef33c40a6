"""Template filters of the funding page."""

from __future__ import annotations

import datetime

from django import template

from aiguillage.rules.moteur import date_fr

register = template.Library()


@register.filter
def date_iso_fr(value: str) -> str:
    """``2024-05-02`` → ``2 mai 2024`` (left as it is when it is not an ISO date)."""
    try:
        return date_fr(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return value
