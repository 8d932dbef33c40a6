"""Reads of the directory: the search that routes people to sites, site pages, coverage gaps.

Search (``site_search``): for a commune (or a point), the sites that serve it — through their
sectorisation at commune, EPCI, département, région or bassin level, for every public or for the
public asked — nearest first, with capacity, response time and freshness. The result list is
bounded (``MAX_RESULTS``) and paginated, and its cost is a fixed number of SQL queries whatever
the number of results (asserted in the tests, measured in ``benchmarks/``).

Criteria (``search_criteria``): a search of the page is a small dict (``code`` of the commune,
and ``public``, ``thematique``, ``reseau``, ``accueille`` when set), the one thing a saved search
stores. The page (``search_arguments``) and the saved searches' alerts
(``saved_search_new_services``) both filter through ``_serving_sites``, so that an alert lists
exactly the services of the sites the page shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, FloatField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from aiguillage.directory import referentials
from aiguillage.directory.models import (
    Capacite,
    Desserte,
    Niveau,
    RechercheSauvegardee,
    Reseau,
    Service,
    Site,
)
from aiguillage.territories.models import Commune

__all__ = [
    "CRITERIA",
    "MAX_RESULTS",
    "PER_PAGE",
    "SavedSearchRow",
    "SearchPage",
    "SiteResult",
    "commune_nearest",
    "coverage_gaps",
    "criteria_labels",
    "criteria_query",
    "freshness_limit",
    "saved_search_count",
    "saved_search_get_for_owner",
    "saved_search_new_services",
    "saved_searches_for_owner",
    "search_arguments",
    "search_criteria",
    "search_criteria_validate",
    "search_url",
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


def _services_of_thematique(thematique: str) -> QuerySet[Service]:
    return Service.objects.filter(thematiques__thematique=thematique)


def _serving_sites(
    *,
    commune: Commune,
    public: str | None,
    thematique: str | None,
    reseau: str | None,
    accueille: bool,
) -> QuerySet[Site]:
    """The search's filter: sites serving ``commune`` (for ``public``), with the other criteria."""
    bassins = list(commune.bassins.values_list("code", flat=True))
    dessertes = Desserte.objects.filter(territory_filter(commune, bassins))
    if public:
        dessertes = dessertes.filter(public__in=[public, ""])
    sites = Site.objects.filter(pk__in=dessertes.values("site_id"))
    if thematique:
        sites = sites.filter(pk__in=_services_of_thematique(thematique).values("site_id"))
    if reseau:
        sites = sites.filter(structure__reseau=reseau)
    if accueille:
        sites = sites.exclude(capacite=Capacite.COMPLET)
    return sites


