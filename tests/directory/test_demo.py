"""The demo directory (a step of ``demo_load``) and the synthetic directory for benchmarks."""

import re
from collections import defaultdict
from datetime import timedelta

import pytest
from django.utils import timezone

from aiguillage.core.demo import DEMO_ACCOUNTS, DEMO_STRUCTURES, demo_load
from aiguillage.directory.demo import DEMO_REGIONS
from aiguillage.directory.demo import SOURCE as DEMO_SOURCE
from aiguillage.directory.models import (
    Capacite,
    Desserte,
    RechercheSauvegardee,
    Reseau,
    Service,
    ServicePublic,
    ServiceThematique,
    Site,
    Structure,
)
from aiguillage.directory.selectors import search_arguments, site_search
from aiguillage.directory.simulation import PROFILES, directory_synthetic_load, distance_km
from aiguillage.directory.simulation import SOURCE as SIMULATION_SOURCE
from aiguillage.territories.models import Bassin, Commune, Zone

pytestmark = pytest.mark.django_db

NETWORKS_IN_EVERY_REGION = [
    Reseau.FRANCE_TRAVAIL,
    Reseau.MISSION_LOCALE,
    Reseau.CAP_EMPLOI,
    Reseau.APEC,
    Reseau.CEP_ACTIFS_OCCUPES,
    Reseau.TRANSITIONS_PRO,
    Reseau.CIO,
    Reseau.INFO_JEUNES,
    Reseau.CARIF_OREF,
    Reseau.REGION,
]
MODELS = (
    Structure,
    Site,
    Desserte,
    Service,
    ServiceThematique,
    ServicePublic,
    RechercheSauvegardee,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def unserved_communes(*, reseau: str, region: str) -> list[str]:
    """Communes of ``region`` that no site of ``reseau`` serves, at any sectorisation level."""
    served = set(
        Desserte.objects.filter(site__structure__reseau=reseau).values_list("niveau", "code")
    )
    bassins = defaultdict(set)
    for commune, bassin in Bassin.communes.through.objects.values_list("commune_id", "bassin_id"):
        bassins[commune].add(bassin)
    missing = []
    rows = Commune.objects.filter(region_id=region).values_list(
        "code", "commune_parente_id", "epci_id", "departement_id", "region_id"
    )
    for code, parent, epci, departement, region_code in rows:
        territories = {
            ("commune", code),
            ("commune", parent),
            ("epci", epci),
            ("departement", departement),
            ("region", region_code),
        } | {("bassin", b) for b in bassins[code] | bassins[parent]}
        if not territories & served:
            missing.append(code)
    return missing


def test_demo_is_idempotent_and_updates_rows_in_place():
    demo_load()
    before = counts()
    sites = set(Site.objects.values_list("pk", flat=True))
    demo_load()
    assert counts() == before
    assert set(Site.objects.values_list("pk", flat=True)) == sites
    assert before["Site"] >= 500  # hundreds of sites, not a handful
    # The demo counsellor has one saved search, with a weekly alert, that finds sites.
    (recherche,) = RechercheSauvegardee.objects.all()
    assert recherche.proprietaire.email == DEMO_ACCOUNTS[0].email
    assert recherche.frequence == "hebdomadaire"
    assert site_search(**search_arguments(recherche.criteres)).total > 0


def test_every_network_has_sites_in_every_demo_region_and_named_structures_too():
    demo_load()
    present = set(Site.objects.values_list("structure__reseau", "commune__region_id"))
    for region in DEMO_REGIONS:
        for reseau in NETWORKS_IN_EVERY_REGION:
            assert (reseau, region) in present, (reseau, region)
    assert (Reseau.CITE_DES_METIERS, "52") in present
    for reseau, nom, code in DEMO_STRUCTURES:
        assert Site.objects.filter(
            structure__nom=nom, structure__reseau=reseau, commune_id=code
        ).exists(), nom
    # France Travail: about one agency per 60-80,000 inhabitants in each demo région.
    for region in DEMO_REGIONS:
        population = sum(
            Commune.objects.filter(region_id=region, type="commune-actuelle").values_list(
                "population", flat=True
            )
        )
        agencies = Structure.objects.filter(
            reseau=Reseau.FRANCE_TRAVAIL, region_id=region, source=DEMO_SOURCE
        ).count()
        assert population / 85_000 <= agencies <= population / 55_000, region


def test_every_commune_of_auvergne_rhone_alpes_is_served_by_a_mission_locale():
    demo_load()
    assert unserved_communes(reseau=Reseau.MISSION_LOCALE, region="84") == []
    for region in DEMO_REGIONS:
        assert unserved_communes(reseau=Reseau.FRANCE_TRAVAIL, region=region) == []
        assert unserved_communes(reseau=Reseau.CAP_EMPLOI, region=region) == []


def test_demo_data_is_labelled_and_plausible():
    demo_load()
    for model in (Structure, Site, Service):
        assert not model.objects.filter(est_demo=False).exists(), model
    sites = list(Site.objects.filter(source=DEMO_SOURCE).select_related("commune"))
    for site in sites:
        assert re.fullmatch(r"\+33\d{9}", site.telephone), site.telephone
        assert site.courriel.endswith(".example")
        assert site.horaires_accueil and site.adresse and site.precision == "approchee"
        assert site.code_postal in site.commune.codes_postaux.split()
        commune = site.commune
        assert distance_km(site.latitude, site.longitude, commune.latitude, commune.longitude) < 1
        assert site.delai_typique_jours and site.date_maj
    assert {s.capacite for s in sites} == set(Capacite.values)
    limit = timezone.now() - timedelta(days=180)
    confirmed = [s.confirme_le for s in sites if s.confirme_le]
    assert any(c < limit for c in confirmed) and any(c >= limit for c in confirmed)
    per_site = defaultdict(int)
    for site_id in Service.objects.filter(source=DEMO_SOURCE).values_list("site_id", flat=True):
        per_site[site_id] += 1
    assert set(per_site) == {s.pk for s in sites}
    assert set(per_site.values()) <= {1, 2, 3}
    assert not Service.objects.filter(source=DEMO_SOURCE, thematiques__isnull=True).exists()
    assert not Service.objects.filter(source=DEMO_SOURCE, publics__isnull=True).exists()
    cep_thematiques = set(
        ServiceThematique.objects.filter(
            service__site__structure__reseau=Reseau.CEP_ACTIFS_OCCUPES
        ).values_list("thematique", flat=True)
    )
    assert "cep--accompagnement-personnalise" in cep_thematiques
    publics = set(
        Desserte.objects.filter(site__structure__reseau=Reseau.CEP_ACTIFS_OCCUPES).values_list(
            "niveau", "public"
        )
    )
    assert publics == {("departement", p) for p in ("salaries", "independants", "actifs")}
    assert set(
        Desserte.objects.filter(site__structure__reseau=Reseau.APEC).values_list("niveau", "public")
    ) == {("region", "cadres")}


def test_synthetic_directory_has_the_asked_sites_in_valid_communes_and_replaces_itself():
    report = directory_synthetic_load(sites=1500, seed=3)
    sites = Site.objects.filter(source=SIMULATION_SOURCE)
    assert report["sites"] == sites.count() == 1500
    assert not sites.exclude(commune__type="commune-actuelle").exists()
    assert not sites.filter(commune__region__zone=Zone.COM).exists()
    assert not sites.filter(est_demo=False).exists()
    assert set(sites.values_list("structure__reseau", flat=True)) == set(PROFILES)
    assert set(report["dessertes_by_niveau"]) == {"commune", "epci", "departement", "region"}
    assert Desserte.objects.filter(site__source=SIMULATION_SOURCE).count() == report["dessertes"]
    assert Service.objects.filter(source=SIMULATION_SOURCE).count() == report["services"]
    # Networks present everywhere have a site in every département at this size.
    departements = set(
        Commune.objects.exclude(region__zone=Zone.COM)
        .filter(type="commune-actuelle")
        .values_list("departement_id", flat=True)
    )
    for reseau in (Reseau.FRANCE_TRAVAIL, Reseau.MISSION_LOCALE):
        covered = set(
            sites.filter(structure__reseau=reseau).values_list("commune__departement_id", flat=True)
        )
        assert covered == departements, reseau

    report = directory_synthetic_load(sites=200, seed=4, regions=["52"])
    assert report["sites"] == sites.count() == 200
    assert set(sites.values_list("commune__region_id", flat=True)) == {"52"}
    assert Structure.objects.filter(source=SIMULATION_SOURCE).count() == report["structures"]


def test_synthetic_directory_refuses_an_unknown_region():
    with pytest.raises(ValueError, match="Régions inconnues"):
        directory_synthetic_load(sites=10, regions=["99"])
