"""Diagnostics: a situation, the decision of the rules and its trace.

Concept map:

- ``Diagnostic``: one evaluation of the competence rules (``aiguillage.rules``) for a situation,
  from the public portal, a counsellor's page, the API. It keeps the situation, the decision, the
  trace and the rules version, never a name: the anonymous portal needs none. Its commune, région
  and ``activite`` feed the territorial statistics and the cooperation observatory.
- ``ReponseRegles``: what the rules answered (the decision without the directory's sites, and the
  trace: every rule, its result, detail and the dated parameters it read), kept once for all the
  diagnostics that share it. It depends only on the situation, its date and the rules, so most
  diagnostics repeat one already stored (measured: 414 different answers for 239,008 diagnostics):
  some 6 kB a diagnostic saved. A diagnostic keeps its own sites, which come from the directory
  at the time (``Diagnostic.sites``); ``Diagnostic.decision`` puts the two together.

A person who then asks a proposed structure to contact them makes a referral without a sending
structure (``referrals.Adressage``, ``canal = portail``), with their own consent.
"""

from __future__ import annotations

from django.db import models

from aiguillage.core.identifiants import uuid7


class Canal(models.TextChoices):
    PORTAIL = "portail", "Portail public"
    CONSEILLER = "conseiller", "Conseiller ou conseillère"
    TELEPHONE = "telephone", "Plateforme téléphonique"
    API = "api", "API"


class ReponseRegles(models.Model):
    """The rules' answer for a situation at a date, identified by the SHA-256 of its JSON."""

    empreinte = models.CharField("empreinte (SHA-256)", max_length=64, primary_key=True)
    decision = models.JSONField("décision (sans les sites)")
    trace = models.JSONField("trace")
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "réponse des règles"
        verbose_name_plural = "réponses des règles"

    def __str__(self) -> str:
        return f"Réponse des règles {self.empreinte[:12]}"


def decision_avec_sites(decision: dict, sites: dict[str, list]) -> dict:
    """``decision`` (the rules' answer, without sites) with the sites found for each network, as
    new objects. Every operator has its ``sites`` (empty if none); another place has them only
    when they were looked for (a situation with a commune)."""
    return {
        **decision,
        "operateurs": [
            {**o, "sites": sites.get(o["reseau"], o["sites"])} for o in decision["operateurs"]
        ],
        "hors_cep": [
            {**h, "sites": sites[h["reseau"]]} if h["reseau"] in sites else dict(h)
            for h in decision["hors_cep"]
        ],
    }


class Diagnostic(models.Model):
    # Ordered by time and unguessable (aiguillage.core.identifiants): cheap index inserts.
    public_id = models.UUIDField("identifiant public", default=uuid7, unique=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True, db_index=True)
    canal = models.CharField("canal", max_length=12, choices=Canal.choices)
    date_situation = models.DateField("date de la situation")
    situation = models.JSONField("situation")
    reponse = models.ForeignKey(
        ReponseRegles, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The nearest sites of each network when the situation had a commune, at the time.
    sites = models.JSONField("sites proposés", default=dict, blank=True)
    version_regles = models.CharField("version des règles", max_length=80)
    # Indexes: only those the statistics use (région and date, date alone) and those a deletion
    # elsewhere needs (commune, author, structure: SET NULL); each one costs every API insert.
    activite = models.CharField("activité", max_length=30, blank=True)
    reseaux = models.JSONField("réseaux compétents", default=list)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(  # indexed first in diagnostic_region_idx
        "territories.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
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
    def decision(self) -> dict:
        """The decision as it was given: the rules' answer with the sites of the time."""
        return decision_avec_sites(self.reponse.decision, self.sites)

    @property
    def decision_complete(self) -> dict:
        """The decision as the rules returned it, trace included."""
        return {**self.decision, "trace": self.reponse.trace}
