"""Observatory API (``/api/v1/observatoire``): the same aggregates as the pages and exports.

Session authentication; the access rule is the pages' (``selectors.reader_allowed``:
coordination, analysts, administrators): anyone else gets 404, as on the pages. Only aggregates:
territories, organisations and counts, never a person.
"""

from __future__ import annotations

from typing import Any

from ninja import Router
from ninja.errors import HttpError
from ninja.security import django_auth

from aiguillage.observatory import platform, selectors

router = Router(tags=["observatoire"], auth=django_auth)


def _check(request) -> None:
    if not selectors.reader_allowed(request.user):
        raise HttpError(404, "Introuvable.")


def _region(request, slug: str):
    _check(request)
    found = selectors.region_for(request.user, slug)
    if found is None:
        raise HttpError(404, "Région introuvable.")
    return found


@router.get("/regions", summary="Régions de l'observatoire (simulées et plateforme)")
def regions(request) -> list[dict[str, Any]]:
    """Chaque région : nom, période, nombre de territoires par configuration ; les régions
    simulées de démonstration, puis les régions réelles analysées à partir de l'activité de la
    plateforme que l'utilisateur peut lire (``simulee`` : faux)."""
    _check(request)
    found = [*selectors.SIMULATED, *platform.platform_regions_for(request.user)]
    return [selectors.region_summary(region) for region in found]


@router.get("/regions/{slug}", summary="Territoires d'une région, configuration et indicateurs")
def region(request, slug: str) -> dict[str, Any]:
    """Période, seuils et, par territoire : configuration, confiance, scores, indicateurs
    (période, précédente, évolution), explication, configuration de la période précédente."""
    return selectors.region_payload(_region(request, slug))


@router.get("/regions/{slug}/territoires/{code}", summary="Un territoire et son réseau")
def territory(request, slug: str, code: str) -> dict[str, Any]:
    """Le territoire comme dans la liste, plus son réseau : organisations (réseau, liens,
    interactions partagées) et liens pondérés par le nombre d'interactions partagées."""
    payload = selectors.territory_payload(_region(request, slug), code)
    if payload is None:
        raise HttpError(404, "Territoire introuvable.")
    return payload
