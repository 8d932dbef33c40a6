"""The CSV format: the data·inclusion records as ``structures.csv`` and ``services.csv``.

Concept map:

- columns are the schema's field names plus ``aiguillage`` (the extension, as compact JSON);
  list fields are joined with ``|`` (``_cell``);
- ``csv_export`` writes the records of ``data_inclusion_export``;
- ``csv_import`` reads the rows back into records (``_csv_records``: blank cells dropped, lines
  numbered as a spreadsheet shows them) and imports them like ``data_inclusion_import``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from aiguillage.directory.interop.common import (
    EXTENSION_KEY,
    LIST_FIELDS,
    LIST_SEPARATOR,
    SERVICE_FIELDS,
    SERVICES_CSV,
    STRUCTURE_FIELDS,
    STRUCTURES_CSV,
)
from aiguillage.directory.interop.exporting import data_inclusion_export
from aiguillage.directory.interop.importing import ImportReport, _import
from aiguillage.directory.models import Site
from aiguillage.territories.services import ImportErrors


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
