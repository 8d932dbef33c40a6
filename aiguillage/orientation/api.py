"""Orientation API: the same engines as the pages and the CLI.

- ``POST /decisions``: the competent operators for a situation (``services.decision_for``); an
  anonymous diagnostic is kept;
- ``POST /financements``: the funding helper (``financement.financement_pour``), the same JSON
  in and out as ``aiguillage financer``; nothing is kept.

Both are public, like the rules they apply: they ask no name, and ``/financements`` stores
nothing (``docs/financements.md``). A request the rules refuse is **422** ``RequeteInvalide``
(``api/erreurs.py``): the engine's messages (« champ : message ») in ``detail``, one item per
message in ``erreurs``, under the key the client sent.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from ninja import Router
from ninja.errors import HttpError

from aiguillage import rules
from aiguillage.api.erreurs import RequeteInvalide
from aiguillage.orientation import services
from aiguillage.orientation.financement import SCHEMA_REPONSE, financement_pour
from aiguillage.orientation.models import Canal
from aiguillage.rules.financements import SCHEMA_DEMANDE

router = Router(tags=["orientation"])


@router.post(
    "/decisions",
    summary="Opérateurs compétents pour une situation",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": rules.SCHEMA_SITUATION}},
        }
    },
)
def decision(request) -> HttpResponse:
    """Évalue la situation (format public, clés françaises) à sa date (par défaut aujourd'hui)
    et renvoie la décision : opérateurs compétents avec motif, fondement et sites les plus
    proches, interlocuteurs hors CEP, informations à préciser, trace et version des règles.
    Le diagnostic est conservé sans donnée nominative.

    Réponse : ``{"diagnostic": <identifiant>, ...la décision..., "trace": [...]}``."""
    situation = _objet_json(request, "La situation doit être un objet JSON.")
    try:
        diagnostic = services.diagnostic_create_deferred(
            situation=situation,
            canal=Canal.API,
            auteur=request.user if request.user.is_authenticated else None,
        )
    except rules.SituationInvalide as exc:
        raise _invalide(exc) from exc
    # Already JSON (services.DiagnosticDiffere): the same bytes as the renderer would write.
    return HttpResponse(diagnostic.json(), content_type="application/json; charset=utf-8")


def _objet_json(request, pas_un_objet: str) -> dict:
    """The request's JSON object (an empty body is ``{}``: the rules then name what is missing).
    400 for unreadable JSON, worded as ninja's own (``api/erreurs.py``); 422 of no field for
    JSON that is not an object."""
    try:
        donnees = json.loads(request.body or b"{}")
    except json.JSONDecodeError as exc:
        raise HttpError(
            400, f"Corps de la requête : JSON invalide (ligne {exc.lineno}, colonne {exc.colno})."
        ) from exc
    except UnicodeDecodeError as exc:
        raise HttpError(
            400, "Corps de la requête : JSON invalide (encodage UTF-8 attendu)."
        ) from exc
    if not isinstance(donnees, dict):
        raise RequeteInvalide({None: pas_un_objet})
    return donnees


def _invalide(exc: rules.SituationInvalide) -> RequeteInvalide:
    """Each message « champ : message » under its field (the situation's keys are the client's);
    a message without « champ : » is about the situation as a whole."""
    erreurs: dict[str | None, list[str]] = {}
    for champ, messages in exc.par_champ.items():
        for message in messages:
            texte = message.removeprefix(f"{champ} : ")
            erreurs.setdefault(champ if texte != message else None, []).append(texte)
    return RequeteInvalide(erreurs, detail="; ".join(exc.erreurs))


@router.get("/situation/schema", summary="Schéma JSON d'une situation")
def situation_schema(request) -> dict[str, Any]:
    return rules.SCHEMA_SITUATION


@router.post(
    "/financements",
    summary="Dispositifs de financement pour une situation",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": SCHEMA_DEMANDE}},
        },
        "responses": {
            200: {
                "description": "Chaque dispositif éligible, à vérifier ou non éligible, avec "
                "pourquoi, les montants en vigueur, qui décide et les textes",
                "content": {"application/json": {"schema": SCHEMA_REPONSE}},
            }
        },
    },
)
def financements(request) -> dict[str, Any]:
    """Évalue la demande (la situation d'orientation et les faits du financement, clés
    françaises, le même JSON que `aiguillage financer`) à sa date (par défaut aujourd'hui) et
    renvoie la même réponse que la commande : dispositifs éligibles, à vérifier et non
    éligibles, avec conditions, montants datés, décideur et textes ; informations à préciser ;
    trace ; version des règles ; Région de la commune. **Rien n'est enregistré**, aucun nom
    n'est demandé : le point est public.

    Une clé inconnue, une valeur hors de la liste, un mauvais type, une commune inconnue ou une
    date antérieure au 1er janvier 2019 : **422**, une erreur par champ fautif."""
    demande = _objet_json(request, "La demande doit être un objet JSON.")
    try:
        return financement_pour(demande)
    except rules.SituationInvalide as exc:
        raise _invalide(exc) from exc


@router.get("/financements/demande/schema", summary="Schéma JSON d'une demande de financement")
def financements_schema(request) -> dict[str, Any]:
    return SCHEMA_DEMANDE
