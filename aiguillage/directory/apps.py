from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "aiguillage.directory"
    label = "directory"
    verbose_name = "Annuaire"
