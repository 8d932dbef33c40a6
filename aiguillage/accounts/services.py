"""Writes to accounts: each user-visible change is one atomic, audited function."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from aiguillage.accounts.models import Membership, Role, User
from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.directory.models import Structure

ROLES_A_MANAGER_MAY_GRANT = {Role.CONSEILLER, Role.RESPONSABLE_STRUCTURE}


@transaction.atomic
def structure_update(
    *, structure: Structure, acting_user: User, data: dict, request: HttpRequest | None = None
) -> Structure:
    changed = {k: v for k, v in data.items() if getattr(structure, k) != v}
    for key, value in changed.items():
        setattr(structure, key, value)
    structure.full_clean()
    structure.save()
    if changed:
        audit_record(
            action=AuditAction.UPDATE,
            actor=acting_user,
            obj=structure,
            structure_id=structure.pk,
            request=request,
            details={"champs": sorted(changed)},
        )
    return structure


@transaction.atomic
def member_add(
    *,
    structure: Structure,
    acting_user: User,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    request: HttpRequest | None = None,
) -> Membership:
    """Attach a person to the structure, creating their account if needed.

    A new account gets no password: the person receives a link to choose one.
    """
    if role not in ROLES_A_MANAGER_MAY_GRANT:
        raise ValidationError({"role": "Ce rôle ne peut être donné que par l'administration."})
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit_record(
            action=AuditAction.CREATE,
            actor=acting_user,
            obj=user,
            structure_id=structure.pk,
            request=request,
        )
    if Membership.objects.filter(user=user, structure=structure).exists():
        raise ValidationError({"email": "Cette personne est déjà membre de la structure."})
    membership = Membership.objects.create(user=user, structure=structure, role=role)
    audit_record(
        action=AuditAction.CREATE,
        actor=acting_user,
        obj=membership,
        structure_id=structure.pk,
        request=request,
        details={"role": role},
    )
    if created:
        base = request.build_absolute_uri("/").rstrip("/") if request else ""
        transaction.on_commit(lambda: _send_welcome(user=user, structure=structure, base=base))
    return membership


def _send_welcome(*, user: User, structure: Structure, base: str) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base + reverse("accounts:password_reset_confirm", args=[uid, token])
    send_mail(
        subject="Votre compte Aiguillage",
        message=(
            f"Bonjour,\n\nUn compte a été créé pour vous dans la structure {structure.nom}.\n"
            f"Choisissez votre mot de passe en suivant ce lien : {link}\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def membership_grant(*, user: User, structure: Structure, role: str) -> Membership:
    """Give a role (used by the demo and the admin); the administrator role opens the admin."""
    membership, _ = Membership.objects.update_or_create(
        user=user, structure=structure, defaults={"role": role}
    )
    if role == Role.ADMINISTRATEUR and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return membership
