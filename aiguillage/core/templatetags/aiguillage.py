"""Template filters shared by the apps."""

from django import template

from aiguillage.core.telephones import telephone_affiche

register = template.Library()


@register.filter
def telephone(value: str) -> str:
    """French display of a phone number: "+33465717828" → "04 65 71 78 28"."""
    return telephone_affiche(value)
