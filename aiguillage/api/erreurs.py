"""The API's errors in French, each naming what is wrong, with ninja's status codes unchanged.

Concept map:

- one body for every **422**, whoever finds the problem:
  ``{"detail": "champ : message; …", "erreurs": [{"champ", "emplacement", "message", "type"}]}``;
  ``detail`` is the French summary, ``erreurs`` has one item per problem: ``champ`` is the field
  as the client sends it (``personne.nom``, ``destinataires[0]``, ``Idempotency-Key``), ``null``
  for the request as a whole; ``emplacement`` is ninja's (``body``, ``form``, ``file``,
  ``query``, ``path``, ``header``); ``type`` is pydantic's error type
  (https://docs.pydantic.dev/latest/errors/validation_errors/), or ``metier`` for our rules.
  ``NinjaAPIEnFrancais.get_openapi_schema`` lists it (``ErreursValidation``) on every operation
  that reads an input;
- request-format validation (pydantic: a missing field, a wrong type, a value out of bounds, in
  the body, the query string, the path or a form) is ninja's ``ValidationError``, translated
  here (``validation_body``, the messages by type in ``traductions.py``);
- the platform's rules (a service's ``DonneesInvalides`` or ``ValidationError``, a value
  outside a referential, a structure the user is not a member of…) are raised by the routers as
  ``RequeteInvalide({champ: message}, emplacement=…)``, never as a bare ``HttpError(422, …)``;
- the routers' other ``HttpError(status, "message en français")`` (403, 404, 409) pass through
  untouched (``{"detail": "…"}``).

This module also translates what django-ninja answers by itself:

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
from collections.abc import Callable, Iterable, Mapping
from functools import partial, wraps
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.text import capfirst
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError, Throttled, ValidationError, ValidationErrorContext

from aiguillage.api.traductions import message_pydantic, montre

__all__ = [
    "ErreurChamp",
    "ErreursValidation",
    "NinjaAPIEnFrancais",
    "RequeteInvalide",
    "api_view",
    "message_404",
    "message_http",
    "messages_django",
    "validation_body",
]

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


# --- Validation (422) -------------------------------------------------------------------------


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
    """One ninja validation error (``{"type", "loc", "msg", "ctx"}``) as we answer it;
    ``champ`` is ``None`` when the problem is the whole body (or query string…), not a field."""
    loc = list(erreur.get("loc") or ())
    emplacement = str(loc[0]) if loc else ""
    champ = erreur.get("champ")
    if champ is None:
        champ = _chemin(loc[1:])
    if not champ and not loc and len(erreur) == 1:  # ``ValidationError([{"cursor": "…"}])``
        champ = str(next(iter(erreur)))
    return {
        "champ": champ or None,
        "emplacement": emplacement,
        "message": message_pydantic(erreur),
        "type": erreur.get("type", "invalide"),
    }


def _nomme(erreur: dict) -> str:
    """What ``detail`` names: the field, else where the problem is (« corps de la requête »)."""
    if erreur["champ"]:
        return erreur["champ"]
    return _EMPLACEMENTS.get(erreur["emplacement"], erreur["emplacement"] or "requête")


def validation_body(errors: list[dict]) -> dict:
    """The 422 body: ``detail`` like our own 422s (``champ : message; …``) and ``erreurs``."""
    erreurs = [erreur_en_francais(e) for e in errors]
    detail = "; ".join(f"{_nomme(e)} : {e['message']}" for e in erreurs)
    return {"detail": detail or "Requête invalide.", "erreurs": erreurs}


# --- The platform's rules (422) ---------------------------------------------------------------

METIER = "metier"  # the ``type`` of a problem found by our rules rather than by the schema


class RequeteInvalide(HttpError):
    """A 422 found by the platform's rules, answered with the body of a schema error.

    ``erreurs`` maps each field, as ``detail`` names it, to its message or messages; the key
    ``None`` is the request as a whole (no « champ : » in ``detail``, ``champ: null``).
    ``emplacement`` says where the fields are (``body``, ``form``, ``file``, ``query``,
    ``header``, ``path``). ``champs`` gives the field as the client sends it where that differs
    from the word of ``detail`` (``{"fichier": "fichiers"}``; ``None``: a field the service
    sets, not the client). ``detail`` replaces the summary built from ``erreurs``
    (``champ : message; …``, one field's messages joined by a space), to keep a published
    text."""

    def __init__(
        self,
        erreurs: Mapping[str | None, str | Iterable[str]],
        *,
        emplacement: str = "body",
        champs: Mapping[str, str | None] | None = None,
        detail: str | None = None,
    ) -> None:
        champs = champs or {}
        parties: list[str] = []
        self.erreurs: list[dict] = []
        for nom, messages in erreurs.items():
            textes = [messages] if isinstance(messages, str) else [str(m) for m in messages]
            parties.append(f"{nom} : {' '.join(textes)}" if nom else " ".join(textes))
            champ = champs.get(nom, nom) if nom else None
            self.erreurs += [
                {"champ": champ, "emplacement": emplacement, "message": texte, "type": METIER}
                for texte in textes
            ]
        super().__init__(422, detail or "; ".join(parties) or "Requête invalide.")

    def body(self) -> dict:
        return {"detail": self.message, "erreurs": self.erreurs}


def messages_django(exc: DjangoValidationError) -> dict[str | None, list[str]]:
    """A Django ``ValidationError`` (a service's ``full_clean``…) as ``{champ: [messages]}``
    for ``RequeteInvalide``; the errors of no field (``__all__``) under ``None``."""
    if not hasattr(exc, "error_dict"):
        return {None: exc.messages}
    return {
        None if champ == NON_FIELD_ERRORS else champ: messages
        for champ, messages in exc.message_dict.items()
    }


class ErreurChamp(Schema):
    champ: str | None = Field(
        ...,
        description="Le champ tel que vous l'envoyez (`motif`, `personne.nom`, "
        "`destinataires[0]`, `Idempotency-Key`) ; null : la requête dans son ensemble",
    )
    emplacement: str = Field(..., description="body, form, file, query, path ou header")
    message: str = Field(..., description="Le problème, en français")
    type: str = Field(
        ...,
        description="Type d'erreur pydantic (`missing`, `int_parsing`, `enum`…) ou `metier` "
        "(règle de la plateforme : valeur inconnue du référentiel, structure inconnue…)",
    )


class ErreursValidation(Schema):
    """Requête invalide : le schéma ou une règle de la plateforme."""

    detail: str = Field(..., description="Résumé en français : « champ : message; … »")
    erreurs: list[ErreurChamp] = Field(..., description="Un élément par problème")


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


def _on_requete_invalide(request: HttpRequest, exc: RequeteInvalide, api: NinjaAPI):
    return api.create_response(request, exc.body(), status=exc.status_code)


def _refusable(parametre: dict) -> bool:
    """Whether a parameter may be refused: any but a text in the path (``{slug}``), which
    always converts (a path ``{public_id}`` may not be a UUID, a ``{site_id}`` an integer)."""
    schema = parametre.get("schema") or {}
    texte = schema.get("type") == "string" and not set(schema) - {"type", "title", "description"}
    return parametre.get("in") != "path" or not texte


_REPONSE_422 = (
    "Requête invalide : le schéma ou une règle de la plateforme. `detail` résume en français, "
    "`erreurs` nomme chaque champ fautif."
)


class NinjaAPIEnFrancais(NinjaAPI):
    """ninja's API whose own errors are French and name the field (see the module's doc)."""

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()  # keeps the handler of other exceptions (500)
        self.add_exception_handler(ValidationError, partial(_on_validation_error, api=self))
        self.add_exception_handler(Http404, partial(_on_404, api=self))
        self.add_exception_handler(HttpError, partial(_on_http_error, api=self))
        self.add_exception_handler(RequeteInvalide, partial(_on_requete_invalide, api=self))

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """ninja's schema plus our 422 (``ErreursValidation``) on every operation that reads a
        body, a form, the query string, a header or the path (ninja lists none)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        modele = ErreursValidation.model_json_schema(ref_template="#/components/schemas/{model}")
        composants = schema.setdefault("components", {}).setdefault("schemas", {})
        composants.update(modele.pop("$defs", {}))
        composants[ErreursValidation.__name__] = modele
        reponse = {
            "description": _REPONSE_422,
            "content": {
                self.renderer.media_type: {
                    "schema": {"$ref": f"#/components/schemas/{ErreursValidation.__name__}"}
                }
            },
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                parametres = operation.get("parameters") or []
                if "requestBody" in operation or any(map(_refusable, parametres)):
                    responses = operation.setdefault("responses", {})
                    if 422 not in responses and "422" not in responses:
                        responses[422] = reponse
        return schema

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
            montrable = "input" in originale and montre(originale["input"]) is not None
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
