from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "aiguillage.referrals"
    label = "referrals"
    verbose_name = "Adressages"
