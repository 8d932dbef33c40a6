"""The open import format's vocabulary: files, columns, allowed values, network groups.

Concept map: ``FILES`` (file → required and optional columns) drives validation in
``engine.loading``; the groups (``INSERTION``, ``EMPLOYEE_SIDE``, ``CEP_OPERATORS``,
``REGION_ANIMATION``) drive the indicators in ``engine.indicators``. Slugs are ASCII, stable and
documented in docs/observatory.md.
"""

from __future__ import annotations

__all__ = [
    "CEP_OPERATORS",
    "EMPLOYEE_SIDE",
    "FILES",
    "INSERTION",
    "KINDS",
    "NETWORKS",
    "NETWORK_LABELS",
    "OPTIONAL_FILES",
    "OUTCOMES",
    "REGION_ANIMATION",
    "RESOURCES",
]

NETWORKS = (
    "france_travail",
    "mission_locale",
    "cap_emploi",
    "apec",
    "cep_actifs_occupes",
    "transitions_pro",
    "region",
    "cite_des_metiers",
    "carif_oref",
    "cio",
    "info_jeunes",
    "scuio",
    "chambre_consulaire",
    "afpa",
    "plie",
    "maison_emploi",
    "employeur_public",
    "autre",
)
# Short French labels, for drawings and tables.
NETWORK_LABELS = {
    "france_travail": "France Travail", "mission_locale": "Mission locale",
    "cap_emploi": "Cap emploi", "apec": "Apec", "cep_actifs_occupes": "Opérateur CEP régional",
    "transitions_pro": "Transitions Pro", "region": "Région",
    "cite_des_metiers": "Cité des métiers",
    "carif_oref": "Carif-Oref", "cio": "CIO", "info_jeunes": "Info Jeunes", "plie": "PLIE",
    "maison_emploi": "Maison de l'emploi", "chambre_consulaire": "Chambre consulaire",
    "afpa": "Afpa", "scuio": "SCUIO", "employeur_public": "Employeur public", "autre": "Autre",
}  # fmt: skip
KINDS = (
    "referral",
    "joint_followup",
    "meeting",
    "cross_training",
    "working_group",
    "agreement",
    "information_exchange",
)
RESOURCES = (
    "phone_platform",
    "portal",
    "territorial_statistics",
    "cross_training",
    "financial_engineering_group",
)
# Outcome of a referral (optional column): the loop is closed when the receiver answered.
OUTCOMES = ("accepted", "refused", "no_response", "pending")

# Céreq Bref 383: the social/professional-insertion operators versus the employee-side ones
# (Apec, the former Opacif — today the regional CEP operator — and Transitions Pro).
INSERTION = ("france_travail", "cap_emploi", "mission_locale")
EMPLOYEE_SIDE = ("apec", "cep_actifs_occupes", "transitions_pro")
# The five CEP operators (Code du travail, art. L6111-6).
CEP_OPERATORS = ("france_travail", "mission_locale", "cap_emploi", "apec", "cep_actifs_occupes")
# The Région and the animators it mandates for the territorialised SPRO.
REGION_ANIMATION = ("region", "cite_des_metiers", "carif_oref")

# file → (required columns, optional columns)
FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "organisations.csv": (("id", "name", "network", "territory"), ()),
    "interactions.csv": (
        ("id", "date", "kind", "territory", "organiser", "participants", "theme"),
        ("outcome", "response_days"),
    ),
    "resources.csv": (("territory", "resource", "active"), ()),
    "context.csv": (
        (
            "territory",
            "region",
            "unemployment_rate",
            "seasonal_employment_share",
            "rural",
            "mountain",
        ),
        (),
    ),
}
OPTIONAL_FILES = ("resources.csv", "context.csv")
TRUE_VALUES = ("1", "true", "oui", "vrai", "yes")
FALSE_VALUES = ("0", "false", "non", "faux", "no")
