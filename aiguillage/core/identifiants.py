"""Public identifiers that are both unguessable and ordered by creation time.

``uuid7()`` makes a UUID version 7 (RFC 9562, section 5.7): the creation time in milliseconds
(48 bits), then 74 random bits from the operating system (``os.urandom``), like
``uuid.uuid4()``'s 122. Two reasons:

- ordered by time, new identifiers go to the end of their unique index instead of a random page
  of it: inserting a diagnostic costs half as much CPU on SQLite once the table has some
  hundred thousand rows (measured in docs/performance.md), and PostgreSQL's B-tree benefits
  alike;
- no counter: the implementations in ``uuid-utils`` and Python 3.14 fill most of the random
  part with a counter within the millisecond, so that knowing one identifier would leave only 32
  bits to guess of another made in the same millisecond. Our identifiers appear in the portal's
  result addresses, which must stay unguessable: every bit but the time is random.

What it reveals: the creation time, to the millisecond, which the pages show anyway.
"""

from __future__ import annotations

import os
import time
import uuid

__all__ = ["uuid7"]

_VERSION = 0x7 << 76  # bits 76–79
_VARIANT = 0b10 << 62  # bits 62–63 (RFC 9562)
_RANDOM_A = ((1 << 12) - 1) << 64  # bits 64–75
_RANDOM_B = (1 << 62) - 1  # bits 0–61


def uuid7() -> uuid.UUID:
    """A new UUID version 7: time in milliseconds, then 74 random bits."""
    millis = time.time_ns() // 1_000_000
    random = int.from_bytes(os.urandom(10), "big")  # 80 bits, 74 kept
    value = (millis & ((1 << 48) - 1)) << 80 | _VERSION | random & _RANDOM_A | _VARIANT
    return uuid.UUID(int=value | random & _RANDOM_B)
