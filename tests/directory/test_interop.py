"""data·inclusion interoperability: the export validates against the schema, export → import →
export is lossless (JSON and CSV), imports are all-or-nothing, idempotent, audited, French."""

from __future__ import annotations

import copy
import io
import json
import re
from datetime import UTC, date, datetime

import pytest
from data_inclusion.schema import v1
from django.core.management import call_command
from django.core.management.base import CommandError

from aiguillage.core.models import AuditAction, AuditEvent
from aiguillage.directory import referentials
from aiguillage.directory.interop import (
    ExportErrors,
    csv_export,
    csv_import,
    data_inclusion_export,
    data_inclusion_import,
)
from aiguillage.directory.models import (
    Capacite,
    Desserte,
    Niveau,
    Reseau,
    Service,
    ServicePublic,
    ServiceThematique,
    Site,
    Structure,
)
from aiguillage.territories.models import Commune, Departement, Region, Zone
from aiguillage.territories.services import ImportErrors, bassins_import
from tests.factories import DesserteFactory, ServiceFactory, SiteFactory, StructureFactory

pytestmark = pytest.mark.django_db

CHAMBERY, BARBERAZ, SAINT_ETIENNE = "73065", "73029", "42218"
RHONE_ALPES_DEPARTEMENTS = ["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"]
EMPLOI = "trouver-un-emploi--repondre-a-des-offres-demploi"
CV = "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"


def referentials_set(service: Service, *, thematiques=(), publics=()) -> Service:
    for thematique in thematiques:
        ServiceThematique.objects.create(service=service, thematique=thematique)
    for public in publics:
        ServicePublic.objects.create(service=service, public=public)
    return service


@pytest.fixture
def annuaire():
    """A small directory: a Mission locale (in the schema) with rich sectorisation, an Apec
    centre (outside the schema) attached to a national structure without a site, a national
    Transitions Pro site, and a site imported from another source."""
    bassins_import(
        content="code_commune,code_bassin,nom_bassin\n"
        f"{CHAMBERY},B-CHY,Bassin de Chambéry\n{BARBERAZ},B-CHY,Bassin de Chambéry\n"
    )
    chambery = Commune.objects.get(code=CHAMBERY)
    ml = StructureFactory(
        nom="Mission locale Jeunes du bassin chambérien",
        reseau=Reseau.MISSION_LOCALE,
        siret="13002526500013",
        site_web="https://ml.example.org",
        description="Mission locale du bassin chambérien.",
    )
    site = SiteFactory(
        structure=ml,
        nom="Mission locale — Chambéry centre",
        description="Accueil des jeunes de 16 à 25 ans.",
        adresse="12 rue de la Gare",
        complement_adresse="2e étage",
        telephone="04 79 00 00 00",
        courriel="accueil@ml.example.org",
        site_web="https://ml.example.org/chambery",
        horaires_accueil="Mo-Fr 09:00-12:30",
        accessibilite_lieu="https://acceslibre.beta.gouv.fr/app/73-chambery/a/ml/erp/ml-chambery/",
        accessible_pmr=True,
        lien_rdv="https://rdv.example.org/ml",
        capacite=Capacite.LISTE_ATTENTE,
        delai_typique_jours=10,
        delai_reponse_median_jours=4.5,
        precision="exacte",
        date_maj=date(2025, 1, 15),
        latitude=45.5663,
        longitude=5.9204,
        confirme_le=datetime(2026, 1, 15, 9, 30, 12, 345678, tzinfo=UTC),
    )
    DesserteFactory(site=site, niveau=Niveau.COMMUNE, code=CHAMBERY)
    DesserteFactory(site=site, niveau=Niveau.EPCI, code=chambery.epci_id)
    DesserteFactory(site=site, niveau=Niveau.BASSIN, code="B-CHY")
    DesserteFactory(site=site, niveau=Niveau.DEPARTEMENT, code="74", public="jeunes")
    referentials_set(
        ServiceFactory(
            site=site,
            nom="Accompagnement vers l'emploi",
            description="Un accompagnement personnalisé vers l'emploi et la formation.",
            type="accompagnement",
            frais="gratuit",
            frais_precisions="Aucun frais.",
            publics_precisions="Jeunes de 16 à 25 ans sortis du système scolaire.",
            conditions_acces="Résider sur le territoire.",
            modes_accueil=["en-presentiel", "a-distance"],
            modes_mobilisation=["telephoner", "utiliser-lien-mobilisation"],
            lien_mobilisation="https://rdv.example.org/ml",
            date_maj=date(2025, 1, 10),
        ),
        thematiques=[EMPLOI, "cep--accompagnement-personnalise"],
        publics=["jeunes", "salaries"],
    )
    referentials_set(
        ServiceFactory(site=site, nom="Atelier pour les femmes", type="atelier"),
        thematiques=[CV],
        publics=["femmes"],
    )

    apec = StructureFactory(nom="Apec", reseau=Reseau.APEC, nationale=True, siret="78470435300019")
    apec_ra = StructureFactory(nom="Apec Auvergne-Rhône-Alpes", reseau=Reseau.APEC, parent=apec)
    apec_site = SiteFactory(
        structure=apec_ra,
        nom="Apec Saint-Étienne",
        commune=Commune.objects.get(code=SAINT_ETIENNE),
        code_postal="42000",
        precision="approchee",
        capacite=Capacite.COMPLET,
        confirme_le=None,
    )
    DesserteFactory(site=apec_site, niveau=Niveau.REGION, code="84")
    referentials_set(
        ServiceFactory(site=apec_site, nom="Conseil en évolution professionnelle"),
        thematiques=["cep--accueil-individualise"],
        publics=["cadres"],
    )

    tp = StructureFactory(nom="Transitions Pro", reseau=Reseau.TRANSITIONS_PRO, nationale=True)
    tp_site = SiteFactory(
        structure=tp,
        nom="Transitions Pro — accueil national",
        latitude=None,
        longitude=None,
        precision="absente",
    )
    for region in Region.objects.filter(zone__in=[Zone.METRO, Zone.DROM]):
        DesserteFactory(site=tp_site, niveau=Niveau.REGION, code=region.code)
    ServiceFactory(site=tp_site, nom="Projet de transition professionnelle", frais="gratuit")

    dora = StructureFactory(
        nom="Centre social Le Tournesol", reseau=Reseau.AUTRE, source="dora", id_source="dora--42"
    )
    dora_site = SiteFactory(
        structure=dora,
        nom="Centre social Le Tournesol",
        source="dora",
        id_source="dora--42",
        commune=Commune.objects.get(code=BARBERAZ),
    )
    referentials_set(
        ServiceFactory(site=dora_site, nom="Aide au CV", source="dora", id_source="dora--cv"),
        thematiques=[CV],
        publics=["tous-publics"],
    )


