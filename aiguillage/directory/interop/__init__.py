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

Modules, in the order data flows through them:

- ``common``: the constants every step shares (``LOCAL_SOURCE``, ``EXTENSION_KEY``, CSV file
  names, the schema's field names and list fields);
- ``extension``: the pydantic models of the ``aiguillage`` extension object;
- ``errors``: pydantic and Django validation errors turned into French messages;
- ``exporting``: the directory as data·inclusion records (``data_inclusion_export``);
- ``plans`` → ``validation`` → ``importing``: an import is validated into a plan (or a list of
  errors), then written (``data_inclusion_import``);
- ``csv_format``: the same records as two CSV files (``csv_export``, ``csv_import``).
"""

from aiguillage.directory.interop.common import LOCAL_SOURCE
from aiguillage.directory.interop.csv_format import csv_export, csv_import
from aiguillage.directory.interop.exporting import ExportErrors, data_inclusion_export
from aiguillage.directory.interop.extension import ServiceExtension, SiteExtension, StructureObject
from aiguillage.directory.interop.importing import ImportReport, data_inclusion_import

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
