"""Closed-loop referrals (adressages) between structures, with the person's consent.

Concept map:

- ``Personne``: the minimum about a person that a structure needs to reach them (names, birth
  date for duplicate detection, commune, contact details and preference). Created by a
  counsellor or by the person on the public portal; anonymised on schedule (``retention.py``).
- ``Consentement``: what the person agreed to share (``donnees_partagees``), with which
  structures, until when, how it was given (in person, phone, written, portal) and who recorded
  it. It can be withdrawn: receivers then lose access to the personal data and the open
  referrals close (``services.consentement_retirer``).
- ``Adressage`` (referral): a structure (or the person, from the portal) sends the person to
  another structure, with a reason and a note. Its ``statut`` moves only through
  ``workflow.TRANSITIONS``; every move is a ``Transition`` row (the log).
- ``Diffusion``: one request fanned out to several competent structures; the first to accept
  takes it (``prise_par``), the others are cancelled and told.
- ``Message`` and ``PieceJointe``: exchanges between the structures involved in a referral.
- ``Notification``: the in-app counter and the e-mails (one row per user and event).
- ``Rappel``: the reminder ladder's record (one row per referral and level: never sent twice).
- ``CleIdempotence``: an API client's ``Idempotency-Key``; a retried POST returns the first
  referral instead of creating a second one.
- ``Accompagnement`` (co-accompaniment): several structures follow one person together, each a
  ``MembreAccompagnement`` with a role and an access level, on a shared timeline
  (``EvenementAccompagnement``). A referent or co-referent closes it with a coded reason
  (``clos_le``, ``motif_cloture``); it is read-only afterwards.

Who may read what is decided in ``referrals.access`` only.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from aiguillage.territories.search import normalise

# --- Referentials -----------------------------------------------------------------------------


class Canal(models.TextChoices):
    PORTAIL = "portail", "Portail public"
    CONSEILLER = "conseiller", "Conseiller ou conseillère"
    TELEPHONE = "telephone", "Plateforme téléphonique"
    API = "api", "API"


class PreferenceContact(models.TextChoices):
    COURRIEL = "courriel", "Par courriel"
    TELEPHONE = "telephone", "Par téléphone"
    SMS = "sms", "Par SMS"


class ModeConsentement(models.TextChoices):
    EN_PERSONNE = "en_personne", "En personne, à l'oral"
    TELEPHONE = "telephone", "Par téléphone"
    ECRIT = "ecrit", "Par écrit (formulaire signé, courriel)"
    PORTAIL = "portail", "Sur le portail, par la personne elle-même"


class DonneePartagee(models.TextChoices):
    """What a consent lets the receivers see (names and one contact are always needed)."""

    IDENTITE = "identite", "Prénom et nom"
    COORDONNEES = "coordonnees", "Coordonnées (courriel, téléphone, préférence de contact)"
    DATE_NAISSANCE = "date_naissance", "Date de naissance"
    COMMUNE = "commune", "Commune de résidence"
    SITUATION = "situation", "Situation et résultat du diagnostic"
    NOTE = "note", "Note ou message joint à la demande"


DONNEES_MINIMALES = (DonneePartagee.IDENTITE, DonneePartagee.COORDONNEES)


class Statut(models.TextChoices):
    ENVOYEE = "envoyee", "Envoyée"
    RECUE = "recue", "Reçue"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"
    REDIRIGEE = "redirigee", "Redirigée"
    PREMIER_CONTACT = "premier_contact", "Premier contact établi"
    EN_COURS = "en_cours", "Accompagnement en cours"
    TERMINEE = "terminee", "Terminée"
    EXPIREE = "expiree", "Expirée"
    ANNULEE = "annulee", "Annulée"


STATUTS_FINAUX = frozenset(
    {Statut.REFUSEE, Statut.REDIRIGEE, Statut.TERMINEE, Statut.EXPIREE, Statut.ANNULEE}
)
STATUTS_OUVERTS = frozenset(set(Statut) - STATUTS_FINAUX)


class MotifRefus(models.TextChoices):
    HORS_PUBLIC = "hors_public", "La personne ne relève pas de notre public"
    HORS_TERRITOIRE = "hors_territoire", "Hors de notre territoire"
    PAS_DE_CAPACITE = "pas_de_capacite", "Pas de capacité d'accueil actuellement"
    DEJA_ACCOMPAGNEE = "deja_accompagnee", "Déjà accompagnée par une autre structure"
    INCOMPLET = "incomplet", "Informations insuffisantes pour contacter la personne"
    AUTRE = "autre", "Autre motif (précisé en commentaire)"


class Resultat(models.TextChoices):
    ACCOMPAGNEMENT_REALISE = "accompagnement_realise", "Accompagnement réalisé"
    FORMATION_ENGAGEE = "formation_engagee", "Formation engagée"
    EMPLOI = "emploi", "Emploi"
    ABANDON = "abandon", "Abandon"
    INJOIGNABLE = "injoignable", "Personne injoignable"
    NON_ELIGIBLE = "non_eligible", "Non éligible"
    PAS_DE_CAPACITE = "pas_de_capacite", "Pas de capacité"
    REORIENTE = "reoriente", "Réorientée"


class MotifAnnulation(models.TextChoices):
    PRISE_PAR_AUTRE = "prise_par_autre", "Prise en charge par une autre structure"
    CONSENTEMENT_RETIRE = "consentement_retire", "Consentement retiré par la personne"
    ANNULEE_PAR_EMETTRICE = "annulee_par_emettrice", "Annulée par la structure émettrice"
    DOUBLON = "doublon", "Demande en double"


# --- Person and consent -----------------------------------------------------------------------


class Personne(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)
    structure_creatrice = models.ForeignKey(
        "directory.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide quand la personne s'est inscrite elle-même sur le portail.",
    )
    prenom = models.CharField("prénom", max_length=100)
    nom = models.CharField("nom", max_length=100, blank=True)
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="commune de résidence",
    )
    courriel = models.EmailField("courriel", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    preference_contact = models.CharField(
        "préférence de contact", max_length=12, choices=PreferenceContact.choices
    )
    contact_uniquement_ainsi = models.BooleanField(
        "ne me contacter que de cette façon", default=False
    )
    # Duplicate detection compares normalised names (accents and case ignored).
    prenom_normalise = models.CharField(max_length=100, editable=False, default="")
    nom_normalise = models.CharField(max_length=100, editable=False, default="")
    fusionnee_dans = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fusionnees",
        verbose_name="fusionnée dans",
    )
    anonymisee_le = models.DateTimeField("anonymisée le", null=True, blank=True)

    class Meta:
        verbose_name = "personne"
        ordering = ["nom_normalise", "prenom_normalise"]
        indexes = [
            models.Index(
                fields=["nom_normalise", "prenom_normalise", "date_naissance"],
                name="personne_doublon_idx",
            )
        ]

    def __str__(self) -> str:
        if self.anonymisee_le:
            return "Personne anonymisée"
        return f"{self.prenom} {self.nom}".strip()

    def save(self, *args, **kwargs):
        self.prenom_normalise = normalise(self.prenom)
        self.nom_normalise = normalise(self.nom)
        super().save(*args, **kwargs)


class Consentement(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    personne = models.ForeignKey(Personne, on_delete=models.CASCADE, related_name="consentements")
    donnees_partagees = models.JSONField("données partagées", default=list)
    structures = models.ManyToManyField(
        "directory.Structure", related_name="+", verbose_name="structures destinataires"
    )
    mode = models.CharField("recueilli", max_length=12, choices=ModeConsentement.choices)
    recueilli_par = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    structure = models.ForeignKey(
        "directory.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure qui l'a recueilli",
    )
    texte = models.TextField("texte présenté à la personne")
    donne_le = models.DateTimeField("donné le")
    valable_jusqu_au = models.DateField("valable jusqu'au")
    retire_le = models.DateTimeField("retiré le", null=True, blank=True)
    retire_par = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "consentement"

    def __str__(self) -> str:
        return f"Consentement {self.public_id} ({self.get_mode_display()})"

    def actif(self, on) -> bool:
        """Given, not withdrawn, not past its end date (``on``: a date)."""
        return self.retire_le is None and on <= self.valable_jusqu_au

    def partage(self, donnee: str) -> bool:
        return donnee in self.donnees_partagees


# --- Referrals --------------------------------------------------------------------------------


class Diffusion(models.Model):
    """One request sent to several structures at once: the first to accept takes it."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    prise_par = models.OneToOneField(
        "Adressage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "diffusion à plusieurs structures"

    def __str__(self) -> str:
        return f"Diffusion {self.public_id}"


