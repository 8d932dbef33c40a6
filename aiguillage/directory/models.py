"""The shared directory (annuaire): networks and structures.

The foundation holds what users belong to: a ``Structure`` (a legal entity or an antenna) of a
``Reseau`` (network), placed in a région. Sites, services, sectorisation, capacity and freshness
are added by the directory capability.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
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

siret_validator = RegexValidator(r"^\d{14}$", "Le SIRET compte exactement 14 chiffres.")


class Structure(models.Model):
    nom = models.CharField("nom", max_length=200)
    reseau = models.CharField("réseau", max_length=30, choices=Reseau.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[siret_validator])
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="antennes",
        null=True,
        blank=True,
        verbose_name="structure de rattachement",
    )
    region = models.ForeignKey(
        "territories.Region",
        on_delete=models.PROTECT,
        related_name="structures",
        null=True,
        blank=True,
        help_text="Vide pour une structure nationale.",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        related_name="structures",
        null=True,
        blank=True,
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        related_name="structures",
        null=True,
        blank=True,
        verbose_name="commune du siège",
    )
    # Demo and simulated data are labelled wherever a user can see them.
    est_demo = models.BooleanField("données de démonstration", default=False)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "structure"
        ordering = ["nom"]
        indexes = [models.Index(fields=["region", "reseau"], name="structure_region_reseau_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="structure_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.nom
