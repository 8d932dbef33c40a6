"""Number writing for the observatory's pages and reports: French decimals, signed changes."""

from django import template

from aiguillage.observatory.drawing import fr

register = template.Library()


@register.filter(name="fr")
def fr_filter(value, digits: int = 2) -> str:
    """0.8234 → "0,82"; 400.0 → "400"; None → "—"."""
    return fr(value, int(digits))


@register.filter
def evolution(value, digits: int = 2) -> str:
    """A change with its sign: "+0,05", "−3", "0"; None → "—"."""
    if value is None:
        return "—"
    if abs(value) < 0.5 * 10 ** -int(digits):  # rounds to zero: no "+0,00"
        return "0"
    return ("+" if value > 0 else "") + fr(value, int(digits))


@register.filter
def config_label(key, labels: dict) -> str:
    return labels.get(key, key) if key is not None else "—"
