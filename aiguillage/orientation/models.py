"""Diagnostics (a situation, the decision of the rules and its trace) and contact requests.

Concept map:

- ``Diagnostic``: one evaluation of the competence rules (``aiguillage.rules``) for a situation,
  from the public portal, a counsellor's page, the API. It keeps the situation, the decision, the
  trace and the rules version, never a name: the anonymous portal needs none. Its commune, région
  and ``activite`` feed the territorial statistics and the cooperation observatory.
- ``Demande``: a person asks a structure (through one of its sites) to contact them, after a
  diagnostic. It holds the minimum personal data, the contact preference and the consent given;
  only the members of that structure may see it (``orientation.access``). The referrals
  capability turns these into its inbox.
"""

from __future__ import annotations

import uuid

from django.db import models


class Canal(models.TextChoices):
    PORTAIL = "portail", "Portail public"
    CONSEILLER = "conseiller", "Conseiller ou conseillère"
    TELEPHONE = "telephone", "Plateforme téléphonique"
    API = "api", "API"


class Diagnostic(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True, db_index=True)
    canal = models.CharField("canal", max_length=12, choices=Canal.choices)
    date_situation = models.DateField("date de la situation")
    situation = models.JSONField("situation")
    decision = models.JSONField("décision")
    trace = models.JSONField("trace", default=list)
    version_regles = models.CharField("version des règles", max_length=80)
    activite = models.CharField("activité", max_length=30, blank=True, db_index=True)
    reseaux = models.JSONField("réseaux compétents", default=list)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        "territories.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    auteur = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    structure = models.ForeignKey(
        "directory.Structure", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "diagnostic"
        ordering = ["-cree_le"]
        indexes = [models.Index(fields=["region", "cree_le"], name="diagnostic_region_idx")]

    def __str__(self) -> str:
        return f"Diagnostic {self.public_id} ({self.get_canal_display()})"

    @property
    def decision_complete(self) -> dict:
        """The decision as the rules returned it, trace included."""
        return {**self.decision, "trace": self.trace}


class PreferenceContact(models.TextChoices):
    COURRIEL = "courriel", "Par courriel"
    TELEPHONE = "telephone", "Par téléphone"
    SMS = "sms", "Par SMS"


class StatutDemande(models.TextChoices):
    NOUVELLE = "nouvelle", "Nouvelle"
    VUE = "vue", "Vue par la structure"
    TRAITEE = "traitee", "Traitée"


class Demande(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True, db_index=True)
    canal = models.CharField("canal", max_length=12, choices=Canal.choices)
    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.SET_NULL, null=True, blank=True, related_name="demandes"
    )
    structure = models.ForeignKey(
        "directory.Structure", on_delete=models.CASCADE, related_name="demandes"
    )
    site = models.ForeignKey(
        "directory.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="demandes"
    )
    statut = models.CharField(
        "statut", max_length=12, choices=StatutDemande.choices, default=StatutDemande.NOUVELLE
    )
    # Minimal personal data: how to reach the person, nothing more.
    prenom = models.CharField("prénom", max_length=100)
    nom = models.CharField("nom", max_length=100, blank=True)
    courriel = models.EmailField("courriel", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    preference_contact = models.CharField(
        "préférence de contact", max_length=12, choices=PreferenceContact.choices
    )
    contact_uniquement_ainsi = models.BooleanField(
        "ne me contacter que de cette façon", default=False
    )
    message = models.TextField("message", blank=True, max_length=2000)
    consentement_texte = models.TextField("texte du consentement accepté")
    consenti_le = models.DateTimeField("consentement donné le")

    class Meta:
        verbose_name = "demande de contact"
        verbose_name_plural = "demandes de contact"
        ordering = ["-cree_le"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(courriel="") | ~models.Q(telephone=""),
                name="demande_a_un_moyen_de_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"Demande {self.public_id} pour {self.structure_id}"
