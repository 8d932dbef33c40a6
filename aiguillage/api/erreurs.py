"""The API's errors in French, each naming what is wrong, with ninja's status codes unchanged.

Our endpoints already raise ``HttpError(status, "champ : message en français")``; those pass
through untouched (``{"detail": "…"}``). This module translates what django-ninja answers by
itself:

- request-format validation (pydantic: a missing field, a wrong type, a value out of bounds, in
  the body, the query string, the path or a form) → **422**
  ``{"detail": "champ : message; …", "erreurs": [{"champ", "emplacement", "message", "type"}]}``:
  ``detail`` reads like our own 422s; ``erreurs`` has one item per problem, ``type`` being
  pydantic's error type (https://docs.pydantic.dev/latest/errors/validation_errors/);
- ``Http404`` raised inside an API view (our gateways, ``get_object_or_404``) → **404**, with our
  own « X introuvable. » message, else « Commune introuvable. » from the model's verbose name,
  else « Ressource introuvable. » (ninja said « Not Found »);
- ninja's own ``HttpError`` messages: no session (**401**), CSRF (**403**), unreadable JSON body
  (**400**, with line and column), throttling (**429**);
- **405**: ninja's plain-text « Method not allowed » becomes JSON (``api_view``).

The contract is documented in ``docs/api-adressages.md`` (« Erreurs »).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from functools import partial, wraps
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.text import capfirst
from ninja import NinjaAPI
from ninja.errors import HttpError, Throttled, ValidationError, ValidationErrorContext

__all__ = ["NinjaAPIEnFrancais", "api_view", "message_404", "message_http", "validation_body"]

NON_AUTHENTIFIE = (
    "Authentification requise : ouvrez une session sur la plateforme (cookie sessionid)."
)
CSRF_REFUSE = (
    "Jeton CSRF absent ou invalide : envoyez le cookie csrftoken et l'en-tête X-CSRFToken "
    "(en HTTPS, aussi l'en-tête Referer de la plateforme)."
)
ACCES_REFUSE = "Accès refusé."
INTROUVABLE = "Ressource introuvable."

# ninja's own English messages (``ninja.errors``, ``ninja.security.apikey``).
_MESSAGES_NINJA = {
    "Unauthorized": NON_AUTHENTIFIE,
    "CSRF check Failed": CSRF_REFUSE,
    "Forbidden": ACCES_REFUSE,
}
_CORPS_ILLISIBLE = "Cannot parse request body"  # ``ninja.params.models.BodyModel``
_GET_OBJECT_OR_404 = re.compile(r"No (?P<modele>\w+) matches the given query\.")

# The values shown in a message (« reçu … »): short scalars only, never a whole object.
_VALEUR_MAX = 50


# --- Validation (422) -------------------------------------------------------------------------


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


def _montre(valeur: Any) -> str | None:
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


def _message(erreur: dict) -> str:
    genre = erreur.get("type", "")
    ctx = erreur.get("ctx") or {}
    valeur = _montre(erreur["valeur"]) if "valeur" in erreur else None
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


def _chemin(parties: Iterable[Any]) -> str:
    """``("personne", "nom")`` → ``personne.nom``; ``("destinataires", 0)`` →
    ``destinataires[0]``."""
    champ = ""
    for partie in parties:
        if isinstance(partie, int):
            champ += f"[{partie}]"
        else:
            champ += f".{partie}" if champ else str(partie)
    return champ


_EMPLACEMENTS = {
    "body": "corps de la requête",
    "form": "formulaire",
    "file": "fichiers",
    "query": "paramètres de la requête",
    "path": "chemin",
    "header": "en-têtes",
    "cookie": "cookies",
}


def erreur_en_francais(erreur: dict) -> dict:
    """One ninja validation error (``{"type", "loc", "msg", "ctx"}``) as we answer it."""
    loc = list(erreur.get("loc") or ())
    emplacement = str(loc[0]) if loc else ""
    champ = erreur.get("champ")
    if champ is None:
        champ = _chemin(loc[1:])
    if not champ:
        if not loc and len(erreur) == 1:  # e.g. ``ValidationError([{"cursor": "…"}])``
            champ = str(next(iter(erreur)))
        else:
            champ = _EMPLACEMENTS.get(emplacement, emplacement or "requête")
    return {
        "champ": champ,
        "emplacement": emplacement,
        "message": _message(erreur),
        "type": erreur.get("type", "invalide"),
    }


def validation_body(errors: list[dict]) -> dict:
    """The 422 body: ``detail`` like our own 422s (``champ : message; …``) and ``erreurs``."""
    erreurs = [erreur_en_francais(e) for e in errors]
    detail = "; ".join(f"{e['champ']} : {e['message']}" for e in erreurs)
    return {"detail": detail or "Requête invalide.", "erreurs": erreurs}


# --- 404 and ninja's own HttpError ------------------------------------------------------------


def message_404(exc: Exception) -> str:
    """Our gateways' « X introuvable. »; « Commune introuvable. » for ``get_object_or_404``;
    else « Ressource introuvable. » (never an English message, nor anything else)."""
    message = str(exc).strip()
    if message.endswith("introuvable."):
        return message
    trouve = _GET_OBJECT_OR_404.fullmatch(message)
    if trouve:
        modeles = [m for m in apps.get_models() if m._meta.object_name == trouve["modele"]]
        if len(modeles) == 1:
            return f"{capfirst(modeles[0]._meta.verbose_name)} introuvable."
    return INTROUVABLE


def _corps_illisible(exc: HttpError) -> str:
    cause = exc.__cause__
    if isinstance(cause, json.JSONDecodeError):
        return f"Corps de la requête : JSON invalide (ligne {cause.lineno}, colonne {cause.colno})."
    if isinstance(cause, UnicodeDecodeError):
        return "Corps de la requête : JSON invalide (encodage UTF-8 attendu)."
    return "Corps de la requête : JSON invalide (Content-Type: application/json attendu)."


def message_http(exc: HttpError) -> str:
    """ninja's English messages in French; ours (already French) unchanged."""
    if isinstance(exc, Throttled):
        if exc.wait is None:
            return "Trop de requêtes : réessayez plus tard."
        return f"Trop de requêtes : réessayez dans {math.ceil(exc.wait)} s."
    message = str(exc)
    if exc.status_code == 400 and message.startswith(_CORPS_ILLISIBLE):
        return _corps_illisible(exc)
    return _MESSAGES_NINJA.get(message, message)