def wipe_directory() -> None:
    Service.objects.all().delete()
    Site.objects.all().delete()
    while Structure.objects.exists():  # antennes first: a parent is protected
        Structure.objects.filter(antennes__isnull=True).delete()


def by_nom(records: list[dict]) -> dict[str, dict]:
    return {r["nom"]: r for r in records}


# --- A small JSON Schema checker: enough for the keywords the schema's models produce ---------


def schema_errors(value, schema: dict, defs: dict, path: str = "") -> list[str]:
    if "$ref" in schema:
        return schema_errors(value, defs[schema["$ref"].rsplit("/", 1)[1]], defs, path)
    if "anyOf" in schema:
        branches = [schema_errors(value, s, defs, path) for s in schema["anyOf"]]
        return [] if any(not b for b in branches) else [f"{path}: aucune branche de anyOf"]
    types = {
        "string": str,
        "number": (int, float),
        "integer": int,
        "array": list,
        "null": type(None),
        "boolean": bool,
        "object": dict,
    }
    if "type" in schema and not isinstance(value, types[schema["type"]]):
        return [f"{path}: type {schema['type']} attendu"]
    errors = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} hors enum")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} ≠ {schema['const']!r}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: motif {schema['pattern']}")
        if not schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", 10**9):
            errors.append(f"{path}: longueur")
        if schema.get("format") == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            errors.append(f"{path}: date")
        if schema.get("format") == "uri" and not value.startswith(("http://", "https://")):
            errors.append(f"{path}: uri")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: minItems")
        if schema.get("uniqueItems") and len(set(map(json.dumps, value))) != len(value):
            errors.append(f"{path}: uniqueItems")
        for i, item in enumerate(value):
            errors += schema_errors(item, schema.get("items", {}), defs, f"{path}[{i}]")
    return errors


def json_schema_errors(record: dict, model) -> list[str]:
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    errors = [f"{name}: requis" for name in schema["required"] if record.get(name) is None]
    for name, value in record.items():
        if name == "aiguillage":
            continue
        if name not in schema["properties"]:
            errors.append(f"{name}: propriété inconnue du schéma")
        else:
            errors += schema_errors(value, schema["properties"][name], defs, name)
    return errors


# --- Export -------------------------------------------------------------------------------------


