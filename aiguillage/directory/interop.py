"""Interoperability of the directory with the data·inclusion schema (``data-inclusion-schema`` 1.x).

Concept map (the full table is in ``docs/annuaire.md``):

- a data·inclusion **structure** is one of our ``Site`` rows (a place with an address); its
  ``source``/``id`` are ``Site.source``/``Site.id_source`` (``aiguillage`` /
  ``aiguillage--site-<pk>`` for a site created here);
- a data·inclusion **service** is one of our ``Service`` rows; ``structure_id`` is its site's id;
- ``reseaux_porteurs`` holds ``Structure.reseau`` when the schema knows the network
  (``referentials.RESEAU_TO_DATA_INCLUSION``);
- ``zone_eligibilite`` is derived from the site's ``Desserte`` rows (a région becomes its
  départements, a bassin its communes: the schema has neither level);
- everything the schema cannot hold travels in an **extension object** under the key
  ``aiguillage`` of each record (``SiteExtension``, ``ServiceExtension``): our ``Structure``
  and the structures it belongs to, capacity, sectorisation, CEP thématiques and publics.
  The schema's pydantic models ignore unknown keys, so records still validate.

Imports are all-or-nothing: every record goes through the schema's pydantic models and through
our rules (known territory codes, our enums, our field lengths) before anything is written;
errors are French and name the record (``structures[3]``, ``services.csv, ligne 5``) and the
field. Upserts are keyed on (source, id), so importing a file twice changes nothing. What a file
cannot say (a plain data·inclusion record has no capacity, no CEP thématique…) is left as it is.
"""

from __future__ import annotations

import csv
import json
import typing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from data_inclusion.schema import v1
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Prefetch, QuerySet

from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.directory import referentials
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
from aiguillage.territories.models import (
    Bassin,
    CodePostal,
    Commune,
    Departement,
    Epci,
    Region,
    Zone,
)
from aiguillage.territories.services import ImportErrors

__all__ = [
    "LOCAL_SOURCE",
    "ExportErrors",
    "ImportReport",
    "ServiceExtension",
    "SiteExtension",
    "StructureObject",
    "csv_export",
    "csv_import",
    "data_inclusion_export",
    "data_inclusion_import",
]

#: ``source`` of the records created in Aiguillage (they have no ``id_source``).
LOCAL_SOURCE = "aiguillage"
EXTENSION_KEY = "aiguillage"
LIST_SEPARATOR = "|"
STRUCTURES_CSV = "structures.csv"
SERVICES_CSV = "services.csv"
FRANCE = "france"
FRANCE_PAYS = "99100"  # the COG code of France, which the schema accepts for "national"
#: Régions and départements that make up "France" (the COM are listed but not counted).
FRANCE_ZONES = (Zone.METRO, Zone.DROM)

STRUCTURE_FIELDS: tuple[str, ...] = tuple(v1.Structure.model_fields)
SERVICE_FIELDS: tuple[str, ...] = tuple(v1.Service.model_fields)
ZONE_HINT = (
    "code commune (5 caractères), EPCI (9 chiffres), département (2 ou 3 caractères) "
    "ou « france » attendu"
)


def _list_fields(model: type[pydantic.BaseModel]) -> frozenset[str]:
    names = set()
    for name, info in model.model_fields.items():
        members = typing.get_args(info.annotation) or (info.annotation,)
        if any(typing.get_origin(m) in (list, set) for m in members):
            names.add(name)
    return frozenset(names)


LIST_FIELDS = {"structures": _list_fields(v1.Structure), "services": _list_fields(v1.Service)}


# --- The extension object ------------------------------------------------------------------


class _Extension(pydantic.BaseModel):
    # Our own contract: an unknown key is a typo, not a field of a future schema version.
    model_config = pydantic.ConfigDict(extra="forbid")


Text = Annotated[str, pydantic.StringConstraints(strip_whitespace=True, min_length=1)]


class StructureObject(_Extension):
    """One of our structures (the organisation behind a site), as carried in the extension."""

    id: Text
    #: Defaults to the part of ``id`` before ``--`` (data·inclusion's convention).
    source: Text | None = None
    nom: Text
    reseau: Reseau
    siret: v1.CodeSiret | None = None
    parent: Text | None = None
    region: str | None = None
    departement: str | None = None
    commune: str | None = None
    site_web: str | None = None
    description: str | None = None
    est_demo: bool = False


class DesserteObject(_Extension):
    niveau: Niveau
    code: Text
    public: Literal[tuple(referentials.PUBLICS)] | None = None  # type: ignore[valid-type]


