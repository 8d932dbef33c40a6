"""Public identifiers: UUID version 7, ordered by time, every other bit random."""

from __future__ import annotations

import itertools
import time
import uuid

from aiguillage.core.identifiants import uuid7


def test_an_identifier_is_a_version_7_uuid_of_rfc_9562():
    identifiant = uuid7()
    assert isinstance(identifiant, uuid.UUID)
    assert identifiant.version == 7
    assert identifiant.variant == uuid.RFC_4122


def test_it_starts_with_the_creation_time_in_milliseconds():
    avant = time.time_ns() // 1_000_000
    identifiant = uuid7()
    apres = time.time_ns() // 1_000_000
    assert avant <= identifiant.int >> 80 <= apres


def test_identifiers_made_later_sort_after():
    premier = uuid7()
    time.sleep(0.002)
    second = uuid7()
    assert premier < second
    assert str(premier) < str(second)  # and so do their texts (the SQLite column)


def test_the_74_bits_after_the_time_are_random_not_a_counter():
    # Made within a few milliseconds: with a counter (uuid-utils, Python 3.14), the bits after
    # the time would follow each other; here every one of them takes both values.
    identifiants = [uuid7().int for _ in range(2000)]
    assert len(set(identifiants)) == len(identifiants)
    aleatoire = [(i >> 64) & 0xFFF | (i & ((1 << 62) - 1)) << 12 for i in identifiants]
    for bit in range(74):
        uns = sum(a >> bit & 1 for a in aleatoire)
        assert 800 < uns < 1200, f"bit {bit} : {uns} sur 2000"
    ecarts = {b - a for a, b in itertools.pairwise(aleatoire)}
    assert len(ecarts) > 1900  # consecutive identifiers are not one step apart
