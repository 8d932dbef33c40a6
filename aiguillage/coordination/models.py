"""Coordination between structures, as far as it exists today: agreements and the collective
resources a territory has.

Concept map:

- ``Accord``: an agreement between two or more structures (partnership convention, charter,
  protocol, financial convention), with its dates and optional theme; read by the cooperation
  observatory as ``agreement`` interactions.
- ``RessourceCollective``: one of the five shared resources of the regional guidance service
  (phone platform, portal, territorial statistics, cross-training, financial-engineering group)
  declared active or not in a département by the Région's coordination.

Working groups, cross-training sessions and events are the coordination issue's to build; they
will add models here.
"""

from __future__ import annotations

from django.db import models


class TypeAccord(models.TextChoices):
    CONVENTION = "convention", "Convention de partenariat"
    CHARTE = "charte", "Charte territoriale"
    PROTOCOLE = "protocole", "Protocole de coopération"
    FINANCIERE = "financiere", "Convention financière"


class Accord(models.Model):
    intitule = models.CharField("intitulé", max_length=200)
    type = models.CharField("type", max_length=12, choices=TypeAccord.choices)
    structures = models.ManyToManyField(
        "directory.Structure", related_name="accords", verbose_name="parties"
    )
    porteur = models.ForeignKey(
        "directory.Structure",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="structure porteuse",
    )
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    theme = models.CharField("thème", max_length=60, blank=True)

    class Meta:
        verbose_name = "accord entre structures"
        verbose_name_plural = "accords entre structures"
        ordering = ["-date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_fin__isnull=True)
                | models.Q(date_fin__gte=models.F("date_debut")),
                name="accord_dates_ordonnees",
            )
        ]

    def __str__(self) -> str:
        return self.intitule


class Ressource(models.TextChoices):
    PHONE_PLATFORM = "phone_platform", "Plateforme téléphonique"
    PORTAL = "portal", "Portail numérique"
    TERRITORIAL_STATISTICS = "territorial_statistics", "Statistiques territoriales"
    CROSS_TRAINING = "cross_training", "Professionnalisation croisée des opérateurs"
    FINANCIAL_ENGINEERING_GROUP = "financial_engineering_group", "Groupe ingénierie financière"


class RessourceCollective(models.Model):
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.CASCADE, related_name="+"
    )
    ressource = models.CharField("ressource", max_length=30, choices=Ressource.choices)
    active = models.BooleanField("active", default=True)
    depuis = models.DateField("depuis")

    class Meta:
        verbose_name = "ressource collective"
        verbose_name_plural = "ressources collectives"
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "ressource"], name="ressource_par_departement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_ressource_display()} ({self.departement_id})"
