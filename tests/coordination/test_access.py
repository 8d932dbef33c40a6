"""Who sees a session or a group, and who manages them: 404 for everybody else, login first."""

from __future__ import annotations

import pytest
from django.http import Http404

from aiguillage.accounts.access import navigation_for
from aiguillage.coordination import access
from tests.coordination.factories import GroupeTravailFactory, monde
from tests.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db

VOIENT = ["responsable", "conseiller_orga", "conseiller_invitee", "coordination", "admin"]
NE_VOIENT_PAS = ["conseiller_autre", "coordination_autre_region", "analyste"]
GERENT = ["responsable", "coordination", "admin"]
NE_GERENT_PAS = ["conseiller_orga", "conseiller_invitee", "responsable_invitee"]


@pytest.fixture
def m():
    return monde()


@pytest.mark.parametrize("qui", VOIENT)
def test_organiser_invited_coordination_and_admin_see_the_session(m, qui):
    user = getattr(m, qui)
    found = access.rencontre_get_for_user(user=user, public_id=m.rencontre.public_id)
    assert found.pk == m.rencontre.pk
    assert list(access.rencontres_for_user(user=user)) == [m.rencontre]


@pytest.mark.parametrize("qui", NE_VOIENT_PAS)
def test_another_structure_region_or_an_analyst_gets_404(m, qui):
    user = getattr(m, qui)
    with pytest.raises(Http404):
        access.rencontre_get_for_user(user=user, public_id=m.rencontre.public_id)
    assert not access.rencontres_for_user(user=user).exists()


@pytest.mark.parametrize("qui", GERENT)
def test_managers(m, qui):
    user = getattr(m, qui)
    assert access.rencontre_get_for_manager(user=user, public_id=m.rencontre.public_id)


@pytest.mark.parametrize("qui", NE_GERENT_PAS + NE_VOIENT_PAS)
def test_who_does_not_manage_gets_404_on_the_manager_gateway(m, qui):
    with pytest.raises(Http404):
        access.rencontre_get_for_manager(user=getattr(m, qui), public_id=m.rencontre.public_id)


@pytest.mark.parametrize("qui", NE_VOIENT_PAS)
def test_the_pages_answer_404_to_another_structure(client, m, qui):
    client.force_login(getattr(m, qui))
    base = f"/coordination/rencontres/{m.rencontre.public_id}/"
    for url in (base, f"{base}rencontre.ics", f"{base}modifier/", f"{base}presences/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}annuler/", {"confirmation": "on"}).status_code == 404
    m.rencontre.refresh_from_db()
    assert m.rencontre.statut == "prevue"


def test_the_list_does_not_show_another_structures_session(client, m):
    client.force_login(m.conseiller_autre)
    response = client.get("/coordination/?periode=a_venir")
    assert response.status_code == 200
    assert m.rencontre.intitule not in response.content.decode()

    client.force_login(m.conseiller_invitee)
    assert m.rencontre.intitule in client.get("/coordination/").content.decode()


def test_an_analyst_has_no_coordination_pages(client, m):
    client.force_login(m.analyste)
    assert client.get("/coordination/").status_code == 404
    assert client.get("/coordination/groupes/").status_code == 404
    assert client.get("/coordination/rencontres/nouvelle/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/coordination/",
        "/coordination/groupes/",
        "/coordination/rencontres/nouvelle/",
        "/coordination/rencontres/{id}/",
        "/coordination/rencontres/{id}/rencontre.ics",
        "/coordination/agendas/{structure}.ics",
        "/coordination/agendas/",
        "/coordination/agendas/{structure}/",
    ],
)
def test_anonymous_is_sent_to_the_login_page(client, m, url):
    url = url.format(id=m.rencontre.public_id, structure=m.organisatrice.pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert "next=" in response["Location"]


def test_a_counsellor_cannot_plan_a_session(client, m):
    client.force_login(m.conseiller_invitee)
    assert client.get("/coordination/rencontres/nouvelle/").status_code == 404
    assert not access.peut_creer(m.conseiller_invitee)
    assert access.peut_creer(m.responsable_invitee)


def test_calendar_feed_for_members_coordination_and_admin_only(m):
    for user in (m.conseiller_orga, m.coordination, m.admin):
        assert access.structure_get_for_agenda(user=user, structure_id=m.organisatrice.pk)
    for user in (m.conseiller_invitee, m.conseiller_autre, m.coordination_autre_region, m.analyste):
        with pytest.raises(Http404):
            access.structure_get_for_agenda(user=user, structure_id=m.organisatrice.pk)


# --- Working groups ---------------------------------------------------------------------------


def test_group_visibility_and_management():
    m = monde()
    groupe = GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee])

    for user in (m.conseiller_orga, m.conseiller_invitee, m.coordination, m.admin):
        assert access.groupe_get_for_user(user=user, public_id=groupe.public_id) == groupe
    for user in (m.conseiller_autre, m.coordination_autre_region, m.analyste):
        with pytest.raises(Http404):
            access.groupe_get_for_user(user=user, public_id=groupe.public_id)
    for user in (m.responsable, m.coordination, m.admin):
        assert access.groupe_get_for_manager(user=user, public_id=groupe.public_id)
    for user in (m.conseiller_orga, m.responsable_invitee):
        with pytest.raises(Http404):
            access.groupe_get_for_manager(user=user, public_id=groupe.public_id)


def test_structures_one_may_organise_for():
    m = monde()
    ailleurs = StructureFactory(autre_region=True)
    organisables = set(access.structures_organisables(m.coordination))
    assert {m.organisatrice, m.invitee, m.autre} <= organisables
    assert ailleurs not in organisables
    assert set(access.structures_organisables(m.responsable)) == {m.organisatrice}
    assert not access.structures_organisables(m.conseiller_orga).exists()


@pytest.mark.parametrize(
    ("role", "voit"),
    [
        ({}, True),
        ({"responsable": True}, True),
        ({"coordinateur": True}, True),
        ({"analyste": True}, False),
        ({"administrateur": True}, True),
    ],
)
def test_the_menu_entry_follows_the_roles(role, voit):
    user = MembershipFactory(**role).user
    labels = [item.label for item in navigation_for(user, "/coordination/")]
    assert ("Coordination" in labels) is voit
