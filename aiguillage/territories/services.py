"""Writes to the territories: loading the reference data, importing bassins and boundaries.

Every import is all-or-nothing: files are fully validated first, errors name the line and the
field, and nothing is written when one row is wrong. Loading twice writes the same rows.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.territories.models import (
    Bassin,
    CodePostal,
    Commune,
    Departement,
    Epci,
    PointPrecision,
    Region,
)
from aiguillage.territories.search import normalise

__all__ = [
    "DATA_DIR",
    "ImportErrors",
    "bassins_import",
    "boundaries_import",
    "bundled_boundaries_load",
    "reference_load",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCH = 2000


class ImportErrors(Exception):
    """Validation errors of a file, one French message per wrong row or field."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return ", ".join(f"{n} {label}" for label, n in self.counts.items())


def _read_csv(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _int_or_none(value: str) -> int | None:
    return int(value) if value not in ("", None) else None


def _float_or_none(value: str) -> float | None:
    return float(value) if value not in ("", None) else None


def _upsert(model, objects: list, fields: list[str]) -> None:
    model.objects.bulk_create(
        objects,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=fields,
    )


@transaction.atomic
def reference_load(*, data_dir: Path = DATA_DIR, actor=None) -> LoadReport:
    """Load (or refresh) régions, départements, EPCI, communes and postal codes."""
    regions = [
        Region(code=r["code"], nom=r["nom"], chef_lieu=r["chef_lieu"], zone=r["zone"])
        for r in _read_csv(data_dir / "regions.csv")
    ]
    _upsert(Region, regions, ["nom", "chef_lieu", "zone"])
    departements = [
        Departement(
            code=d["code"],
            nom=d["nom"],
            region_id=d["region"],
            chef_lieu=d["chef_lieu"],
            zone=d["zone"],
        )
        for d in _read_csv(data_dir / "departements.csv")
    ]
    _upsert(Departement, departements, ["nom", "region", "chef_lieu", "zone"])
    epcis = [
        Epci(code=e["code"], nom=e["nom"], type=e["type"], population=_int_or_none(e["population"]))
        for e in _read_csv(data_dir / "epci.csv")
    ]
    _upsert(Epci, epcis, ["nom", "type", "population"])

    rows = _read_csv(data_dir / "communes.csv.gz")
    # Parents first, so that arrondissements find their commune.
    rows.sort(key=lambda r: (r["commune_parente"] != "", r["code"]))
    communes = [
        Commune(
            code=r["code"],
            type=r["type"],
            nom=r["nom"],
            nom_normalise=normalise(r["nom"]),
            departement_id=r["departement"] or None,
            region_id=r["region"] or None,
            epci_id=r["epci"] or None,
            commune_parente_id=r["commune_parente"] or None,
            codes_postaux=r["codes_postaux"],
            population=_int_or_none(r["population"]),
            latitude=_float_or_none(r["latitude"]),
            longitude=_float_or_none(r["longitude"]),
            precision=r["precision"] or PointPrecision.ABSENTE,
        )
        for r in rows
    ]
    _upsert(
        Commune,
        communes,
        [
            "type",
            "nom",
            "nom_normalise",
            "departement",
            "region",
            "epci",
            "commune_parente",
            "codes_postaux",
            "population",
            "latitude",
            "longitude",
            "precision",
        ],
    )
    wanted = {(cp, c.code) for c in communes for cp in c.codes_postaux.split()}
    existing = set(CodePostal.objects.values_list("code", "commune_id"))
    CodePostal.objects.bulk_create(
        [CodePostal(code=cp, commune_id=code) for cp, code in sorted(wanted - existing)],
        batch_size=BATCH,
    )
    stale = existing - wanted
    for cp, code in stale:
        CodePostal.objects.filter(code=cp, commune_id=code).delete()

    report = LoadReport(
        counts={
            "régions": Region.objects.count(),
            "départements": Departement.objects.count(),
            "EPCI": Epci.objects.count(),
            "communes": Commune.objects.filter(type="commune-actuelle").count(),
            "arrondissements municipaux": Commune.objects.filter(
                type="arrondissement-municipal"
            ).count(),
            "codes postaux": CodePostal.objects.count(),
        }
    )
    audit_record(
        action=AuditAction.IMPORT,
        actor=actor,
        object_type="territories.reference",
        object_repr="Référentiel des territoires",
        details=report.counts,
    )
    return report


BASSIN_COLUMNS = ("code_commune", "code_bassin", "nom_bassin")


def _csv_rows(content: str) -> tuple[list[str], Iterable[tuple[int, dict[str, str]]]]:
    sample = content[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(content), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    # Line 1 is the header: data rows start at line 2, as a spreadsheet shows them.
    return header, ((i, row) for i, row in enumerate(reader, start=2))


@transaction.atomic
def bassins_import(*, content: str, actor=None, dry_run: bool = False) -> LoadReport:
    """Import bassins from CSV ``code_commune,code_bassin,nom_bassin``.

    Each bassin named in the file gets exactly the communes the file lists for it (re-importing
    the same file changes nothing); bassins absent from the file are left alone.
    """
    header, rows = _csv_rows(content.lstrip("\ufeff"))
    missing = [c for c in BASSIN_COLUMNS if c not in header]
    if missing:
        raise ImportErrors(
            [
                f"En-tête : colonne(s) manquante(s) {', '.join(missing)} "
                f"(attendu : {','.join(BASSIN_COLUMNS)})."
            ]
        )
    errors: list[str] = []
    known = set(Commune.objects.values_list("code", flat=True))
    members: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for line, row in rows:
        commune = (row.get("code_commune") or "").strip().upper()
        code = (row.get("code_bassin") or "").strip()
        nom = (row.get("nom_bassin") or "").strip()
        if not commune:
            errors.append(f"Ligne {line}, colonne code_commune : valeur manquante.")
        elif commune not in known:
            errors.append(f"Ligne {line}, colonne code_commune : commune « {commune} » inconnue.")
        if not code:
            errors.append(f"Ligne {line}, colonne code_bassin : valeur manquante.")
        elif len(code) > 20:
            errors.append(f"Ligne {line}, colonne code_bassin : 20 caractères au plus.")
        if not nom:
            errors.append(f"Ligne {line}, colonne nom_bassin : valeur manquante.")
        elif code in names and names[code] != nom:
            errors.append(
                f"Ligne {line}, colonne nom_bassin : « {nom} » diffère du nom déjà donné au "
                f"bassin {code} (« {names[code]} »)."
            )
        if code and nom:
            names.setdefault(code, nom)
            members.setdefault(code, set()).add(commune)
    if not members and not errors:
        errors.append("Le fichier ne contient aucune ligne de données.")
    if errors:
        raise ImportErrors(errors)

    region_of = dict(Commune.objects.values_list("code", "region_id"))
    through = Bassin.communes.through
    for code, communes in sorted(members.items()):
        region = Counter(region_of[c] for c in communes).most_common(1)[0][0]
        bassin, _ = Bassin.objects.update_or_create(
            code=code, defaults={"nom": names[code], "region_id": region}
        )
        current = set(through.objects.filter(bassin=bassin).values_list("commune_id", flat=True))
        through.objects.filter(bassin=bassin, commune_id__in=current - communes).delete()
        through.objects.bulk_create(
            [through(bassin=bassin, commune_id=c) for c in sorted(communes - current)],
            batch_size=BATCH,
        )
    report = LoadReport(
        counts={"bassins": len(members), "communes": sum(len(c) for c in members.values())}
    )
    if dry_run:
        transaction.set_rollback(True)
        return report
    audit_record(
        action=AuditAction.IMPORT,
        actor=actor,
        object_type="territories.bassin",
        object_repr="Import de bassins",
        details=report.counts,
    )
    return report


BOUNDARY_LEVELS = {"regions": Region, "departements": Departement, "epci": Epci}


def bundled_boundaries_load(*, levels=tuple(BOUNDARY_LEVELS), actor=None) -> list[LoadReport]:
    """Load the simplified boundaries shipped in ``data/boundaries`` (derived from IGN data)."""
    reports = []
    for level in levels:
        path = DATA_DIR / "boundaries" / f"{level}.geojson.gz"
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            reports.append(boundaries_import(content=handle.read(), level=level, actor=actor))
    return reports


def _round_coordinates(value, digits: int):
    if isinstance(value, list):
        return [_round_coordinates(v, digits) for v in value]
    return round(value, digits)


@transaction.atomic
def boundaries_import(*, content: str, level: str, actor=None, digits: int = 4) -> LoadReport:
    """Attach GeoJSON boundaries to régions, départements or EPCI, matched on ``code``.

    Features must have a ``code`` property naming an existing territory and a Polygon or
    MultiPolygon geometry. Coordinates are rounded to ``digits`` decimals (4 ≈ 10 m).
    """
    if level not in BOUNDARY_LEVELS:
        raise ImportErrors(
            [f"Niveau « {level} » inconnu : choisir parmi {', '.join(BOUNDARY_LEVELS)}."]
        )
    model = BOUNDARY_LEVELS[level]
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise ImportErrors(
            [f"Fichier GeoJSON illisible (ligne {exc.lineno}, colonne {exc.colno})."]
        ) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportErrors(["Le fichier doit être une FeatureCollection GeoJSON."])
    known = set(model.objects.values_list("code", flat=True))
    errors: list[str] = []
    geometries: dict[str, dict] = {}
    for index, feature in enumerate(data.get("features") or [], start=1):
        props = (feature or {}).get("properties") or {}
        code = str(props.get("code", "")).strip()
        geometry = (feature or {}).get("geometry") or {}
        where = f"Objet n°{index}"
        if not code:
            errors.append(f"{where}, propriété code : valeur manquante.")
        elif code not in known:
            errors.append(f"{where}, propriété code : territoire « {code} » inconnu ({level}).")
        elif code in geometries:
            errors.append(f"{where}, propriété code : « {code} » apparaît deux fois.")
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            errors.append(f"{where}, géométrie : Polygon ou MultiPolygon attendu.")
        elif code:
            geometries[code] = {
                "type": geometry["type"],
                "coordinates": _round_coordinates(geometry["coordinates"], digits),
            }
    if not geometries and not errors:
        errors.append("Le fichier ne contient aucun objet.")
    if errors:
        raise ImportErrors(errors)
    objects = list(model.objects.filter(code__in=geometries))
    for obj in objects:
        obj.contour = geometries[obj.code]
    model.objects.bulk_update(objects, ["contour"], batch_size=200)
    report = LoadReport(counts={f"contours ({level})": len(objects)})
    audit_record(
        action=AuditAction.IMPORT,
        actor=actor,
        object_type=model._meta.label_lower,
        object_repr=f"Import de contours ({level})",
        details=report.counts,
    )
    return report
