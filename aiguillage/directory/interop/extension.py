"""The ``aiguillage`` extension object: what a data·inclusion record cannot hold.

Concept map:

- ``SiteExtension``: under the key ``aiguillage`` of a structure record (one of our sites): our
  ``StructureObject`` and the structures it belongs to (``rattachements``, nearest first),
  capacity, delays, sectorisation (``DesserteObject``), freshness;
- ``ServiceExtension``: under the key ``aiguillage`` of a service record: the CEP thématiques and
  publics the schema does not list;
- every model forbids unknown keys (``_Extension``): a key we do not know is a typo, not a field
  of a future schema version. The schema's own models ignore the extension.
"""

from __future__ import annotations

from typing import Annotated, Literal

import pydantic
from data_inclusion.schema import v1

from aiguillage.directory import referentials
from aiguillage.directory.models import Capacite, Niveau, Reseau


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
