from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "aiguillage.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from aiguillage.core import checks, signals  # noqa: F401
