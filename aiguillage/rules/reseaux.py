"""Network slugs of the decision, their labels, and the order in which they are listed.

Concept map:

- :data:`OPERATEURS` are the CEP operator networks (Code du travail, art. L6111-6), plus the
  historical ``fongecif`` (Fongecif/Opacif), which served employed people until 31 December 2019;
- :data:`HORS_CEP` are the other places the person may go (not CEP operators);
- labels are fixed here except the dated one of ``france_travail`` (Pôle emploi before
  2024-01-01), read from the parameter ``libelles.france_travail``;
- the order lists **the most specific public first** (disability, age, cadre status, then the
  general publics: job seekers, employed people). It is a presentation choice, not a precedence:
  no text ranks the operators and the person chooses among all of them.
"""

from __future__ import annotations

__all__ = [
    "HORS_CEP",
    "LIBELLES",
    "OPERATEURS",
    "PARAMETRES_LIBELLES",
    "ordre",
]

OPERATEURS = (
    "cap_emploi",
    "mission_locale",
    "apec",
    "france_travail",
    "cep_actifs_occupes",
    "fongecif",
)
HORS_CEP = ("employeur_public", "cio", "scuio", "info_jeunes")

LIBELLES = {
    "france_travail": "France Travail",
    "mission_locale": "Mission locale",
    "cap_emploi": "Cap emploi",
    "apec": "Apec",
    "cep_actifs_occupes": "Mon conseil en évolution professionnelle (opérateur régional du CEP)",
    "fongecif": "Fongecif ou Opacif",
    "employeur_public": "Votre administration (conseiller mobilité-carrière, service RH)",
    "cio": "Centre d'information et d'orientation (CIO)",
    "scuio": "Service d'orientation de l'université (SCUIO)",
    "info_jeunes": "Info Jeunes",
}
#: Labels that change over time: the parameter holding each one.
PARAMETRES_LIBELLES = {"france_travail": "libelles.france_travail"}


def ordre(reseau: str) -> int:
    """Sort key: operators in :data:`OPERATEURS` order, then places in :data:`HORS_CEP` order."""
    return (OPERATEURS + HORS_CEP).index(reseau)
