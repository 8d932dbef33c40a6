from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "aiguillage.orientation"
    label = "orientation"
    verbose_name = "Orientation"
