"""Audit log: an append-only record of who did what to which object, and who viewed which
personal record.

Rows are written only through :func:`aiguillage.core.audit.audit_record`. The model refuses
updates and deletes, its querysets refuse deletes, and database triggers (see migrations 0002
and 0003) refuse UPDATE on both databases and DELETE on PostgreSQL, so that a bug or a shell
session cannot rewrite history.

The one exception is the retention purge (:func:`aiguillage.core.retention.journal_purger`),
which deletes the events older than ``AIGUILLAGE_JOURNAL_CONSERVATION_MOIS``: it bypasses the
queryset guard with a raw delete and, on PostgreSQL, declares its cut-off date to the trigger
for the length of its own transaction.
"""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    CREATE = "create", "Création"
    UPDATE = "update", "Modification"
    DELETE = "delete", "Suppression"
    VIEW = "view", "Consultation de données personnelles"
    EXPORT = "export", "Export"
    IMPORT = "import", "Import"
    LOGIN = "login", "Connexion"
    LOGIN_FAILED = "login_failed", "Échec de connexion"
    LOGOUT = "logout", "Déconnexion"


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def delete(self):
        # SQLite has no trigger against DELETE (Django's test flush deletes rows), so this guard
        # is the one that holds there; on PostgreSQL the trigger refuses it as well.
        raise AppendOnlyError("Le journal d'audit ne peut pas être supprimé.")

    delete.alters_data = True
    delete.queryset_only = True


class AuditEvent(models.Model):
    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    # The actor is kept as an id and a label, not a foreign key: deleting or anonymising a user
    # must not rewrite (or cascade into) the log.
    actor_id = models.BigIntegerField("identifiant de l'auteur", null=True, blank=True)
    actor_label = models.CharField("auteur", max_length=254, blank=True)
    action = models.CharField("action", max_length=20, choices=AuditAction.choices)
    object_type = models.CharField("type d'objet", max_length=100, blank=True)
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    object_repr = models.CharField("objet", max_length=200, blank=True)
    structure_id = models.BigIntegerField("structure concernée", null=True, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_id", "at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Le journal d'audit ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Le journal d'audit ne peut pas être supprimé.")
