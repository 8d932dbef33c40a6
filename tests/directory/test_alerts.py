"""Saved searches' alerts: only the new services the search page would show, at the chosen pace."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from aiguillage.core.models import AuditEvent
from aiguillage.directory import alerts
from aiguillage.directory.alerts import saved_search_alerts_send
from aiguillage.directory.models import Capacite, RechercheSauvegardee, Service, ServiceThematique
from aiguillage.directory.selectors import (
    saved_search_new_services,
    search_arguments,
    site_search,
)
from tests.directory.factories import RechercheSauvegardeeFactory
from tests.factories import ServiceFactory, StructureFactory, UserFactory, site_serving

pytestmark = pytest.mark.django_db

CHAMBERY, SAINT_ETIENNE = "73065", "42218"


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def published(site, *, at=None, nom=None, thematique=None) -> Service:
    """A service of ``site``, published now or at ``at`` (``None`` stays "now")."""
    service = ServiceFactory(site=site, **({"nom": nom} if nom else {}))
    if thematique:
        ServiceThematique.objects.create(service=service, thematique=thematique)
    if at is not None:
        Service.objects.filter(pk=service.pk).update(cree_le=at)
    return service


def saved(*, created=None, last=None, **kwargs) -> RechercheSauvegardee:
    """A saved search created at ``created`` (default: 8 days ago), last alerted at ``last``."""
    recherche = RechercheSauvegardeeFactory(**kwargs)
    RechercheSauvegardee.objects.filter(pk=recherche.pk).update(
        cree_le=created or ago(days=8), alerte_envoyee_le=last
    )
    recherche.refresh_from_db()
    return recherche


def test_the_alert_lists_only_the_new_services_matching_the_search(settings):
    settings.AIGUILLAGE_URL_PUBLIQUE = "https://aiguillage.region.example/"
    ici = site_serving(commune=CHAMBERY, nom="Mission locale de Chambéry (test)")
    published(ici, at=ago(days=20), nom="Ancien service")
    published(ici, nom="Atelier CV")
    legacy = published(ici, nom="Service sans date de publication")
    Service.objects.filter(pk=legacy.pk).update(cree_le=None)  # older than the field
    published(site_serving(commune=SAINT_ETIENNE), nom="Service d'une autre commune")
    published(site_serving(commune=CHAMBERY, public="cadres"), nom="Service pour les cadres")
    recherche = saved(nom="Jeunes à Chambéry", hebdomadaire=True)

    report = saved_search_alerts_send()

    assert (report.envoyees, report.services, report.sans_nouveaute) == (1, 1, 0)
    (message,) = mail.outbox
    assert message.to == [recherche.proprietaire.email]
    assert message.subject == "[Aiguillage] Annuaire : 1 nouveau service pour « Jeunes à Chambéry »"
    body = message.body
    since = timezone.localtime(recherche.cree_le)  # no alert yet: since the search was saved
    assert (
        f"Depuis le {since:%d/%m/%Y}, un nouveau service publié dans l'annuaire correspond à "
        "votre recherche sauvegardée « Jeunes à Chambéry »." in body
    )
    assert "Critères : Chambéry (73065) · Public : Jeunes." in body
    assert "- Atelier CV — Mission locale de Chambéry (test) (Mission locale), Chambéry" in body
    assert f"https://aiguillage.region.example/annuaire/sites/{ici.pk}/" in body
    for absent in ("Ancien service", "sans date", "autre commune", "pour les cadres"):
        assert absent not in body
    # A link back to the search, and one to change or stop the alert.
    assert (
        "https://aiguillage.region.example/annuaire/?commune=Chamb%C3%A9ry&code=73065&public=jeunes"
        in body
    )
    assert "alerte (chaque semaine)" in body
    assert "https://aiguillage.region.example/annuaire/recherches/\n" in body
    recherche.refresh_from_db()
    assert timezone.now() - recherche.alerte_envoyee_le < timedelta(minutes=1)


def test_the_next_alert_starts_where_the_last_one_ended():
    site = site_serving(commune=CHAMBERY)
    published(site, at=ago(days=3), nom="Déjà signalé")
    published(site, at=ago(hours=2), nom="Nouveau depuis")
    saved(last=ago(days=2), quotidienne=True)
    saved_search_alerts_send()
    (message,) = mail.outbox
    assert "Nouveau depuis" in message.body
    assert "Déjà signalé" not in message.body


def test_nothing_is_sent_nor_written_when_nothing_is_new():
    published(site_serving(commune=CHAMBERY), at=ago(days=20))
    recherche = saved(quotidienne=True)
    report = saved_search_alerts_send()
    assert mail.outbox == []
    assert (report.envoyees, report.sans_nouveaute) == (0, 1)
    recherche.refresh_from_db()
    assert recherche.alerte_envoyee_le is None
    assert not AuditEvent.objects.filter(object_type="directory.recherchesauvegardee").exists()


def test_a_thematique_search_announces_only_services_of_that_thematique():
    site = site_serving(commune=CHAMBERY)
    published(site, at=ago(days=30), thematique="cep--reconversion")  # the site matches…
    published(site, nom="Autre thématique", thematique="numerique--acquerir-un-equipement")
    published(site, nom="Reconversion, nouveau", thematique="cep--reconversion")
    saved(criteres={"code": CHAMBERY, "thematique": "cep--reconversion"}, quotidienne=True)
    saved_search_alerts_send()
    (message,) = mail.outbox
    assert "Reconversion, nouveau" in message.body
    assert "Autre thématique" not in message.body


@pytest.mark.parametrize(
    "criteres",
    [
        {"code": CHAMBERY},
        {"code": CHAMBERY, "reseau": "france_travail"},
        {"code": CHAMBERY, "accueille": True},
        {"code": CHAMBERY, "public": "jeunes", "accueille": True},
        {"code": SAINT_ETIENNE},
    ],
)
def test_the_alert_filters_sites_exactly_as_the_search_page(criteres):
    sites = [
        site_serving(commune=CHAMBERY, structure=StructureFactory(reseau="mission_locale")),
        site_serving(commune=CHAMBERY, structure=StructureFactory(reseau="france_travail")),
        site_serving(commune=CHAMBERY, capacite=Capacite.COMPLET),
        site_serving(commune=CHAMBERY, public="jeunes"),
        site_serving(commune=CHAMBERY, public="cadres"),
        site_serving(commune=SAINT_ETIENNE, niveau="region", code="84"),
    ]
    for site in sites:
        published(site)
    page = site_search(**search_arguments(criteres), per_page=50)
    new = saved_search_new_services(criteres=criteres, after=ago(days=1), until=timezone.now())
    assert page.results
    assert {s.site_id for s in new} == {r.site.pk for r in page.results}


def test_the_frequency_is_respected_by_date():
    weekly = saved(last=ago(days=3), hebdomadaire=True)
    daily = saved(last=timezone.now(), quotidienne=True)  # already alerted today
    saved(last=ago(days=30))  # no alert asked: never sent
    fresh_weekly = saved(created=ago(minutes=1), hebdomadaire=True)  # saved today
    published(site_serving(commune=CHAMBERY))  # new for all of them
    today = timezone.localdate()

    assert saved_search_alerts_send().envoyees == 0
    assert mail.outbox == []
    # The next day, the daily alert; four days later, the weekly one alerted three days ago; a
    # week later, the weekly one saved today (the others have nothing new by then).
    assert saved_search_alerts_send(aujourd_hui=today + timedelta(days=1)).actions == [
        (daily.pk, 1)
    ]
    assert saved_search_alerts_send(aujourd_hui=today + timedelta(days=4)).actions == [
        (weekly.pk, 1)
    ]
    assert saved_search_alerts_send(aujourd_hui=today + timedelta(days=7)).actions == [
        (fresh_weekly.pk, 1)
    ]
    assert len(mail.outbox) == 3


def test_a_second_run_on_the_same_day_sends_nothing():
    published(site_serving(commune=CHAMBERY))
    saved(quotidienne=True)
    assert saved_search_alerts_send().envoyees == 1
    assert saved_search_alerts_send().envoyees == 0
    assert len(mail.outbox) == 1


def test_inactive_users_get_no_alert():
    published(site_serving(commune=CHAMBERY))
    saved(quotidienne=True, proprietaire=UserFactory(is_active=False))
    assert saved_search_alerts_send().envoyees == 0
    assert mail.outbox == []


def test_a_long_list_is_cut_and_the_rest_counted(monkeypatch):
    monkeypatch.setattr(alerts, "ALERT_SERVICES_MAX", 2)
    site = site_serving(commune=CHAMBERY)
    for nom in ("Service A", "Service B", "Service C"):
        published(site, nom=nom)
    saved(nom="Tout", quotidienne=True)
    saved_search_alerts_send()
    (message,) = mail.outbox
    assert message.subject.endswith("3 nouveaux services pour « Tout »")
    assert "Service A" in message.body and "Service B" in message.body
    assert "Service C" not in message.body
    assert "… et 1 autre : relancez la recherche pour les voir." in message.body


def test_the_command_sends_and_records_the_run(capsys):
    published(site_serving(commune=CHAMBERY))
    recherche = saved(hebdomadaire=True)
    call_command("annuaire", "alerter")
    out = capsys.readouterr().out
    assert "1 alerte(s) envoyée(s) (1 nouveau(x) service(s))" in out
    assert len(mail.outbox) == 1
    event = AuditEvent.objects.get(object_type="directory.recherchesauvegardee")
    assert event.details["envoyees"] == 1
    recherche.refresh_from_db()
    assert recherche.alerte_envoyee_le is not None


def test_dry_run_says_what_would_be_sent_and_writes_nothing(capsys):
    published(site_serving(commune=CHAMBERY))
    recherche = saved(hebdomadaire=True)
    call_command("annuaire", "alerter", "--dry-run")
    out = capsys.readouterr().out
    assert f"recherche sauvegardée {recherche.pk} : 1 nouveau(x) service(s)" in out
    assert "Simulation — " in out and "1 alerte(s) à envoyer" in out
    assert mail.outbox == []
    recherche.refresh_from_db()
    assert recherche.alerte_envoyee_le is None
    assert not AuditEvent.objects.filter(object_type="directory.recherchesauvegardee").exists()


def test_the_command_refuses_a_malformed_date():
    with pytest.raises(CommandError, match="n'est pas une date au format AAAA-MM-JJ"):
        call_command("annuaire", "alerter", "--date", "2026-13-01")
