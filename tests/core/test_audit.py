"""The audit log is append-only and filterable by administrators."""

import pytest
from django.db import DatabaseError, connection, transaction

from aiguillage.accounts.models import Role
from aiguillage.core.audit import audit_record
from aiguillage.core.models import AppendOnlyError, AuditAction, AuditEvent
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_events_cannot_be_changed_or_deleted_through_the_model():
    event = audit_record(action=AuditAction.UPDATE, object_type="x", object_repr="objet")
    event.object_repr = "réécrit"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_the_database_refuses_updates():
    event = audit_record(action=AuditAction.UPDATE, object_type="x", object_repr="objet")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="réécrit")
    assert AuditEvent.objects.get(pk=event.pk).object_repr == "objet"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
def test_postgresql_refuses_deletes():
    event = audit_record(action=AuditAction.UPDATE, object_type="x", object_repr="objet")
    # Raw SQL: the queryset's own guard (AppendOnlyError) would stop a .delete() before the
    # database sees it.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_administrator_filters_the_log(client):
    admin = user_with_role(Role.ADMINISTRATEUR)
    audit_record(action=AuditAction.VIEW, actor=admin, object_type="accounts.user", object_repr="A")
    audit_record(action=AuditAction.IMPORT, object_type="territories.bassin", object_repr="B")
    client.force_login(admin)
    body = client.get("/audit/", {"action": "import"}).content.decode()
    assert "territories.bassin" in body
    assert "accounts.user</span> A" not in body
    partial = client.get("/audit/", {"objet": "accounts"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert "accounts.user" in partial.content.decode()
