"""The coordination pages through the test client: lists and filters (with a fixed number of
queries), a session's page, plan, change, cancel, attendance, working groups."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from aiguillage.coordination.models import GroupeTravail, Rencontre, StatutRencontre
from aiguillage.core.models import AuditEvent
from aiguillage.directory.models import Reseau
from aiguillage.territories.models import Departement
from tests.coordination.factories import GroupeTravailFactory, RencontreFactory, monde
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db

FORMAT = "%Y-%m-%dT%H:%M"


def body(response) -> str:
    return unescape(response.content.decode())


def page(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def detail(rencontre) -> str:
    return f"/coordination/rencontres/{rencontre.public_id}/"


# --- The list ---------------------------------------------------------------------------------


def test_upcoming_and_past_sessions_for_an_invited_structure(client):
    m = monde()
    passee = RencontreFactory(
        organisatrice=m.organisatrice, invitees=[m.invitee], passee=True, intitule="Bilan"
    )

    a_venir = body(page(client, m.conseiller_invitee, "/coordination/"))
    passees = body(page(client, m.conseiller_invitee, "/coordination/?periode=passees"))

    assert m.rencontre.intitule in a_venir
    assert passee.intitule not in a_venir
    assert passee.intitule in passees
    assert m.rencontre.intitule not in passees
    assert "Présences à saisir" in passees
    assert f"/coordination/agendas/{m.invitee.pk}.ics" in a_venir
    assert f"/coordination/agendas/{m.invitee.pk}/" in a_venir  # its calendar page, to subscribe


def test_filters_kind_departement_group(client):
    m = monde()
    savoie, loire = Departement.objects.get(code="73"), Departement.objects.get(code="42")
    groupe = GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee])
    croisee = RencontreFactory(
        organisatrice=m.organisatrice,
        invitees=[m.invitee],
        type="professionnalisation_croisee",
        intitule="Formation croisée",
        departement=savoie,
    )
    du_groupe = RencontreFactory(
        organisatrice=m.organisatrice,
        invitees=[m.invitee],
        groupe=groupe,
        intitule="Séance du groupe",
        departement=loire,
    )
    client.force_login(m.coordination)

    par_type = body(client.get("/coordination/?type=professionnalisation_croisee"))
    par_dep = body(client.get("/coordination/?departement=42"))
    par_groupe = body(client.get(f"/coordination/?groupe={groupe.public_id}"))
    inconnu = client.get("/coordination/?type=inconnu&departement=999&groupe=x")

    assert croisee.intitule in par_type
    assert du_groupe.intitule not in par_type
    assert m.rencontre.intitule not in par_type
    assert du_groupe.intitule in par_dep
    assert croisee.intitule not in par_dep
    assert du_groupe.intitule in par_groupe
    assert croisee.intitule not in par_groupe
    assert inconnu.status_code == 200  # a filter not offered is ignored
    assert m.rencontre.intitule in body(inconnu)


def test_htmx_gets_the_results_only(client):
    m = monde()
    response = page(client, m.coordination, "/coordination/", HTTP_HX_REQUEST="true")
    assert "<html" not in body(response)
    assert m.rencontre.intitule in body(response)


@pytest.mark.parametrize("qui", ["coordination", "conseiller_invitee"])
def test_the_list_costs_the_same_queries_whatever_the_number_of_sessions(
    client, qui, django_assert_num_queries
):
    m = monde()
    user = getattr(m, qui)
    client.force_login(user)
    # session, user, grants, groups, départements, count, page (+ a member's notifications)
    expected = 7 if qui == "coordination" else 8
    with django_assert_num_queries(expected):
        assert client.get("/coordination/").status_code == 200
    for _ in range(12):
        RencontreFactory(organisatrice=m.organisatrice, invitees=[m.invitee, StructureFactory()])
    GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee])
    with django_assert_num_queries(expected):
        response = client.get("/coordination/")
    assert body(response).count("/coordination/rencontres/") >= 13


# --- One session ------------------------------------------------------------------------------


def test_session_page_for_an_invited_counsellor_has_no_management(client):
    m = monde()
    html = body(page(client, m.conseiller_invitee, detail(m.rencontre)))
    assert m.rencontre.intitule in html
    assert m.invitee.nom in html
    assert "rencontre.ics" in html
    assert "Gérer la rencontre" not in html


def test_session_page_for_its_manager(client):
    m = monde()
    html = body(page(client, m.responsable, detail(m.rencontre)))
    assert "Gérer la rencontre" in html
    assert "Modifier" in html
    assert "Annuler la rencontre" in html
    assert "Saisir les présences" not in html  # not started yet


def test_demo_sessions_are_labelled(client):
    m = monde()
    m.organisatrice.est_demo = True
    m.organisatrice.save()
    fiche = body(page(client, m.conseiller_invitee, detail(m.rencontre)))
    assert "Données de démonstration" in fiche
    assert "Démonstration" in body(page(client, m.conseiller_invitee, "/coordination/"))


# --- Plan, change, cancel ---------------------------------------------------------------------


def form_data(m, **changes):
    debut = timezone.localtime(timezone.now() + dt.timedelta(days=10)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    data = {
        "type": "professionnalisation_croisee",
        "intitule": "L'offre de Cap emploi",
        "organisatrice": str(m.organisatrice.pk),
        "departement": "73",
        "debut": debut.strftime(FORMAT),
        "fin": (debut + dt.timedelta(hours=2)).strftime(FORMAT),
        "lieu": "Chambéry",
        "invitees": [str(m.invitee.pk), str(m.autre.pk)],
    }
    data.update(changes)
    return data


def test_a_manager_plans_a_session(client):
    m = monde()
    client.force_login(m.responsable)
    assert client.get("/coordination/rencontres/nouvelle/").status_code == 200

    response = client.post("/coordination/rencontres/nouvelle/", form_data(m))

    rencontre = Rencontre.objects.get(intitule="L'offre de Cap emploi")
    assert response.status_code == 302
    assert response["Location"] == detail(rencontre)
    assert set(rencontre.invitations.values_list("structure_id", flat=True)) == {
        m.invitee.pk,
        m.autre.pk,
    }
    assert timezone.localtime(rencontre.debut).hour == 9  # typed in Europe/Paris
    assert rencontre.departement_id == "73"
    client.force_login(m.conseiller_autre)  # now invited: sees it
    assert client.get(detail(rencontre)).status_code == 200


def test_the_form_shows_the_services_errors_on_their_fields(client):
    m = monde()
    client.force_login(m.responsable)
    data = form_data(m, invitees=[], lieu="")
    data["fin"] = data["debut"]

    response = client.post("/coordination/rencontres/nouvelle/", data)

    html = body(response)
    assert response.status_code == 400
    assert "La fin doit être après le début." in html
    assert "Invitez au moins une structure, autre que l'organisatrice." in html
    assert "Indiquez un lieu, ou cochez « à distance »." in html
    assert 'id="id_fin_error"' in html
    assert Rencontre.objects.count() == 1


def test_a_manager_cannot_organise_for_another_structure_by_posting_its_id(client):
    m = monde()
    client.force_login(m.responsable)
    response = client.post(
        "/coordination/rencontres/nouvelle/", form_data(m, organisatrice=str(m.autre.pk))
    )
    assert response.status_code == 400
    assert Rencontre.objects.count() == 1


def test_plan_from_a_group_invites_its_members(client):
    m = monde()
    groupe = GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee, m.autre])
    client.force_login(m.responsable)
    creation = client.get(f"/coordination/rencontres/nouvelle/?groupe={groupe.public_id}")
    assert creation.status_code == 200
    assert re.search(r'<input[^>]*name="inviter_membres_groupe"[^>]*checked', body(creation))

    data = form_data(m, invitees=[], groupe=str(groupe.public_id), inviter_membres_groupe="on")
    response = client.post("/coordination/rencontres/nouvelle/", data)

    assert response.status_code == 302
    rencontre = Rencontre.objects.get(groupe=groupe)
    assert set(rencontre.invitations.values_list("structure_id", flat=True)) == {
        m.invitee.pk,
        m.autre.pk,
    }


def test_change_a_session(client):
    m = monde()
    client.force_login(m.coordination)
    url = f"{detail(m.rencontre)}modifier/"
    assert m.rencontre.intitule in body(client.get(url))

    response = client.post(url, form_data(m, intitule="Réunion avancée"))

    assert response.status_code == 302
    m.rencontre.refresh_from_db()
    assert m.rencontre.intitule == "Réunion avancée"
    assert m.rencontre.sequence == 1


def test_a_counsellor_of_the_organiser_cannot_change_it(client):
    m = monde()
    client.force_login(m.conseiller_orga)
    assert client.get(f"{detail(m.rencontre)}modifier/").status_code == 404
    assert client.post(f"{detail(m.rencontre)}modifier/", form_data(m)).status_code == 404


def test_cancel_needs_confirmation_then_is_final(client):
    m = monde()
    client.force_login(m.responsable)
    url = f"{detail(m.rencontre)}annuler/"

    refused = client.post(url, {"motif": "Salle indisponible"})
    assert refused.status_code == 400
    assert "Cochez la case pour confirmer l'annulation." in body(refused)

    done = client.post(url, {"motif": "Salle indisponible", "confirmation": "on"})
    assert done.status_code == 302
    m.rencontre.refresh_from_db()
    assert m.rencontre.statut == StatutRencontre.ANNULEE
    html = body(client.get(detail(m.rencontre)))
    assert "Salle indisponible" in html
    assert "Annuler la rencontre" not in html

    again = client.post(url, {"confirmation": "on"})
    assert again.status_code == 409
    assert "déjà annulée" in body(again)
    edit = client.get(f"{detail(m.rencontre)}modifier/")
    assert edit.status_code == 302


# --- Attendance -------------------------------------------------------------------------------


def test_attendance_page_before_the_session_refuses(client):
    m = monde()
    client.force_login(m.responsable)
    url = f"{detail(m.rencontre)}presences/"
    assert "n'a pas encore eu lieu" in body(client.get(url))

    response = client.post(url, {f"presence_{m.invitee.pk}": "presente"})

    assert response.status_code == 400
    assert "n'a pas encore eu lieu" in body(response)
    m.rencontre.refresh_from_db()
    assert m.rencontre.statut == StatutRencontre.PREVUE


def test_attendance_after_the_session(client):
    m = monde(passee=True)
    client.force_login(m.responsable)
    url = f"{detail(m.rencontre)}presences/"
    assert "Saisir les présences" in body(client.get(detail(m.rencontre)))

    missing = client.post(url, {})
    assert missing.status_code == 400
    assert f"Indiquez si {m.invitee.nom} était présente ou absente." in body(missing)

    response = client.post(
        url, {f"presence_{m.invitee.pk}": "presente", f"nombre_{m.invitee.pk}": "3"}
    )

    assert response.status_code == 302
    m.rencontre.refresh_from_db()
    assert m.rencontre.statut == StatutRencontre.TENUE
    html = body(client.get(detail(m.rencontre)))
    assert "1 structure présente sur 1" in html
    assert "Corriger les présences" in html


def test_an_invited_structure_does_not_record_attendance(client):
    m = monde(passee=True)
    client.force_login(m.responsable_invitee)
    url = f"{detail(m.rencontre)}presences/"
    assert client.post(url, {f"presence_{m.invitee.pk}": "presente"}).status_code == 404
    assert not AuditEvent.objects.filter(object_type="coordination.rencontre").exists()


# --- Working groups ---------------------------------------------------------------------------


def test_groups_list_and_page_with_its_sessions(client):
    m = monde()
    groupe = GroupeTravailFactory(
        animatrice=m.organisatrice, membres=[m.invitee], nom="Ingénierie financière 73"
    )
    RencontreFactory(
        organisatrice=m.organisatrice, invitees=[m.invitee], groupe=groupe, intitule="Séance 1"
    )
    RencontreFactory(
        organisatrice=m.organisatrice,
        invitees=[m.invitee],
        groupe=groupe,
        intitule="Séance 0",
        tenue=True,
    )
    client.force_login(m.conseiller_invitee)

    liste = body(client.get("/coordination/groupes/"))
    fiche = body(client.get(f"/coordination/groupes/{groupe.public_id}/"))

    assert "Ingénierie financière 73" in liste
    assert "Séance 1" in fiche
    assert "Séance 0" in fiche
    assert "1 structure présente" in fiche
    assert "Gérer le groupe" not in fiche
    client.force_login(m.conseiller_autre)
    assert client.get(f"/coordination/groupes/{groupe.public_id}/").status_code == 404
    assert "Ingénierie financière 73" not in body(client.get("/coordination/groupes/"))


def test_coordination_creates_changes_and_closes_a_group(client):
    m = monde()
    client.force_login(m.coordination)
    region = m.coordination.memberships.get().structure
    assert client.get("/coordination/groupes/nouveau/").status_code == 200

    refused = client.post("/coordination/groupes/nouveau/", {"nom": "Saisonniers"})
    assert refused.status_code == 400
    assert "Indiquez le thème du groupe" in body(refused)

    response = client.post(
        "/coordination/groupes/nouveau/",
        {
            "nom": "Saisonniers",
            "theme": "saisonniers",
            "animatrice": str(region.pk),
            "departements": ["73"],
            "membres": [str(m.invitee.pk), str(m.autre.pk)],
        },
    )
    groupe = GroupeTravail.objects.get(nom="Saisonniers")
    assert response.status_code == 302
    assert list(groupe.departements.values_list("code", flat=True)) == ["73"]

    url = f"/coordination/groupes/{groupe.public_id}/"
    changed = client.post(
        f"{url}modifier/",
        {
            "nom": "Saisonniers de Tarentaise",
            "theme": "saisonniers",
            "animatrice": str(region.pk),
            "membres": [str(m.invitee.pk)],
        },
    )
    assert changed.status_code == 302
    groupe.refresh_from_db()
    assert groupe.nom == "Saisonniers de Tarentaise"
    assert client.post(f"{url}clore/").status_code == 302
    groupe.refresh_from_db()
    assert groupe.clos_le is not None
    assert "Rouvrir le groupe" in body(client.get(url))


def test_a_group_with_planned_sessions_cannot_be_closed(client):
    m = monde()
    groupe = GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee])
    RencontreFactory(organisatrice=m.organisatrice, invitees=[m.invitee], groupe=groupe)
    client.force_login(m.responsable)

    response = client.post(f"/coordination/groupes/{groupe.public_id}/clore/")

    assert response.status_code == 409
    assert "encore 1 rencontre à venir" in body(response)


def test_pages_render_for_every_role_that_has_them(client):
    m = monde()
    GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee])
    for user in (m.responsable, m.conseiller_invitee, m.coordination, m.admin):
        client.force_login(user)
        for url in ("/coordination/", "/coordination/?periode=passees", "/coordination/groupes/"):
            assert client.get(url).status_code == 200, (user, url)
    client.force_login(m.coordination)
    assert client.get("/coordination/groupes/nouveau/").status_code == 200
    assert StructureFactory(reseau=Reseau.APEC).nom in body(
        client.get("/coordination/rencontres/nouvelle/")
    )


def test_changing_a_session_keeps_an_organiser_and_guests_outside_the_users_choices(client):
    """An administrator planned it for a national structure, inviting another région's: the
    coordination of the région changes the title without losing either."""
    m = monde()
    groupe = GroupeTravailFactory(animatrice=m.organisatrice, membres=[m.invitee])
    nationale = StructureFactory(reseau=Reseau.APEC, nationale=True)
    ailleurs = StructureFactory(autre_region=True)
    rencontre = RencontreFactory(
        organisatrice=nationale, region=groupe.region, groupe=groupe, invitees=[ailleurs]
    )
    client.force_login(m.coordination)
    data = form_data(
        m,
        organisatrice=str(nationale.pk),
        invitees=[str(ailleurs.pk)],
        groupe=str(groupe.public_id),
        intitule="Nouvel intitulé",
    )

    response = client.post(f"{detail(rencontre)}modifier/", data)

    assert response.status_code == 302, body(response)
    rencontre.refresh_from_db()
    assert rencontre.intitule == "Nouvel intitulé"
    assert rencontre.organisatrice == nationale
    assert list(rencontre.invitations.values_list("structure_id", flat=True)) == [ailleurs.pk]
