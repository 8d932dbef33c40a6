from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "aiguillage.accounts"
    label = "accounts"
    verbose_name = "Comptes et rôles"