def test_export_records_validate_against_the_schema_models_and_json_schema(annuaire):
    data = data_inclusion_export()
    assert len(data["structures"]) == 4
    assert len(data["services"]) == 5
    for record in data["structures"]:
        v1.Structure.model_validate(record)
        assert json_schema_errors(record, v1.Structure) == []
    for record in data["services"]:
        v1.Service.model_validate(record)
        assert json_schema_errors(record, v1.Service) == []


def test_the_json_schema_checker_catches_a_wrong_record(annuaire):
    """The checker above must be able to fail, or the test before proves nothing."""
    record = copy.deepcopy(data_inclusion_export()["services"][0])
    record["thematiques"] = ["cep--reconversion"]
    record["zone_eligibilite"] = ["1"]
    del record["date_maj"]
    errors = json_schema_errors(record, v1.Service)
    assert {e.split(":")[0] for e in errors} == {"date_maj", "thematiques", "zone_eligibilite"}


def test_export_maps_a_site_to_a_structure_and_keeps_cep_values_in_the_extension(annuaire):
    data = data_inclusion_export()
    site = Site.objects.get(nom="Mission locale — Chambéry centre")
    record = by_nom(data["structures"])[site.nom]
    assert record["source"] == "aiguillage"
    assert record["id"] == f"aiguillage--site-{site.pk}"
    assert record["siret"] == "13002526500013"
    assert record["commune"] == "Chambéry"
    assert record["code_insee"] == CHAMBERY
    assert record["code_postal"] == "73000"
    assert record["date_maj"] == "2025-01-15"
    assert record["reseaux_porteurs"] == ["mission-locale"]
    assert record["site_web"] == "https://ml.example.org/chambery"
    extension = record["aiguillage"]
    assert extension["structure"] == {
        "id": f"aiguillage--structure-{site.structure_id}",
        "source": "aiguillage",
        "nom": "Mission locale Jeunes du bassin chambérien",
        "reseau": "mission_locale",
        "siret": "13002526500013",
        "parent": None,
        "region": "84",
        "departement": None,
        "commune": None,
        "site_web": "https://ml.example.org",
        "description": "Mission locale du bassin chambérien.",
        "est_demo": False,
    }
    assert extension["capacite"] == "liste_attente"
    assert extension["delai_typique_jours"] == 10
    assert extension["delai_reponse_median_jours"] == 4.5
    assert extension["accessible_pmr"] is True
    assert extension["lien_rdv"] == "https://rdv.example.org/ml"
    assert extension["precision"] == "exacte"
    assert extension["confirme_le"] == "2026-01-15T09:30:12.345678+00:00"
    assert {"niveau": "departement", "code": "74", "public": "jeunes"} in extension["dessertes"]

    service = by_nom(data["services"])["Accompagnement vers l'emploi"]
    assert service["structure_id"] == record["id"]
    assert service["thematiques"] == [EMPLOI]
    assert service["publics"] == ["jeunes"]
    assert service["aiguillage"]["thematiques_cep"] == ["cep--accompagnement-personnalise"]
    assert service["aiguillage"]["publics_cep"] == ["salaries"]
    assert service["modes_accueil"] == ["a-distance", "en-presentiel"]
    assert service["type"] == "accompagnement"
    assert service["frais"] == "gratuit"


def test_networks_outside_the_schema_travel_in_the_extension_with_their_parents(annuaire):
    record = by_nom(data_inclusion_export()["structures"])["Apec Saint-Étienne"]
    assert Reseau.APEC in referentials.RESEAUX_HORS_SCHEMA
    assert record["reseaux_porteurs"] is None
    structure = record["aiguillage"]["structure"]
    assert structure["reseau"] == "apec"
    apec = Structure.objects.get(nom="Apec")
    assert structure["parent"] == f"aiguillage--structure-{apec.pk}"
    # The national Apec has no site, hence no record of its own: it travels with its antenne.
    assert [(s["nom"], s["reseau"], s["siret"]) for s in record["aiguillage"]["rattachements"]] == [
        ("Apec", "apec", "78470435300019")
    ]


