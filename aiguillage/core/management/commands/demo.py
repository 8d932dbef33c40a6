"""``aiguillage demo``: reference territories (when absent) and demo data, then the logins."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from aiguillage.core.demo import DEMO_PASSWORD, demo_load
from aiguillage.territories.models import Commune


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration (idempotent) et affiche les comptes de démonstration."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--recharger-territoires",
            action="store_true",
            help="Recharger le référentiel des territoires même s'il est déjà présent.",
        )

    def handle(self, *args, recharger_territoires: bool = False, **options):
        if recharger_territoires or not Commune.objects.exists():
            call_command("territoires", "charger", stdout=self.stdout, stderr=self.stderr)
        accounts = demo_load()
        self.stdout.write("")
        self.stdout.write("Données de démonstration prêtes. Comptes (mot de passe commun) :")
        self.stdout.write(f"  mot de passe : {DEMO_PASSWORD}")
        width = max(len(a.email) for a in accounts)
        for account in accounts:
            self.stdout.write(
                f"  {account.email.ljust(width)}  {account.role.label} — {account.structure}"
            )
        self.stdout.write("")
