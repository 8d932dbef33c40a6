"""Orientation API: the same engine as the pages and the CLI.

A situation the rules refuse is **422** ``RequeteInvalide`` (``api/erreurs.py``): the engine's
messages (« champ : message ») in ``detail``, one item per message in ``erreurs``.
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
from aiguillage.orientation.models import Canal

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
    try:
        situation = json.loads(request.body or b"{}")
    except json.JSONDecodeError as exc:
        raise HttpError(400, f"JSON invalide (ligne {exc.lineno}, colonne {exc.colno}).") from exc
    if not isinstance(situation, dict):
        raise RequeteInvalide({None: "La situation doit être un objet JSON."})
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