class SiteExtension(_Extension):
    """The ``aiguillage`` object of a structure record (one of our sites)."""

    structure: StructureObject
    #: The structures ``structure`` belongs to, nearest first: each record is self-contained.
    rattachements: list[StructureObject] = []
    capacite: Capacite = Capacite.ACCUEILLE
    delai_typique_jours: Annotated[int, pydantic.Field(ge=0, le=32767)] | None = None
    delai_reponse_median_jours: Annotated[float, pydantic.Field(ge=0)] | None = None
    accessible_pmr: bool | None = None
    lien_rdv: str | None = None
    precision: Literal["exacte", "approchee", "absente"] = "approchee"
    dessertes: list[DesserteObject] = []
    confirme_le: pydantic.AwareDatetime | None = None
    est_demo: bool = False


class ServiceExtension(_Extension):
    """The ``aiguillage`` object of a service record: the values the schema does not list."""

    thematiques_cep: list[Literal[tuple(referentials.THEMATIQUES_CEP)]] = []  # type: ignore[valid-type]
    publics_cep: list[Literal[tuple(referentials.PUBLICS_CEP)]] = []  # type: ignore[valid-type]
    est_demo: bool = False


# --- Reports and errors --------------------------------------------------------------------


class ExportErrors(Exception):
    """Records of the directory that the schema refuses, one French message per field."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


KINDS = {"structures": "structures", "sites": "lieux", "services": "services"}


@dataclass
class ImportReport:
    """How many structures, sites and services an import created, updated or left unchanged."""

    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    dry_run: bool = False

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def __str__(self) -> str:
        return " ; ".join(
            f"{label} : {self.created[kind]} créé(s), {self.updated[kind]} modifié(s), "
            f"{self.unchanged[kind]} inchangé(s)"
            for kind, label in KINDS.items()
        )


def _error(where: str, loc: str, message: str) -> str:
    message = message.rstrip(".")
    return f"{where}, champ {loc} : {message}." if loc else f"{where} : {message}."


def _loc(parts: tuple) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}" if text else part
        # Other strings name a member of a union (``constrained-str``, ``literal['france']``).
    return text


def _expected(ctx: dict) -> str:
    expected = str(ctx.get("expected", ""))
    # Long referentials (69 thématiques) would drown the message: name only short lists.
    return f" (attendu : {expected.replace(' or ', ' ou ')})" if expected.count(",") < 8 else ""


def _message(error: dict) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    shown = value if isinstance(value, str | int | float) else json.dumps(value, default=str)
    if kind == "missing":
        return "valeur manquante"
    if kind == "extra_forbidden":
        return "clé inconnue de l'extension aiguillage"
    if kind == "string_too_short":
        return f"{ctx['min_length']} caractère(s) au moins"
    if kind == "string_too_long":
        return f"{ctx['max_length']} caractère(s) au plus"
    if kind == "too_short":
        return f"{ctx['min_length']} élément(s) au moins"
    if kind == "string_pattern_mismatch":
        return f"format invalide (« {shown} »)"
    if kind in ("enum", "literal_error"):
        return f"valeur « {shown} » inconnue{_expected(ctx)}"
    if kind.startswith("url"):
        return f"adresse web invalide (« {shown} »)"
    if kind.startswith("date_"):
        return f"date invalide (« {shown} », format AAAA-MM-JJ attendu)"
    if kind.startswith("datetime") or kind == "timezone_aware":
        return f"date et heure invalides (« {shown} », format ISO 8601 avec fuseau attendu)"
    if kind.startswith(("float_", "int_")):
        return f"nombre attendu (« {shown} »)"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        return f"valeur {'supérieure' if 'ge' in ctx else 'inférieure'} ou égale à {bound} attendue"
    if kind.startswith("bool"):
        return "vrai ou faux (true, false) attendu"
    if kind in ("list_type", "set_type", "tuple_type"):
        return "liste attendue"
    if kind == "string_type":
        return "texte attendu"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "objet JSON attendu"
    if kind == "value_error":
        text = error["msg"].removeprefix("Value error, ")
        return "courriel invalide" if text.startswith("value is not a valid email") else text
    return f"valeur invalide ({error['msg']})"


def _pydantic_errors(exc: pydantic.ValidationError, where: str, prefix: tuple = ()) -> list[str]:
    grouped: dict[str, list[dict]] = {}
    for error in exc.errors(include_url=False):
        grouped.setdefault(_loc(prefix + tuple(error["loc"])), []).append(error)
    messages = []
    for loc, errors in grouped.items():
        if len(errors) > 1 and any(
            isinstance(p, str) and not p.isidentifier() for p in errors[0]["loc"]
        ):
            # One value refused by every member of a union (zone_eligibilite): one message.
            hint = ZONE_HINT if loc.startswith("zone_eligibilite") else "format non reconnu"
            messages.append(_error(where, loc, f"code « {errors[0]['input']} » invalide : {hint}"))
            continue
        for message in dict.fromkeys(_message(e) for e in errors):
            messages.append(_error(where, loc, message))
    return messages


def _django_errors(instance: models.Model, *, where: str, names: dict[str, str]) -> list[str]:
    """Our own field rules (lengths, choices, URL and SIRET validators) on an unsaved row."""
    exclude = [
        f.name for f in instance._meta.concrete_fields if f.is_relation or f.name not in names
    ]
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [_error(where, names[f], m) for f, ms in exc.message_dict.items() for m in ms]
    return []


# --- Export ----------------------------------------------------------------------------------


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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def csv_export(*, directory: Path, queryset: QuerySet[Site] | None = None) -> dict[str, int]:
    """Write ``structures.csv`` and ``services.csv`` into ``directory``; return the row counts.

    Columns are the schema's field names plus ``aiguillage`` (the extension, as JSON); list
    fields are joined with ``|``.
    """
    data = data_inclusion_export(queryset=queryset)
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind, filename, columns in (
        ("structures", STRUCTURES_CSV, STRUCTURE_FIELDS),
        ("services", SERVICES_CSV, SERVICE_FIELDS),
    ):
        header = [*columns, EXTENSION_KEY]
        with open(directory / filename, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for record in data[kind]:
                writer.writerow([_cell(record.get(name)) for name in header])
        counts[filename] = len(data[kind])
    return counts


# --- Import: validation -------------------------------------------------------------------


@dataclass
class _StructureSpec:
    """What a file says about one of our structures."""

    key: tuple[str, str]
    values: dict[str, Any]
    where: str
    #: From the extension: every field is said. Plain records say only nom, siret, network.
    full: bool
    #: Where the record describes it: ``aiguillage.structure``, ``aiguillage.rattachements[0]``.
    loc: str = "nom"
    parent: str | None = None
    #: Resolved parent: ("file", key), ("db", pk) or None.
    parent_ref: tuple[str, Any] | None = None
    #: Plain records: the siège's territories, used when the structure is created.
    on_create: dict[str, Any] = field(default_factory=dict)


@dataclass
class _SitePlan:
    key: tuple[str, str]
    structure_key: tuple[str, str]
    values: dict[str, Any]
    #: None: leave the site's dessertes alone (plain record whose services give no zone).
    dessertes: set[tuple[str, str, str]] | None
    on_create: dict[str, Any] = field(default_factory=dict)


@dataclass
class _ServicePlan:
    key: tuple[str, str]
    #: ("file", site key) or ("db", site pk).
    site_ref: tuple[str, Any]
    values: dict[str, Any]
    thematiques: set[str]
    publics: set[str]
    #: None: keep the CEP values already recorded (plain record without extension).
    thematiques_cep: set[str] | None
    publics_cep: set[str] | None


class _Territories:
    """The reference codes the rules check against, loaded once per import."""

    def __init__(self):
        self.communes = {
            c[0]: c[1:]
            for c in Commune.objects.values_list(
                "code", "departement_id", "region_id", "latitude", "longitude"
            )
        }
        self.epci = set(Epci.objects.values_list("code", flat=True))
        self.departements = set(Departement.objects.values_list("code", flat=True))
        self.regions = set(Region.objects.values_list("code", flat=True))
        self.france = sorted(
            Region.objects.filter(zone__in=FRANCE_ZONES).values_list("code", flat=True)
        )
        self.bassins = set(Bassin.objects.values_list("code", flat=True))
        self.levels = {
            Niveau.COMMUNE: self.communes,
            Niveau.EPCI: self.epci,
            Niveau.DEPARTEMENT: self.departements,
            Niveau.REGION: self.regions,
            Niveau.BASSIN: self.bassins,
        }

    def known(self, niveau: str, code: str) -> bool:
        return code in self.levels[niveau]

    def commune_for_postal_code(self, code_postal: str | None) -> str | None:
        if not code_postal:
            return None
        communes = set(
            CodePostal.objects.filter(code=code_postal).values_list("commune_id", flat=True)
        )
        return communes.pop() if len(communes) == 1 else None


def _clean(record: dict) -> dict:
    """Strip text, drop empty values: a blank cell and a missing key mean the same."""
    cleaned = {}
    for name, value in record.items():
        if isinstance(value, str):
            value = value.strip()
        elif isinstance(value, list):
            value = [v.strip() if isinstance(v, str) else v for v in value]
            value = [v for v in value if v not in ("", None)]
        if value not in ("", None, []):
            cleaned[name] = value
    return cleaned


def _text(raw: dict, name: str) -> str:
    """The value as written: pydantic normalises URLs (adds a trailing slash) and e-mail
    domains, and an export re-imported then exported again must be byte-identical."""
    value = raw.get(name)
    return value if isinstance(value, str) else ""


SITE_NAMES = {
    "nom": "nom",
    "description": "description",
    "adresse": "adresse",
    "complement_adresse": "complement_adresse",
    "code_postal": "code_postal",
    "horaires_accueil": "horaires_accueil",
    "accessibilite_lieu": "accessibilite_lieu",
    "telephone": "telephone",
    "courriel": "courriel",
    "site_web": "site_web",
    "source": "source",
    "id_source": "id",
    **{
        name: f"{EXTENSION_KEY}.{name}"
        for name in ("capacite", "delai_typique_jours", "delai_reponse_median_jours", "lien_rdv")
    },
}
SERVICE_NAMES = {
    "nom": "nom",
    "description": "description",
    "frais_precisions": "frais_precisions",
    "publics_precisions": "publics_precisions",
    "conditions_acces": "conditions_acces",
    "lien_mobilisation": "lien_mobilisation",
    "source": "source",
    "id_source": "id",
}
STRUCTURE_NAMES = ("nom", "siret", "site_web", "description", "source", "id_source")


class _Validation:
    """Collects the plan of an import, or the French errors that stop it."""

    def __init__(self):
        self.errors: list[str] = []
        self.territories = _Territories()
        self.structures: dict[tuple[str, str], _StructureSpec] = {}
        self.sites: dict[tuple[str, str], _SitePlan] = {}
        self.site_where: dict[tuple[str, str], str] = {}
        self.services: dict[tuple[str, str], _ServicePlan] = {}
        self.service_where: dict[tuple[str, str], str] = {}
        # Site keys of the file (valid or not), by id, so that services find their structure.
        self.file_sites: dict[str, list[tuple[str, str]]] = {}
        self.plain_zones: dict[tuple[str, str], set[tuple[str, str, str]]] = {}

    # Structures (sites) ------------------------------------------------------------------

    def structure_record(self, where: str, record: Any) -> None:
        if not isinstance(record, dict):
            self.errors.append(_error(where, "", "objet attendu"))
            return
        raw = _clean(record)
        extension = raw.pop(EXTENSION_KEY, None)
        if isinstance(raw.get("id"), str):
            keys = self.file_sites.setdefault(raw["id"], [])
            if (_text(raw, "source"), raw["id"]) not in keys:
                keys.append((_text(raw, "source"), raw["id"]))
        try:
            parsed = v1.Structure.model_validate(raw)
        except pydantic.ValidationError as exc:
            self.errors += _pydantic_errors(exc, where)
            parsed = None
        ext = self._extension(SiteExtension, extension, where)
        if parsed is None or (extension is not None and ext is None):
            return
        key = (parsed.source, parsed.id)
        if key in self.site_where:
            self.errors.append(
                _error(where, "id", f"« {parsed.id} » figure déjà en {self.site_where[key]}")
            )
            return
        self.site_where[key] = where
        commune = self._commune(parsed, where)
        if commune is None:
            return
        values = {
            "nom": parsed.nom,
            "description": parsed.description or "",
            "adresse": parsed.adresse or "",
            "complement_adresse": parsed.complement_adresse or "",
            "code_postal": parsed.code_postal or "",
            "commune_id": commune,
            "latitude": parsed.latitude,
            "longitude": parsed.longitude,
            "horaires_accueil": parsed.horaires_accueil or "",
            "accessibilite_lieu": _text(raw, "accessibilite_lieu"),
            "telephone": parsed.telephone or "",
            "courriel": _text(raw, "courriel"),
            "site_web": _text(raw, "site_web"),
            "date_maj": parsed.date_maj,
            "source": parsed.source,
            "id_source": parsed.id,
        }
        if (parsed.latitude is None) != (parsed.longitude is None):
            missing = "latitude" if parsed.latitude is None else "longitude"
            self.errors.append(_error(where, missing, "latitude et longitude vont ensemble"))
        dessertes = None
        if ext is not None:
            values |= {
                "capacite": ext.capacite.value,
                "delai_typique_jours": ext.delai_typique_jours,
                "delai_reponse_median_jours": ext.delai_reponse_median_jours,
                "accessible_pmr": ext.accessible_pmr,
                "lien_rdv": ext.lien_rdv or "",
                "precision": ext.precision,
                "confirme_le": ext.confirme_le,
                "est_demo": ext.est_demo,
            }
            dessertes = self._dessertes(ext.dessertes, where)
            structure_key = self._structure_objects(ext, parsed, where)
        else:
            self._place(values)
            structure_key = self._plain_structure(parsed, raw, commune, where)
        self.errors += _django_errors(
            Site(**{k: v for k, v in values.items() if k != "commune_id"}),
            where=where,
            names=SITE_NAMES,
        )
        self.sites[key] = _SitePlan(
            key=key,
            structure_key=structure_key,
            values=values,
            dessertes=dessertes,
            on_create={} if ext is not None else {"est_demo": False},
        )

    def _extension(self, model: type[_Extension], extension: Any, where: str):
        if extension is None:
            return None
        try:
            return model.model_validate(extension)
        except pydantic.ValidationError as exc:
            self.errors += _pydantic_errors(exc, where, prefix=(EXTENSION_KEY,))
            return None

    def _commune(self, parsed: v1.Structure, where: str) -> str | None:
        if parsed.code_insee is None:
            code = self.territories.commune_for_postal_code(parsed.code_postal)
            if code is None:
                self.errors.append(
                    _error(
                        where,
                        "code_insee",
                        "valeur manquante (chaque lieu de l'annuaire est rattaché à une "
                        "commune ; le code postal ne suffit pas à la trouver)",
                    )
                )
            return code
        code = parsed.code_insee.upper()
        if code not in self.territories.communes:
            self.errors.append(_error(where, "code_insee", f"commune « {code} » inconnue"))
            return None
        return code

    def _place(self, values: dict) -> None:
        """A plain record without a point sits at its commune's point (like sites made here)."""
        if values["latitude"] is not None and values["longitude"] is not None:
            values["precision"] = "exacte"
            return
        _, _, latitude, longitude = self.territories.communes[values["commune_id"]]
        values["latitude"], values["longitude"] = latitude, longitude
        values["precision"] = "approchee" if latitude is not None else "absente"

    def _dessertes(self, entries: list[DesserteObject], where: str) -> set[tuple[str, str, str]]:
        dessertes = set()
        for index, entry in enumerate(entries):
            code = entry.code.upper() if entry.niveau != Niveau.BASSIN else entry.code
            if not self.territories.known(entry.niveau, code):
                loc = f"{EXTENSION_KEY}.dessertes[{index}].code"
                label = Niveau(entry.niveau).label.lower()
                self.errors.append(_error(where, loc, f"territoire « {code} » inconnu ({label})"))
            dessertes.add((entry.niveau.value, code, entry.public or ""))
        return dessertes

    def _structure_objects(
        self, ext: SiteExtension, parsed: v1.Structure, where: str
    ) -> tuple[str, str]:
        chain = [("structure", ext.structure)] + [
            (f"rattachements[{i}]", obj) for i, obj in enumerate(ext.rattachements)
        ]
        keys = []
        for loc, obj in chain:
            prefix = f"{EXTENSION_KEY}.{loc}"
            source = obj.source or (obj.id.split("--")[0] if "--" in obj.id else parsed.source)
            values = {
                "nom": obj.nom,
                "reseau": obj.reseau.value,
                "siret": obj.siret or "",
                "region_id": obj.region,
                "departement_id": obj.departement,
                "commune_id": obj.commune,
                "site_web": obj.site_web or "",
                "description": obj.description or "",
                "est_demo": obj.est_demo,
                "source": source,
                "id_source": obj.id,
            }
            for name, niveau in (
                ("region", Niveau.REGION),
                ("departement", Niveau.DEPARTEMENT),
                ("commune", Niveau.COMMUNE),
            ):
                code = getattr(obj, name)
                if code is not None and not self.territories.known(niveau, code):
                    self.errors.append(
                        _error(where, f"{prefix}.{name}", f"territoire « {code} » inconnu")
                    )
            self.errors += _django_errors(
                Structure(**{k: v for k, v in values.items() if not k.endswith("_id")}),
                where=where,
                names={n: f"{prefix}.{'id' if n == 'id_source' else n}" for n in STRUCTURE_NAMES},
            )
            spec = _StructureSpec(
                key=(source, obj.id),
                values=values,
                where=where,
                full=True,
                loc=prefix,
                parent=obj.parent,
            )
            self._add_structure(spec)
            keys.append(spec.key)
        return keys[0]

    def _plain_structure(
        self, parsed: v1.Structure, raw: dict, commune: str, where: str
    ) -> tuple[str, str]:
        porteurs = raw.get("reseaux_porteurs") or []
        reseaux = [referentials.DATA_INCLUSION_TO_RESEAU.get(p) for p in porteurs]
        departement, region, _, _ = self.territories.communes[commune]
        spec = _StructureSpec(
            key=(parsed.source, parsed.id),
            values={
                "nom": parsed.nom,
                "siret": parsed.siret or "",
                # No known network: keep the one recorded, "autre" for a new structure.
                "reseau": next((r for r in reseaux if r), None),
                "source": parsed.source,
                "id_source": parsed.id,
            },
            where=where,
            full=False,
            on_create={
                "region_id": region,
                "departement_id": departement,
                "commune_id": commune,
                "est_demo": False,
            },
        )
        self._add_structure(spec)
        return spec.key

    def _add_structure(self, spec: _StructureSpec) -> None:
        known = self.structures.get(spec.key)
        if known is None:
            self.structures[spec.key] = spec
        elif (known.values, known.parent, known.full) != (spec.values, spec.parent, spec.full):
            self.errors.append(
                _error(
                    spec.where,
                    spec.loc,
                    f"la structure « {spec.key[1]} » est décrite autrement en {known.where}",
                )
            )

    # Services -------------------------------------------------------------------------

    def service_record(self, where: str, record: Any) -> None:
        if not isinstance(record, dict):
            self.errors.append(_error(where, "", "objet attendu"))
            return
        raw = _clean(record)
        extension = raw.pop(EXTENSION_KEY, None)
        try:
            parsed = v1.Service.model_validate(raw)
        except pydantic.ValidationError as exc:
            self.errors += _pydantic_errors(exc, where)
            parsed = None
        ext = self._extension(ServiceExtension, extension, where)
        if parsed is None or (extension is not None and ext is None):
            return
        key = (parsed.source, parsed.id)
        if key in self.service_where:
            self.errors.append(
                _error(where, "id", f"« {parsed.id} » figure déjà en {self.service_where[key]}")
            )
            return
        self.service_where[key] = where
        site_ref = self._site_ref(parsed, where)
        zone = self._zone(parsed.zone_eligibilite or [], where)
        if site_ref and site_ref[0] == "file" and parsed.zone_eligibilite:
            self.plain_zones.setdefault(site_ref[1], set()).update(zone)
        values = {
            "nom": parsed.nom,
            "description": parsed.description,
            "type": parsed.type.value if parsed.type else "",
            "frais": parsed.frais.value if parsed.frais else "",
            "frais_precisions": parsed.frais_precisions or "",
            "publics_precisions": parsed.publics_precisions or "",
            "conditions_acces": parsed.conditions_acces or "",
            "modes_accueil": sorted(m.value for m in parsed.modes_accueil or ()),
            "modes_mobilisation": sorted(m.value for m in parsed.modes_mobilisation or ()),
            "lien_mobilisation": _text(raw, "lien_mobilisation"),
            "date_maj": parsed.date_maj,
            "source": parsed.source,
            "id_source": parsed.id,
        }
        if ext is not None:
            values["est_demo"] = ext.est_demo
        self.errors += _django_errors(Service(**values), where=where, names=SERVICE_NAMES)
        if site_ref is None:
            return
        self.services[key] = _ServicePlan(
            key=key,
            site_ref=site_ref,
            values=values,
            thematiques={t.value for t in parsed.thematiques or ()},
            publics={p.value for p in parsed.publics or ()},
            thematiques_cep=set(ext.thematiques_cep) if ext else None,
            publics_cep=set(ext.publics_cep) if ext else None,
        )

    def _site_ref(self, parsed: v1.Service, where: str) -> tuple[str, Any] | None:
        """The service's site: a structure record of the file, else a site of the directory."""
        in_file = self.file_sites.get(parsed.structure_id, [])
        same_source = [k for k in in_file if k[0] == parsed.source]
        if len(same_source) == 1 or len(in_file) == 1:
            return "file", (same_source or in_file)[0]
        known = list(Site.objects.filter(id_source=parsed.structure_id).values_list("source", "pk"))
        same_source = [pk for source, pk in known if source == parsed.source]
        if len(same_source) == 1 or len(known) == 1:
            return "db", (same_source or [known[0][1]])[0]
        problem = "ambiguë" if in_file or known else "absente du fichier et de l'annuaire"
        self.errors.append(
            _error(where, "structure_id", f"structure « {parsed.structure_id} » {problem}")
        )
        return None

    def _zone(self, codes: list[str], where: str) -> set[tuple[str, str, str]]:
        dessertes = set()
        for index, value in enumerate(codes):
            code, loc = value.upper(), f"zone_eligibilite[{index}]"
            if value == FRANCE or code == FRANCE_PAYS:
                dessertes.update((Niveau.REGION.value, r, "") for r in self.territories.france)
                continue
            if code.startswith("99") and len(code) == 5:
                niveau, message = None, f"pays « {code} » : seule la France est prise en charge"
            elif len(code) == 5:
                niveau, message = Niveau.COMMUNE, f"commune « {code} » inconnue"
            elif len(code) == 9 and code.isdigit():
                niveau, message = Niveau.EPCI, f"EPCI « {code} » inconnu"
            else:
                niveau, message = Niveau.DEPARTEMENT, f"département « {code} » inconnu"
            if niveau is None or not self.territories.known(niveau, code):
                self.errors.append(_error(where, loc, message))
            else:
                dessertes.add((niveau.value, code, ""))
        return dessertes

    # Whole file ----------------------------------------------------------------------

    def finish(self) -> None:
        """Checks that need every record: parents, and zones of plain records."""
        by_id: dict[str, list[tuple[str, str]]] = {}
        for key in self.structures:
            by_id.setdefault(key[1], []).append(key)
        for spec in self.structures.values():
            if spec.full and spec.parent:
                spec.parent_ref = self._parent_ref(spec, by_id)
        in_a_cycle: set[tuple[str, str]] = set()
        for spec in self.structures.values():
            path, ref = [spec.key], spec.parent_ref
            while ref and ref[0] == "file" and ref[1] not in path:
                path.append(ref[1])
                ref = self.structures[ref[1]].parent_ref
            # Back to where it started: a cycle, reported once (by its first member).
            if ref and ref[1] == spec.key and not in_a_cycle & set(path):
                in_a_cycle.update(path)
                loc = f"{spec.loc}.parent"
                self.errors.append(_error(spec.where, loc, "rattachement circulaire"))
        for key, zone in self.plain_zones.items():
            site = self.sites.get(key)
            if site is not None and site.dessertes is None:
                site.dessertes = zone

    def _parent_ref(self, spec: _StructureSpec, by_id: dict) -> tuple[str, Any] | None:
        candidates = by_id.get(spec.parent, [])
        same_source = [k for k in candidates if k[0] == spec.key[0]]
        if len(candidates) == 1 or len(same_source) == 1:
            return "file", (same_source or candidates)[0]
        known = list(Structure.objects.filter(id_source=spec.parent).values_list("pk", flat=True))
        if len(known) == 1 and not candidates:
            return "db", known[0]
        problem = "ambiguë" if candidates or known else "absente du fichier et de l'annuaire"
        self.errors.append(
            _error(
                spec.where,
                f"{spec.loc}.parent",
                f"structure de rattachement « {spec.parent} » {problem}",
            )
        )
        return None


