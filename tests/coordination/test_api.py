"""The coordination API (``/api/v1/coordination``): who sees which sessions and groups (the
pages' gateways), the list's filters and their 422, what a session shows (no person, free texts
as on the page), and a list whose number of queries does not grow with the sessions."""

from __future__ import annotations

import datetime as dt
from uuid import uuid4

import pytest
from django.utils import timezone

from aiguillage.api.erreurs import NON_AUTHENTIFIE
from aiguillage.coordination.models import Invitation, Presence, TypeRencontre
from aiguillage.territories.models import Departement
from tests.api.contrat import corps_422
from tests.coordination.factories import GroupeTravailFactory, RencontreFactory, monde
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/coordination"


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {r["public_id"] for r in response.json()["resultats"]}


# --- Who sees which sessions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qui", "voit"),
    [
        ("conseiller_orga", True),  # member of the organising structure
        ("responsable", True),
        ("conseiller_invitee", True),  # member of an invited structure
        ("conseiller_autre", False),  # another structure of the same région
        ("coordination", True),  # coordination of the région
        ("coordination_autre_region", False),
        ("admin", True),
    ],
)
def test_the_list_shows_what_the_list_page_shows(client, qui, voit):
    m = monde()
    ailleurs = RencontreFactory(organisatrice=StructureFactory(autre_region=True))

    found = ids(get(client, getattr(m, qui), f"{API}/rencontres"))

    assert (str(m.rencontre.public_id) in found) is voit
    # A session of région 32: its coordination's, not région 84's.
    assert (str(ailleurs.public_id) in found) is (qui in ("admin", "coordination_autre_region"))


def test_an_analyst_gets_404_on_the_lists_as_on_the_pages(client):
    m = monde()
    for url in (f"{API}/rencontres", f"{API}/groupes"):
        assert get(client, m.analyste, url).status_code == 404


@pytest.mark.parametrize("qui", ["conseiller_autre", "coordination_autre_region", "analyste"])
def test_a_session_outside_ones_scope_is_404(client, qui):
    m = monde()

    response = get(client, getattr(m, qui), f"{API}/rencontres/{m.rencontre.public_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Rencontre introuvable."}


def test_an_unknown_session_is_the_same_404(client):
    m = monde()
    response = get(client, m.coordination, f"{API}/rencontres/{uuid4()}")
    assert response.json() == {"detail": "Rencontre introuvable."}


def test_anonymous_gets_401_everywhere(client):
    m = monde()
    groupe = GroupeTravailFactory(animatrice=m.organisatrice)
    for url in (
        f"{API}/rencontres",
        f"{API}/rencontres/{m.rencontre.public_id}",
        f"{API}/groupes",
        f"{API}/groupes/{groupe.public_id}",
    ):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json() == {"detail": NON_AUTHENTIFIE}


# --- One session ------------------------------------------------------------------------------


def test_a_session_as_an_invited_member_sees_it(client):
    m = monde()
    groupe = GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee])
    r = m.rencontre
    r.groupe, r.description, r.departement_id = groupe, "Ordre du jour : bilan.", "73"
    r.save()

    data = get(client, m.conseiller_invitee, f"{API}/rencontres/{r.public_id}").json()

    assert data["public_id"] == str(r.public_id)
    assert data["type"] == TypeRencontre.REUNION
    assert data["intitule"] == r.intitule
    assert data["statut"] == "prevue"
    assert data["lieu"] == "Salle du conseil, Chambéry"
    assert data["a_distance"] is False
    assert data["organisatrice"] == {
        "id": m.organisatrice.pk,
        "nom": m.organisatrice.nom,
        "reseau": m.organisatrice.reseau,
    }
    assert data["groupe"] == {
        "public_id": str(groupe.public_id),
        "nom": groupe.nom,
        "theme": groupe.theme,
    }
    assert data["departement"] == {"code": "73", "nom": "Savoie"}
    assert data["invitations"] == [
        {
            "structure": {"id": m.invitee.pk, "nom": m.invitee.nom, "reseau": m.invitee.reseau},
            "presence": None,
            "nombre_personnes": None,
        }
    ]
    assert data["description"] == "Ordre du jour : bilan."  # on the page for every viewer
    assert data["motif_annulation"] is None
    assert data["ics"] == f"/coordination/rencontres/{r.public_id}/rencontre.ics"
    assert data["url"] == f"/coordination/rencontres/{r.public_id}/"
    # ISO 8601 at the Paris offset, the same instant as stored.
    debut = dt.datetime.fromisoformat(data["debut"])
    assert debut.utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))
    assert debut == r.debut
    assert dt.datetime.fromisoformat(data["fin"]) == r.fin