def test_zone_eligibilite_is_derived_from_the_dessertes(annuaire):
    services = by_nom(data_inclusion_export()["services"])
    epci = Commune.objects.get(code=CHAMBERY).epci_id
    # Commune, EPCI, bassin (→ its communes), département for the jeunes (the service's public).
    assert services["Accompagnement vers l'emploi"]["zone_eligibilite"] == sorted(
        [CHAMBERY, BARBERAZ, epci, "74"]
    )
    # The département is served for the jeunes only: not a zone of a service for women.
    assert services["Atelier pour les femmes"]["zone_eligibilite"] == sorted(
        [CHAMBERY, BARBERAZ, epci]
    )
    # A région becomes its départements.
    zone = services["Conseil en évolution professionnelle"]["zone_eligibilite"]
    assert zone == RHONE_ALPES_DEPARTEMENTS
    assert set(zone) == set(Departement.objects.filter(region="84").values_list("code", flat=True))
    # Every région of France: the schema's « france ».
    assert services["Projet de transition professionnelle"]["zone_eligibilite"] == ["france"]


def test_a_service_with_only_cep_publics_exports_no_schema_public(annuaire):
    service = by_nom(data_inclusion_export()["services"])["Conseil en évolution professionnelle"]
    # The schema refuses an empty list of publics: the field is absent, the value in the extension.
    assert service["publics"] is None
    assert service["thematiques"] is None
    assert service["aiguillage"]["publics_cep"] == ["cadres"]
    assert service["aiguillage"]["thematiques_cep"] == ["cep--accueil-individualise"]


def test_export_refuses_values_the_schema_refuses_and_names_them(annuaire):
    site = Site.objects.get(nom="Apec Saint-Étienne")
    Site.objects.filter(pk=site.pk).update(description="Non")
    with pytest.raises(ExportErrors) as exc:
        data_inclusion_export()
    assert exc.value.errors == [
        f"Lieu « Apec Saint-Étienne » (aiguillage--site-{site.pk}), champ description : "
        "5 caractère(s) au moins."
    ]


def test_export_of_a_queryset_keeps_only_its_sites(annuaire):
    data = data_inclusion_export(queryset=Site.objects.filter(source="dora"))
    assert [r["id"] for r in data["structures"]] == ["dora--42"]
    assert [r["id"] for r in data["services"]] == ["dora--cv"]


# --- Lossless round trips ----------------------------------------------------------------------


def test_export_import_into_an_empty_directory_export_again_is_lossless(annuaire):
    first = data_inclusion_export()
    wipe_directory()
    report = data_inclusion_import(payload=json.loads(json.dumps(first)))
    assert report.created == {"structures": 5, "sites": 4, "services": 5}
    assert data_inclusion_export() == first
    # Not only the output: the rows themselves.
    apec_ra = Structure.objects.get(nom="Apec Auvergne-Rhône-Alpes")
    assert apec_ra.reseau == Reseau.APEC
    assert apec_ra.parent.nom == "Apec"
    assert apec_ra.parent.region is None
    site = Site.objects.get(nom="Mission locale — Chambéry centre")
    assert (site.capacite, site.delai_typique_jours, site.accessible_pmr) == (
        "liste_attente",
        10,
        True,
    )
    assert site.dessertes.get(public="jeunes").code == "74"
    assert site.structure.region_id == "84"
    assert Site.objects.get(nom="Transitions Pro — accueil national").dessertes.count() == 18
    service = Service.objects.get(nom="Accompagnement vers l'emploi")
    assert set(service.thematiques.values_list("thematique", flat=True)) == {
        EMPLOI,
        "cep--accompagnement-personnalise",
    }
    assert set(service.publics.values_list("public", flat=True)) == {"jeunes", "salaries"}


