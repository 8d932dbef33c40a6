"""Constants shared by the export, the import and the CSV format.

Concept map:

- ``LOCAL_SOURCE``: the data·inclusion ``source`` of the rows created in Aiguillage;
- ``EXTENSION_KEY``: the key of the ``aiguillage`` extension object in each record (and its CSV
  column); ``LIST_SEPARATOR`` joins list fields in a CSV cell;
- ``FRANCE`` / ``FRANCE_PAYS`` / ``FRANCE_ZONES``: how "the whole of France" is written in a
  ``zone_eligibilite`` and which régions and départements it covers;
- ``STRUCTURE_FIELDS`` / ``SERVICE_FIELDS``: the schema's field names, in its order (the order
  of the records and of the CSV columns); ``LIST_FIELDS``: those that hold lists.
"""

from __future__ import annotations

import typing

import pydantic
from data_inclusion.schema import v1

from aiguillage.territories.models import Zone

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


def _list_fields(model: type[pydantic.BaseModel]) -> frozenset[str]:
    names = set()
    for name, info in model.model_fields.items():
        members = typing.get_args(info.annotation) or (info.annotation,)
        if any(typing.get_origin(m) in (list, set) for m in members):
            names.add(name)
    return frozenset(names)


LIST_FIELDS = {"structures": _list_fields(v1.Structure), "services": _list_fields(v1.Service)}
