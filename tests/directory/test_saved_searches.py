"""Saved searches: save from the search page, list, re-run, change, delete; only one's own."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aiguillage.core.models import AuditEvent
from aiguillage.directory.models import FrequenceAlerte, RechercheSauvegardee
from aiguillage.directory.selectors import search_criteria_validate
from aiguillage.directory.services import SAVED_SEARCHES_MAX, saved_search_create
from tests.directory.factories import RechercheSauvegardeeFactory
from tests.factories import MembershipFactory, site_serving

pytestmark = pytest.mark.django_db

LIST_URL = "/annuaire/recherches/"
CREATE_URL = "/annuaire/recherches/ajouter/"
CHAMBERY_JEUNES = {"code": "73065", "public": "jeunes", "accueille": "on"}


@pytest.fixture
def counsellor():
    return MembershipFactory().user


@pytest.fixture
def logged(client, counsellor):
    client.force_login(counsellor)
    return client


def saved_search_of(user, **kwargs) -> RechercheSauvegardee:
    return RechercheSauvegardeeFactory(proprietaire=user, **kwargs)


# --- Saving -----------------------------------------------------------------------------------


def test_results_offer_to_save_the_search_to_logged_in_users_only(client, counsellor):
    site_serving(commune="73065", nom="Mission locale de test")
    params = {"commune": "chambery", "public": "jeunes"}
    assert "Sauvegarder cette recherche" not in client.get("/annuaire/", params).content.decode()
    assert "Mes recherches sauvegardées" not in client.get("/annuaire/").content.decode()
    client.force_login(counsellor)
    body = client.get("/annuaire/", params).content.decode()
    # The typed commune is saved as the code the page resolved it to.
    assert f'href="{CREATE_URL}?code=73065&amp;public=jeunes"' in body
    assert f'href="{LIST_URL}"' in body
    partial = client.get("/annuaire/", params, HTTP_HX_REQUEST="true").content.decode()
    assert "Sauvegarder cette recherche" in partial  # the htmx results carry it too


def test_saving_a_search_keeps_its_criteria_a_name_and_an_alert(logged, counsellor):
    page = logged.get(CREATE_URL, CHAMBERY_JEUNES)
    body = page.content.decode()
    assert page.status_code == 200
    assert "<li>Chambéry (73065)</li>" in body
    assert "<li>Public : Jeunes</li>" in body
    assert "<li>Accueille de nouvelles personnes</li>" in body
    assert 'value="Chambéry (73065) — Public : Jeunes — Accueille' in body  # proposed name
    assert '<label class="form-label" for="id_nom">Nom de la recherche' in body
    assert '<legend class="form-label fs-6 mb-1">Alerte par courriel' in body
    response = logged.post(
        CREATE_URL, {**CHAMBERY_JEUNES, "nom": "  Jeunes à Chambéry ", "frequence": "hebdomadaire"}
    )
    assert response.status_code == 302
    assert response.url == LIST_URL
    recherche = RechercheSauvegardee.objects.get()
    assert recherche.proprietaire == counsellor
    assert recherche.nom == "Jeunes à Chambéry"
    assert recherche.criteres == {"code": "73065", "public": "jeunes", "accueille": True}
    assert recherche.frequence == FrequenceAlerte.HEBDOMADAIRE
    assert recherche.alerte_envoyee_le is None
    assert AuditEvent.objects.filter(
        action="create", object_type="directory.recherchesauvegardee", actor_id=counsellor.pk
    ).exists()
    assert "La recherche « Jeunes à Chambéry » est sauvegardée." in (
        logged.get(LIST_URL).content.decode()
    )


def test_a_missing_name_is_reported_and_linked_to_its_field(logged):
    response = logged.post(CREATE_URL, {**CHAMBERY_JEUNES, "nom": "", "frequence": "aucune"})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_nom">Nom de la recherche</a> : Donnez un nom à cette recherche.' in body
    assert 'aria-describedby="id_nom_helptext id_nom_error"' in body
    assert not RechercheSauvegardee.objects.exists()


def test_an_unknown_frequency_is_reported_on_its_fieldset(logged):
    response = logged.post(CREATE_URL, {**CHAMBERY_JEUNES, "nom": "Ma recherche", "frequence": "x"})
    body = response.content.decode()
    assert '<a href="#id_frequence_0">Alerte par courriel</a> : Choisissez l' in body
    assert not RechercheSauvegardee.objects.exists()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Choisissez une commune : une recherche sauvegardée porte sur une commune."),
        ({"code": "99999"}, "Commune « 99999 » inconnue."),
        ({"code": "73065", "public": "zzz"}, "Public : valeur « zzz » inconnue."),
        ({"code": "73065", "reseau": "pole_emploi"}, "Réseau : valeur « pole_emploi » inconnue."),
        ({"code": "73065", "thematique": "x"}, "Thématique : valeur « x » inconnue."),
    ],
)
def test_criteria_the_page_cannot_have_sent_are_refused_in_french(logged, params, message):
    page = logged.get(CREATE_URL, params).content.decode()
    assert "Cette recherche ne peut pas être sauvegardée" in page
    assert message in page
    assert 'name="nom"' not in page  # no form to fill for a search that cannot be saved
    response = logged.post(CREATE_URL, {**params, "nom": "Essai", "frequence": "aucune"})
    assert message in response.content.decode()
    assert not RechercheSauvegardee.objects.exists()


def test_criteria_are_validated_by_the_service_too(counsellor):
    with pytest.raises(ValidationError) as exc:
        saved_search_create(
            owner=counsellor, nom="Essai", criteres={"code": "73065", "rayon": 10, "accueille": 1}
        )
    assert exc.value.message_dict["criteres"] == [
        "Critère de recherche « rayon » inconnu.",
        "« Accueille de nouvelles personnes » vaut vrai ou faux.",
    ]
    assert search_criteria_validate({"code": "73065", "public": "", "accueille": False}) == {
        "code": "73065"
    }
    assert not RechercheSauvegardee.objects.exists()


def test_two_searches_of_a_user_cannot_share_a_name_whatever_the_case(logged, counsellor):
    saved_search_of(counsellor, nom="Jeunes à Chambéry")
    saved_search_of(MembershipFactory().user, nom="Cadres")  # another user's name is free
    response = logged.post(
        CREATE_URL, {**CHAMBERY_JEUNES, "nom": "JEUNES À CHAMBÉRY", "frequence": "aucune"}
    )
    assert "Vous avez déjà une recherche nommée « JEUNES À CHAMBÉRY »" in response.content.decode()
    ok = logged.post(CREATE_URL, {**CHAMBERY_JEUNES, "nom": "Cadres", "frequence": "aucune"})
    assert ok.status_code == 302
    assert counsellor.recherches_sauvegardees.count() == 2


def test_a_user_keeps_at_most_the_maximum_number_of_searches(logged, counsellor):
    RechercheSauvegardeeFactory.create_batch(SAVED_SEARCHES_MAX - 1, proprietaire=counsellor)
    saved_search_of(MembershipFactory().user)  # other users' searches do not count
    ok = logged.post(CREATE_URL, {**CHAMBERY_JEUNES, "nom": "La dernière", "frequence": "aucune"})
    assert ok.status_code == 302
    limit = f"Vous avez déjà {SAVED_SEARCHES_MAX} recherches sauvegardées, le maximum"
    assert limit in logged.get(CREATE_URL, CHAMBERY_JEUNES).content.decode()  # said up front
    response = logged.post(CREATE_URL, {**CHAMBERY_JEUNES, "nom": "De trop", "frequence": "aucune"})
    assert response.status_code == 200
    assert limit in response.content.decode()
    assert counsellor.recherches_sauvegardees.count() == SAVED_SEARCHES_MAX


# --- Listing, re-running, changing, deleting ---------------------------------------------------


def test_the_list_shows_the_users_searches_with_their_criteria_and_alert(logged, counsellor):
    saved_search_of(
        counsellor,
        nom="Reconversion",
        criteres={"code": "42218", "reseau": "france_travail", "thematique": "cep--reconversion"},
        hebdomadaire=True,
    )
    saved_search_of(MembershipFactory().user, nom="Celle d'une collègue")
    body = logged.get(LIST_URL).content.decode()
    assert "Reconversion" in body
    assert "<li>Saint-Étienne (42218)</li>" in body
    assert "<li>Réseau : France Travail</li>" in body
    assert "Chaque semaine" in body
    assert "Celle d'une collègue" not in body
    assert "1 recherche sur 20 au plus." in body


def test_the_list_says_how_to_save_a_first_search(logged):
    body = logged.get(LIST_URL).content.decode()
    assert "Vous n'avez pas encore de recherche sauvegardée." in body


@pytest.mark.parametrize("n", [1, 15])
def test_the_list_costs_the_same_queries_whatever_the_number_of_searches(
    logged, counsellor, n, django_assert_num_queries
):
    for i in range(n):
        commune = ("73065", "42218", "73011")[i % 3]
        saved_search_of(counsellor, criteres={"code": commune, "public": "jeunes"})
    # session, user, the menu's memberships (2), the searches, their communes' names.
    with django_assert_num_queries(6):
        response = logged.get(LIST_URL)
    assert response.content.decode().count('<th scope="row">') == n


def test_running_a_saved_search_again_shows_its_results(logged, counsellor):
    site_serving(commune="73065", nom="Mission locale de test", public="jeunes")
    site_serving(commune="73065", nom="Apec de test", public="cadres")
    recherche = saved_search_of(counsellor)
    response = logged.get(reverse("directory:saved_search_run", args=[recherche.pk]))
    assert response.status_code == 302
    url = urlsplit(response.url)
    assert url.path == "/annuaire/"
    assert parse_qs(url.query) == {"commune": ["Chambéry"], "code": ["73065"], "public": ["jeunes"]}
    body = logged.get(response.url).content.decode()
    assert "pour Chambéry (73065)" in body
    assert "Mission locale de test" in body
    assert "Apec de test" not in body  # the public criterion applies
    assert 'value="Chambéry"' in body  # the commune is back in its field


def test_renaming_and_changing_the_alert(logged, counsellor):
    recherche = saved_search_of(counsellor, nom="Ancien nom")
    url = reverse("directory:saved_search_edit", args=[recherche.pk])
    page = logged.get(url).content.decode()
    assert 'value="Ancien nom"' in page
    assert "<li>Public : Jeunes</li>" in page
    response = logged.post(url, {"nom": "Nouveau nom", "frequence": "quotidienne"})
    assert response.status_code == 302
    recherche.refresh_from_db()
    assert (recherche.nom, recherche.frequence) == ("Nouveau nom", FrequenceAlerte.QUOTIDIENNE)
    assert recherche.criteres == {"code": "73065", "public": "jeunes"}  # untouched
    assert AuditEvent.objects.filter(
        action="update", object_type="directory.recherchesauvegardee", object_id=str(recherche.pk)
    ).exists()
    # Turning the alert off.
    logged.post(url, {"nom": "Nouveau nom", "frequence": "aucune"})
    recherche.refresh_from_db()
    assert recherche.frequence == FrequenceAlerte.AUCUNE


def test_renaming_to_another_searchs_name_is_refused(logged, counsellor):
    saved_search_of(counsellor, nom="Première")
    recherche = saved_search_of(counsellor, nom="Seconde")
    url = reverse("directory:saved_search_edit", args=[recherche.pk])
    response = logged.post(url, {"nom": "première", "frequence": "aucune"})
    assert "Vous avez déjà une recherche nommée « première »" in response.content.decode()
    assert logged.post(url, {"nom": "SECONDE", "frequence": "aucune"}).status_code == 302  # itself


def test_deleting_a_saved_search(logged, counsellor):
    recherche = saved_search_of(counsellor, nom="À supprimer")
    url = reverse("directory:saved_search_delete", args=[recherche.pk])
    assert logged.get(url).status_code == 405  # a link cannot delete
    response = logged.post(url, follow=True)
    assert "La recherche « À supprimer » est supprimée." in response.content.decode()
    assert not RechercheSauvegardee.objects.exists()
    assert AuditEvent.objects.filter(
        action="delete", object_type="directory.recherchesauvegardee"
    ).exists()


# --- Only one's own ---------------------------------------------------------------------------


def test_another_users_saved_search_is_not_found(logged):
    colleague = MembershipFactory().user
    recherche = saved_search_of(colleague, nom="La sienne", hebdomadaire=True)
    run = reverse("directory:saved_search_run", args=[recherche.pk])
    edit = reverse("directory:saved_search_edit", args=[recherche.pk])
    delete = reverse("directory:saved_search_delete", args=[recherche.pk])
    assert logged.get(run).status_code == 404
    assert logged.get(edit).status_code == 404
    assert logged.post(edit, {"nom": "Piratée", "frequence": "aucune"}).status_code == 404
    assert logged.post(delete).status_code == 404
    recherche.refresh_from_db()
    assert (recherche.nom, recherche.frequence) == ("La sienne", FrequenceAlerte.HEBDOMADAIRE)
    # The same answer as for a search that does not exist: nothing tells them apart.
    assert logged.get(reverse("directory:saved_search_run", args=[999999])).status_code == 404
    # The owner still reaches it.
    logged.force_login(colleague)
    assert logged.get(edit).status_code == 200


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "saved_searches"),
        ("get", "saved_search_create"),
        ("post", "saved_search_create"),
        ("get", "saved_search_run"),
        ("get", "saved_search_edit"),
        ("post", "saved_search_delete"),
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, method, name):
    recherche = RechercheSauvegardeeFactory()
    args = [] if name in ("saved_searches", "saved_search_create") else [recherche.pk]
    url = reverse(f"directory:{name}", args=args)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")
    assert RechercheSauvegardee.objects.count() == 1
