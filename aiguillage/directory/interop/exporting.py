"""Export: the directory as data·inclusion records (``data_inclusion_export``).

Concept map:

- ``_di_id``: the (source, id) of a row, its own when imported, ``aiguillage--<kind>-<pk>``
  otherwise;
- ``_site_record``: a ``Site`` as a structure record, its ``Structure`` and the structures above
  it (``_with_ancestors``) in the extension;
- ``_service_record``: a ``Service`` as a service record; ``_Zones`` turns the site's dessertes
  into ``zone_eligibilite`` codes (a région becomes its départements, a bassin its communes);
- every record is checked against the schema (``_export_check``); ``ExportErrors`` lists what
  the schema refuses.
"""

from __future__ import annotations

from datetime import date

import pydantic
from data_inclusion.schema import v1
from django.db.models import Prefetch, QuerySet

from aiguillage.directory import referentials
from aiguillage.directory.interop.common import (
    EXTENSION_KEY,
    FRANCE,
    FRANCE_ZONES,
    LOCAL_SOURCE,
    SERVICE_FIELDS,
    STRUCTURE_FIELDS,
)
from aiguillage.directory.interop.errors import _pydantic_errors
from aiguillage.directory.models import Desserte, Niveau, Service, Site, Structure
from aiguillage.territories.models import Bassin, Departement


