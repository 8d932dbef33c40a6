"""Import: what a validated file plans to write, and what the rules check it against.

Concept map:

- ``_StructureSpec`` / ``_SitePlan`` / ``_ServicePlan``: one of our structures, sites and
  services as a file describes them, keyed by (source, id), with the values to write;
- ``_Territories``: the territory codes of the directory, loaded once per import;
- ``_clean`` / ``_text``: a record's values as written (stripped, blanks dropped; URLs and
  e-mails not normalised, so that a re-export is byte-identical);
- ``SITE_NAMES`` / ``SERVICE_NAMES`` / ``STRUCTURE_NAMES``: our field names → the record's, for
  error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiguillage.directory.interop.common import EXTENSION_KEY, FRANCE_ZONES
from aiguillage.directory.models import Niveau
from aiguillage.territories.models import Bassin, CodePostal, Commune, Departement, Epci, Region


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
