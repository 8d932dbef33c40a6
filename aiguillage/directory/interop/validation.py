"""Import: every record checked before anything is written (``_Validation``).

Concept map:

- ``structure_record``: a structure record (one of our sites) through the schema, the
  ``SiteExtension`` and our field rules; with the extension it says our structures
  (``_structure_objects``) and sectorisation (``_dessertes``), without it only a structure's
  name, SIRET and network (``_plain_structure``) and the site sits at its commune's point;
- ``service_record``: a service record, attached to a structure record of the file or to a site
  of the directory (``_site_ref``); its ``zone_eligibilite`` becomes dessertes (``_zone``);
- ``finish``: the checks that need the whole file (parents, cycles, zones of plain records);
- the result is a plan (``structures``, ``sites``, ``services``) or French ``errors``.
"""

from __future__ import annotations

from typing import Any

import pydantic
from data_inclusion.schema import v1

from aiguillage.directory import referentials
from aiguillage.directory.interop.common import EXTENSION_KEY, FRANCE, FRANCE_PAYS
from aiguillage.directory.interop.errors import _django_errors, _error, _pydantic_errors
from aiguillage.directory.interop.extension import (
    DesserteObject,
    ServiceExtension,
    SiteExtension,
    _Extension,
)
from aiguillage.directory.interop.plans import (
    SERVICE_NAMES,
    SITE_NAMES,
    STRUCTURE_NAMES,
    _clean,
    _ServicePlan,
    _SitePlan,
    _StructureSpec,
    _Territories,
    _text,
)
from aiguillage.directory.models import Niveau, Service, Site, Structure


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
