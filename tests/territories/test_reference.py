"""The reference territories loaded from the committed COG 2026 data files."""

import pytest
from django.db.models import Count, F

from aiguillage.territories.models import CodePostal, Commune, Departement, Epci, Region, Zone
from aiguillage.territories.services import reference_load

pytestmark = pytest.mark.django_db


def test_counts_match_the_official_geography():
    assert Commune.objects.filter(type="commune-actuelle").count() >= 34_800
    assert Departement.objects.exclude(zone=Zone.COM).count() == 101
    assert Region.objects.exclude(zone=Zone.COM).count() == 18
    assert Epci.objects.count() == 1_255


def test_every_commune_is_linked_to_its_parents():
    communes = Commune.objects.filter(type="commune-actuelle").exclude(departement__zone=Zone.COM)
    assert not communes.filter(departement__isnull=True).exists()
    assert not communes.filter(region__isnull=True).exists()
    # The commune's région is its département's région.
    mismatched = communes.exclude(region=F("departement__region"))
    assert not mismatched.exists()
    chambery = Commune.objects.get(code="73065")
    assert chambery.departement_id == "73"
    assert chambery.region_id == "84"
    assert chambery.epci.nom.startswith("CA Grand Chambéry") or "Chambéry" in chambery.epci.nom
    assert "73000" in chambery.codes_postaux.split()


def test_municipal_arrondissements_point_to_their_commune():
    paris = Commune.objects.get(code="75056")
    assert set(paris.arrondissements.values_list("code", flat=True)) == {
        f"751{n:02d}" for n in range(1, 21)
    }
    assert Commune.objects.get(code="69381").commune_parente_id == "69123"


def test_points_carry_their_precision():
    by_precision = dict(Commune.objects.values_list("precision").annotate(n=Count("code")))
    total = sum(by_precision.values())
    # Town-hall points for the very large majority; the flag says which ones are not exact.
    assert by_precision.get("exacte", 0) / total > 0.9
    assert by_precision.get("absente", 0) / total < 0.01
    saint_etienne = Commune.objects.get(code="42218")
    assert saint_etienne.precision == "exacte"
    assert abs(saint_etienne.latitude - 45.43) < 0.05
    assert abs(saint_etienne.longitude - 4.39) < 0.05
    assert not Commune.objects.filter(precision="absente", latitude__isnull=False).exists()


def test_overseas_territories_are_kept_and_flagged():
    assert Region.objects.get(code="04").zone == Zone.DROM  # La Réunion
    assert Commune.objects.get(code="97411").nom == "Saint-Denis"


def test_loading_twice_duplicates_nothing():
    before = (
        Region.objects.count(),
        Departement.objects.count(),
        Epci.objects.count(),
        Commune.objects.count(),
        CodePostal.objects.count(),
    )
    Commune.objects.filter(code="73065").update(nom="Nom altéré")
    reference_load()
    after = (
        Region.objects.count(),
        Departement.objects.count(),
        Epci.objects.count(),
        Commune.objects.count(),
        CodePostal.objects.count(),
    )
    assert after == before
    assert Commune.objects.get(code="73065").nom == "Chambéry"  # the reload restores the data
