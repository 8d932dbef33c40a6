"""Import: a validated plan written in one transaction (``data_inclusion_import``).

Concept map:

- ``_import``: validates every record (``validation._Validation``), raises ``ImportErrors``
  when one is wrong, else writes the plan (``_write``) and records an audit event;
- ``_write``: upserts keyed on (source, id) (``_existing``, ``_upsert``): structures, then
  their parents, sites and their dessertes, services and their thématiques and publics
  (``_replace``); CEP values are kept when a plain record cannot say them;
- ``ImportReport``: what was created, updated or left unchanged (``_Tally``); a dry run counts,
  then rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.directory import referentials
from aiguillage.directory.interop.validation import _Validation
from aiguillage.directory.models import (
    Desserte,
    Reseau,
    Service,
    ServicePublic,
    ServiceThematique,
    Site,
    Structure,
)
from aiguillage.territories.services import ImportErrors

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
