"""Vocabularies of the directory: data·inclusion's referentials, extended for the CEP.

The data·inclusion schema (PyPI ``data-inclusion-schema`` 1.x) is the interoperability standard
of French insertion services. It lacks what career-guidance advice needs, so Aiguillage extends
it — never forks it: every schema value is kept as is, and extension values are prefixed
``cep--`` (thématiques) or are new slugs (publics) listed in ``PUBLICS_CEP``. Exports carry
schema values in the schema's fields and extension values in the ``aiguillage`` object (see
``interop/`` and ``docs/annuaire.md``).
"""

from __future__ import annotations

from data_inclusion.schema import v1

from aiguillage.directory.reseaux import Reseau

#: Thématiques added for the CEP (service levels of the cahier des charges, arrêté 29 mars 2019).
THEMATIQUES_CEP: dict[str, str] = {
    "cep--accueil-individualise": "CEP : accueil individualisé (niveau 1)",
    "cep--accompagnement-personnalise": "CEP : accompagnement personnalisé (niveau 2)",
    "cep--ingenierie-financiere": "Financer un projet de formation ou de reconversion",
    "cep--validation-des-acquis": "Valider les acquis de l'expérience (VAE)",
    "cep--reconversion": "Préparer une reconversion ou une transition professionnelle",
    "cep--information-orientation": "S'informer sur les métiers, les formations et l'orientation",
}

#: Publics the CEP distinguishes that data·inclusion does not.
PUBLICS_CEP: dict[str, str] = {
    "salaries": "Salariés",
    "independants": "Travailleurs indépendants",
    "cadres": "Cadres et jeunes diplômés",
    "agents-publics": "Agents publics",
    "eleves": "Élèves",
    "saisonniers": "Travailleurs saisonniers",
}

THEMATIQUES: dict[str, str] = {t.value: t.label for t in v1.Thematique} | THEMATIQUES_CEP
PUBLICS: dict[str, str] = {p.value: p.label for p in v1.Public} | PUBLICS_CEP
MODES_ACCUEIL: dict[str, str] = {m.value: m.label for m in v1.ModeAccueil}
FRAIS: dict[str, str] = {f.value: f.label for f in v1.Frais}
TYPES_SERVICE: dict[str, str] = {t.value: t.label for t in v1.TypeService}
MODES_MOBILISATION: dict[str, str] = {m.value: m.label for m in v1.ModeMobilisation}

#: Our networks that data·inclusion's ``reseaux_porteurs`` knows, and its slug for each.
RESEAU_TO_DATA_INCLUSION: dict[str, str] = {
    Reseau.FRANCE_TRAVAIL: "france-travail",
    Reseau.MISSION_LOCALE: "mission-locale",
    Reseau.CAP_EMPLOI: "cap-emploi-reseau-cheops",
    Reseau.REGION: "regions",
    Reseau.INFO_JEUNES: "reseau-information-jeunesse",
    Reseau.CHAMBRE_CONSULAIRE: "chambres-consulaires",
    Reseau.AFPA: "afpa",
    Reseau.PLIE: "plie",
    Reseau.MAISON_EMPLOI: "maisons-de-l-emploi",
}
DATA_INCLUSION_TO_RESEAU: dict[str, str] = {v: k for k, v in RESEAU_TO_DATA_INCLUSION.items()}

#: Networks absent from the schema: carried in the ``aiguillage.reseau`` extension field.
RESEAUX_HORS_SCHEMA = sorted(set(Reseau.values) - set(RESEAU_TO_DATA_INCLUSION))
