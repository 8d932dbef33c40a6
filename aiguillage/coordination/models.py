"""Coordination between structures: agreements, collective resources, working groups, sessions
and who attended them.

Concept map:

- ``Accord``: an agreement between two or more structures (partnership convention, charter,
  protocol, financial convention), with its dates and optional theme; read by the cooperation
  observatory as ``agreement`` interactions.
- ``RessourceCollective``: one of the five shared resources of the regional guidance service
  (phone platform, portal, territorial statistics, cross-training, financial-engineering group)
  declared active or not in a département by the Région's coordination.
- ``GroupeTravail`` (working group): a standing group of structures on one theme (« ingénierie
  financière », « saisonniers »…), covering some départements of a région (or all of it),
  animated by one structure, with member structures; active until closed (``clos_le``).
- ``Rencontre`` (session): one dated gathering — a meeting, a cross-training session
  (*professionnalisation croisée*), an event or forum, an information exchange — organised by
  one structure, optionally within a working group, with its place or « à distance ». Its
  ``statut`` moves only through ``services`` (``workflow.ACTIONS``): ``prevue`` → ``tenue``
  (attendance recorded after it started) or ``annulee``.
- ``Invitation``: one invited structure of a session and, once the session took place, whether
  it attended (``presence``) and how many of its people came (optional).
- ``LienAgenda``: the secret link through which a calendar application subscribes to one
  structure's sessions without logging in; only the SHA-256 of its token is stored.

Only structures are recorded, never the names of the people who came: the one person kept is
the user who created the session or recorded its attendance (a foreign key, for the audit).
The observatory reads the sessions that were held through ``selectors.rencontres_interactions``.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.models import Q
from django.utils import timezone

from aiguillage.core.identifiants import uuid7


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


# --- Working groups and sessions --------------------------------------------------------------


class GroupeTravail(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid7, unique=True)
    nom = models.CharField("nom", max_length=150)
    theme = models.CharField(
        "thème", max_length=60, help_text="Par exemple « ingénierie financière »."
    )
    description = models.TextField("objet", blank=True, max_length=2000)
    region = models.ForeignKey(
        "territories.Region", on_delete=models.PROTECT, related_name="+", verbose_name="région"
    )
    departements = models.ManyToManyField(
        "territories.Departement",
        blank=True,
        related_name="+",
        verbose_name="départements couverts",
        help_text="Aucun : toute la région.",
    )
    animatrice = models.ForeignKey(
        "directory.Structure",
        on_delete=models.PROTECT,
        related_name="groupes_animes",
        verbose_name="structure animatrice",
    )
    membres = models.ManyToManyField(
        "directory.Structure",
        blank=True,
        related_name="groupes_travail",
        verbose_name="structures membres",
    )
    clos_le = models.DateField("clos le", null=True, blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    cree_par = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "groupe de travail"
        verbose_name_plural = "groupes de travail"
        ordering = ["nom", "pk"]

    def __str__(self) -> str:
        return self.nom

    @property
    def actif(self) -> bool:
        return self.clos_le is None


class TypeRencontre(models.TextChoices):
    REUNION = "reunion", "Réunion"
    PROFESSIONNALISATION_CROISEE = "professionnalisation_croisee", "Professionnalisation croisée"
    EVENEMENT = "evenement", "Événement ou forum"
    ECHANGE_INFORMATION = "echange_information", "Échange d'information"


class StatutRencontre(models.TextChoices):
    PREVUE = "prevue", "Prévue"
    TENUE = "tenue", "Tenue"
    ANNULEE = "annulee", "Annulée"


class Rencontre(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid7, unique=True)
    type = models.CharField("type", max_length=30, choices=TypeRencontre.choices)
    intitule = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True, max_length=2000)
    theme = models.CharField(
        "thème", max_length=60, blank=True, help_text="Vide : le thème du groupe de travail."
    )
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    lieu = models.CharField("lieu", max_length=250, blank=True)
    a_distance = models.BooleanField("à distance", default=False)
    groupe = models.ForeignKey(
        GroupeTravail,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rencontres",
        verbose_name="groupe de travail",
    )
    organisatrice = models.ForeignKey(
        "directory.Structure",
        on_delete=models.PROTECT,
        related_name="rencontres_organisees",
        verbose_name="structure organisatrice",
    )
    # The région whose coordination follows the session: the organising structure's (or the
    # group's), kept on the row so that the lists filter on one column.
    region = models.ForeignKey(
        "territories.Region", on_delete=models.PROTECT, related_name="+", verbose_name="région"
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="département",
        help_text="Vide : toute la région.",
    )
    statut = models.CharField(
        "statut", max_length=10, choices=StatutRencontre.choices, default=StatutRencontre.PREVUE
    )
    annulee_le = models.DateTimeField("annulée le", null=True, blank=True)
    motif_annulation = models.CharField("motif de l'annulation", max_length=300, blank=True)
    presences_le = models.DateTimeField("présences saisies le", null=True, blank=True)
    presences_par = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    cree_par = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)
    # iCalendar SEQUENCE: raised at every change a calendar must take (RFC 5545, 3.8.7.4).
    sequence = models.PositiveIntegerField("version du calendrier", default=0)

    class Meta:
        verbose_name = "rencontre"
        ordering = ["debut", "pk"]
        indexes = [
            models.Index(fields=["region", "debut"], name="rencontre_region_debut_idx"),
            models.Index(fields=["organisatrice", "debut"], name="rencontre_orga_debut_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__gt=models.F("debut")), name="rencontre_fin_apres_debut"
            ),
            models.CheckConstraint(
                condition=Q(a_distance=True) | ~Q(lieu=""), name="rencontre_lieu_ou_distance"
            ),
            models.CheckConstraint(
                condition=Q(statut__in=StatutRencontre.values), name="rencontre_statut_connu"
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutRencontre.ANNULEE, annulee_le__isnull=False)
                | (~Q(statut=StatutRencontre.ANNULEE) & Q(annulee_le__isnull=True)),
                name="rencontre_annulee_datee",
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutRencontre.TENUE, presences_le__isnull=False)
                | (~Q(statut=StatutRencontre.TENUE) & Q(presences_le__isnull=True)),
                name="rencontre_tenue_avec_presences",
            ),
        ]

    def __str__(self) -> str:
        return self.intitule

    @property
    def lieu_affiche(self) -> str:
        if self.lieu and self.a_distance:
            return f"{self.lieu} et à distance"
        return self.lieu or "À distance"

    @property
    def theme_effectif(self) -> str:
        if self.theme:
            return self.theme
        return self.groupe.theme if self.groupe_id else ""


class Presence(models.TextChoices):
    PRESENTE = "presente", "Présente"
    ABSENTE = "absente", "Absente"


class Invitation(models.Model):
    rencontre = models.ForeignKey(Rencontre, on_delete=models.CASCADE, related_name="invitations")
    structure = models.ForeignKey(
        "directory.Structure",
        on_delete=models.PROTECT,
        related_name="invitations_rencontres",
        verbose_name="structure invitée",
    )
    presence = models.CharField(
        "présence", max_length=10, choices=Presence.choices, blank=True, default=""
    )
    nombre_personnes = models.PositiveSmallIntegerField(
        "nombre de personnes", null=True, blank=True
    )

    class Meta:
        verbose_name = "invitation"
        ordering = ["rencontre", "structure__nom", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rencontre", "structure"], name="invitation_unique_par_rencontre"
            ),
            models.CheckConstraint(
                condition=Q(nombre_personnes__isnull=True)
                | Q(presence=Presence.PRESENTE, nombre_personnes__gte=1),
                name="invitation_nombre_si_presente",
            ),
        ]
        indexes = [
            models.Index(fields=["structure", "rencontre"], name="invitation_structure_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.structure_id} → {self.rencontre_id}"


# --- Calendar subscriptions -------------------------------------------------------------------


class LienAgenda(models.Model):
    """A structure's secret calendar link (``/coordination/abonnements/<jeton>.ics``).

    Outlook, Google Agenda or Thunderbird poll the link without logging in; whoever holds it sees
    what the structure's members see of its sessions. Only the token's SHA-256 is kept
    (``empreinte``): the link is shown once, when it is made, and nobody reading the database
    can rebuild it. One link per structure: making a new one replaces the old, revoking deletes
    it; either way the old link answers 404 at once.
    """

    structure = models.OneToOneField(
        "directory.Structure",
        on_delete=models.CASCADE,
        related_name="lien_agenda",
        verbose_name="structure",
    )
    empreinte = models.CharField("empreinte du jeton (SHA-256)", max_length=64, unique=True)
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    cree_par = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Written when a calendar reads the link (at most every few minutes, see services), so that
    # a manager can tell a link nobody uses any more from a live one.
    utilise_le = models.DateTimeField("dernière utilisation", null=True, blank=True)

    class Meta:
        verbose_name = "lien d'abonnement à un agenda"
        verbose_name_plural = "liens d'abonnement aux agendas"

    def __str__(self) -> str:
        return f"Lien d'abonnement à l'agenda de {self.structure}"

    @staticmethod
    def empreinte_de(jeton: str) -> str:
        """The stored form of a token: its SHA-256, in hexadecimal."""
        return hashlib.sha256(jeton.encode()).hexdigest()
