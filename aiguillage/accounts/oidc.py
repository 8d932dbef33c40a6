"""Optional OpenID Connect login (ProConnect-compatible), enabled by ``OIDC_RP_CLIENT_ID``.

Accounts are never created by a login: a person must first be attached to a structure by its
manager; the identity provider only proves who they are. Users are matched on their email.
ProConnect returns the userinfo as a signed JWT; mozilla-django-oidc verifies it when the
response's content type is ``application/jwt``.
"""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from aiguillage.accounts.models import User


class ProConnectBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip().lower()
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False
        return None

    def update_user(self, user, claims):
        changed = []
        for field, claim in (("first_name", "given_name"), ("last_name", "usual_name")):
            value = claims.get(claim)
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        return user
