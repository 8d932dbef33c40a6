"""The deploying Région's branding, from ``settings.AIGUILLAGE_THEME``.

A Région sets its name, logo and two colours. Text colours on those backgrounds are chosen here
to keep a WCAG 2.1 AA contrast ratio (4.5:1), and a system check warns when a colour cannot reach
it with either black or white text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings

HEX_COLOUR = re.compile(r"^#([0-9a-fA-F]{6})$")
AA_NORMAL_TEXT = 4.5


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour ``#rrggbb``."""
    match = HEX_COLOUR.match(hex_colour)
    if not match:
        raise ValueError(f"Couleur invalide « {hex_colour} » : format attendu #rrggbb.")
    channels = [int(match.group(1)[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever contrasts more with ``background``."""
    white, black = contrast_ratio(background, "#ffffff"), contrast_ratio(background, "#000000")
    return "#ffffff" if white >= black else "#000000"


def darker(hex_colour: str, factor: float) -> str:
    match = HEX_COLOUR.match(hex_colour)
    if not match:
        raise ValueError(hex_colour)
    rgb = [int(match.group(1)[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{max(0, int(c * factor)):02x}" for c in rgb)


@dataclass(frozen=True)
class Theme:
    nom_plateforme: str
    nom_region: str
    logo_url: str
    couleur_primaire: str
    couleur_secondaire: str

    @property
    def texte_sur_primaire(self) -> str:
        return text_colour_on(self.couleur_primaire)

    @property
    def texte_sur_secondaire(self) -> str:
        return text_colour_on(self.couleur_secondaire)

    @property
    def primaire_survol(self) -> str:
        return darker(self.couleur_primaire, 0.85)

    @property
    def rgb_primaire(self) -> str:
        value = self.couleur_primaire.lstrip("#")
        return ", ".join(str(int(value[i : i + 2], 16)) for i in (0, 2, 4))


@cache
def _theme_from(items: tuple[tuple[str, str], ...]) -> Theme:
    return Theme(**dict(items))


def current_theme() -> Theme:
    return _theme_from(tuple(sorted(settings.AIGUILLAGE_THEME.items())))
