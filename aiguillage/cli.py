"""The ``aiguillage`` console script: Django's management commands without setting
``DJANGO_SETTINGS_MODULE`` by hand.

``aiguillage migrate``, ``aiguillage demo``, ``aiguillage territoires charger`` … Commands with a
French sub-verb (``territoires charger``) are ordinary management commands with subcommands.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiguillage.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "aiguillage"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
