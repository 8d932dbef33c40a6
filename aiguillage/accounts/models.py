"""Users (login by email) and their memberships of structures, each with a role.

A user may belong to several structures (a counsellor working for two Missions locales, a
coordinator who is also an analyst). What a role allows is decided in one place,
``aiguillage.accounts.access``; nothing else in the code reads ``Membership.role`` directly.

Roles:

- ``conseiller``: works with people inside their structure(s);
- ``responsable_structure``: a conseiller who also manages the structure (members, data);
- ``coordinateur_regional``: the Région or its SPRO animator, scoped to the structure's région;
- ``analyste``: aggregates only, never personal data (région of the structure, or national);
- ``administrateur``: runs the platform (Django admin, audit log).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Role(models.TextChoices):
    CONSEILLER = "conseiller", "Conseiller ou conseillère"
    RESPONSABLE_STRUCTURE = "responsable_structure", "Responsable de structure"
    COORDINATEUR_REGIONAL = "coordinateur_regional", "Coordination régionale"
    ANALYSTE = "analyste", "Analyste"
    ADMINISTRATEUR = "administrateur", "Administration de la plateforme"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField(
        "accès à l'administration",
        default=False,
        help_text="Donné avec le rôle administrateur.",
    )
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(
        "directory.Structure", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    created_at = models.DateTimeField("depuis le", auto_now_add=True)

    class Meta:
        verbose_name = "rattachement"
        ordering = ["structure__nom"]
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.structure}"
