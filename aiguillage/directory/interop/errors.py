"""French error messages for the records the schema or our own rules refuse.

Concept map:

- ``_error(where, loc, message)``: one message naming the record (``structures[3]``,
  ``services.csv, ligne 5``) and the field (``aiguillage.dessertes[0].code``);
- ``_pydantic_errors``: a pydantic ``ValidationError`` (the schema's models or our extension)
  as French messages, one per field, one per union of alternatives (``zone_eligibilite``);
- ``_django_errors``: our own field rules (lengths, choices, validators) on an unsaved row.
"""

from __future__ import annotations

import json

import pydantic
from django.core.exceptions import ValidationError
from django.db import models

ZONE_HINT = (
    "code commune (5 caractères), EPCI (9 chiffres), département (2 ou 3 caractères) "
    "ou « france » attendu"
)


def _error(where: str, loc: str, message: str) -> str:
    message = message.rstrip(".")
    return f"{where}, champ {loc} : {message}." if loc else f"{where} : {message}."


def _loc(parts: tuple) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}" if text else part
        # Other strings name a member of a union (``constrained-str``, ``literal['france']``).
    return text


def _expected(ctx: dict) -> str:
    expected = str(ctx.get("expected", ""))
    # Long referentials (69 thématiques) would drown the message: name only short lists.
    return f" (attendu : {expected.replace(' or ', ' ou ')})" if expected.count(",") < 8 else ""


def _message(error: dict) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    shown = value if isinstance(value, str | int | float) else json.dumps(value, default=str)
    if kind == "missing":
        return "valeur manquante"
    if kind == "extra_forbidden":
        return "clé inconnue de l'extension aiguillage"
    if kind == "string_too_short":
        return f"{ctx['min_length']} caractère(s) au moins"
    if kind == "string_too_long":
        return f"{ctx['max_length']} caractère(s) au plus"
    if kind == "too_short":
        return f"{ctx['min_length']} élément(s) au moins"
    if kind == "string_pattern_mismatch":
        return f"format invalide (« {shown} »)"
    if kind in ("enum", "literal_error"):
        return f"valeur « {shown} » inconnue{_expected(ctx)}"
    if kind.startswith("url"):
        return f"adresse web invalide (« {shown} »)"
    if kind.startswith("date_"):
        return f"date invalide (« {shown} », format AAAA-MM-JJ attendu)"
    if kind.startswith("datetime") or kind == "timezone_aware":
        return f"date et heure invalides (« {shown} », format ISO 8601 avec fuseau attendu)"
    if kind.startswith(("float_", "int_")):
        return f"nombre attendu (« {shown} »)"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        return f"valeur {'supérieure' if 'ge' in ctx else 'inférieure'} ou égale à {bound} attendue"
    if kind.startswith("bool"):
        return "vrai ou faux (true, false) attendu"
    if kind in ("list_type", "set_type", "tuple_type"):
        return "liste attendue"
    if kind == "string_type":
        return "texte attendu"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "objet JSON attendu"
    if kind == "value_error":
        text = error["msg"].removeprefix("Value error, ")
        return "courriel invalide" if text.startswith("value is not a valid email") else text
    return f"valeur invalide ({error['msg']})"


def _pydantic_errors(exc: pydantic.ValidationError, where: str, prefix: tuple = ()) -> list[str]:
    grouped: dict[str, list[dict]] = {}
    for error in exc.errors(include_url=False):
        grouped.setdefault(_loc(prefix + tuple(error["loc"])), []).append(error)
    messages = []
    for loc, errors in grouped.items():
        if len(errors) > 1 and any(
            isinstance(p, str) and not p.isidentifier() for p in errors[0]["loc"]
        ):
            # One value refused by every member of a union (zone_eligibilite): one message.
            hint = ZONE_HINT if loc.startswith("zone_eligibilite") else "format non reconnu"
            messages.append(_error(where, loc, f"code « {errors[0]['input']} » invalide : {hint}"))
            continue
        for message in dict.fromkeys(_message(e) for e in errors):
            messages.append(_error(where, loc, message))
    return messages


def _django_errors(instance: models.Model, *, where: str, names: dict[str, str]) -> list[str]:
    """Our own field rules (lengths, choices, URL and SIRET validators) on an unsaved row."""
    exclude = [
        f.name for f in instance._meta.concrete_fields if f.is_relation or f.name not in names
    ]
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [_error(where, names[f], m) for f, ms in exc.message_dict.items() for m in ms]
    return []
