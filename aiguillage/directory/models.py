"""The shared directory (annuaire): structures, their sites and services, who they serve where.

Concept map:

- ``Structure``: an organisation of a ``Reseau`` (network), a legal entity or an antenna
  (``parent``); users belong to structures (``accounts.Membership``).
- ``Site``: a place where a structure receives people (address, point, hours, accessibility,
  contacts) with its **capacity** (accepting / waiting list / full, typical delay, observed
  median response time) and its **freshness** (last confirmed, by whom). A data·inclusion
  *structure* is one of our sites (see ``interop/``).
- ``Desserte`` (sectorisation): which territories (commune, EPCI, département, région, bassin)
  a site serves, optionally for one public only.
- ``Service``: what a site offers (data·inclusion *service*), with thématiques and publics from
  the data·inclusion referentials extended for the CEP (``referentials.py``); ``cree_le`` says
  when it was published here (empty for services older than that field), for the alerts.
- ``RechercheSauvegardee`` (saved search): a search of the directory kept by a user under a
  name, as its canonical criteria (``selectors.search_criteria_validate``), with an optional
  e-mail alert (``FrequenceAlerte``) listing the services published since the last one
  (``alerts.py``).

``source`` + ``id_source`` identify a record imported from, or exported to, data·inclusion
(upserts are idempotent on that pair).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

from aiguillage.directory import referentials
from aiguillage.directory.reseaux import CEP_OPERATORS, Reseau

__all__ = [
    "CEP_OPERATORS",
    "Capacite",
    "Desserte",
    "FrequenceAlerte",
    "Niveau",
    "RechercheSauvegardee",
    "Reseau",
    "Service",
    "Site",
    "Structure",
]


def source_id_unique(prefix: str) -> models.UniqueConstraint:
    """Records imported from a source are unique by (source, id); local ones have no id."""
    return models.UniqueConstraint(
        fields=["source", "id_source"],
        condition=~models.Q(id_source=""),
        name=f"{prefix}_source_id_unique",
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
    site_web = models.URLField("site web", blank=True)
    description = models.TextField("description", blank=True)
    source = models.CharField("source", max_length=100, blank=True)
    id_source = models.CharField("identifiant à la source", max_length=200, blank=True)
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
            source_id_unique("structure"),
        ]

    def __str__(self) -> str:
        return self.nom


class Capacite(models.TextChoices):
    ACCUEILLE = "accueille", "Accueille de nouvelles personnes"
    LISTE_ATTENTE = "liste_attente", "Liste d'attente"
    COMPLET = "complet", "N'accueille plus pour l'instant"


class Site(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="sites")
    nom = models.CharField("nom", max_length=150)
    description = models.TextField("description", blank=True)
    adresse = models.CharField("adresse", max_length=250, blank=True)
    complement_adresse = models.CharField("complément d'adresse", max_length=250, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="sites"
    )
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    # Where the point comes from: geocoded address (exacte) or the commune's point (approchee).
    precision = models.CharField(
        "précision du point",
        max_length=10,
        choices=[("exacte", "Adresse"), ("approchee", "Commune"), ("absente", "Absente")],
        default="approchee",
    )
    horaires_accueil = models.CharField(
        "horaires d'accueil",
        max_length=500,
        blank=True,
        help_text="Format OpenStreetMap opening_hours, par exemple « Mo-Fr 09:00-12:30 ».",
    )
    accessibilite_lieu = models.URLField(
        "accessibilité du lieu (fiche Acceslibre)", blank=True, max_length=500
    )
    accessible_pmr = models.BooleanField(
        "accessible en fauteuil roulant", null=True, blank=True, default=None
    )
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    courriel = models.EmailField("courriel", blank=True)
    site_web = models.URLField("site web", blank=True, max_length=500)
    lien_rdv = models.URLField("prise de rendez-vous en ligne", blank=True, max_length=500)
    # Capacity
    capacite = models.CharField(
        "capacité d'accueil", max_length=20, choices=Capacite.choices, default=Capacite.ACCUEILLE
    )
    delai_typique_jours = models.PositiveSmallIntegerField(
        "délai habituel avant un premier rendez-vous (jours)", null=True, blank=True
    )
    # Filled by the referrals capability from observed first responses.
    delai_reponse_median_jours = models.FloatField(
        "délai de réponse médian observé (jours)", null=True, blank=True
    )
    # Freshness
    date_maj = models.DateField("dernière mise à jour", null=True, blank=True)
    confirme_le = models.DateTimeField("informations confirmées le", null=True, blank=True)
    confirme_par = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="confirmées par",
    )
    relance_le = models.DateTimeField("dernière relance de mise à jour", null=True, blank=True)
    source = models.CharField("source", max_length=100, blank=True)
    id_source = models.CharField("identifiant à la source", max_length=200, blank=True)
    est_demo = models.BooleanField("données de démonstration", default=False)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "site"
        ordering = ["nom"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="site_point_idx"),
            models.Index(fields=["structure", "nom"], name="site_structure_idx"),
        ]
        constraints = [
            source_id_unique("site"),
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | (
                    models.Q(latitude__gte=-90, latitude__lte=90)
                    & models.Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="site_point_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.nom


class Niveau(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "Intercommunalité (EPCI)"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    BASSIN = "bassin", "Bassin"


class Desserte(models.Model):
    """A territory a site serves, for every public (``public`` empty) or for one public."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="dessertes")
    niveau = models.CharField("niveau", max_length=12, choices=Niveau.choices)
    code = models.CharField("code du territoire", max_length=20)
    public = models.CharField(
        "public",
        max_length=60,
        blank=True,
        choices=list(referentials.PUBLICS.items()),
        help_text="Vide : tous les publics du site.",
    )

    class Meta:
        verbose_name = "territoire desservi"
        verbose_name_plural = "territoires desservis"
        indexes = [models.Index(fields=["niveau", "code", "public"], name="desserte_lookup_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "niveau", "code", "public"], name="desserte_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_niveau_display()} {self.code}"


class Service(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="services")
    nom = models.CharField("nom", max_length=150)
    description = models.TextField("description")
    type = models.CharField(
        "type", max_length=30, blank=True, choices=list(referentials.TYPES_SERVICE.items())
    )
    frais = models.CharField(
        "frais", max_length=20, blank=True, choices=list(referentials.FRAIS.items())
    )
    frais_precisions = models.TextField("précisions sur les frais", blank=True)
    publics_precisions = models.TextField("précisions sur les publics", blank=True)
    conditions_acces = models.TextField("conditions d'accès", blank=True)
    # Small closed lists (data·inclusion referentials), stored as JSON arrays of slugs.
    modes_accueil = models.JSONField("modes d'accueil", default=list, blank=True)
    modes_mobilisation = models.JSONField("modes de mobilisation", default=list, blank=True)
    lien_mobilisation = models.URLField("lien de mobilisation", blank=True, max_length=500)
    date_maj = models.DateField("dernière mise à jour", null=True, blank=True)
    source = models.CharField("source", max_length=100, blank=True)
    id_source = models.CharField("identifiant à la source", max_length=200, blank=True)
    est_demo = models.BooleanField("données de démonstration", default=False)
    # When the service was published in this directory (created here or imported), which the
    # saved searches' alerts compare with. Empty for the services created before this field:
    # their date is unknown, and they are never announced as new.
    cree_le = models.DateTimeField("publié le", auto_now_add=True, null=True)

    class Meta:
        verbose_name = "service"
        ordering = ["nom"]
        indexes = [models.Index(fields=["cree_le"], name="service_cree_le_idx")]
        constraints = [
            source_id_unique("service"),
        ]

    def __str__(self) -> str:
        return self.nom


class ServiceThematique(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="thematiques")
    thematique = models.CharField(
        "thématique", max_length=120, choices=list(referentials.THEMATIQUES.items())
    )

    class Meta:
        verbose_name = "thématique"
        indexes = [models.Index(fields=["thematique"], name="service_thematique_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "thematique"], name="service_thematique_unique"
            )
        ]

    def __str__(self) -> str:
        return self.get_thematique_display()


class ServicePublic(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="publics")
    public = models.CharField("public", max_length=60, choices=list(referentials.PUBLICS.items()))

    class Meta:
        verbose_name = "public"
        indexes = [models.Index(fields=["public"], name="service_public_idx")]
        constraints = [
            models.UniqueConstraint(fields=["service", "public"], name="service_public_unique")
        ]

    def __str__(self) -> str:
        return self.get_public_display()


class FrequenceAlerte(models.TextChoices):
    AUCUNE = "aucune", "Pas d'alerte"
    QUOTIDIENNE = "quotidienne", "Chaque jour"
    HEBDOMADAIRE = "hebdomadaire", "Chaque semaine"


class RechercheSauvegardee(models.Model):
    """A search of the directory that a user keeps, re-runs, and may be alerted about.

    ``criteres`` holds the search's criteria in their canonical form (a dict with ``code``, and
    ``public``, ``thematique``, ``reseau``, ``accueille`` when set), checked by
    ``selectors.search_criteria_validate`` before any write. Only its owner ever sees it.
    """

    proprietaire = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="recherches_sauvegardees",
        verbose_name="propriétaire",
    )
    nom = models.CharField("nom", max_length=100)
    criteres = models.JSONField("critères de recherche")
    frequence = models.CharField(
        "alerte par courriel",
        max_length=12,
        choices=FrequenceAlerte.choices,
        default=FrequenceAlerte.AUCUNE,
    )
    alerte_envoyee_le = models.DateTimeField("dernière alerte envoyée le", null=True, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "recherche sauvegardée"
        verbose_name_plural = "recherches sauvegardées"
        ordering = ["nom", "pk"]
        constraints = [
            models.UniqueConstraint(
                "proprietaire", Lower("nom"), name="recherche_sauvegardee_nom_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(frequence__in=FrequenceAlerte.values),
                name="recherche_sauvegardee_frequence_valide",
            ),
        ]

    def __str__(self) -> str:
        return self.nom
