"""Search: the sites that serve a commune, nearest first, bounded, with a fixed query cost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aiguillage.directory.models import Capacite, Niveau, ServiceThematique
from aiguillage.directory.selectors import MAX_RESULTS, site_search
from aiguillage.territories.models import Commune
from aiguillage.territories.services import bassins_import
from tests.factories import ServiceFactory, StructureFactory, site_serving

pytestmark = pytest.mark.django_db

CHAMBERY, BARBERAZ, ALBERTVILLE, SAINT_ETIENNE = "73065", "73029", "73011", "42218"


def codes(page):
    return [r.site.nom for r in page.results]


def test_a_site_serves_the_communes_of_its_sectorisation_at_every_level():
    chambery = Commune.objects.get(code=CHAMBERY)
    site_serving(commune=CHAMBERY, nom="commune")
    site_serving(commune=CHAMBERY, niveau=Niveau.EPCI, code=chambery.epci_id, nom="epci")
    site_serving(commune=ALBERTVILLE, niveau=Niveau.DEPARTEMENT, code="73", nom="departement")
    site_serving(commune=SAINT_ETIENNE, niveau=Niveau.REGION, code="84", nom="region")
    site_serving(commune=SAINT_ETIENNE, nom="ailleurs")  # serves Saint-Étienne only
    bassins_import(content=f"code_commune,code_bassin,nom_bassin\n{CHAMBERY},B1,Bassin\n")
    site_serving(commune=ALBERTVILLE, niveau=Niveau.BASSIN, code="B1", nom="bassin")
    found = set(codes(site_search(commune=CHAMBERY)))
    assert found == {"commune", "epci", "departement", "region", "bassin"}
    # Barberaz is in the same EPCI, département and région, but not in the bassin.
    assert set(codes(site_search(commune=BARBERAZ))) == {"epci", "departement", "region"}


def test_results_come_nearest_first_with_their_distance():
    site_serving(commune=SAINT_ETIENNE, niveau=Niveau.REGION, code="84", nom="loin")
    site_serving(commune=ALBERTVILLE, niveau=Niveau.REGION, code="84", nom="moyen")
    site_serving(commune=CHAMBERY, niveau=Niveau.REGION, code="84", nom="proche")
    page = site_search(commune=BARBERAZ)
    assert codes(page) == ["proche", "moyen", "loin"]
    distances = [r.distance_km for r in page.results]
    assert distances == sorted(distances)
    assert 35 < distances[1] < 45  # Barberaz → Albertville, as the crow flies
    assert 100 < distances[2] < 130  # Barberaz → Saint-Étienne


def test_public_filter_keeps_sites_for_that_public_or_for_everyone():
    site_serving(commune=CHAMBERY, nom="tous")
    site_serving(commune=CHAMBERY, public="jeunes", nom="jeunes")
    site_serving(commune=CHAMBERY, public="cadres", nom="cadres")
    assert set(codes(site_search(commune=CHAMBERY, public="jeunes"))) == {"tous", "jeunes"}
    assert len(site_search(commune=CHAMBERY).results) == 3


def test_thematique_network_and_capacity_filters():
    ml = site_serving(
        commune=CHAMBERY, nom="ml", structure=StructureFactory(reseau="mission_locale")
    )
    site_serving(
        commune=CHAMBERY,
        nom="ft",
        structure=StructureFactory(reseau="france_travail"),
        capacite=Capacite.COMPLET,
    )
    service = ServiceFactory(site=ml)
    ServiceThematique.objects.create(service=service, thematique="cep--ingenierie-financiere")
    assert codes(site_search(commune=CHAMBERY, thematique="cep--ingenierie-financiere")) == ["ml"]
    assert codes(site_search(commune=CHAMBERY, reseau="france_travail")) == ["ft"]
    assert codes(site_search(commune=CHAMBERY, accueille=True)) == ["ml"]


def test_stale_sites_are_flagged():
    site_serving(commune=CHAMBERY, nom="frais")
    site_serving(commune=CHAMBERY, nom="ancien", confirme_le=timezone.now() - timedelta(days=400))
    site_serving(commune=CHAMBERY, nom="jamais", confirme_le=None)
    flags = {r.site.nom: r.perime for r in site_search(commune=CHAMBERY).results}
    assert flags == {"frais": False, "ancien": True, "jamais": True}


def test_result_list_is_bounded_and_paginated():
    for i in range(MAX_RESULTS + 5):
        site_serving(commune=CHAMBERY, nom=f"site {i:02d}")
    first = site_search(commune=CHAMBERY, per_page=20)
    assert first.total == MAX_RESULTS
    assert first.plafonne
    assert first.pages == 3
    last = site_search(commune=CHAMBERY, per_page=20, page=3)
    assert len(last.results) == MAX_RESULTS - 40
    assert site_search(commune=CHAMBERY, per_page=20, page=99).page == 3
    seen = {
        r.site.pk
        for p in (1, 2, 3)
        for r in site_search(commune=CHAMBERY, per_page=20, page=p).results
    }
    assert len(seen) == MAX_RESULTS  # no site twice across pages


def test_point_search_uses_the_nearest_commune():
    chambery = Commune.objects.get(code=CHAMBERY)
    site_serving(commune=CHAMBERY, nom="chambery")
    page = site_search(latitude=chambery.latitude + 0.001, longitude=chambery.longitude)
    assert page.origine.code == CHAMBERY
    assert codes(page) == ["chambery"]


def test_unknown_commune_gives_an_empty_page():
    page = site_search(commune="99999")
    assert page.origine is None
    assert page.results == []


@pytest.mark.parametrize("n", [1, 30])
def test_number_of_queries_does_not_grow_with_results(n, django_assert_num_queries):
    for i in range(n):
        site = site_serving(commune=CHAMBERY, nom=f"s{i}")
        ServiceThematique.objects.create(
            service=ServiceFactory(site=site), thematique="cep--reconversion"
        )
    # commune, bassins, count, page of sites, their services: the same for 1 or 30 results.
    with django_assert_num_queries(5):
        page = site_search(commune=CHAMBERY, per_page=50)
        assert len(page.results) == n
        assert all(len(r.site.services.all()) == 1 for r in page.results)
