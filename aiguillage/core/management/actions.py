"""Commands made of actions: ``aiguillage adressages relancer``, ``aiguillage journal purger``…"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError


class CommandeAActions(BaseCommand):
    """A command whose first argument names an action.

    ``ACTIONS`` maps each action's name to its help; each one needs a method
    ``_arguments_<name>(parser)`` that declares its options and a method ``_<name>(**options)``
    that runs it.
    """

    ACTIONS: dict[str, str] = {}

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for name, help_text in self.ACTIONS.items():
            getattr(self, f"_arguments_{name}")(sub.add_parser(name, help=help_text))

    def handle(self, *args, action, **options):
        getattr(self, "_" + action)(**options)


def jour_et_essai_arguments(parser) -> None:
    """``--date AAAA-MM-JJ`` (the day to process) and ``--dry-run``, for the scheduled actions
    (``adressages relancer|purger``, ``annuaire alerter``, ``journal purger``)."""
    parser.add_argument(
        "--date",
        metavar="AAAA-MM-JJ",
        help="Jour à traiter (par défaut : aujourd'hui, heure de Paris).",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="Affiche ce qui serait fait sans rien écrire."
    )


def date_option(value: str | None) -> date | None:
    """A command's ``--date AAAA-MM-JJ`` (``None`` when not given), or a French error."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--date : « {value} » n'est pas une date au format AAAA-MM-JJ (ex. 2026-07-20)."
        ) from exc
