"""French phone numbers as people read them, and as the records compare them."""

from __future__ import annotations

import re

__all__ = ["telephone_affiche", "telephone_chiffres"]


def telephone_chiffres(value: str | None) -> str:
    """The number's digits, a French international prefix written the national way:
    "+33 4 65 71 78 28", "04.65.71.78.28" and "0465717828" all give "0465717828"."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def telephone_affiche(value: str | None) -> str:
    """French display: "+33465717828" → "04 65 71 78 28"; any other number unchanged."""
    digits = telephone_chiffres(value)
    if len(digits) == 10 and digits.startswith("0"):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return value or ""
