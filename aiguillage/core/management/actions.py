"""Commands made of actions: ``aiguillage adressages relancer``, ``aiguillage journal purger``…"""

from __future__ import annotations

from django.core.management.base import BaseCommand


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
