"""Commune lookup by name or postal code, accent- and case-insensitive, for autocomplete.

Names are compared in a normalised form (``normalise``): ASCII, lower case, punctuation folded to
single spaces, and the usual abbreviations expanded ("St-Étienne" → "saint etienne"). A query
matches a commune whose normalised name starts with it or has a word starting with it; exact
names come first, then prefixes, then inner words, each by decreasing population. Digits search
postal codes (prefix) and INSEE codes (exact). Prefixes use the index-friendly ``__prefix``
lookup (see ``lookups.py``); the cost is measured in ``benchmarks/bench_territories_search.py``.
"""

from __future__ import annotations

import re

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from unidecode import unidecode

from aiguillage.territories.models import CodePostal, Commune

__all__ = ["commune_search", "normalise"]

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "s": "sur"}
_DIGITS = re.compile(r"^\d[\dAB]{1,4}$", re.IGNORECASE)
MAX_RESULTS = 20


def normalise(text: str) -> str:
    words = _NON_ALNUM.sub(" ", unidecode(text).lower()).split()
    # "s" is only an abbreviation between two words ("Châlons-s-Marne"), never at the start.
    return " ".join(
        _ABBREVIATIONS.get(w, w) if (w != "s" or 0 < i < len(words) - 1) else w
        for i, w in enumerate(words)
    )


def _base() -> QuerySet[Commune]:
    return Commune.objects.select_related("departement")


def commune_search(query: str, *, limit: int = 10) -> list[Commune]:
    limit = max(1, min(limit, MAX_RESULTS))
    query = query.strip()
    if _DIGITS.match(query):
        return _by_code(query.upper(), limit)
    needle = normalise(query)
    if len(needle) < 2:
        return []
    # Names starting with the query come from an index; names with an inner word starting with
    # it need a scan, so they are looked up only when the first query leaves room.
    found = list(
        _base()
        .filter(nom_normalise__prefix=needle)
        .annotate(
            rang=Case(
                When(nom_normalise=needle, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rang", F("population").desc(nulls_last=True), "nom", "code")[:limit]
    )
    if len(found) < limit:
        found += list(
            _base()
            .filter(nom_normalise__contains=f" {needle}")
            .exclude(nom_normalise__prefix=needle)
            .order_by(F("population").desc(nulls_last=True), "nom", "code")[: limit - len(found)]
        )
    return found


def _by_code(code: str, limit: int) -> list[Commune]:
    matches = list(CodePostal.objects.filter(code__prefix=code).values_list("commune_id", "code"))
    exact = {commune_id for commune_id, postal in matches if postal == code}
    ids = {commune_id for commune_id, _ in matches} | {code}  # an INSEE code matches itself
    ranked = (
        _base()
        .filter(code__in=ids)
        .annotate(
            rang=Case(
                When(code=code, then=Value(0)),
                When(code__in=exact, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rang", F("population").desc(nulls_last=True), "nom", "code")
    )
    return list(ranked[:limit])
