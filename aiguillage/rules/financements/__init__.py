"""Which funding schemes may apply to a person's training or transition project at a date, why,
with the amounts in force, who decides and the legal references (*aide au financement*).

Pure Python (no Django), built on the orientation engine's situation and dated parameters.

Concept map:

- ``faits.py``         the request: the orientation situation (``activite``, ``contrat``,
                       ``rqth``, ``inscrit_france_travail``, ``csp``…) plus optional funding facts
                       (seniority, days worked, diploma level, firm size, project…), checked
                       strictly with French messages; :data:`SCHEMA_DEMANDE`;
- ``../parametres/financements/**/*.yml``  dated parameters (OpenFisca format, one legal
                       reference per value), loaded by ``parametres.py`` next to the
                       orientation's; a reform is a new dated value, never an edit;
- ``dispositifs.yaml`` the catalogue: each scheme's name, purpose, decider, projects, texts
                       (``moteur.catalogue``);
- ``moteur.py``        conditions (met / not met / to check, and why), amounts, the registry;
- ``cpf.py``, ``transitions.py`` (PTP, démission-reconversion), ``reconversions.py`` (Transco,
  Pro-A, période de reconversion), ``autres.py`` (AIF, VAE, plan de développement des
  compétences, Région): one small function per scheme;
- ``evaluation.py``    :func:`evaluer_financements`: every scheme grouped by status, the unknown
                       facts that would change an answer (``a_preciser``), the trace;
- ``version.py``       :func:`version_financements`.

Usage::

    >>> from aiguillage.rules.financements import evaluer_financements
    >>> reponse = evaluer_financements(
    ...     {"date": "2026-03-02", "activite": "salarie", "contrat": "cdi",
    ...      "projet": "reconversion", "anciennete_salarie_mois": 30,
    ...      "anciennete_entreprise_mois": 14}
    ... )
    >>> [e["dispositif"] for e in reponse["eligibles"]]
    ['cpf', 'ptp']

The guide is ``docs/financements.md``.
"""

from __future__ import annotations

from aiguillage.rules.financements.evaluation import DEBUT, evaluer_financements
from aiguillage.rules.financements.faits import (
    CHAMPS_FINANCEMENT,
    NIVEAUX_DIPLOME,
    PROJETS,
    SCHEMA_DEMANDE,
    TEMPS_TRAVAIL,
    Demande,
    Faits,
    valider_demande,
)
from aiguillage.rules.financements.moteur import STATUTS, catalogue
from aiguillage.rules.financements.parametres import charger, parametres_financements
from aiguillage.rules.financements.version import version_financements

__all__ = [
    "CHAMPS_FINANCEMENT",
    "DEBUT",
    "NIVEAUX_DIPLOME",
    "PROJETS",
    "SCHEMA_DEMANDE",
    "STATUTS",
    "TEMPS_TRAVAIL",
    "Demande",
    "Faits",
    "catalogue",
    "charger",
    "evaluer_financements",
    "parametres_financements",
    "valider_demande",
    "version_financements",
]
