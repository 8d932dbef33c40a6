"""Template filters shared by the apps."""

import re

from django import template

register = template.Library()


@register.filter
def telephone(value: str) -> str:
    """French display of a phone number: "+33465717828" → "04 65 71 78 28"."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) == 10 and digits.startswith("0"):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return value
