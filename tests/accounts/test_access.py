"""What each role may and may not see: the permission matrix, tested through the pages.

Another structure and another région are the cases that matter most: they must get 404, never
a hint that the object exists.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.accounts.models import Role
from aiguillage.core.models import AuditEvent
from tests.factories import MembershipFactory, StructureFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two structures in Auvergne-Rhône-Alpes, one in Hauts-de-France, and one user per role."""
    home = StructureFactory(nom="Mission locale A")
    neighbour = StructureFactory(nom="France Travail B", reseau="france_travail")
    elsewhere = StructureFactory(nom="Mission locale C", autre_region=True)
    users = {
        Role.CONSEILLER: MembershipFactory(structure=home).user,
        Role.RESPONSABLE_STRUCTURE: MembershipFactory(structure=home, responsable=True).user,
        Role.COORDINATEUR_REGIONAL: user_with_role(Role.COORDINATEUR_REGIONAL),
        Role.ANALYSTE: user_with_role(Role.ANALYSTE),
        Role.ADMINISTRATEUR: user_with_role(Role.ADMINISTRATEUR),
    }
    colleague = MembershipFactory(structure=home).user
    stranger = MembershipFactory(structure=neighbour).user
    MembershipFactory(structure=elsewhere)
    return {
        "home": home,
        "neighbour": neighbour,
        "elsewhere": elsewhere,
        "users": users,
        "colleague": colleague,
        "stranger": stranger,
    }


def urls(world) -> dict[str, str]:
    home, neighbour = world["home"], world["neighbour"]
    return {
        "structure": reverse("accounts:structure_detail", args=[home.pk]),
        "structure_autre": reverse("accounts:structure_detail", args=[neighbour.pk]),
        "modifier": reverse("accounts:structure_edit", args=[home.pk]),
        "modifier_autre": reverse("accounts:structure_edit", args=[neighbour.pk]),
        "ajouter_membre": reverse("accounts:member_add", args=[home.pk]),
        "membre": reverse("accounts:member_detail", args=[home.pk, world["colleague"].pk]),
        "membre_autre": reverse(
            "accounts:member_detail", args=[neighbour.pk, world["stranger"].pk]
        ),
        # A colleague's profile asked through another structure's URL.
        "membre_mauvaise_structure": reverse(
            "accounts:member_detail", args=[neighbour.pk, world["colleague"].pk]
        ),
        "region": reverse("accounts:region_dashboard", args=["84"]),
        "region_autre": reverse("accounts:region_dashboard", args=["32"]),
        "regions": reverse("accounts:region_list"),
        "audit": reverse("core:audit_log"),
    }