def test_a_held_session_shows_attendance_and_a_cancelled_one_its_reason(client):
    m = monde(tenue=True)
    Invitation.objects.filter(rencontre=m.rencontre).update(
        presence=Presence.PRESENTE, nombre_personnes=3
    )
    annulee = RencontreFactory(organisatrice=m.organisatrice, invitees=[m.invitee], annulee=True)
    annulee.motif_annulation = "Salle indisponible."
    annulee.save()

    tenue = get(client, m.coordination, f"{API}/rencontres/{m.rencontre.public_id}").json()
    data = get(client, m.coordination, f"{API}/rencontres/{annulee.public_id}").json()

    assert tenue["statut"] == "tenue"
    assert tenue["nb_presentes"] == 1
    assert tenue["invitations"][0]["presence"] == "presente"
    assert tenue["invitations"][0]["nombre_personnes"] == 3
    assert data["statut"] == "annulee"
    assert data["motif_annulation"] == "Salle indisponible."
    assert data["annulee_le"] is not None


def test_no_person_ever_leaves_and_the_list_has_no_free_text(client):
    m = monde(description="Texte libre de la rencontre", cree_par=None)
    m.rencontre.cree_par = m.responsable
    m.rencontre.save()
    client.force_login(m.coordination)

    liste = client.get(f"{API}/rencontres").content.decode()
    detail = client.get(f"{API}/rencontres/{m.rencontre.public_id}").content.decode()

    assert m.rencontre.intitule in liste
    assert "Texte libre de la rencontre" not in liste
    assert "Texte libre de la rencontre" in detail
    for user in (m.responsable, m.coordination, m.conseiller_invitee):
        for text in (liste, detail):
            assert user.email not in text
            assert user.last_name not in text


# --- Filters ----------------------------------------------------------------------------------


def test_filters_period_type_departement_group(client):
    m = monde()
    groupe = GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee])
    passee = RencontreFactory(organisatrice=m.organisatrice, invitees=[m.invitee], passee=True)
    forum = RencontreFactory(
        organisatrice=m.organisatrice,
        invitees=[m.invitee],
        type=TypeRencontre.EVENEMENT,
        departement=Departement.objects.get(pk="42"),
    )
    du_groupe = RencontreFactory(organisatrice=m.organisatrice, invitees=[m.invitee], groupe=groupe)
    url = f"{API}/rencontres"
    user = m.conseiller_invitee

    a_venir = ids(get(client, user, url))
    passees = get(client, user, url, periode="passees")

    assert a_venir == {str(r.public_id) for r in (m.rencontre, forum, du_groupe)}
    assert ids(passees) == {str(passee.public_id)}
    assert passees.json()["periode"] == "passees"
    assert ids(get(client, user, url, type="evenement")) == {str(forum.public_id)}
    assert ids(get(client, user, url, departement="42")) == {str(forum.public_id)}
    assert ids(get(client, user, url, groupe=str(groupe.public_id))) == {str(du_groupe.public_id)}


def test_upcoming_soonest_first_and_paginated_by_25(client):
    m = monde()
    for jours in range(30, 0, -1):
        RencontreFactory(
            organisatrice=m.organisatrice,
            debut=timezone.now().replace(microsecond=0) + dt.timedelta(days=jours, hours=1),
        )
    premiere = get(client, m.conseiller_orga, f"{API}/rencontres").json()
    seconde = get(client, m.conseiller_orga, f"{API}/rencontres", page=2).json()

    assert (premiere["total"], premiere["page"], premiere["pages"]) == (31, 1, 2)
    assert len(premiere["resultats"]) == 25
    assert len(seconde["resultats"]) == 6
    debuts = [r["debut"] for r in premiere["resultats"] + seconde["resultats"]]
    assert [dt.datetime.fromisoformat(d) for d in debuts] == sorted(
        dt.datetime.fromisoformat(d) for d in debuts
    )


@pytest.mark.parametrize(
    ("param", "valeur"),
    [
        ("periode", "demain"),
        ("type", "apero"),
        ("departement", "999"),
        ("groupe", "pas-un-uuid"),
        ("groupe", str(uuid4())),
    ],
)
def test_a_bad_filter_is_a_422_naming_the_parameter(client, param, valeur):
    m = monde()

    data = corps_422(get(client, m.coordination, f"{API}/rencontres", **{param: valeur}))

    assert [(e["champ"], e["emplacement"], e["type"]) for e in data["erreurs"]] == [
        (param, "query", "metier")
    ]
    assert data["detail"].startswith(f"{param} : ")


