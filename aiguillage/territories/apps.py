from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "aiguillage.territories"
    label = "territories"
    verbose_name = "Territoires"
