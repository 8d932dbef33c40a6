"""Networks (réseaux) of the CEP operators and of the other SPRO members."""

from django.db import models


class Reseau(models.TextChoices):
    """Networks of the CEP operators and of the other SPRO members (slugs are a public contract)."""

    FRANCE_TRAVAIL = "france_travail", "France Travail"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    CAP_EMPLOI = "cap_emploi", "Cap emploi"
    APEC = "apec", "Apec"
    CEP_ACTIFS_OCCUPES = "cep_actifs_occupes", "Opérateur régional CEP (actifs occupés)"
    TRANSITIONS_PRO = "transitions_pro", "Transitions Pro"
    REGION = "region", "Région"
    CITE_DES_METIERS = "cite_des_metiers", "Cité des métiers"
    CARIF_OREF = "carif_oref", "Carif-Oref"
    CIO = "cio", "Centre d'information et d'orientation (CIO)"
    INFO_JEUNES = "info_jeunes", "Info Jeunes"
    SCUIO = "scuio", "Service universitaire d'orientation (SCUIO)"
    CHAMBRE_CONSULAIRE = "chambre_consulaire", "Chambre consulaire"
    AFPA = "afpa", "Afpa"
    PLIE = "plie", "PLIE"
    MAISON_EMPLOI = "maison_emploi", "Maison de l'emploi"
    EMPLOYEUR_PUBLIC = "employeur_public", "Employeur public (conseil en évolution professionnelle)"
    AUTRE = "autre", "Autre"


#: The five CEP operator networks (Code du travail, art. L6111-6).
CEP_OPERATORS = (
    Reseau.FRANCE_TRAVAIL,
    Reseau.MISSION_LOCALE,
    Reseau.CAP_EMPLOI,
    Reseau.APEC,
    Reseau.CEP_ACTIFS_OCCUPES,
)
