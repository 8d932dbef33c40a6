"""Reads for the account pages and dashboards. Aggregates only where people are concerned."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from aiguillage.accounts.models import Membership, Role
from aiguillage.directory.models import Reseau, Structure
from aiguillage.orientation.models import Diagnostic
from aiguillage.orientation.questionnaire import BY_KEY
from aiguillage.territories.maps import SEQUENTIAL_PALETTE, classify, svg_map
from aiguillage.territories.models import Commune, Departement, Epci, Region


def structure_members(*, structure: Structure) -> list[Membership]:
    return list(
        Membership.objects.filter(structure=structure)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def region_overview(*, region: Region) -> dict:
    """Aggregates of one région: territory, structures per network, accounts per role."""
    communes = Commune.objects.filter(region=region, type="commune-actuelle")
    territory = communes.aggregate(nb=Count("code"), population=Sum("population"))
    by_network = dict(
        Structure.objects.filter(region=region)
        .values_list("reseau")
        .annotate(nb=Count("id"))
        .values_list("reseau", "nb")
    )
    by_role = dict(
        Membership.objects.filter(structure__region=region)
        .values_list("role")
        .annotate(nb=Count("user", distinct=True))
        .values_list("role", "nb")
    )
    departements = list(
        Departement.objects.filter(region=region)
        .annotate(nb_structures=Count("structures"))
        .order_by("code")
    )
    bounds = (0, 1, 3, 6)
    legend = ["aucune", "1", "2 à 3", "4 à 6", "7 ou plus"]
    carte = svg_map(
        (
            d.code,
            f"{d.nom} : {d.nb_structures} structure(s)",
            d.contour,
            classify(d.nb_structures, bounds),
        )
        for d in departements
    )
    since = timezone.now() - timedelta(days=365)
    by_activity = dict(
        Diagnostic.objects.filter(region=region, cree_le__gte=since)
        .values_list("activite")
        .annotate(nb=Count("id"))
        .values_list("activite", "nb")
    )
    return {
        "diagnostics": [
            (label, by_activity.get(value, 0)) for value, label in BY_KEY["activite"].choices
        ],
        "nb_diagnostics": sum(by_activity.values()),
        "carte": carte,
        "legende": list(zip(SEQUENTIAL_PALETTE, legend, strict=True)),
        "nb_communes": territory["nb"] or 0,
        "population": territory["population"] or 0,
        "nb_epci": Epci.objects.filter(communes__region=region).distinct().count(),
        "departements": departements,
        "reseaux": [(r.label, by_network.get(r.value, 0)) for r in Reseau],
        "nb_structures": sum(by_network.values()),
        "roles": [(r.label, by_role.get(r.value, 0)) for r in Role],
        "has_demo": Structure.objects.filter(region=region, est_demo=True).exists(),
    }


def regions_in_scope(codes: set[str] | None) -> list[Region]:
    regions = Region.objects.annotate(nb_structures=Count("structures")).order_by("nom")
    if codes is not None:
        regions = regions.filter(code__in=codes)
    return list(regions)