def test_csv_export_import_export_is_lossless(annuaire, tmp_path):
    counts = csv_export(directory=tmp_path / "premier")
    assert counts == {"structures.csv": 4, "services.csv": 5}
    header = (tmp_path / "premier" / "structures.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join([*v1.Structure.model_fields, "aiguillage"])
    wipe_directory()
    csv_import(directory=tmp_path / "premier")
    csv_export(directory=tmp_path / "second")
    for name in ("structures.csv", "services.csv"):
        assert (tmp_path / "second" / name).read_bytes() == (
            tmp_path / "premier" / name
        ).read_bytes()
    services = (tmp_path / "premier" / "services.csv").read_text(encoding="utf-8")
    assert "a-distance|en-presentiel" in services


def test_csv_and_json_carry_the_same_directory(annuaire, tmp_path):
    first = data_inclusion_export()
    csv_export(directory=tmp_path)
    wipe_directory()
    csv_import(directory=tmp_path)
    assert data_inclusion_export() == first


# --- Idempotence ---------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(annuaire):
    payload = data_inclusion_export()
    wipe_directory()
    data_inclusion_import(payload=payload)
    rows = [m.objects.count() for m in (Structure, Site, Desserte, Service, ServiceThematique)]
    stamps = sorted(Site.objects.values_list("modifie_le", flat=True))
    report = data_inclusion_import(payload=payload)
    assert report.created == {"structures": 0, "sites": 0, "services": 0}
    assert report.updated == {"structures": 0, "sites": 0, "services": 0}
    assert report.unchanged == {"structures": 5, "sites": 4, "services": 5}
    assert [
        m.objects.count() for m in (Structure, Site, Desserte, Service, ServiceThematique)
    ] == rows
    assert sorted(Site.objects.values_list("modifie_le", flat=True)) == stamps
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()
    assert AuditEvent.objects.filter(object_type="directory.site").count() == 2


def test_a_changed_record_is_updated_in_place(annuaire):
    payload = data_inclusion_export()
    wipe_directory()
    data_inclusion_import(payload=payload)
    record = by_nom(payload["structures"])["Apec Saint-Étienne"]
    record["telephone"] = "04 77 00 00 00"
    record["aiguillage"]["capacite"] = "accueille"
    record["aiguillage"]["dessertes"] = [{"niveau": "departement", "code": "42", "public": None}]
    report = data_inclusion_import(payload=payload)
    assert report.updated == {"structures": 0, "sites": 1, "services": 0}
    site = Site.objects.get(nom="Apec Saint-Étienne")
    assert (site.telephone, site.capacite) == ("04 77 00 00 00", "accueille")
    assert list(site.dessertes.values_list("niveau", "code")) == [("departement", "42")]
    assert Site.objects.count() == 4


# --- Plain data·inclusion data --------------------------------------------------------------------


def plain_payload() -> dict:
    epci = Commune.objects.get(code=CHAMBERY).epci_id
    return {
        "structures": [
            {
                "source": "dora",
                "id": "dora--cs-1",
                "nom": "Centre social Le Tournesol",
                "date_maj": "2025-02-14",
                "siret": "13003013300016",
                "commune": "Chambéry",
                "code_postal": "73000",
                "code_insee": CHAMBERY,
                "adresse": "1 place du Marché",
                "site_web": "https://tournesol.example.org",
                "courriel": "Contact@Tournesol.Example.org",
                "reseaux_porteurs": ["caf", "mission-locale"],
                "lien_source": "https://dora.inclusion.beta.gouv.fr/structures/cs-1",
            },
            {
                "source": "dora",
                "id": "dora--cs-2",
                "nom": "Association Rebond",
                "date_maj": "2025-02-14",
                "code_insee": SAINT_ETIENNE,
                "latitude": 45.434,
                "longitude": 4.39,
                "reseaux_porteurs": ["caf"],
            },
        ],
        "services": [
            {
                "source": "dora",
                "id": "dora--svc-1",
                "structure_id": "dora--cs-1",
                "nom": "Atelier CV",
                "description": "Un atelier pour rédiger son CV et sa lettre de motivation.",
                "date_maj": "2025-02-14",
                "thematiques": [CV],
                "publics": ["jeunes"],
                "modes_accueil": ["en-presentiel"],
                "zone_eligibilite": [CHAMBERY, epci, "74"],
            },
            {
                "source": "dora",
                "id": "dora--svc-2",
                "structure_id": "dora--cs-2",
                "nom": "Permanence emploi",
                "description": "Une permanence pour chercher un emploi.",
                "date_maj": "2025-02-14",
                "zone_eligibilite": ["france"],
            },
        ],
    }


def test_plain_data_inclusion_data_is_imported_with_the_documented_rules():
    report = data_inclusion_import(payload=plain_payload())
    assert report.created == {"structures": 2, "sites": 2, "services": 2}
    site = Site.objects.get(id_source="dora--cs-1")
    assert (site.source, site.commune_id, site.adresse) == ("dora", CHAMBERY, "1 place du Marché")
    # URLs and e-mails are kept as written (pydantic would normalise them).
    assert site.site_web == "https://tournesol.example.org"
    assert site.courriel == "Contact@Tournesol.Example.org"
    # No point: the commune's, approximate (as for sites created here).
    chambery = Commune.objects.get(code=CHAMBERY)
    assert (site.latitude, site.longitude, site.precision) == (
        chambery.latitude,
        chambery.longitude,
        "approchee",
    )
    # One structure per data·inclusion structure; the first known network wins.
    structure = site.structure
    assert (structure.source, structure.id_source, structure.nom) == (
        "dora",
        "dora--cs-1",
        "Centre social Le Tournesol",
    )
    assert (structure.reseau, structure.siret) == (Reseau.MISSION_LOCALE, "13003013300016")
    assert (structure.region_id, structure.departement_id, structure.commune_id) == (
        "84",
        "73",
        CHAMBERY,
    )
    assert set(site.dessertes.values_list("niveau", "code", "public")) == {
        ("commune", CHAMBERY, ""),
        ("epci", chambery.epci_id, ""),
        ("departement", "74", ""),
    }
    rebond = Site.objects.get(id_source="dora--cs-2")
    assert rebond.structure.reseau == Reseau.AUTRE  # caf is no network of ours
    assert rebond.precision == "exacte"
    # « france »: every région of France (metropolitan and overseas départements).
    assert set(rebond.dessertes.values_list("niveau", flat=True)) == {"region"}
    assert rebond.dessertes.count() == 18
    service = Service.objects.get(id_source="dora--svc-1")
    assert list(service.thematiques.values_list("thematique", flat=True)) == [CV]
    assert list(service.publics.values_list("public", flat=True)) == ["jeunes"]
    assert service.modes_accueil == ["en-presentiel"]
    exported = by_nom(data_inclusion_export()["services"])
    assert exported["Permanence emploi"]["zone_eligibilite"] == ["france"]


def test_a_plain_reimport_keeps_what_the_file_cannot_say():
    data_inclusion_import(payload=plain_payload())
    rebond = Structure.objects.get(id_source="dora--cs-2")
    Structure.objects.filter(pk=rebond.pk).update(reseau=Reseau.APEC)
    Site.objects.filter(id_source="dora--cs-1").update(capacite=Capacite.COMPLET)
    service = Service.objects.get(id_source="dora--svc-1")
    ServiceThematique.objects.create(service=service, thematique="cep--reconversion")
    ServicePublic.objects.create(service=service, public="salaries")
    report = data_inclusion_import(payload=plain_payload())
    assert report.updated == {"structures": 0, "sites": 0, "services": 0}
    assert Structure.objects.get(pk=rebond.pk).reseau == Reseau.APEC
    assert Site.objects.get(id_source="dora--cs-1").capacite == Capacite.COMPLET
    assert set(service.thematiques.values_list("thematique", flat=True)) == {
        CV,
        "cep--reconversion",
    }
    assert set(service.publics.values_list("public", flat=True)) == {"jeunes", "salaries"}


def test_a_bare_list_of_structures_is_accepted():
    report = data_inclusion_import(payload=plain_payload()["structures"])
    assert report.created == {"structures": 2, "sites": 2, "services": 0}


def test_services_may_refer_to_a_site_already_in_the_directory():
    data_inclusion_import(payload=plain_payload())
    payload = {"services": [plain_payload()["services"][0] | {"id": "dora--svc-3"}]}
    report = data_inclusion_import(payload=payload)
    assert report.created == {"structures": 0, "sites": 0, "services": 1}
    assert Service.objects.get(id_source="dora--svc-3").site.id_source == "dora--cs-1"


# --- Validation: all or nothing, French messages naming the record and the field ----------------


def test_one_invalid_record_writes_nothing_and_errors_name_the_record_and_field():
    payload = plain_payload()
    payload["structures"][1]["nom"] = "Ab"
    payload["structures"][1]["siret"] = "123"
    payload["structures"][0]["code_insee"] = "99999"
    payload["services"][0]["zone_eligibilite"] = ["73999", "1"]
    payload["services"][0]["thematiques"] = ["cep--reconversion"]
    payload["services"][1]["date_maj"] = "2099-01-01"
    with pytest.raises(ImportErrors) as exc:
        data_inclusion_import(payload=payload)
    assert exc.value.errors == [
        "structures[0], champ code_insee : commune « 99999 » inconnue.",
        "structures[1], champ nom : 3 caractère(s) au moins.",
        "structures[1], champ siret : 14 caractère(s) au moins.",
        "services[0], champ thematiques[0] : valeur « cep--reconversion » inconnue.",
        "services[0], champ zone_eligibilite[1] : code « 1 » invalide : code commune "
        "(5 caractères), EPCI (9 chiffres), département (2 ou 3 caractères) ou « france » attendu.",
        "services[1], champ date_maj : La date de dernière modification ne peut pas être dans "
        "le futur.",
    ]
    assert not Structure.objects.exists()
    assert not Site.objects.exists()
    assert not AuditEvent.objects.filter(object_type="directory.site").exists()


def test_our_own_rules_are_checked_after_the_schema():
    payload = plain_payload()
    payload["structures"][0]["telephone"] = "0" * 31  # the schema has no limit, we do
    del payload["structures"][1]["longitude"]
    payload["services"][0]["zone_eligibilite"] = ["73999", "999999999", "99134"]
    with pytest.raises(ImportErrors) as exc:
        data_inclusion_import(payload=payload)
    assert exc.value.errors == [
        "structures[0], champ telephone : Assurez-vous que cette valeur comporte au plus 30 "
        "caractères (actuellement 31).",
        "structures[1], champ longitude : latitude et longitude vont ensemble.",
        "services[0], champ zone_eligibilite[0] : commune « 73999 » inconnue.",
        "services[0], champ zone_eligibilite[1] : EPCI « 999999999 » inconnu.",
        "services[0], champ zone_eligibilite[2] : pays « 99134 » : seule la France est prise "
        "en charge.",
    ]
    assert not Site.objects.exists()


def test_references_and_duplicates_are_checked():
    payload = plain_payload()
    payload["structures"].append(dict(payload["structures"][0]))
    payload["services"][1]["structure_id"] = "dora--inconnue"
    with pytest.raises(ImportErrors) as exc:
        data_inclusion_import(payload=payload)
    assert exc.value.errors == [
        "structures[2], champ id : « dora--cs-1 » figure déjà en structures[0].",
        "services[1], champ structure_id : structure « dora--inconnue » absente du fichier et "
        "de l'annuaire.",
    ]


def test_the_extension_is_checked_against_our_enums(annuaire):
    payload = data_inclusion_export()
    wipe_directory()
    extension = by_nom(payload["structures"])["Apec Saint-Étienne"]["aiguillage"]
    extension["structure"]["reseau"] = "pole_emploi"
    extension["capacite"] = "plein"
    extension["dessertes"] = [{"niveau": "commune", "code": "73999", "public": None}]
    extension["couleur"] = "bleu"
    service = by_nom(payload["services"])["Conseil en évolution professionnelle"]
    service["aiguillage"]["publics_cep"] = ["retraites"]
    with pytest.raises(ImportErrors) as exc:
        data_inclusion_import(payload=payload)
    index = payload["structures"].index(by_nom(payload["structures"])["Apec Saint-Étienne"])
    where = f"structures[{index}]"
    assert exc.value.errors[:3] == [
        f"{where}, champ aiguillage.structure.reseau : valeur « pole_emploi » inconnue.",
        f"{where}, champ aiguillage.capacite : valeur « plein » inconnue "
        "(attendu : 'accueille', 'liste_attente' ou 'complet').",
        f"{where}, champ aiguillage.couleur : clé inconnue de l'extension aiguillage.",
    ]
    assert any(
        e.endswith(
            "aiguillage.publics_cep[0] : valeur « retraites » inconnue "
            "(attendu : 'salaries', 'independants', 'cadres', 'agents-publics', 'eleves' ou "
            "'saisonniers')."
        )
        for e in exc.value.errors
    )
    assert not Structure.objects.exists()


def test_a_territory_unknown_in_the_extension_is_an_error(annuaire):
    payload = data_inclusion_export()
    wipe_directory()
    record = by_nom(payload["structures"])["Apec Saint-Étienne"]
    record["aiguillage"]["dessertes"] = [{"niveau": "bassin", "code": "B-INCONNU", "public": None}]
    record["aiguillage"]["rattachements"] = []  # the national Apec is nowhere now
    with pytest.raises(ImportErrors) as exc:
        data_inclusion_import(payload=payload)
    where = f"structures[{payload['structures'].index(record)}]"
    apec_id = record["aiguillage"]["structure"]["parent"]
    assert exc.value.errors == [
        f"{where}, champ aiguillage.dessertes[0].code : territoire « B-INCONNU » inconnu (bassin).",
        f"{where}, champ aiguillage.structure.parent : structure de rattachement « {apec_id} » "
        "absente du fichier et de l'annuaire.",
    ]


def test_one_structure_described_two_ways_or_in_a_circle_is_an_error(annuaire):
    payload = data_inclusion_export()
    wipe_directory()
    records = by_nom(payload["structures"])
    index = {r["nom"]: f"structures[{i}]" for i, r in enumerate(payload["structures"])}
    ml = records["Mission locale — Chambéry centre"]
    # Another site claims the Mission locale's structure, under another name.
    tp = records["Transitions Pro — accueil national"]
    tp["aiguillage"]["structure"] = ml["aiguillage"]["structure"] | {"nom": "Autre nom"}
    apec = records["Apec Saint-Étienne"]["aiguillage"]
    apec["rattachements"][0]["parent"] = apec["structure"]["id"]
    with pytest.raises(ImportErrors) as exc:
        data_inclusion_import(payload=payload)
    ml_id = ml["aiguillage"]["structure"]["id"]
    assert sorted(exc.value.errors) == sorted(
        [
            f"{index[tp['nom']]}, champ aiguillage.structure : la structure « {ml_id} » est "
            f"décrite autrement en {index[ml['nom']]}.",
            f"{index['Apec Saint-Étienne']}, champ aiguillage.structure.parent : "
            "rattachement circulaire.",
        ]
    )


def test_csv_errors_name_the_file_the_line_and_the_field(annuaire, tmp_path):
    csv_export(directory=tmp_path)
    wipe_directory()
    path = tmp_path / "structures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",42218,", ",42999,")  # line 3: Apec Saint-Étienne
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportErrors) as exc:
        csv_import(directory=tmp_path)
    assert exc.value.errors == [
        "structures.csv, ligne 3, champ code_insee : commune « 42999 » inconnue."
    ]
    assert not Site.objects.exists()


