"""Secret calendar links: who makes and revokes them, the link shown once and stored only as a
hash, the feed read without a login (the same events as the logged-in feed, nothing beyond the
structure's sessions), 404 for a revoked, replaced or wrong token, the last use noted."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from aiguillage.coordination import access, services
from aiguillage.coordination.models import LienAgenda
from aiguillage.core.models import AuditEvent
from aiguillage.directory.models import Reseau
from tests.coordination.factories import RencontreFactory, monde
from tests.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db

LIEN = re.compile(r"http://testserver/coordination/abonnements/([A-Za-z0-9_-]+)\.ics")


def agenda(structure) -> str:
    return f"/coordination/agendas/{structure.pk}/"


def creer_par_la_page(client, user, structure):
    client.force_login(user)
    return client.post(f"{agenda(structure)}lien/")


def jeton_de(response) -> str:
    (jeton,) = set(LIEN.findall(unescape(response.content.decode())))
    return jeton


def flux(client, jeton: str):
    return client.get(f"/coordination/abonnements/{jeton}.ics")


def evenements(contenu: bytes) -> dict[str, tuple]:
    calendar = Calendar.from_ical(contenu)
    return {
        str(e["UID"]): (e["SEQUENCE"], str(e["STATUS"]), e.decoded("DTSTART"), str(e["SUMMARY"]))
        for e in calendar.walk("VEVENT")
    }


def uid(rencontre) -> str:
    return f"rencontre-{rencontre.public_id}@aiguillage"


# --- Making a link: who, shown once, stored as a hash -------------------------------------------


def test_a_manager_makes_the_link_it_is_shown_once_and_stored_as_a_hash(client):
    m = monde()

    response = creer_par_la_page(client, m.responsable_invitee, m.invitee)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    jeton = jeton_de(response)
    assert len(jeton) >= 43  # 256 bits
    assert "il ne sera plus affiché" in unescape(response.content.decode())
    lien = LienAgenda.objects.get(structure=m.invitee)
    assert lien.empreinte != jeton
    assert jeton not in lien.empreinte
    assert lien.empreinte == hashlib.sha256(jeton.encode()).hexdigest()
    assert lien.cree_par == m.responsable_invitee
    event = AuditEvent.objects.get(object_type="coordination.lienagenda")
    assert (event.action, event.structure_id, event.actor_id) == (
        "create",
        m.invitee.pk,
        m.responsable_invitee.pk,
    )
    assert jeton not in str(event.details) and lien.empreinte not in str(event.details)
    # Shown once: the page no longer has it, it says the link is live.
    page = unescape(client.get(agenda(m.invitee)).content.decode())
    assert jeton not in page
    assert "Un lien d'abonnement est actif depuis le" in page
    assert "aucun agenda ne l'a encore lu" in page


@pytest.mark.parametrize("qui", ["coordination", "admin"])
def test_the_regions_coordination_and_administrators_make_links_too(client, qui):
    m = monde()
    response = creer_par_la_page(client, getattr(m, qui), m.invitee)
    assert response.status_code == 200
    assert flux(client, jeton_de(response)).status_code == 200


@pytest.mark.parametrize(
    "qui", ["conseiller_invitee", "responsable", "conseiller_autre", "coordination_autre_region"]
)
def test_others_cannot_make_or_revoke_a_structures_link_404(client, qui):
    """A counsellor of the structure reads its calendar but does not manage its link; the
    manager of another structure, the coordination of another région: 404, nothing written."""
    m = monde()
    services.lien_agenda_creer(structure=m.invitee, acting_user=m.responsable_invitee)
    avant = LienAgenda.objects.get(structure=m.invitee).empreinte

    client.force_login(getattr(m, qui))
    assert client.post(f"{agenda(m.invitee)}lien/").status_code == 404
    assert client.post(f"{agenda(m.invitee)}lien/revoquer/").status_code == 404

    assert LienAgenda.objects.get(structure=m.invitee).empreinte == avant
    assert AuditEvent.objects.filter(object_type="coordination.lienagenda").count() == 1


def test_a_counsellor_sees_the_calendar_page_without_the_buttons(client):
    m = monde()
    client.force_login(m.conseiller_invitee)
    response = client.get(agenda(m.invitee))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Créer un lien d'abonnement" not in html
    assert "Le ou la responsable de la structure" in html
    assert f"/coordination/agendas/{m.invitee.pk}.ics" in html

    client.force_login(m.responsable_invitee)
    assert "Créer un lien d'abonnement" in unescape(client.get(agenda(m.invitee)).content.decode())


def test_another_structures_calendar_page_is_404(client):
    m = monde()
    for user in (m.conseiller_autre, m.coordination_autre_region, m.analyste):
        client.force_login(user)
        assert client.get(agenda(m.invitee)).status_code == 404
    assert client.get("/coordination/agendas/999999/").status_code == 404


def test_gateway_for_managing_links():
    m = monde()
    # A counsellor of the structure who manages another one manages this one's link no more.
    ailleurs = MembershipFactory(structure=m.invitee).user
    MembershipFactory(user=ailleurs, structure=m.autre, responsable=True)
    for user in (m.responsable_invitee, m.coordination, m.admin):
        assert access.structure_get_for_abonnement(user=user, structure_id=m.invitee.pk)
    for user in (
        m.conseiller_invitee,
        ailleurs,
        m.responsable,
        m.coordination_autre_region,
        m.analyste,
    ):
        with pytest.raises(access.Http404):
            access.structure_get_for_abonnement(user=user, structure_id=m.invitee.pk)


def test_gateway_for_a_links_sessions_is_what_the_structures_members_see_through_it():
    m = monde()
    organisee = RencontreFactory(organisatrice=m.invitee, invitees=[m.autre])
    RencontreFactory(organisatrice=m.organisatrice, invitees=[m.autre])
    RencontreFactory(organisatrice=m.autre, invitees=[StructureFactory()])

    assert set(access.rencontres_for_structure(structure_id=m.invitee.pk)) == {
        m.rencontre,
        organisee,
    }


# --- The feed through the link ------------------------------------------------------------------


def test_the_link_works_without_login_and_gives_the_logged_in_feeds_events(client):
    m = monde()
    annulee = RencontreFactory(organisatrice=m.organisatrice, invitees=[m.invitee], annulee=True)
    organisee = RencontreFactory(organisatrice=m.invitee, invitees=[m.autre], description="Ordre")
    _lien, jeton = services.lien_agenda_creer(structure=m.invitee, acting_user=m.coordination)
    client.force_login(m.conseiller_invitee)
    connecte = client.get(f"/coordination/agendas/{m.invitee.pk}.ics")
    client.logout()

    response = flux(client, jeton)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert evenements(response.content) == evenements(connecte.content)
    assert set(evenements(response.content)) == {uid(m.rencontre), uid(annulee), uid(organisee)}
    assert "Ordre" in connecte.content.decode()
    assert "Ordre" not in response.content.decode()  # no free text outside the login


def test_a_links_feed_never_shows_a_session_its_structure_is_not_part_of(client):
    m = monde()
    b, c = StructureFactory(), StructureFactory(reseau=Reseau.APEC)
    entre_autres = RencontreFactory(organisatrice=b, invitees=[c, m.autre])
    meme_region = RencontreFactory(organisatrice=m.organisatrice, invitees=[m.autre])
    ailleurs = StructureFactory(autre_region=True)
    hors_region = RencontreFactory(organisatrice=ailleurs, invitees=[m.invitee])
    retiree = RencontreFactory(organisatrice=m.organisatrice, invitees=[m.invitee, c])
    retiree.invitations.filter(structure=m.invitee).delete()
    organisee = RencontreFactory(organisatrice=m.invitee, invitees=[c])
    _lien, jeton = services.lien_agenda_creer(structure=m.invitee, acting_user=m.admin)

    uids = set(evenements(flux(client, jeton).content))

    assert uids == {uid(m.rencontre), uid(hors_region), uid(organisee)}
    for rencontre in (entre_autres, meme_region, retiree):
        assert uid(rencontre) not in uids


def test_replacing_the_link_kills_the_old_one_at_once(client):
    m = monde()
    _lien, ancien = services.lien_agenda_creer(structure=m.invitee, acting_user=m.coordination)
    assert flux(client, ancien).status_code == 200

    response = creer_par_la_page(client, m.responsable_invitee, m.invitee)
    nouveau = jeton_de(response)
    client.logout()

    assert nouveau != ancien
    assert flux(client, ancien).status_code == 404
    assert flux(client, nouveau).status_code == 200
    assert LienAgenda.objects.filter(structure=m.invitee).count() == 1
    assert AuditEvent.objects.filter(object_type="coordination.lienagenda").order_by(
        "pk"
    ).last().details == {"lien_precedent_revoque": True}


def test_a_revoked_link_is_404_at_once_and_the_revocation_is_audited(client):
    m = monde()
    _lien, jeton = services.lien_agenda_creer(structure=m.invitee, acting_user=m.coordination)
    assert flux(client, jeton).status_code == 200

    client.force_login(m.responsable_invitee)
    response = client.post(f"{agenda(m.invitee)}lien/revoquer/")
    client.logout()

    assert response.status_code == 302
    assert flux(client, jeton).status_code == 404
    assert not LienAgenda.objects.filter(structure=m.invitee).exists()
    event = AuditEvent.objects.filter(object_type="coordination.lienagenda").order_by("pk").last()
    assert (event.action, event.actor_id) == ("delete", m.responsable_invitee.pk)


def test_revoking_when_there_is_no_link_is_refused_409(client):
    m = monde()
    client.force_login(m.responsable_invitee)
    response = client.post(f"{agenda(m.invitee)}lien/revoquer/")
    assert response.status_code == 409
    assert "rien à révoquer" in unescape(response.content.decode())


@pytest.mark.parametrize(
    "jeton",
    ["", "x", "a" * 43, "n'importe-quoi", "%2e%2e"],
)
def test_a_wrong_token_is_404(client, jeton):
    m = monde()
    services.lien_agenda_creer(structure=m.invitee, acting_user=m.coordination)
    assert flux(client, jeton).status_code == 404


def test_the_stored_hash_is_not_a_token(client):
    m = monde()
    lien, _jeton = services.lien_agenda_creer(structure=m.invitee, acting_user=m.coordination)
    assert flux(client, lien.empreinte).status_code == 404


def test_each_read_notes_the_last_use_not_the_audit_log(client):
    m = monde()
    lien, jeton = services.lien_agenda_creer(structure=m.invitee, acting_user=m.coordination)
    evenements_audit = AuditEvent.objects.count()
    assert lien.utilise_le is None

    avant = timezone.now()
    for _ in range(3):
        assert flux(client, jeton).status_code == 200

    lien.refresh_from_db()
    assert lien.utilise_le >= avant
    assert AuditEvent.objects.count() == evenements_audit


def test_the_last_use_is_written_at_most_every_few_minutes():
    m = monde()
    lien, _jeton = services.lien_agenda_creer(structure=m.invitee, acting_user=m.coordination)
    t0 = timezone.now()

    assert services.lien_agenda_utilise(lien=lien, maintenant=t0)
    assert not services.lien_agenda_utilise(lien=lien, maintenant=t0 + dt.timedelta(minutes=1))
    lien.refresh_from_db()
    assert lien.utilise_le == t0
    plus_tard = t0 + services.abonnements.PRECISION_UTILISATION
    assert services.lien_agenda_utilise(lien=lien, maintenant=plus_tard)
    lien.refresh_from_db()
    assert lien.utilise_le == plus_tard


# --- The list of calendars --------------------------------------------------------------------


def test_the_calendars_list_per_role(client):
    m = monde()
    vide = StructureFactory(nom="Structure sans rencontre")
    MembershipFactory(structure=vide, user=m.conseiller_invitee)
    services.lien_agenda_creer(structure=m.invitee, acting_user=m.coordination)

    client.force_login(m.conseiller_invitee)
    html = unescape(client.get("/coordination/agendas/").content.decode())
    assert agenda(m.invitee) in html and agenda(vide) in html
    assert agenda(m.organisatrice) not in html
    assert "Actif depuis le" in html

    client.force_login(m.coordination)
    html = unescape(client.get("/coordination/agendas/").content.decode())
    for structure in (m.organisatrice, m.invitee):
        assert agenda(structure) in html
    assert agenda(vide) not in html  # no session, no link: nothing to follow

    client.force_login(m.coordination_autre_region)
    html = unescape(client.get("/coordination/agendas/").content.decode())
    assert agenda(m.invitee) not in html

    client.force_login(m.analyste)
    assert client.get("/coordination/agendas/").status_code == 404


def test_anonymous_cannot_make_or_revoke_a_link(client):
    m = monde()
    for url in (f"{agenda(m.invitee)}lien/", f"{agenda(m.invitee)}lien/revoquer/"):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")
    assert not LienAgenda.objects.exists()


def test_the_calendars_list_costs_the_same_queries_whatever_the_number_of_structures(client):
    m = monde()
    client.force_login(m.coordination)

    def requetes() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/coordination/agendas/").status_code == 200
        return len(ctx.captured_queries)

    avant = requetes()
    for _ in range(6):
        structure = StructureFactory()
        RencontreFactory(organisatrice=structure, invitees=[m.invitee])
        services.lien_agenda_creer(structure=structure, acting_user=m.coordination)
    assert requetes() == avant
