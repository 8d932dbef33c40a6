"""Writing to and reading from the audit log.

``audit_record`` is the one way to write an event; services call it inside their transaction so
that the event and the change commit together. ``audit_view`` records that a user displayed a
personal record (a person, a member's profile…).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from aiguillage.core.models import AuditAction, AuditEvent

__all__ = ["audit_record", "audit_view", "client_ip"]


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind a reverse proxy, configure it to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips)
    # rather than trusting X-Forwarded-For from the client.
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: AuditAction | str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    structure_id: int | None = None,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        action=action,
        actor_id=actor.pk if authenticated else None,
        actor_label=actor.get_username() if authenticated else "",
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        structure_id=structure_id,
        ip_address=client_ip(request),
        details=details or {},
    )


def audit_view(*, actor, obj: models.Model, request: HttpRequest | None = None, **kwargs) -> None:
    """Record that ``actor`` displayed the personal data held in ``obj``."""
    audit_record(action=AuditAction.VIEW, actor=actor, obj=obj, request=request, **kwargs)
