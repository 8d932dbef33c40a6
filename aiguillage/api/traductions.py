"""pydantic's validation errors in French: one message per error type, from its ``ctx``.

- ``message_pydantic`` gives the message of one error (« champ obligatoire. », « nombre entier
  attendu (reçu « a »). »); types missing from ``_TRADUCTIONS`` say « valeur invalide » with the
  type, never pydantic's English;
- ``montre`` is how a value received appears in a message: short scalars only.

The types are pydantic's (https://docs.pydantic.dev/latest/errors/validation_errors/);
``erreurs.py`` puts the messages in the API's 422 body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

__all__ = ["message_pydantic", "montre"]

# The values shown in a message (« reçu … »): short scalars only, never a whole object.
_VALEUR_MAX = 50


def _pluriel(nombre: Any, singulier: str, pluriel: str) -> str:
    try:
        return f"{nombre} {singulier if abs(float(nombre)) < 2 else pluriel}"
    except (TypeError, ValueError):
        return f"{nombre} {pluriel}"


def _possibles(attendu: Any) -> str:
    """pydantic's ``ctx["expected"]`` (``"'a', 'b' or 'c'"``) as ``a, b, c``."""
    texte = str(attendu)
    valeurs = re.findall(r"'((?:[^'\\]|\\.)*)'", texte)
    if not valeurs:
        valeurs = [v for v in re.split(r",\s*|\s+or\s+", texte) if v]
    return ", ".join(valeurs)


def montre(valeur: Any) -> str | None:
    """A received value as shown in a message, or ``None`` when it is not worth showing."""
    if isinstance(valeur, str):
        return f"« {valeur} »" if len(valeur) <= _VALEUR_MAX else None
    if valeur is None or isinstance(valeur, bool | int | float):
        return json.dumps(valeur)
    return None


def _ligne_colonne(erreur: str) -> str:
    """`` (ligne 1, colonne 5)`` from pydantic's English ``"… at line 1 column 5"``."""
    trouve = re.search(r"line (\d+) column (\d+)", erreur)
    return f" (ligne {trouve[1]}, colonne {trouve[2]})" if trouve else ""


DATE = "date attendue au format AAAA-MM-JJ"
DATE_HEURE = "date et heure attendues au format AAAA-MM-JJTHH:MM:SS"
HEURE = "heure attendue au format HH:MM:SS"
ENTIER = "nombre entier attendu"
NOMBRE = "nombre attendu"
BOOLEEN = "true ou false attendu"
UUID = "identifiant UUID attendu"
LISTE = "liste attendue"
OBJET = "objet JSON attendu"
URL = "adresse web (URL) invalide"