class Adressage(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)
    canal = models.CharField("canal", max_length=12, choices=Canal.choices)
    personne = models.ForeignKey(Personne, on_delete=models.PROTECT, related_name="adressages")
    consentement = models.ForeignKey(
        Consentement, on_delete=models.PROTECT, related_name="adressages"
    )
    emettrice = models.ForeignKey(
        "directory.Structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adressages_envoyes",
        verbose_name="structure émettrice",
        help_text="Vide pour une demande faite par la personne sur le portail.",
    )
    emis_par = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="envoyé par",
    )
    destinataire = models.ForeignKey(
        "directory.Structure",
        on_delete=models.PROTECT,
        related_name="adressages_recus",
        verbose_name="structure destinataire",
    )
    site = models.ForeignKey(
        "directory.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    diagnostic = models.ForeignKey(
        "orientation.Diagnostic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adressages",
    )
    diffusion = models.ForeignKey(
        Diffusion, on_delete=models.CASCADE, null=True, blank=True, related_name="adressages"
    )
    origine = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="redirections",
        verbose_name="adressage d'origine (redirection)",
    )
    motif = models.CharField("motif de l'adressage", max_length=200)
    note = models.TextField("note", blank=True, max_length=4000)
    statut = models.CharField("statut", max_length=16, choices=Statut.choices)
    statut_depuis = models.DateTimeField("statut depuis")
    motif_refus = models.CharField(
        "motif du refus", max_length=20, choices=MotifRefus.choices, blank=True
    )
    resultat = models.CharField("résultat", max_length=24, choices=Resultat.choices, blank=True)
    motif_annulation = models.CharField(
        "motif de l'annulation", max_length=24, choices=MotifAnnulation.choices, blank=True
    )
    commentaire_cloture = models.TextField("commentaire", blank=True, max_length=2000)
    recue_le = models.DateTimeField("reçue le", null=True, blank=True)
    acceptee_le = models.DateTimeField("acceptée le", null=True, blank=True)
    premier_contact_le = models.DateTimeField("premier contact le", null=True, blank=True)
    cloturee_le = models.DateTimeField("clôturée le", null=True, blank=True)
    anonymise_le = models.DateTimeField("anonymisé le", null=True, blank=True)

    class Meta:
        verbose_name = "adressage"
        ordering = ["-cree_le", "-pk"]
        indexes = [
            # The inbox: its order (-cree_le, -id) read from the index, then its page by offset.
            models.Index(fields=["destinataire", "-cree_le", "-id"], name="adressage_recus_idx"),
            models.Index(fields=["emettrice", "-cree_le", "-id"], name="adressage_envoyes_idx"),
            models.Index(
                fields=["destinataire", "statut", "-cree_le"], name="adressage_recus_statut_idx"
            ),
            models.Index(fields=["statut", "statut_depuis"], name="adressage_echeances_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(statut__in=[s.value for s in Statut]), name="adressage_statut_connu"
            ),
            models.CheckConstraint(
                condition=~Q(statut=Statut.REFUSEE) | ~Q(motif_refus=""),
                name="adressage_refus_motive",
            ),
            models.CheckConstraint(
                condition=~Q(statut=Statut.TERMINEE) | ~Q(resultat=""),
                name="adressage_terminee_avec_resultat",
            ),
            models.CheckConstraint(
                condition=~Q(statut=Statut.ANNULEE) | ~Q(motif_annulation=""),
                name="adressage_annulation_motivee",
            ),
            models.CheckConstraint(
                condition=Q(emettrice__isnull=True) | ~Q(emettrice=models.F("destinataire")),
                name="adressage_vers_une_autre_structure",
            ),
        ]

    def __str__(self) -> str:
        return f"Adressage {self.public_id} ({self.get_statut_display()})"

    @property
    def est_ouvert(self) -> bool:
        return self.statut in STATUTS_OUVERTS