def test_csv_extension_cell_must_be_a_json_object(annuaire, tmp_path):
    csv_export(directory=tmp_path)
    wipe_directory()
    path = tmp_path / "services.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1][: lines[1].rindex(',"{')] + ",pas du json"  # the last column
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportErrors) as exc:
        csv_import(directory=tmp_path)
    assert exc.value.errors == ["services.csv, ligne 2, champ aiguillage : objet JSON attendu."]


def test_csv_without_a_required_column_is_refused(tmp_path):
    (tmp_path / "structures.csv").write_text("source,id,nom\n", encoding="utf-8")
    with pytest.raises(ImportErrors) as exc:
        csv_import(directory=tmp_path)
    assert exc.value.errors == ["structures.csv, en-tête : colonne(s) manquante(s) date_maj."]


# --- Dry run and audit ----------------------------------------------------------------------------


def test_dry_run_validates_counts_and_writes_nothing():
    report = data_inclusion_import(payload=plain_payload(), dry_run=True)
    assert report.dry_run
    assert report.created == {"structures": 2, "sites": 2, "services": 2}
    assert not Structure.objects.exists()
    assert not Site.objects.exists()
    assert not Desserte.objects.exists()
    assert not AuditEvent.objects.filter(object_type="directory.site").exists()


def test_an_import_is_audited_with_its_counts():
    data_inclusion_import(payload=plain_payload())
    event = AuditEvent.objects.get(object_type="directory.site")
    assert event.action == AuditAction.IMPORT
    assert event.object_type == "directory.site"
    assert event.details == {
        "format": "data-inclusion",
        "created": {"structures": 2, "sites": 2, "services": 2},
        "updated": {"structures": 0, "sites": 0, "services": 0},
        "unchanged": {"structures": 0, "sites": 0, "services": 0},
    }