# pydantic error type → French message, from the error's ``ctx``. The types in ``_RECU`` add
# the value received when it is short.
_TRADUCTIONS: dict[str, str | Callable[[dict], str]] = {
    "missing": "champ obligatoire",
    "extra_forbidden": "champ inconnu",
    "string_type": "texte attendu",
    "string_unicode": "texte Unicode valide attendu",
    "string_too_short": lambda c: (
        _pluriel(c.get("min_length"), "caractère", "caractères") + " au moins"
    ),
    "string_too_long": lambda c: (
        _pluriel(c.get("max_length"), "caractère", "caractères") + " au plus"
    ),
    "string_pattern_mismatch": lambda c: f"format invalide (motif attendu : {c.get('pattern')})",
    "int_type": ENTIER,
    "int_parsing": ENTIER,
    "int_from_float": ENTIER + ", sans décimale",
    "int_parsing_size": "nombre entier trop grand",
    "float_type": NOMBRE,
    "float_parsing": NOMBRE,
    "finite_number": "nombre fini attendu",
    "decimal_type": NOMBRE,
    "decimal_parsing": NOMBRE,
    "decimal_max_digits": lambda c: (
        _pluriel(c.get("max_digits"), "chiffre", "chiffres") + " au plus"
    ),
    "decimal_max_places": lambda c: (
        _pluriel(c.get("decimal_places"), "décimale", "décimales") + " au plus"
    ),
    "decimal_whole_digits": lambda c: (
        _pluriel(c.get("whole_digits"), "chiffre", "chiffres") + " au plus avant la virgule"
    ),
    "bool_type": BOOLEEN,
    "bool_parsing": BOOLEEN,
    "date_type": DATE,
    "date_parsing": DATE,
    "date_from_datetime_parsing": DATE,
    "date_from_datetime_inexact": "date sans heure attendue au format AAAA-MM-JJ",
    "date_past": "date passée attendue",
    "date_future": "date future attendue",
    "datetime_type": DATE_HEURE,
    "datetime_parsing": DATE_HEURE,
    "datetime_from_date_parsing": DATE_HEURE,
    "datetime_object_invalid": DATE_HEURE,
    "datetime_past": "date et heure passées attendues",
    "datetime_future": "date et heure futures attendues",
    "timezone_naive": "date et heure sans fuseau horaire attendues",
    "timezone_aware": "date et heure avec fuseau horaire attendues",
    "time_type": HEURE,
    "time_parsing": HEURE,
    "uuid_type": UUID,
    "uuid_parsing": UUID,
    "uuid_version": lambda c: f"{UUID} (version {c.get('expected_version')})",
    "enum": lambda c: f"valeur inconnue (possibles : {_possibles(c.get('expected'))})",
    "literal_error": lambda c: f"valeur inconnue (possibles : {_possibles(c.get('expected'))})",
    "greater_than": lambda c: f"doit être supérieur à {c.get('gt')}",
    "greater_than_equal": lambda c: f"doit être supérieur ou égal à {c.get('ge')}",
    "less_than": lambda c: f"doit être inférieur à {c.get('lt')}",
    "less_than_equal": lambda c: f"doit être inférieur ou égal à {c.get('le')}",
    "multiple_of": lambda c: f"doit être un multiple de {c.get('multiple_of')}",
    "too_short": lambda c: _pluriel(c.get("min_length"), "élément", "éléments") + " au moins",
    "too_long": lambda c: _pluriel(c.get("max_length"), "élément", "éléments") + " au plus",
    "list_type": LISTE,
    "tuple_type": LISTE,
    "set_type": LISTE,
    "frozen_set_type": LISTE,
    "iterable_type": LISTE,
    "dict_type": OBJET,
    "model_type": OBJET,
    "model_attributes_type": OBJET,
    "dataclass_type": OBJET,
    "json_invalid": lambda c: "JSON invalide" + _ligne_colonne(str(c.get("error", ""))),
    "json_type": "texte JSON attendu",
    "none_required": "doit être vide (null)",
    "url_type": URL,
    "url_parsing": URL,
    "url_syntax_violation": URL,
    "url_scheme": lambda c: f"{URL} (schémas permis : {_possibles(c.get('expected_schemes'))})",
    "url_too_long": lambda c: _pluriel(c.get("max_length"), "caractère", "caractères") + " au plus",
    "bytes_type": "contenu binaire attendu",
    "is_instance_of": lambda c: f"type {c.get('class')} attendu",
}
_RECU = {
    "string_type",
    "int_type",
    "int_parsing",
    "int_from_float",
    "float_type",
    "float_parsing",
    "decimal_type",
    "decimal_parsing",
    "bool_type",
    "bool_parsing",
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "datetime_type",
    "datetime_parsing",
    "datetime_from_date_parsing",
    "time_type",
    "time_parsing",
    "uuid_type",
    "uuid_parsing",
    "list_type",
    "tuple_type",
    "set_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "url_type",
    "url_parsing",
}


def message_pydantic(erreur: dict) -> str:
    """The French message of one pydantic error (``type``, ``ctx``, and ``valeur``, the input
    when short enough to be shown)."""
    genre = erreur.get("type", "")
    ctx = erreur.get("ctx") or {}
    valeur = montre(erreur["valeur"]) if "valeur" in erreur else None
    if genre in {"enum", "literal_error"} and valeur is not None:
        return f"valeur {valeur} inconnue (possibles : {_possibles(ctx.get('expected'))})."
    if genre in {"value_error", "assertion_error"} and ctx.get("error"):
        # Our own validators raise ValueError with a French message (pydantic prefixes
        # « Value error, » to ``msg``, not to ``ctx``).
        return str(ctx["error"]).rstrip(".") + "."
    traduction = _TRADUCTIONS.get(genre)
    if traduction is None:
        return f"valeur invalide (erreur « {genre or 'inconnue'} »)."
    message = traduction(ctx) if callable(traduction) else traduction
    if genre in _RECU and valeur is not None:
        message += f" (reçu {valeur})"
    return message + "."