# Expected status of each page for each role: 200 allowed, 404 hidden.
MATRIX = {
    Role.CONSEILLER: {
        "structure": 200,
        "structure_autre": 404,
        "modifier": 404,
        "modifier_autre": 404,
        "ajouter_membre": 404,
        "membre": 200,
        "membre_autre": 404,
        "membre_mauvaise_structure": 404,
        "region": 404,
        "region_autre": 404,
        "regions": 404,
        "audit": 404,
    },
    Role.RESPONSABLE_STRUCTURE: {
        "structure": 200,
        "structure_autre": 404,
        "modifier": 200,
        "modifier_autre": 404,
        "ajouter_membre": 200,
        "membre": 200,
        "membre_autre": 404,
        "membre_mauvaise_structure": 404,
        "region": 404,
        "region_autre": 404,
        "regions": 404,
        "audit": 404,
    },
    Role.COORDINATEUR_REGIONAL: {
        "structure": 404,
        "structure_autre": 404,
        "modifier": 404,
        "modifier_autre": 404,
        "ajouter_membre": 404,
        "membre": 404,
        "membre_autre": 404,
        "membre_mauvaise_structure": 404,
        "region": 200,
        "region_autre": 404,
        "regions": 200,
        "audit": 404,
    },
    Role.ANALYSTE: {
        "structure": 404,
        "structure_autre": 404,
        "modifier": 404,
        "modifier_autre": 404,
        "ajouter_membre": 404,
        "membre": 404,
        "membre_autre": 404,
        "membre_mauvaise_structure": 404,
        "region": 200,
        "region_autre": 404,
        "regions": 200,
        "audit": 404,
    },
    Role.ADMINISTRATEUR: {
        "structure": 200,
        "structure_autre": 200,
        "modifier": 200,
        "modifier_autre": 200,
        "ajouter_membre": 200,
        "membre": 200,
        "membre_autre": 200,
        "membre_mauvaise_structure": 404,
        "region": 200,
        "region_autre": 200,
        "regions": 200,
        "audit": 200,
    },
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(client, world, role):
    client.force_login(world["users"][role])
    pages = urls(world)
    observed = {name: client.get(url).status_code for name, url in pages.items()}
    assert observed == MATRIX[role]


def test_anonymous_is_sent_to_the_login_page(client, world):
    for name, url in urls(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("accounts:login") + "?next="), name
    assert client.get(reverse("accounts:profile")).status_code == 302


@pytest.mark.parametrize(
    "url", ["/", "/territoires/communes/", "/connexion/", "/accessibilite/", "/donnees-et-sources/"]
)
def test_public_pages_need_no_login(client, url):
    assert client.get(url).status_code == 200


def test_admin_site_only_for_administrators(client, world):
    client.force_login(world["users"][Role.RESPONSABLE_STRUCTURE])
    assert client.get("/admin/").status_code == 302  # Django admin's own login page
    client.force_login(world["users"][Role.ADMINISTRATEUR])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/auditevent/").status_code == 200


def test_member_list_shows_colleagues_only(client, world):
    client.force_login(world["users"][Role.CONSEILLER])
    body = client.get(urls(world)["structure"]).content.decode()
    assert world["colleague"].email not in body  # the list shows names; emails on the profile
    assert str(world["colleague"]) in body
    assert str(world["stranger"]) not in body


def test_viewing_a_member_profile_is_audited(client, world):
    viewer = world["users"][Role.CONSEILLER]
    client.force_login(viewer)
    client.get(urls(world)["membre"])
    event = AuditEvent.objects.get(action="view", object_id=str(world["colleague"].pk))
    assert event.actor_id == viewer.pk
    assert event.structure_id == world["home"].pk


def test_a_refused_view_is_not_audited_as_a_view(client, world):
    client.force_login(world["users"][Role.CONSEILLER])
    client.get(urls(world)["membre_autre"])
    assert not AuditEvent.objects.filter(
        action="view", object_id=str(world["stranger"].pk)
    ).exists()


def test_region_dashboard_shows_aggregates_only(client, world):
    client.force_login(world["users"][Role.ANALYSTE])
    body = client.get(urls(world)["region"]).content.decode()
    assert "Mission locale" in body  # networks, counted
    assert str(world["colleague"]) not in body
    assert world["colleague"].email not in body


def test_national_analyst_sees_every_region(client, world):
    analyst = MembershipFactory(
        analyste=True, structure=StructureFactory(reseau="carif_oref", nationale=True)
    ).user
    client.force_login(analyst)
    assert client.get(urls(world)["region_autre"]).status_code == 200
    assert client.get(urls(world)["structure"]).status_code == 404


@pytest.mark.parametrize("role", list(MATRIX))
def test_home_page_per_role(client, world, role, django_assert_max_num_queries):
    client.force_login(world["users"][role])
    with django_assert_max_num_queries(8):
        response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    if role in (Role.CONSEILLER, Role.RESPONSABLE_STRUCTURE):
        assert "Mes structures" in body
    if role in (Role.COORDINATEUR_REGIONAL, Role.ANALYSTE):
        assert "Auvergne-Rhône-Alpes" in body
        assert "Hauts-de-France" not in body
    assert ("Journal d'audit" in body) == (role == Role.ADMINISTRATEUR)