# --- Import: writing ------------------------------------------------------------------------


class _Tally:
    def __init__(self):
        self.status: dict[tuple[str, Any], str] = {}

    def mark(self, kind: str, key, status: str) -> None:
        current = self.status.get((kind, key))
        if current == "created" or (current == "updated" and status == "unchanged"):
            return
        self.status[(kind, key)] = status

    def report(self, *, dry_run: bool) -> ImportReport:
        report = ImportReport(dry_run=dry_run)
        for (kind, _), status in self.status.items():
            getattr(report, status)[kind] += 1
        return report


def _existing(model: type[models.Model], keys) -> dict[tuple[str, str], models.Model]:
    ids = sorted({key[1] for key in keys})
    found = {}
    for start in range(0, len(ids), 500):
        for obj in model.objects.filter(id_source__in=ids[start : start + 500]):
            found[(obj.source, obj.id_source)] = obj
    return found


def _upsert(model, existing: dict, key, values: dict, on_create: dict) -> tuple[Any, str]:
    obj = existing.get(key)
    if obj is None:
        obj = model.objects.create(**(on_create | values))
        return obj, "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return obj, "updated" if changed else "unchanged"


def _replace(service: Service, model, field_name: str, wanted: set[str]) -> bool:
    """Give ``service`` exactly the ``wanted`` thématiques (or publics); True if that changed."""
    rows = model.objects.filter(service=service)
    current = set(rows.values_list(field_name, flat=True))
    if current == wanted:
        return False
    rows.filter(**{f"{field_name}__in": current - wanted}).delete()
    model.objects.bulk_create(
        [model(service=service, **{field_name: v}) for v in sorted(wanted - current)]
    )
    return True


