"""System checks: the Région's colours must be valid ``#rrggbb`` values.

Contrast needs no check of its own: text is black or white, whichever contrasts more, and one of
the two always reaches at least 4.58:1 against any colour (the crossover is at √21), above the
4.5:1 that WCAG 2.1 AA asks for normal text.
"""

from django.core import checks

from aiguillage.core.theme import current_theme, relative_luminance


@checks.register()
def check_theme_colours(app_configs=None, **kwargs):
    errors = []
    theme = current_theme()
    for field in ("couleur_primaire", "couleur_secondaire"):
        try:
            relative_luminance(getattr(theme, field))
        except ValueError as exc:
            errors.append(
                checks.Error(
                    str(exc), hint=f"Réglage AIGUILLAGE_{field.upper()}", id="aiguillage.E001"
                )
            )
    return errors