def test_a_group_one_does_not_see_is_refused_like_an_unknown_one(client):
    m = monde()
    cache = GroupeTravailFactory(animatrice=StructureFactory(autre_region=True))

    data = corps_422(
        get(client, m.conseiller_invitee, f"{API}/rencontres", groupe=str(cache.public_id))
    )

    assert data["erreurs"][0]["champ"] == "groupe"
    assert data["erreurs"][0]["message"].endswith("inconnu.")
    assert cache.nom not in data["detail"]


def test_a_bad_page_is_a_schema_422(client):
    m = monde()
    data = corps_422(get(client, m.coordination, f"{API}/rencontres", page=0))
    assert data["erreurs"][0]["champ"] == "page"


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("qui", ["coordination", "conseiller_invitee"])
def test_the_list_costs_the_same_queries_with_1_and_10_sessions(
    client, qui, django_assert_num_queries
):
    m = monde()
    groupe = GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee])
    client.force_login(getattr(m, qui))
    url = f"{API}/rencontres"
    # session, user, grants, count, page
    with django_assert_num_queries(5):
        assert len(client.get(url).json()["resultats"]) == 1
    for _ in range(9):
        RencontreFactory(
            organisatrice=m.organisatrice,
            invitees=[m.invitee, StructureFactory()],
            groupe=groupe,
            departement_id="73",
        )
    with django_assert_num_queries(5):
        assert len(client.get(url).json()["resultats"]) == 10


def test_the_group_list_costs_the_same_queries_with_1_and_10_groups(
    client, django_assert_num_queries
):
    m = monde()
    GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee])
    client.force_login(m.coordination)
    url = f"{API}/groupes"
    # session, user, grants, count, page, départements
    with django_assert_num_queries(6):
        assert len(client.get(url).json()["resultats"]) == 1
    for _ in range(9):
        groupe = GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee])
        groupe.departements.set(["73", "74"])
    with django_assert_num_queries(6):
        assert len(client.get(url).json()["resultats"]) == 10


# --- Working groups ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qui", "voit"),
    [
        ("conseiller_orga", True),  # animating structure
        ("conseiller_invitee", True),  # member structure
        ("conseiller_autre", False),
        ("coordination", True),
        ("coordination_autre_region", False),
    ],
)
def test_groups_list_and_detail_follow_the_gateway(client, qui, voit):
    m = monde()
    groupe = GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee])
    user = getattr(m, qui)

    found = ids(get(client, user, f"{API}/groupes"))
    detail = get(client, user, f"{API}/groupes/{groupe.public_id}")

    assert (str(groupe.public_id) in found) is voit
    assert detail.status_code == (200 if voit else 404)
    if not voit:
        assert detail.json() == {"detail": "Groupe de travail introuvable."}


def test_a_group_detail(client):
    m = monde()
    groupe = GroupeTravailFactory(
        animatrice=m.organisatrice, membres=[m.invitee], description="Objet du groupe."
    )
    groupe.departements.set(["73"])
    RencontreFactory(organisatrice=m.organisatrice, groupe=groupe)

    data = get(client, m.conseiller_invitee, f"{API}/groupes/{groupe.public_id}").json()

    assert data["nom"] == groupe.nom
    assert data["theme"] == "ingénierie financière"
    assert data["actif"] is True
    assert data["clos_le"] is None
    assert data["region"] == "84"
    assert data["departements"] == [{"code": "73", "nom": "Savoie"}]
    assert data["animatrice"]["id"] == m.organisatrice.pk
    assert data["membres"] == [
        {"id": m.invitee.pk, "nom": m.invitee.nom, "reseau": m.invitee.reseau}
    ]
    assert data["nb_membres"] == 1
    assert data["nb_rencontres_a_venir"] == 1
    assert data["description"] == "Objet du groupe."
    assert data["url"] == f"/coordination/groupes/{groupe.public_id}/"


# --- OpenAPI ----------------------------------------------------------------------------------


def test_the_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]

    for path in (
        "/api/v1/coordination/rencontres",
        "/api/v1/coordination/rencontres/{public_id}",
        "/api/v1/coordination/groupes",
        "/api/v1/coordination/groupes/{public_id}",
    ):
        assert set(paths[path]) == {"get"}, path
        assert paths[path]["get"]["summary"], path
    liste = paths["/api/v1/coordination/rencontres"]["get"]
    assert {p["name"] for p in liste["parameters"]} == {
        "periode",
        "type",
        "departement",
        "groupe",
        "page",
    }
    assert "422" in liste["responses"]
    composants = schema["components"]["schemas"]
    assert "invitations" in composants["RencontreOut"]["properties"]