def _write(plan: _Validation, tally: _Tally) -> None:
    existing = _existing(Structure, plan.structures)
    structures = {}
    for key, spec in plan.structures.items():
        values = dict(spec.values)
        on_create = dict(spec.on_create)
        if values.get("reseau") is None:
            values.pop("reseau", None)
            on_create["reseau"] = Reseau.AUTRE
        structures[key], status = _upsert(Structure, existing, key, values, on_create)
        tally.mark("structures", key, status)
    for key, spec in plan.structures.items():
        if not spec.full:
            continue
        ref = spec.parent_ref
        parent_id = None if ref is None else structures[ref[1]].pk if ref[0] == "file" else ref[1]
        structure = structures[key]
        if structure.parent_id != parent_id:
            structure.parent_id = parent_id
            structure.save()
            tally.mark("structures", key, "updated")

    existing = _existing(Site, plan.sites)
    sites = {}
    for key, site_plan in plan.sites.items():
        values = site_plan.values | {"structure_id": structures[site_plan.structure_key].pk}
        site, status = _upsert(Site, existing, key, values, site_plan.on_create)
        sites[key] = site
        if site_plan.dessertes is not None:
            current = set(site.dessertes.values_list("niveau", "code", "public"))
            if current != site_plan.dessertes:
                site.dessertes.all().delete()
                Desserte.objects.bulk_create(
                    Desserte(site=site, niveau=n, code=c, public=p)
                    for n, c, p in sorted(site_plan.dessertes)
                )
                status = "updated" if status == "unchanged" else status
        tally.mark("sites", key, status)

    existing = _existing(Service, plan.services)
    cep_thematiques, cep_publics = set(referentials.THEMATIQUES_CEP), set(referentials.PUBLICS_CEP)
    for key, service_plan in plan.services.items():
        kind, ref = service_plan.site_ref
        values = service_plan.values | {"site_id": sites[ref].pk if kind == "file" else ref}
        service, status = _upsert(Service, existing, key, values, {})
        thematiques, publics = service_plan.thematiques, service_plan.publics
        if service_plan.thematiques_cep is None:
            kept = service.thematiques.filter(thematique__in=cep_thematiques)
            thematiques = thematiques | set(kept.values_list("thematique", flat=True))
        else:
            thematiques = thematiques | service_plan.thematiques_cep
        if service_plan.publics_cep is None:
            kept = service.publics.filter(public__in=cep_publics)
            publics = publics | set(kept.values_list("public", flat=True))
        else:
            publics = publics | service_plan.publics_cep
        changed = _replace(service, ServiceThematique, "thematique", thematiques)
        changed = _replace(service, ServicePublic, "public", publics) or changed
        if changed and status == "unchanged":
            status = "updated"
        tally.mark("services", key, status)