# --- Commands -------------------------------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("annuaire", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_exporter_writes_json_to_stdout_and_importer_reads_it_back(annuaire, tmp_path):
    out, _ = run("exporter", "--format", "data-inclusion")
    assert json.loads(out) == data_inclusion_export()
    path = tmp_path / "annuaire.json"
    path.write_text(out, encoding="utf-8")
    wipe_directory()
    out, _ = run("importer", str(path), "--dry-run")
    assert "rien n'a été écrit" in out
    assert not Site.objects.exists()
    out, _ = run("importer", str(path))
    assert "lieux : 4 créé(s)" in out
    assert Site.objects.count() == 4


def test_exporter_and_importer_in_csv(annuaire, tmp_path):
    with pytest.raises(CommandError, match="--sortie"):
        run("exporter", "--format", "csv")
    out, _ = run("exporter", "--format", "csv", "--sortie", str(tmp_path))
    assert "4 ligne(s) dans structures.csv" in out
    wipe_directory()
    run("importer", str(tmp_path))  # a directory: CSV
    assert Service.objects.count() == 5


def test_exporter_writes_a_file_with_sortie(annuaire, tmp_path):
    path = tmp_path / "export.json"
    run("exporter", "--sortie", str(path))
    assert json.loads(path.read_text(encoding="utf-8")) == data_inclusion_export()


def test_importer_reports_errors_in_french_and_writes_nothing(tmp_path):
    payload = plain_payload()
    payload["structures"][0]["code_insee"] = "99999"
    path = tmp_path / "annuaire.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 erreur\\(s\\) : rien n'a été importé"):
        call_command("annuaire", "importer", str(path), stderr=err)
    assert "structures[0], champ code_insee : commune « 99999 » inconnue." in err.getvalue()
    path.write_text("{ pas du json", encoding="utf-8")
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("annuaire", "importer", str(path), stderr=io.StringIO())
    assert not Structure.objects.exists()
