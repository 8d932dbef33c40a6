from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "aiguillage.coordination"
    label = "coordination"
    verbose_name = "Coordination"
