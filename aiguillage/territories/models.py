"""French territories: régions → départements → communes, EPCI, and bassins.

Reference data (COG 2026) comes from ``territories/data`` (see its README), loaded by
``aiguillage territoires charger``. Codes are INSEE codes (SIREN for EPCI) and are the primary
keys, so that other apps and imported files refer to territories by their official code.

Concept map:

- ``Region`` (18: 13 metropolitan + 5 overseas) ← ``Departement`` (101) ← ``Commune``
- ``Commune`` → ``Epci`` (intercommunalité, 1,255 with own taxation; a few communes have none)
- ``Commune.type``: a current commune, or a municipal arrondissement of Paris/Lyon/Marseille
  (kept for sectorisation, with ``commune_parente``)
- ``CodePostal``: one row per (postal code, commune), indexed for autocomplete
- ``Bassin``: a Région's local animation territory (or an INSEE employment zone), a named set of
  communes imported from CSV
- ``contour``: optional simplified GeoJSON geometry, for maps
"""

from __future__ import annotations

from django.db import models


class Zone(models.TextChoices):
    METRO = "metro", "France métropolitaine"
    DROM = "drom", "Outre-mer (DROM)"
    COM = "com", "Collectivité d'outre-mer"


class PointPrecision(models.TextChoices):
    EXACTE = "exacte", "Exacte (mairie)"
    APPROCHEE = "approchee", "Approchée (centre du territoire)"
    ABSENTE = "absente", "Absente"


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    chef_lieu = models.CharField("chef-lieu (code commune)", max_length=5, blank=True)
    zone = models.CharField("zone", max_length=5, choices=Zone.choices, default=Zone.METRO)
    contour = models.JSONField("contour (GeoJSON)", null=True, blank=True)

    class Meta:
        verbose_name = "région"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    chef_lieu = models.CharField("chef-lieu (code commune)", max_length=5, blank=True)
    zone = models.CharField("zone", max_length=5, choices=Zone.choices, default=Zone.METRO)
    contour = models.JSONField("contour (GeoJSON)", null=True, blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class Epci(models.Model):
    code = models.CharField("SIREN", max_length=9, primary_key=True)
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=10, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    contour = models.JSONField("contour (GeoJSON)", null=True, blank=True)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class CommuneType(models.TextChoices):
    COMMUNE = "commune-actuelle", "Commune"
    ARRONDISSEMENT = "arrondissement-municipal", "Arrondissement municipal"


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    type = models.CharField(
        "type", max_length=30, choices=CommuneType.choices, default=CommuneType.COMMUNE
    )
    nom = models.CharField("nom", max_length=100)
    # Lower-case ASCII, punctuation as spaces: "Saint-Étienne" → "saint etienne" (see search.py).
    nom_normalise = models.CharField("nom normalisé", max_length=100)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes", null=True, blank=True
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="communes", null=True, blank=True
    )
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, related_name="communes", null=True, blank=True
    )
    commune_parente = models.ForeignKey(
        "self", on_delete=models.CASCADE, related_name="arrondissements", null=True, blank=True
    )
    codes_postaux = models.CharField("codes postaux", max_length=200, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    precision = models.CharField(
        "précision du point",
        max_length=10,
        choices=PointPrecision.choices,
        default=PointPrecision.ABSENTE,
    )

    class Meta:
        verbose_name = "commune"
        ordering = ["nom"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' whatever the
            # database collation; other databases ignore the operator class.
            models.Index(
                fields=["nom_normalise"],
                name="commune_nom_norm_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(precision="absente")
                | (models.Q(latitude__isnull=False) & models.Q(longitude__isnull=False)),
                name="commune_point_coherent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"

    @property
    def code_postal_principal(self) -> str:
        return self.codes_postaux.split(" ")[0] if self.codes_postaux else ""


class CodePostal(models.Model):
    code = models.CharField("code postal", max_length=5)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="codes_postaux_set")

    class Meta:
        verbose_name = "code postal"
        verbose_name_plural = "codes postaux"
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="code_postal_unique"),
        ]
        indexes = [
            models.Index(fields=["code"], name="code_postal_idx", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self) -> str:
        return self.code


class Bassin(models.Model):
    """A local animation territory of a Région (or an INSEE employment zone)."""

    code = models.CharField("code", max_length=20, primary_key=True)
    nom = models.CharField("nom", max_length=200)
    # The région holding most of the bassin's communes (employment zones may cross a border).
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="bassins", null=True, blank=True
    )
    communes = models.ManyToManyField(Commune, related_name="bassins", blank=True)
    contour = models.JSONField("contour (GeoJSON)", null=True, blank=True)

    class Meta:
        verbose_name = "bassin"
        ordering = ["nom"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"
