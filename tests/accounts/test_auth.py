"""Login by email, Argon2, rate limiting, OIDC matching."""

from __future__ import annotations

import pytest
from django.test import override_settings

import aiguillage.settings as real_settings
from aiguillage.accounts.models import User
from aiguillage.accounts.oidc import ProConnectBackend
from aiguillage.core.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post("/connexion/", {"username": email, "password": password})


def test_login_with_email_any_case(client):
    user = UserFactory(email="camille@exemple.test")
    response = login(client, "Camille@Exemple.TEST", TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEvent.objects.filter(action="login", actor_id=user.pk).exists()


def test_wrong_password_is_refused_in_french_and_audited(client):
    UserFactory(email="camille@exemple.test")
    response = login(client, "camille@exemple.test", "mauvais")
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", object_repr="camille@exemple.test")


def test_emails_are_unique_whatever_the_case():
    UserFactory(email="a@exemple.test")
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError raised by the database
        User.objects.create(email="A@EXEMPLE.TEST")


def test_failed_logins_are_rate_limited(client):
    UserFactory(email="cible@exemple.test")
    for _ in range(5):
        login(client, "cible@exemple.test", "mauvais")
    locked = login(client, "cible@exemple.test", TEST_PASSWORD)  # even the right password
    assert locked.status_code == 429
    assert "temporairement bloquée" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_production_settings_hash_with_argon2():
    assert real_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=real_settings.PASSWORD_HASHERS):
        user = User.objects.create_user(email="argon@exemple.test", password=TEST_PASSWORD)
        assert user.password.startswith("argon2$")
        assert user.check_password(TEST_PASSWORD)
        assert not user.check_password("autre chose")


def test_oidc_matches_existing_users_by_email_and_never_creates_one():
    user = UserFactory(email="agent@exemple.test", first_name="", last_name="")
    backend = ProConnectBackend.__new__(ProConnectBackend)  # no OIDC settings needed to match
    found = list(backend.filter_users_by_claims({"email": "Agent@Exemple.test"}))
    assert found == [user]
    assert not backend.filter_users_by_claims({"email": "inconnu@exemple.test"}).exists()
    assert not backend.filter_users_by_claims({}).exists()
    backend.update_user(user, {"given_name": "Anne", "usual_name": "Agent"})
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Anne", "Agent")