# --- The API ----------------------------------------------------------------------------------


def _on_validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI):
    return api.create_response(request, validation_body(exc.errors), status=422)


def _on_404(request: HttpRequest, exc: Http404, api: NinjaAPI):
    return api.create_response(request, {"detail": message_404(exc)}, status=404)


def _on_http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI):
    return api.create_response(request, {"detail": message_http(exc)}, status=exc.status_code)


class NinjaAPIEnFrancais(NinjaAPI):
    """ninja's API whose own errors are French and name the field (see the module's doc)."""

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()  # keeps the handler of other exceptions (500)
        self.add_exception_handler(ValidationError, partial(_on_validation_error, api=self))
        self.add_exception_handler(Http404, partial(_on_404, api=self))
        self.add_exception_handler(HttpError, partial(_on_http_error, api=self))

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        """ninja's errors, each with ``champ`` as the client writes it (a JSON body's fields
        without the view's parameter name: ``personne.nom``, not ``payload.personne.nom``) and
        ``valeur`` (the input, which ninja drops) when short enough to be shown."""
        exc = super().validation_error_from_error_contexts(error_contexts)
        originales = [
            (context.model, erreur)
            for context in error_contexts
            for erreur in context.pydantic_validation_error.errors(include_url=False)
        ]
        for erreur, (model, originale) in zip(exc.errors, originales, strict=False):
            parties = list(erreur.get("loc", ()))[1:]
            parametre = getattr(model, "__read_from_single_attr__", None)
            if parametre and parties and parties[0] == parametre:
                parties = parties[1:]
            erreur["champ"] = _chemin(parties)
            montrable = "input" in originale and _montre(originale["input"]) is not None
            if montrable and erreur.get("type") != "missing":
                erreur["valeur"] = originale["input"]
        return exc


# --- 405 --------------------------------------------------------------------------------------


def _methode_non_permise(api: NinjaAPI, request: HttpRequest, response: HttpResponse):
    permises = sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip())
    detail = (
        f"Méthode {request.method} non permise ici (méthodes permises : {', '.join(permises)})."
    )
    french = api.create_response(request, {"detail": detail}, status=405)
    french["Allow"] = ", ".join(permises)
    return french


def api_view(api: NinjaAPI, view: Callable) -> Callable:
    """``view`` (a URL pattern's callback) answering 405 in JSON and French: ninja's
    ``PathView`` returns a plain-text « Method not allowed » without going through the
    exception handlers. Other responses are untouched."""
    if iscoroutinefunction(view):

        async def async_wrapper(request, *args, **kwargs):
            response = await view(request, *args, **kwargs)
            if response.status_code == 405 and isinstance(response, HttpResponseNotAllowed):
                return _methode_non_permise(api, request, response)
            return response

        return markcoroutinefunction(wraps(view)(async_wrapper))

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and isinstance(response, HttpResponseNotAllowed):
            return _methode_non_permise(api, request, response)
        return response

    return wrapper