class Transition(models.Model):
    """The log of the state machine: one row per change of status, never edited."""

    adressage = models.ForeignKey(Adressage, on_delete=models.CASCADE, related_name="transitions")
    de = models.CharField("de", max_length=16, choices=Statut.choices, blank=True)
    vers = models.CharField("vers", max_length=16, choices=Statut.choices)
    le = models.DateTimeField("le")
    par = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    structure = models.ForeignKey(
        "directory.Structure", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    motif = models.CharField("motif", max_length=24, blank=True)
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "changement de statut"
        ordering = ["le", "pk"]

    def __str__(self) -> str:
        return f"{self.de or '∅'} → {self.vers}"


class Message(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    adressage = models.ForeignKey(Adressage, on_delete=models.CASCADE, related_name="messages")
    auteur = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    structure = models.ForeignKey("directory.Structure", on_delete=models.PROTECT, related_name="+")
    texte = models.TextField("message", max_length=4000)
    cree_le = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "message"
        ordering = ["cree_le", "pk"]

    def __str__(self) -> str:
        return f"Message {self.public_id}"


def piece_jointe_chemin(instance: PieceJointe, filename: str) -> str:
    # The stored name never reveals the original one (which may contain a person's name).
    return f"adressages/{instance.adressage.public_id}/{instance.public_id}"


class PieceJointe(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    adressage = models.ForeignKey(
        Adressage, on_delete=models.CASCADE, related_name="pieces_jointes"
    )
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="pieces_jointes"
    )
    fichier = models.FileField("fichier", upload_to=piece_jointe_chemin)
    nom = models.CharField("nom du fichier", max_length=200)
    type_mime = models.CharField("type", max_length=100)
    taille = models.PositiveIntegerField("taille (octets)")
    ajoutee_par = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    structure = models.ForeignKey("directory.Structure", on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["cree_le", "pk"]

    def __str__(self) -> str:
        return f"Pièce jointe {self.public_id}"


class TypeNotification(models.TextChoices):
    NOUVEL_ADRESSAGE = "nouvel_adressage", "Nouvel adressage reçu"
    STATUT = "statut", "Changement de statut"
    MESSAGE = "message", "Nouveau message"
    RAPPEL = "rappel", "Rappel"
    ESCALADE = "escalade", "Adressage en attente (responsable)"
    EXPIRATION = "expiration", "Adressage expiré"
    ACCOMPAGNEMENT = "accompagnement", "Co-accompagnement"


class Notification(models.Model):
    """What a user is told (the in-app counter counts the unread ones; an e-mail goes too)."""

    utilisateur = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    type = models.CharField("type", max_length=20, choices=TypeNotification.choices)
    adressage = models.ForeignKey(
        Adressage, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    accompagnement = models.ForeignKey(
        "Accompagnement", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Never a person's name: notifications travel by e-mail.
    texte = models.CharField("texte", max_length=300)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    lue_le = models.DateTimeField("lue le", null=True, blank=True)

    class Meta:
        verbose_name = "notification"
        ordering = ["-cree_le", "-pk"]
        indexes = [models.Index(fields=["utilisateur", "lue_le"], name="notification_non_lues_idx")]

    def __str__(self) -> str:
        return self.texte


class NiveauRappel(models.TextChoices):
    RAPPEL = "rappel", "Rappel à la structure destinataire"
    ESCALADE = "escalade", "Escalade au responsable de la structure"
    EXPIRATION = "expiration", "Expiration"


class Rappel(models.Model):
    adressage = models.ForeignKey(Adressage, on_delete=models.CASCADE, related_name="rappels")
    niveau = models.CharField("niveau", max_length=12, choices=NiveauRappel.choices)
    envoye_le = models.DateTimeField("envoyé le")

    class Meta:
        verbose_name = "rappel"
        constraints = [
            models.UniqueConstraint(fields=["adressage", "niveau"], name="rappel_unique_par_niveau")
        ]

    def __str__(self) -> str:
        return f"{self.get_niveau_display()} — {self.adressage_id}"


class CleIdempotence(models.Model):
    utilisateur = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    cle = models.CharField("clé", max_length=200)
    empreinte = models.CharField("empreinte de la requête", max_length=64)
    adressages = models.JSONField("adressages créés", default=list)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "clé d'idempotence"
        constraints = [
            models.UniqueConstraint(fields=["utilisateur", "cle"], name="idempotence_unique")
        ]

    def __str__(self) -> str:
        return self.cle


# --- Co-accompaniment -------------------------------------------------------------------------


class RoleAccompagnement(models.TextChoices):
    REFERENT = "referent", "Référent"
    CO_REFERENT = "co_referent", "Co-référent"
    PARTENAIRE = "partenaire", "Partenaire"


class NiveauAcces(models.TextChoices):
    COMPLET = "complet", "Complet (coordonnées et parcours)"
    PARCOURS = "parcours", "Parcours seulement (sans coordonnées)"


#: The roles that lead a co-accompaniment: a member structure with one of them may close it.
ROLES_PILOTES = frozenset({RoleAccompagnement.REFERENT, RoleAccompagnement.CO_REFERENT})


class MotifClotureAccompagnement(models.TextChoices):
    """Why a co-accompaniment ended (coded: the statistics count them, the note explains)."""

    PROJET_ABOUTI = "projet_abouti", "Projet professionnel abouti"
    EMPLOI = "emploi", "Accès à l'emploi ou emploi maintenu"
    FORMATION = "formation", "Entrée en formation"
    RELAIS = "relais", "Relais pris par une autre structure"
    DEMANDE_PERSONNE = "demande_personne", "Fin à la demande de la personne"
    INJOIGNABLE = "injoignable", "Personne injoignable"
    DEPART_TERRITOIRE = "depart_territoire", "Départ du territoire"
    AUTRE = "autre", "Autre motif, précisé dans la note"
    # Set by the platform only, never offered on the page (``rights.personne_effacer``).
    EFFACEMENT = "effacement", "Données de la personne effacées à sa demande"


#: The reasons a counsellor may choose (the erasure closes by itself).
MOTIFS_CLOTURE_CONSEILLER = [
    (m.value, m.label)
    for m in MotifClotureAccompagnement
    if m != MotifClotureAccompagnement.EFFACEMENT
]


class Accompagnement(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    personne = models.ForeignKey(Personne, on_delete=models.PROTECT, related_name="accompagnements")
    consentement = models.ForeignKey(
        Consentement, on_delete=models.PROTECT, related_name="accompagnements"
    )
    intitule = models.CharField("intitulé", max_length=200)
    theme = models.CharField(
        "thème", max_length=60, blank=True, help_text="Par exemple : saisonniers."
    )
    cree_par = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ouvert_le = models.DateTimeField("ouvert le", auto_now_add=True)
    # Closed (``services.accompagnement_clore``): read-only from then on.
    clos_le = models.DateTimeField("clos le", null=True, blank=True)
    motif_cloture = models.CharField(
        "motif de la clôture", max_length=20, choices=MotifClotureAccompagnement.choices, blank=True
    )
    adressage = models.ForeignKey(
        Adressage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    structures = models.ManyToManyField(
        "directory.Structure", through="MembreAccompagnement", related_name="+"
    )

    class Meta:
        verbose_name = "co-accompagnement"
        ordering = ["-ouvert_le"]
        constraints = [
            # Closed with a coded reason, or open without one.
            models.CheckConstraint(
                condition=(Q(clos_le__isnull=True) & Q(motif_cloture=""))
                | (Q(clos_le__isnull=False) & ~Q(motif_cloture="")),
                name="accompagnement_cloture_motivee",
            ),
        ]

    def __str__(self) -> str:
        return self.intitule

    @property
    def est_clos(self) -> bool:
        return self.clos_le is not None


class MembreAccompagnement(models.Model):
    accompagnement = models.ForeignKey(
        Accompagnement, on_delete=models.CASCADE, related_name="membres"
    )
    structure = models.ForeignKey("directory.Structure", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("rôle", max_length=12, choices=RoleAccompagnement.choices)
    niveau_acces = models.CharField("accès", max_length=12, choices=NiveauAcces.choices)
    ajoute_le = models.DateTimeField("depuis le", auto_now_add=True)

    class Meta:
        verbose_name = "structure membre"
        constraints = [
            models.UniqueConstraint(
                fields=["accompagnement", "structure"], name="membre_accompagnement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.structure_id} ({self.get_role_display()})"


class TypeEvenement(models.TextChoices):
    NOTE = "note", "Note"
    RENDEZ_VOUS = "rendez_vous", "Rendez-vous"
    ETAPE = "etape", "Étape du parcours"
    MEMBRE = "membre", "Arrivée d'une structure"
    CLOTURE = "cloture", "Clôture du co-accompagnement"


class EvenementAccompagnement(models.Model):
    accompagnement = models.ForeignKey(
        Accompagnement, on_delete=models.CASCADE, related_name="evenements"
    )
    structure = models.ForeignKey("directory.Structure", on_delete=models.PROTECT, related_name="+")
    auteur = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    type = models.CharField("type", max_length=12, choices=TypeEvenement.choices)
    texte = models.TextField("texte", max_length=4000)
    date = models.DateField("date")
    cree_le = models.DateTimeField("ajouté le", auto_now_add=True)

    class Meta:
        verbose_name = "événement du parcours"
        ordering = ["date", "cree_le", "pk"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} du {self.date:%d/%m/%Y}"
