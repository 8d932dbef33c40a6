"""Public API of the territories reference."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from aiguillage.territories.models import Commune, Region
from aiguillage.territories.search import MAX_RESULTS, commune_search

router = Router(tags=["territoires"])


class CommuneOut(Schema):
    code: str
    nom: str
    type: str
    departement: str | None = Field(None, alias="departement_id")
    region: str | None = Field(None, alias="region_id")
    epci: str | None = Field(None, alias="epci_id")
    codes_postaux: list[str]
    population: int | None
    latitude: float | None
    longitude: float | None
    precision: str

    @staticmethod
    def resolve_codes_postaux(obj: Commune) -> list[str]:
        return obj.codes_postaux.split()


class RegionOut(Schema):
    code: str
    nom: str
    zone: str


@router.get("/communes", response=list[CommuneOut], summary="Chercher une commune")
def communes(request, q: str, limite: int = 10):
    """Par nom (sans tenir compte des accents ni de la casse) ou par code postal / code INSEE."""
    return commune_search(q, limit=min(max(limite, 1), MAX_RESULTS))


@router.get("/communes/{code}", response=CommuneOut, summary="Une commune par code INSEE")
def commune(request, code: str):
    return get_object_or_404(Commune, code=code)


@router.get("/regions", response=list[RegionOut], summary="Les régions")
def regions(request):
    return list(Region.objects.order_by("code"))
