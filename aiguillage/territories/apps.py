from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "aiguillage.territories"
    label = "territories"
    verbose_name = "Territoires"

    def ready(self) -> None:
        from aiguillage.territories import lookups  # noqa: F401 - registers __prefix
