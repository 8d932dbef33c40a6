"""Reads of the directory: the search that routes people to sites, site pages, coverage gaps.

Search (``site_search``): for a commune (or a point), the sites that serve it — through their
sectorisation at commune, EPCI, département, région or bassin level, for every public or for the
public asked — nearest first, with capacity, response time and freshness. The result list is
bounded (``MAX_RESULTS``) and paginated, and its cost is a fixed number of SQL queries whatever
the number of results (asserted in the tests, measured in ``benchmarks/``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import F, FloatField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from aiguillage.directory.models import Capacite, Desserte, Niveau, Service, Site
from aiguillage.territories.models import Commune

__all__ = [
    "MAX_RESULTS",
    "PER_PAGE",
    "SearchPage",
    "SiteResult",
    "commune_nearest",
    "coverage_gaps",
    "freshness_limit",
    "site_search",
    "stale_q",
    "territory_filter",
]

MAX_RESULTS = 50
PER_PAGE = 10
EARTH_RADIUS_KM = 6371.0


def freshness_limit():
    """Sites confirmed before this moment are flagged as stale."""
    days = settings.AIGUILLAGE_ANNUAIRE_FRAICHEUR_JOURS
    return timezone.now() - timedelta(days=days)


def stale_q() -> Q:
    """Sites never confirmed, or confirmed before the freshness limit."""
    return Q(confirme_le__isnull=True) | Q(confirme_le__lt=freshness_limit())


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class SiteResult:
    site: Site
    distance_km: float | None
    perime: bool


@dataclass
class SearchPage:
    origine: Commune | None
    results: list[SiteResult] = field(default_factory=list)
    total: int = 0
    plafonne: bool = False  # more sites serve the place than the bounded list shows
    page: int = 1
    pages: int = 1
    per_page: int = PER_PAGE

    @property
    def first_rank(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def commune_nearest(latitude: float, longitude: float) -> Commune | None:
    """The commune whose point is nearest (searching a widening box around the point)."""
    for radius in (0.05, 0.2, 1.0):
        candidates = list(
            Commune.objects.filter(
                latitude__range=(latitude - radius, latitude + radius),
                longitude__range=(longitude - radius * 1.5, longitude + radius * 1.5),
                type="commune-actuelle",
            ).only("code", "nom", "latitude", "longitude", "epci_id", "departement_id", "region_id")
        )
        if candidates:
            return min(
                candidates, key=lambda c: haversine_km(latitude, longitude, c.latitude, c.longitude)
            )
    return None


def territory_filter(commune: Commune, bassins: list[str]) -> Q:
    """Dessertes that cover ``commune`` (and, for an arrondissement, its parent commune)."""
    communes = [commune.code] + ([commune.commune_parente_id] if commune.commune_parente_id else [])
    q = Q(niveau=Niveau.COMMUNE, code__in=communes)
    if commune.epci_id:
        q |= Q(niveau=Niveau.EPCI, code=commune.epci_id)
    if commune.departement_id:
        q |= Q(niveau=Niveau.DEPARTEMENT, code=commune.departement_id)
    if commune.region_id:
        q |= Q(niveau=Niveau.REGION, code=commune.region_id)
    if bassins:
        q |= Q(niveau=Niveau.BASSIN, code__in=bassins)
    return q


def _serving_sites(
    *,
    commune: Commune,
    bassins: list[str],
    public: str | None,
    thematique: str | None,
    reseau: str | None,
    accueille: bool,
) -> QuerySet[Site]:
    dessertes = Desserte.objects.filter(territory_filter(commune, bassins))
    if public:
        dessertes = dessertes.filter(public__in=[public, ""])
    sites = Site.objects.filter(pk__in=dessertes.values("site_id"))
    if thematique:
        sites = sites.filter(
            pk__in=Service.objects.filter(thematiques__thematique=thematique).values("site_id")
        )
    if reseau:
        sites = sites.filter(structure__reseau=reseau)
    if accueille:
        sites = sites.exclude(capacite=Capacite.COMPLET)
    return sites


def site_search(
    *,
    commune: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    public: str | None = None,
    thematique: str | None = None,
    reseau: str | None = None,
    accueille: bool = False,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchPage:
    """Sites serving a commune (INSEE code) or a point, nearest first, bounded and paginated."""
    origin = None
    if commune:
        origin = (
            Commune.objects.filter(code=commune)
            .only(
                "code",
                "nom",
                "latitude",
                "longitude",
                "epci_id",
                "departement_id",
                "region_id",
                "commune_parente_id",
            )
            .first()
        )
    elif latitude is not None and longitude is not None:
        origin = commune_nearest(latitude, longitude)
    if origin is None:
        return SearchPage(origine=None)
    if latitude is None or longitude is None:
        latitude, longitude = origin.latitude, origin.longitude
    bassins = list(origin.bassins.values_list("code", flat=True))
    sites = _serving_sites(
        commune=origin,
        bassins=bassins,
        public=public,
        thematique=thematique,
        reseau=reseau,
        accueille=accueille,
    )
    matching = sites.count()
    total = min(matching, MAX_RESULTS)
    per_page = max(1, min(per_page, MAX_RESULTS))
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(page, pages))
    start = (page - 1) * per_page
    stop = min(start + per_page, total)
    if latitude is not None and longitude is not None:
        # Equirectangular squared distance: monotonic with the true distance at this scale, and
        # plain arithmetic that SQLite and PostgreSQL both order by without extensions.
        k = math.cos(math.radians(latitude))
        dlat = F("latitude") - Value(latitude)
        dlon = (F("longitude") - Value(longitude)) * Value(k)
        distance = Coalesce(dlat * dlat + dlon * dlon, Value(1e9), output_field=FloatField())
        ordered = sites.annotate(d2=distance).order_by("d2", "nom", "pk")
    else:
        ordered = sites.order_by("nom", "pk")
    rows = list(
        ordered.select_related("structure", "commune").prefetch_related(
            Prefetch("services", queryset=Service.objects.order_by("nom")),
        )[start:stop]
        if stop > start
        else []
    )
    limit = freshness_limit()
    results = [
        SiteResult(
            site=site,
            distance_km=(
                haversine_km(latitude, longitude, site.latitude, site.longitude)
                if None not in (latitude, longitude, site.latitude, site.longitude)
                else None
            ),
            perime=site.confirme_le is None or site.confirme_le < limit,
        )
        for site in rows
    ]
    return SearchPage(
        origine=origin,
        results=results,
        total=total,
        plafonne=matching > MAX_RESULTS,
        page=page,
        pages=pages,
        per_page=per_page,
    )


def coverage_gaps(*, region_code: str, reseau: str, public: str | None = None) -> list[Commune]:
    """Communes of the région that no site of ``reseau`` serves (for ``public`` if given)."""
    communes = list(
        Commune.objects.filter(region_id=region_code, type="commune-actuelle")
        .select_related("departement")
        .order_by("departement_id", "nom")
    )
    dessertes = Desserte.objects.filter(site__structure__reseau=reseau)
    if public:
        dessertes = dessertes.filter(public__in=[public, ""])
    by_level: dict[str, set[str]] = {level: set() for level in Niveau.values}
    for niveau, code in dessertes.values_list("niveau", "code").distinct():
        by_level[niveau].add(code)
    if region_code in by_level[Niveau.REGION]:
        return []
    bassin_communes = set(
        Commune.bassins.through.objects.filter(bassin_id__in=by_level[Niveau.BASSIN]).values_list(
            "commune_id", flat=True
        )
    )
    return [
        c
        for c in communes
        if c.code not in by_level[Niveau.COMMUNE]
        and c.epci_id not in by_level[Niveau.EPCI]
        and c.departement_id not in by_level[Niveau.DEPARTEMENT]
        and c.code not in bassin_communes
    ]


def site_detail(*, site_id: int) -> Site | None:
    return (
        Site.objects.select_related("structure", "commune__departement", "confirme_par")
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.order_by("nom").prefetch_related("thematiques", "publics"),
            ),
            "dessertes",
        )
        .filter(pk=site_id)
        .first()
    )