class ExportErrors(Exception):
    """Records of the directory that the schema refuses, one French message per field."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def _di_id(obj: Structure | Site | Service, kind: str) -> tuple[str, str]:
    """(source, id) of a row: its own when imported, ``aiguillage--<kind>-<pk>`` otherwise."""
    if obj.id_source:
        return obj.source or LOCAL_SOURCE, obj.id_source
    return LOCAL_SOURCE, f"{LOCAL_SOURCE}--{kind}-{obj.pk}"


def _or_none(value):
    return None if value in ("", [], None) else value


def _structure_object(structure: Structure, structures: dict[int, Structure]) -> dict:
    source, di_id = _di_id(structure, "structure")
    parent = structures[structure.parent_id] if structure.parent_id else None
    return {
        "id": di_id,
        "source": source,
        "nom": structure.nom,
        "reseau": structure.reseau,
        "siret": _or_none(structure.siret),
        "parent": _di_id(parent, "structure")[1] if parent else None,
        "region": structure.region_id,
        "departement": structure.departement_id,
        "commune": structure.commune_id,
        "site_web": _or_none(structure.site_web),
        "description": _or_none(structure.description),
        "est_demo": structure.est_demo,
    }


def _with_ancestors(sites: list[Site]) -> dict[int, Structure]:
    structures = {s.structure_id: s.structure for s in sites}
    missing = {s.parent_id for s in structures.values() if s.parent_id} - set(structures)
    while missing:
        structures |= Structure.objects.in_bulk(missing)
        missing = {s.parent_id for s in structures.values() if s.parent_id} - set(structures)
    return structures


class _Zones:
    """Turns dessertes into data·inclusion ``zone_eligibilite`` codes."""

    def __init__(self, sites: list[Site]):
        self.departements: dict[str, list[str]] = {}
        france = set()
        for code, region, zone in Departement.objects.values_list("code", "region_id", "zone"):
            self.departements.setdefault(region, []).append(code)
            if zone in FRANCE_ZONES:
                france.add(code)
        self.france = frozenset(france)
        bassins = {d.code for s in sites for d in s.dessertes.all() if d.niveau == Niveau.BASSIN}
        self.bassins: dict[str, list[str]] = {}
        through = Bassin.communes.through
        for bassin, commune in through.objects.filter(bassin_id__in=bassins).values_list(
            "bassin_id", "commune_id"
        ):
            self.bassins.setdefault(bassin, []).append(commune)

    def codes(self, dessertes: list[Desserte]) -> list[str] | None:
        codes: set[str] = set()
        for desserte in dessertes:
            if desserte.niveau == Niveau.REGION:
                codes.update(self.departements.get(desserte.code, []))
            elif desserte.niveau == Niveau.BASSIN:
                codes.update(self.bassins.get(desserte.code, []))
            else:
                codes.add(desserte.code)
        if self.france and self.france <= codes:
            return [FRANCE]
        return sorted(codes) or None


def _site_record(site: Site, structures: dict[int, Structure], today: date) -> dict:
    structure = structures[site.structure_id]
    source, di_id = _di_id(site, "site")
    ancestors = []
    parent_id = structure.parent_id
    while parent_id and len(ancestors) < len(structures):
        ancestors.append(_structure_object(structures[parent_id], structures))
        parent_id = structures[parent_id].parent_id
    porteur = referentials.RESEAU_TO_DATA_INCLUSION.get(structure.reseau)
    values = {
        "source": source,
        "id": di_id,
        "nom": site.nom,
        "date_maj": (site.date_maj or today).isoformat(),
        "description": site.description,
        "siret": structure.siret,
        "commune": site.commune.nom,
        "code_postal": site.code_postal,
        "code_insee": site.commune_id,
        "adresse": site.adresse,
        "complement_adresse": site.complement_adresse,
        "longitude": site.longitude,
        "latitude": site.latitude,
        "telephone": site.telephone,
        "courriel": site.courriel,
        "site_web": site.site_web,
        "horaires_accueil": site.horaires_accueil,
        "accessibilite_lieu": site.accessibilite_lieu,
        "reseaux_porteurs": [porteur] if porteur else None,
    }
    record = {name: _or_none(values.get(name)) for name in STRUCTURE_FIELDS}
    record[EXTENSION_KEY] = {
        "structure": _structure_object(structure, structures),
        "rattachements": ancestors,
        "capacite": site.capacite,
        "delai_typique_jours": site.delai_typique_jours,
        "delai_reponse_median_jours": site.delai_reponse_median_jours,
        "accessible_pmr": site.accessible_pmr,
        "lien_rdv": _or_none(site.lien_rdv),
        "precision": site.precision,
        "dessertes": [
            {"niveau": d.niveau, "code": d.code, "public": _or_none(d.public)}
            for d in sorted(site.dessertes.all(), key=lambda d: (d.niveau, d.code, d.public))
        ],
        "confirme_le": site.confirme_le.isoformat() if site.confirme_le else None,
        "est_demo": site.est_demo,
    }
    return record


def _service_record(service: Service, site: Site, zones: _Zones, today: date) -> dict:
    thematiques = sorted(t.thematique for t in service.thematiques.all())
    publics = sorted(p.public for p in service.publics.all())
    # A desserte for one public concerns the services open to that public.
    dessertes = [
        d
        for d in site.dessertes.all()
        if not d.public or not publics or "tous-publics" in publics or d.public in publics
    ]
    values = {
        "source": _di_id(service, "service")[0],
        "structure_id": _di_id(site, "site")[1],
        "id": _di_id(service, "service")[1],
        "nom": service.nom,
        "description": service.description,
        "date_maj": (service.date_maj or today).isoformat(),
        "type": service.type,
        "thematiques": [t for t in thematiques if t not in referentials.THEMATIQUES_CEP],
        "frais": service.frais,
        "frais_precisions": service.frais_precisions,
        "publics": [p for p in publics if p not in referentials.PUBLICS_CEP],
        "publics_precisions": service.publics_precisions,
        "conditions_acces": service.conditions_acces,
        "modes_accueil": sorted(service.modes_accueil),
        "zone_eligibilite": zones.codes(dessertes),
        "lien_mobilisation": service.lien_mobilisation,
        "modes_mobilisation": sorted(service.modes_mobilisation),
    }
    record = {name: _or_none(values.get(name)) for name in SERVICE_FIELDS}
    record[EXTENSION_KEY] = {
        "thematiques_cep": [t for t in thematiques if t in referentials.THEMATIQUES_CEP],
        "publics_cep": [p for p in publics if p in referentials.PUBLICS_CEP],
        "est_demo": service.est_demo,
    }
    return record


def _export_check(record: dict, schema: type[pydantic.BaseModel], where: str) -> list[str]:
    try:
        schema.model_validate(record)
    except pydantic.ValidationError as exc:
        return _pydantic_errors(exc, where)
    return []


def data_inclusion_export(*, queryset: QuerySet[Site] | None = None) -> dict[str, list[dict]]:
    """The sites of ``queryset`` (default: all) and their services as data·inclusion records.

    Returns ``{"structures": [...], "services": [...]}``, sorted by (source, id), each record
    checked against the schema's pydantic models; raises ``ExportErrors`` (French, naming the
    site or service and the field) when the directory holds a value the schema refuses.
    """
    sites = list(
        (Site.objects.all() if queryset is None else queryset)
        .select_related("structure", "commune")
        .prefetch_related(
            "dessertes",
            Prefetch(
                "services", queryset=Service.objects.prefetch_related("thematiques", "publics")
            ),
        )
    )
    structures = _with_ancestors(sites)
    zones = _Zones(sites)
    today = date.today()  # the schema's own check of date_maj uses the machine's date
    errors: list[str] = []
    structure_records, service_records = [], []
    for site in sites:
        record = _site_record(site, structures, today)
        errors += _export_check(record, v1.Structure, f"Lieu « {site.nom} » ({record['id']})")
        structure_records.append(record)
        for service in site.services.all():
            record = _service_record(service, site, zones, today)
            where = f"Service « {service.nom} » ({record['id']})"
            errors += _export_check(record, v1.Service, where)
            service_records.append(record)
    if errors:
        raise ExportErrors(errors)
    return {
        "structures": sorted(structure_records, key=lambda r: (r["source"], r["id"])),
        "services": sorted(service_records, key=lambda r: (r["source"], r["id"])),
    }
