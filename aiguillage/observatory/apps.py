"""Django app of the cooperation observatory (no models yet; the maths need no database)."""

from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "aiguillage.observatory"
    label = "observatory"
    verbose_name = "Observatoire des coopérations"
