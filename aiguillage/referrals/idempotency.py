"""``Idempotency-Key`` for the API's create endpoint: a retried POST creates nothing new.

Concept map:

- a client sends ``Idempotency-Key: <its own unique string>`` with ``POST /api/v1/adressages``;
- the first request with that key (for that user) stores a ``CleIdempotence`` row holding the
  ``empreinte`` (sha256 of the canonical JSON body) and the public ids of the referrals it
  created, in the **same transaction** as the referrals: either both exist or neither does (a
  request refused for bad input does not use up its key);
- a later request with the same key and the same body gets those referrals back (``replayed``)
  and creates nothing; with a different body it is refused (``CleReutilisee``);
- two identical requests at the same moment: the database's unique constraint
  ``(utilisateur, cle)`` lets exactly one insert the key. On PostgreSQL the second ``INSERT``
  waits for the first transaction, then fails with an ``IntegrityError`` once it commits; on
  SQLite (``BEGIN IMMEDIATE``) the second transaction waits for the write lock, then fails the
  same way. Either way the loser rolls back to a savepoint (an ``IntegrityError`` aborts a
  PostgreSQL transaction) and reads the winner's row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from aiguillage.referrals.models import Adressage, CleIdempotence

__all__ = [
    "CLE_LONGUEUR_MAX",
    "CleReutilisee",
    "Execution",
    "adressages_create_once",
    "empreinte_corps",
]

CLE_LONGUEUR_MAX = CleIdempotence._meta.get_field("cle").max_length


class CleReutilisee(Exception):
    """The key was already used by this user for a request with another body."""

    def __init__(self, cle: str):
        self.cle = cle
        super().__init__(
            f"La clé d'idempotence « {cle} » a déjà servi pour une autre requête (corps "
            "différent). Utilisez une nouvelle clé pour une nouvelle demande, ou renvoyez "
            "exactement le même corps pour retrouver le résultat de la première."
        )


@dataclass(frozen=True)
class Execution:
    """What the request produced: the referrals' public ids, and whether it was a replay."""

    adressages: list[str]
    replayed: bool


def empreinte_corps(corps: Any) -> str:
    """sha256 of the canonical JSON form of ``corps`` (keys sorted, no spaces, UTF-8)."""
    canonique = json.dumps(
        corps, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonique.encode("utf-8")).hexdigest()


def adressages_create_once(
    *, user, cle: str, empreinte: str, create: Callable[[], Sequence[Adressage]]
) -> Execution:
    """Run ``create`` once per ``(user, cle)``; later calls return its referrals.

    ``create`` runs inside the transaction that stores the key: if it raises, nothing is kept
    and the key stays free. Raise ``CleReutilisee`` if the key was used with another body."""
    found = _replay(user=user, cle=cle, empreinte=empreinte)
    if found is not None:
        return found
    with transaction.atomic():
        try:
            # A savepoint: a duplicate key aborts this insert only, not the whole transaction.
            with transaction.atomic():
                record = CleIdempotence.objects.create(
                    utilisateur=user, cle=cle, empreinte=empreinte, adressages=[]
                )
        except IntegrityError:
            # Another request with this key committed first: answer with its result.
            found = _replay(user=user, cle=cle, empreinte=empreinte)
            if found is None:  # not a duplicate key after all
                raise
            return found
        created = [str(a.public_id) for a in create()]
        record.adressages = created
        record.save(update_fields=["adressages"])
    return Execution(adressages=created, replayed=False)


def _replay(*, user, cle: str, empreinte: str) -> Execution | None:
    record = CleIdempotence.objects.filter(utilisateur=user, cle=cle).first()
    if record is None:
        return None
    if record.empreinte != empreinte:
        raise CleReutilisee(cle)
    return Execution(adressages=list(record.adressages), replayed=True)
