"""The referral's state machine: the allowed moves, who makes them, and the FHIR Task mapping.

``TRANSITIONS`` is the whole machine: ``(from, to) -> side``. The side says which structure may
make the move: ``destinataire`` (the receiving structure), ``emettrice`` (the sender; for a
request from the portal, nobody but the system), ``systeme`` (the reminder ladder, the fan-out,
a consent withdrawal). Anything not in the table is forbidden, and ``services.adressage_transition``
refuses it with a clear message, changing nothing.

::

    envoyee ─▶ recue ─▶ acceptee ─▶ premier_contact ─▶ en_cours ─▶ terminee
       │          │         │              │                │
       │          ├▶ refusee (motif codé, toujours renvoyé à l'émetteur)
       │          ├▶ redirigee (vers une autre structure : un nouvel adressage)
       └──────────┴▶ expiree (échelle de rappels) ; toute étape ouverte ▶ annulee
"""

from __future__ import annotations

from dataclasses import dataclass

from aiguillage.referrals.models import Statut

__all__ = ["FHIR_TASK_STATUS", "TRANSITIONS", "Side", "TransitionInterdite", "allowed_from"]


class Side:
    DESTINATAIRE = "destinataire"
    EMETTRICE = "emettrice"
    SYSTEME = "systeme"


S = Statut
D, E, SYS = Side.DESTINATAIRE, Side.EMETTRICE, Side.SYSTEME

TRANSITIONS: dict[tuple[str, str], str] = {
    # The receiver opens it (automatically when one of its members first reads it).
    (S.ENVOYEE, S.RECUE): D,
    (S.ENVOYEE, S.ACCEPTEE): D,
    (S.ENVOYEE, S.REFUSEE): D,
    (S.ENVOYEE, S.REDIRIGEE): D,
    (S.RECUE, S.ACCEPTEE): D,
    (S.RECUE, S.REFUSEE): D,
    (S.RECUE, S.REDIRIGEE): D,
    (S.ACCEPTEE, S.PREMIER_CONTACT): D,
    # Accepted but the person never answered, or turned out not eligible.
    (S.ACCEPTEE, S.TERMINEE): D,
    (S.PREMIER_CONTACT, S.EN_COURS): D,
    (S.PREMIER_CONTACT, S.TERMINEE): D,
    (S.EN_COURS, S.TERMINEE): D,
    # The reminder ladder: nobody took it in time.
    (S.ENVOYEE, S.EXPIREE): SYS,
    (S.RECUE, S.EXPIREE): SYS,
    # The sender cancels before the receiver has taken the person in charge.
    (S.ENVOYEE, S.ANNULEE): E,
    (S.RECUE, S.ANNULEE): E,
}
# Consent withdrawn, or another structure of a fan-out took the request: any open referral
# closes (a system move, made on behalf of the person or of the fan-out).
for _statut in (S.ENVOYEE, S.RECUE, S.ACCEPTEE, S.PREMIER_CONTACT, S.EN_COURS):
    TRANSITIONS.setdefault((_statut, S.ANNULEE), SYS)
SYSTEM_MAY_ALSO = frozenset({S.ANNULEE, S.EXPIREE})

# What each status means in FHIR R4 Task.status (http://hl7.org/fhir/R4/task.html#statemachine).
# The exact status stays in Task.businessStatus.
FHIR_TASK_STATUS: dict[str, str] = {
    S.ENVOYEE: "requested",
    S.RECUE: "received",
    S.ACCEPTEE: "accepted",
    S.REFUSEE: "rejected",
    S.REDIRIGEE: "cancelled",
    S.PREMIER_CONTACT: "in-progress",
    S.EN_COURS: "in-progress",
    S.TERMINEE: "completed",
    S.EXPIREE: "failed",
    S.ANNULEE: "cancelled",
}


@dataclass
class TransitionInterdite(Exception):
    """A move the state machine or the user's side does not allow (message in French)."""

    message: str

    def __str__(self) -> str:
        return self.message


def allowed_from(statut: str, side: str) -> list[str]:
    """The statuses ``side`` may move a referral to from ``statut``."""
    targets = []
    for (de, vers), who in TRANSITIONS.items():
        if de != statut:
            continue
        if who == side or (side == Side.SYSTEME and vers in SYSTEM_MAY_ALSO):
            targets.append(str(vers))
    return targets


def check(statut: str, vers: str, side: str) -> None:
    """Raise ``TransitionInterdite`` unless ``side`` may move ``statut`` to ``vers``."""
    de_label, vers_label = Statut(statut).label, _label(vers)
    who = TRANSITIONS.get((statut, vers))
    if who is None:
        possibles = ", ".join(Statut(v).label.lower() for v in _targets(statut)) or "aucun"
        raise TransitionInterdite(
            f"Passage impossible de « {de_label} » à « {vers_label} ». "
            f"Statuts possibles depuis « {de_label} » : {possibles}."
        )
    if who != side and not (side == Side.SYSTEME and vers in SYSTEM_MAY_ALSO):
        qui = {
            Side.DESTINATAIRE: "la structure destinataire",
            Side.EMETTRICE: "la structure émettrice",
        }[who]
        raise TransitionInterdite(
            f"Seule {qui} peut faire passer l'adressage de « {de_label} » à « {vers_label} »."
        )


def _targets(statut: str) -> list[str]:
    return [vers for (de, vers) in TRANSITIONS if de == statut]


def _label(value: str) -> str:
    try:
        return Statut(value).label
    except ValueError:
        return value