def _import(*, structures: list, services: list, actor, dry_run: bool, label: str) -> ImportReport:
    if not structures and not services:
        raise ImportErrors(["Le fichier ne contient aucune structure ni aucun service."])
    plan = _Validation()
    for where, record in structures:
        plan.structure_record(where, record)
    for where, record in services:
        plan.service_record(where, record)
    plan.finish()
    if plan.errors:
        raise ImportErrors(list(dict.fromkeys(plan.errors)))
    tally = _Tally()
    _write(plan, tally)
    report = tally.report(dry_run=dry_run)
    if dry_run:
        transaction.set_rollback(True)
        return report
    audit_record(
        action=AuditAction.IMPORT,
        actor=actor,
        object_type="directory.site",
        object_repr=f"Import data·inclusion ({label})",
        details={"format": label, **report.counts},
    )
    return report


@transaction.atomic
def data_inclusion_import(
    *, payload: dict | list, actor=None, dry_run: bool = False
) -> ImportReport:
    """Import ``{"structures": [...], "services": [...]}`` (or a bare list of structures).

    All-or-nothing: raises ``ImportErrors`` (French, naming ``structures[i]``/``services[i]``
    and the field) and writes nothing when one record is wrong. ``dry_run`` validates and
    counts, then rolls back.
    """
    if isinstance(payload, list):
        payload = {"structures": payload}
    if not isinstance(payload, dict) or not {"structures", "services"} & set(payload):
        raise ImportErrors(
            ['Le fichier doit contenir un objet {"structures": [...], "services": [...]}.']
        )
    lists = {}
    for kind in ("structures", "services"):
        value = payload.get(kind) or []
        if not isinstance(value, list):
            raise ImportErrors([f"La clé {kind} doit contenir une liste."])
        lists[kind] = [(f"{kind}[{i}]", record) for i, record in enumerate(value)]
    return _import(**lists, actor=actor, dry_run=dry_run, label="data-inclusion")