def _commune_origin(code: str) -> Commune | None:
    return (
        Commune.objects.filter(code=code)
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
        origin = _commune_origin(commune)
    elif latitude is not None and longitude is not None:
        origin = commune_nearest(latitude, longitude)
    if origin is None:
        return SearchPage(origine=None)
    if latitude is None or longitude is None:
        latitude, longitude = origin.latitude, origin.longitude
    sites = _serving_sites(
        commune=origin,
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


# --- Criteria of a search, saved searches -----------------------------------------------------

#: The criteria a search is made of: the search page's parameters, the page number aside.
CRITERIA = ("code", "public", "thematique", "reseau", "accueille")
_CHOICES = {
    "public": (referentials.PUBLICS, "Public"),
    "thematique": (referentials.THEMATIQUES, "Thématique"),
    "reseau": (dict(Reseau.choices), "Réseau"),
}


def search_criteria(
    *, code: str, public: str = "", thematique: str = "", reseau: str = "", accueille=False
) -> dict:
    """The canonical criteria of a search: the commune's code, and each other criterion only
    when it is set (``accueille`` only when true), so that two equal searches are equal dicts."""
    criteres: dict = {"code": code}
    for key, value in (("public", public), ("thematique", thematique), ("reseau", reseau)):
        if value:
            criteres[key] = value
    if accueille:
        criteres["accueille"] = True
    return criteres


def search_criteria_validate(criteres) -> dict:
    """``criteres`` in canonical form, or a ``ValidationError`` listing French messages."""
    if not isinstance(criteres, dict):
        raise ValidationError("Les critères de la recherche sont illisibles.")
    errors = [f"Critère de recherche « {key} » inconnu." for key in criteres if key not in CRITERIA]
    code = criteres.get("code")
    if not code or not isinstance(code, str):
        errors.append("Choisissez une commune : une recherche sauvegardée porte sur une commune.")
    elif not Commune.objects.filter(code=code).exists():
        errors.append(f"Commune « {code} » inconnue.")
    for key, (allowed, label) in _CHOICES.items():
        value = criteres.get(key, "")
        if value and (not isinstance(value, str) or value not in allowed):
            errors.append(f"{label} : valeur « {value} » inconnue.")
    if not isinstance(criteres.get("accueille", False), bool):
        errors.append("« Accueille de nouvelles personnes » vaut vrai ou faux.")
    if errors:
        raise ValidationError(errors)
    return search_criteria(
        code=code,
        public=criteres.get("public", ""),
        thematique=criteres.get("thematique", ""),
        reseau=criteres.get("reseau", ""),
        accueille=criteres.get("accueille", False),
    )


def search_arguments(criteres: dict) -> dict:
    """``site_search``'s keyword arguments for canonical ``criteres``."""
    return {
        "commune": criteres["code"],
        "public": criteres.get("public") or None,
        "thematique": criteres.get("thematique") or None,
        "reseau": criteres.get("reseau") or None,
        "accueille": bool(criteres.get("accueille")),
    }


def criteria_query(criteres: dict, *, commune_nom: str = "") -> str:
    """``criteres`` as the search page's query string (the commune's name for its field)."""
    params = {"commune": commune_nom} if commune_nom else {}
    params.update(criteres)
    if params.get("accueille"):
        params["accueille"] = "on"  # what the page's checkbox sends
    return urlencode(params)


def search_url(criteres: dict, *, commune_nom: str = "") -> str:
    """The search page's address for ``criteres``."""
    return f"{reverse('directory:search')}?{criteria_query(criteres, commune_nom=commune_nom)}"


def criteria_labels(criteres: dict, *, commune_nom: str = "") -> list[str]:
    """The criteria as a reader says them: « Chambéry (73065) », « Public : Jeunes »…"""
    code = criteres.get("code", "")
    labels = [f"{commune_nom} ({code})" if commune_nom else f"Commune {code}"]
    for key, (allowed, label) in _CHOICES.items():
        if criteres.get(key):
            labels.append(f"{label} : {allowed.get(criteres[key], criteres[key])}")
    if criteres.get("accueille"):
        labels.append("Accueille de nouvelles personnes")
    return labels


@dataclass(frozen=True)
class SavedSearchRow:
    recherche: RechercheSauvegardee
    criteres: list[str]
    url: str


def saved_searches_for_owner(*, user) -> list[SavedSearchRow]:
    """The user's saved searches, by name, with their criteria said and their address (2 queries
    whatever their number)."""
    recherches = list(RechercheSauvegardee.objects.filter(proprietaire=user).order_by("nom", "pk"))
    codes = {r.criteres.get("code") for r in recherches}
    noms = dict(Commune.objects.filter(code__in=codes).values_list("code", "nom")) if codes else {}
    rows = []
    for recherche in recherches:
        nom = noms.get(recherche.criteres.get("code"), "")
        rows.append(
            SavedSearchRow(
                recherche=recherche,
                criteres=criteria_labels(recherche.criteres, commune_nom=nom),
                url=search_url(recherche.criteres, commune_nom=nom),
            )
        )
    return rows


def saved_search_count(*, user) -> int:
    return RechercheSauvegardee.objects.filter(proprietaire=user).count()


def saved_search_get_for_owner(*, user, saved_search_id: int) -> RechercheSauvegardee:
    """A saved search of ``user``; ``Http404`` for anybody else's, as for a missing one."""
    recherche = RechercheSauvegardee.objects.filter(pk=saved_search_id).first()
    allowed = (
        recherche is not None
        and getattr(user, "is_authenticated", False)
        and recherche.proprietaire_id == user.pk
    )
    if not allowed:
        raise Http404("Recherche sauvegardée introuvable.")
    return recherche


def saved_search_new_services(
    *, criteres: dict, after: datetime, until: datetime
) -> QuerySet[Service]:
    """Services published in ``(after, until]`` at the sites the search page shows for
    ``criteres`` (all of them, not only the nearest ``MAX_RESULTS``); with a thématique, only the
    services of that thématique. Services without a publication date are never new."""
    arguments = search_arguments(criteres)
    origin = _commune_origin(arguments["commune"])
    if origin is None:
        return Service.objects.none()
    sites = _serving_sites(
        commune=origin,
        public=arguments["public"],
        thematique=arguments["thematique"],
        reseau=arguments["reseau"],
        accueille=arguments["accueille"],
    )
    services = Service.objects.filter(site__in=sites, cree_le__gt=after, cree_le__lte=until)
    if arguments["thematique"]:
        services = services.filter(
            pk__in=_services_of_thematique(arguments["thematique"]).values("pk")
        )
    return services.select_related("site__commune", "site__structure").order_by(
        "site__nom", "nom", "pk"
    )
