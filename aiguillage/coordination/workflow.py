"""A session's life: which action is allowed in which status, and why not otherwise.

::

    prevue ──modifier──▶ prevue
       │
       ├──annuler──▶ annulee                      (final: nothing changes it any more)
       │
       └──présences (from the session's start)──▶ tenue ──présences corrigées──▶ tenue

``ACTIONS`` is the whole table; ``action_verifier`` raises ``ActionInterdite`` with the French
message of ``REFUS`` for anything else, and the services call it before changing anything.
"""

from __future__ import annotations

from aiguillage.coordination.models import StatutRencontre

__all__ = ["ACTIONS", "REFUS", "Action", "ActionInterdite", "action_verifier"]

S = StatutRencontre


class Action:
    MODIFIER = "modifier"
    ANNULER = "annuler"
    PRESENCES = "presences"


ACTIONS: dict[str, frozenset[str]] = {
    Action.MODIFIER: frozenset({S.PREVUE}),
    Action.ANNULER: frozenset({S.PREVUE}),
    Action.PRESENCES: frozenset({S.PREVUE, S.TENUE}),
}

REFUS: dict[tuple[str, str], str] = {
    (Action.MODIFIER, S.ANNULEE): "Cette rencontre est annulée : elle ne se modifie plus.",
    (Action.MODIFIER, S.TENUE): (
        "Les présences de cette rencontre sont saisies : elle ne se modifie plus (les présences "
        "restent corrigeables)."
    ),
    (Action.ANNULER, S.ANNULEE): "Cette rencontre est déjà annulée.",
    (Action.ANNULER, S.TENUE): (
        "Cette rencontre a eu lieu (ses présences sont saisies) : elle ne s'annule plus."
    ),
    (Action.PRESENCES, S.ANNULEE): "Une rencontre annulée n'a pas de présences à saisir.",
}


class ActionInterdite(Exception):
    """An action the session's status does not allow; nothing was changed."""


def action_verifier(action: str, statut: str) -> None:
    if statut not in ACTIONS[action]:
        raise ActionInterdite(REFUS.get((action, statut), "Action impossible sur cette rencontre."))