def _csv_records(path: Path, kind: str, required: tuple[str, ...]) -> list[tuple[str, Any]]:
    filename = path.name
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        missing = [c for c in required if c not in header]
        if missing:
            raise ImportErrors(
                [f"{filename}, en-tête : colonne(s) manquante(s) {', '.join(missing)}."]
            )
        list_fields = LIST_FIELDS[kind]
        known = {*(STRUCTURE_FIELDS if kind == "structures" else SERVICE_FIELDS), EXTENSION_KEY}
        records = []
        # Line 1 is the header: data rows start at line 2, as a spreadsheet shows them.
        for line, row in enumerate(reader, start=2):
            where = f"{filename}, ligne {line}"
            record: dict[str, Any] = {}
            for name, cell in row.items():
                if name not in known or not isinstance(cell, str) or not cell.strip():
                    continue
                if name in list_fields:
                    record[name] = cell.split(LIST_SEPARATOR)
                elif name == EXTENSION_KEY:
                    try:
                        record[name] = json.loads(cell)
                    except json.JSONDecodeError:
                        record[name] = cell  # reported by the extension's validation
                else:
                    record[name] = cell
            records.append((where, record))
    return records


@transaction.atomic
def csv_import(*, directory: Path, actor=None, dry_run: bool = False) -> ImportReport:
    """Import ``structures.csv`` (and ``services.csv`` when present) from ``directory``.

    Same rules as ``data_inclusion_import``; errors name the file, the line and the field.
    """
    structures_path, services_path = directory / STRUCTURES_CSV, directory / SERVICES_CSV
    if not structures_path.exists():
        raise ImportErrors([f"Fichier {STRUCTURES_CSV} absent du dossier {directory}."])
    structures = _csv_records(structures_path, "structures", ("source", "id", "nom", "date_maj"))
    services = (
        _csv_records(
            services_path,
            "services",
            ("source", "id", "structure_id", "nom", "description", "date_maj"),
        )
        if services_path.exists()
        else []
    )
    return _import(
        structures=structures, services=services, actor=actor, dry_run=dry_run, label="csv"
    )
