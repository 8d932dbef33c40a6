"""Referral dashboards: figures computed by hand on small data, access, statistical secrecy."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.accounts.models import Role, User
from aiguillage.directory.models import Reseau
from aiguillage.referrals import services, stats
from aiguillage.referrals.models import Adressage, MotifRefus, Personne, Resultat
from aiguillage.referrals.workflow import Side
from tests.factories import (
    MembershipFactory,
    StructureFactory,
    adressage_au_statut,
    scene_adressage,
    user_with_role,
)

pytestmark = pytest.mark.django_db

JOUR = timedelta(days=1)


def _dater(adressage, *, cree_le, acceptee=None, premier_contact=None):
    """Set the referral's timestamps (created through the services, then dated by hand)."""
    Adressage.objects.filter(pk=adressage.pk).update(
        cree_le=cree_le,
        acceptee_le=cree_le + acceptee if acceptee is not None else None,
        premier_contact_le=cree_le + premier_contact if premier_contact is not None else None,
    )


def _au_statut(statut, emettrice, destinataire, **dates):
    adressage, scene = adressage_au_statut(
        statut, scene_adressage(emettrice=emettrice, destinataire=destinataire)
    )
    if dates:
        _dater(adressage, **dates)
    return adressage, scene


def _refuser(emettrice, destinataire, motif, cree_le):
    adressage, scene = _au_statut("recue", emettrice, destinataire)
    services.adressage_transition(
        adressage=adressage, vers="refusee", acting_user=scene.recepteur, motif=motif
    )
    _dater(adressage, cree_le=cree_le)
    return adressage


@pytest.fixture
def structure_world():
    """A France Travail agency S; two partners E1 (Mission locale) and E2 (Cap emploi).

    Received by S in the last 12 months (5): R1 E1 first contact (accepted +1 d, contact +2 d),
    R2 E1 en cours (+2 d, +4 d), R3 E2 terminée emploi (+10 d, +12 d), R4 E2 refusée (pas de
    capacité), R5 E1 expirée. Sent by S (4): R6 → E1 envoyée, R7 → E2 refusée (hors
    territoire), R8 → E1 acceptée (+1 d), R9 → E2 acceptée (+2 d). Outside the period: R0 E1
    → S acceptée 500 days ago."""
    s = StructureFactory(nom="Agence témoin", reseau=Reseau.FRANCE_TRAVAIL)
    e1 = StructureFactory(nom="Mission locale partenaire", reseau=Reseau.MISSION_LOCALE)
    e2 = StructureFactory(nom="Cap emploi partenaire", reseau=Reseau.CAP_EMPLOI)
    t0 = timezone.now() - timedelta(days=30)
    _au_statut("premier_contact", e1, s, cree_le=t0, acceptee=JOUR, premier_contact=2 * JOUR)
    _au_statut("en_cours", e1, s, cree_le=t0, acceptee=2 * JOUR, premier_contact=4 * JOUR)
    _au_statut("terminee", e2, s, cree_le=t0, acceptee=10 * JOUR, premier_contact=12 * JOUR)
    _refuser(e2, s, "pas_de_capacite", t0)
    _au_statut("expiree", e1, s, cree_le=t0)
    _au_statut("envoyee", s, e1, cree_le=t0)
    _refuser(s, e2, "hors_territoire", t0)
    _au_statut("acceptee", s, e1, cree_le=t0, acceptee=JOUR)
    _au_statut("acceptee", s, e2, cree_le=t0, acceptee=2 * JOUR)
    _au_statut("acceptee", e1, s, cree_le=timezone.now() - timedelta(days=500), acceptee=JOUR)
    member = MembershipFactory(structure=s).user
    return s, e1, e2, member


def test_structure_figures_match_the_hand_count(structure_world):
    s, *_ = structure_world

    result = stats.structure_statistiques(structure=s, periode=stats.Periode.derniers_mois(12))

    statuts = {ligne.valeur: (ligne.recus, ligne.envoyes) for ligne in result.statuts}
    assert (result.total_recus, result.total_envoyes) == (5, 4)
    assert statuts["premier_contact"] == (1, 0)
    assert statuts["en_cours"] == (1, 0)
    assert statuts["terminee"] == (1, 0)
    assert statuts["refusee"] == (1, 1)
    assert statuts["expiree"] == (1, 0)
    assert statuts["envoyee"] == (0, 1)
    assert statuts["acceptee"] == (0, 2)
    assert (result.expirees.recus, result.expirees.envoyes) == (1, 0)
    motifs = {ligne.valeur: (ligne.recus, ligne.envoyes) for ligne in result.motifs_refus}
    assert motifs == {
        "hors_public": (0, 0),
        "hors_territoire": (0, 1),
        "pas_de_capacite": (1, 0),
        "deja_accompagnee": (0, 0),
        "incomplet": (0, 0),
        "autre": (0, 0),
    }
    resultats = {ligne.valeur: (ligne.recus, ligne.envoyes) for ligne in result.resultats}
    assert resultats["emploi"] == (1, 0)
    assert sum(r + e for r, e in resultats.values()) == 1
    # Accepted R1, R2, R3 out of decided R1–R5 (refused R4, expired R5 count as answers).
    assert (result.taux_recus.acceptes, result.taux_recus.decides) == (3, 5)
    assert result.taux_recus.texte == "60 %"
    # Sent: R8, R9 accepted; R7 refused; R6 still waiting (no answer yet).
    assert (result.taux_envoyes.acceptes, result.taux_envoyes.decides) == (2, 3)
    assert result.taux_envoyes.texte == "67 %"
    assert [(p.nom, p.nombre) for p in result.emettrices] == [
        ("Mission locale partenaire", 3),
        ("Cap emploi partenaire", 2),
    ]
    assert sorted((p.nom, p.nombre) for p in result.destinataires) == [
        ("Cap emploi partenaire", 2),
        ("Mission locale partenaire", 2),
    ]


def test_structure_medians_odd_and_even_counts(structure_world):
    s, *_ = structure_world

    result = stats.structure_statistiques(structure=s, periode=stats.Periode.derniers_mois(12))

    (_, acc_recus, acc_envoyes), (_, contact_recus, contact_envoyes) = result.delais
    # Received: acceptance after 1, 2, 10 days; first contact after 2, 4, 12 days.
    assert (acc_recus.n, acc_recus.secondes) == (3, pytest.approx(2 * 86400))
    assert (contact_recus.n, contact_recus.secondes) == (3, pytest.approx(4 * 86400))
    assert contact_recus.texte == "4,0 jours"
    # Sent: accepted after 1 and 2 days: the median of an even count is the mean of the middle.
    assert (acc_envoyes.n, acc_envoyes.secondes) == (2, pytest.approx(1.5 * 86400))
    assert acc_envoyes.texte == "1,5 jours"
    assert (contact_envoyes.n, contact_envoyes.secondes) == (0, None)
    assert contact_envoyes.texte == "aucun adressage"


def test_dashboards_cost_a_fixed_number_of_queries(structure_world, django_assert_max_num_queries):
    s, *_ = structure_world
    periode = stats.Periode.derniers_mois(24)

    with django_assert_max_num_queries(5):  # 4 on PostgreSQL (medians in one query)
        stats.structure_statistiques(structure=s, periode=periode)
    with django_assert_max_num_queries(2):
        stats.region_statistiques(region_code=s.region_id, periode=periode)


def test_structure_period_can_be_chosen(client, structure_world):
    s, _, _, member = structure_world
    client.force_login(member)
    url = reverse("referrals:tableau_structure", args=[s.pk])
    du = (timezone.localdate() - timedelta(days=600)).isoformat()

    body = client.get(url, {"du": du, "au": timezone.localdate().isoformat()}).content.decode()
    result = stats.structure_statistiques(
        structure=s,
        periode=stats.Periode(timezone.localdate() - timedelta(days=600), timezone.localdate()),
    )

    assert result.total_recus == 6  # R0, 500 days ago, now inside
    assert '<p class="display-6 mb-0">6</p><p class="mb-0">adressages reçus</p>' in body


def test_structure_page_shows_the_figures_and_no_person(client, structure_world):
    s, _, _, member = structure_world
    client.force_login(member)

    response = client.get(reverse("referrals:tableau_structure", args=[s.pk]))
    body = response.content.decode()

    assert response.status_code == 200
    assert "<caption>" in body and 'scope="col"' in body and 'scope="row"' in body
    assert "60 %" in body
    assert "4,0 jours" in body
    assert "Mission locale partenaire" in body
    for personne in Personne.objects.all():
        assert personne.nom not in body
        assert personne.courriel not in body


def test_invalid_period_is_explained_in_french(client, structure_world):
    s, _, _, member = structure_world
    client.force_login(member)

    body = client.get(
        reverse("referrals:tableau_structure", args=[s.pk]),
        {"du": "2026-05-01", "au": "2026-01-01"},
    ).content.decode()
    bad_date = client.get(
        reverse("referrals:tableau_structure", args=[s.pk]), {"du": "31/02/2026"}
    ).content.decode()

    assert "Date de début : elle doit précéder la date de fin." in body
    assert "les 12 derniers mois" in body
    assert "Date de début : saisissez une date valide" in bad_date


def test_structure_dashboard_is_404_for_anyone_outside_the_structure(client, structure_world):
    s, e1, _, _ = structure_world
    url = reverse("referrals:tableau_structure", args=[s.pk])
    outsiders = [
        MembershipFactory().user,  # a counsellor of another structure
        MembershipFactory(structure=e1).user,  # even of a partner structure
        user_with_role(Role.COORDINATEUR_REGIONAL),
        user_with_role(Role.ANALYSTE),
    ]
    for user in outsiders:
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(MembershipFactory(structure=s).user)
    assert client.get(url).status_code == 200


# --- Région -----------------------------------------------------------------------------------


@pytest.fixture
def region_world():
    """In région 84: 5 referrals Mission locale → France Travail (accepted after 1 to 5 days),
    2 Cap emploi → France Travail (refused: hors public). In région 32: 1 referral between two
    structures there (not counted in 84)."""
    ml = StructureFactory(reseau=Reseau.MISSION_LOCALE)
    ft = StructureFactory(reseau=Reseau.FRANCE_TRAVAIL)
    ce = StructureFactory(reseau=Reseau.CAP_EMPLOI)
    t0 = timezone.now() - timedelta(days=20)
    for days in range(1, 6):
        _au_statut("acceptee", ml, ft, cree_le=t0, acceptee=days * JOUR)
    for _ in range(2):
        _refuser(ce, ft, "hors_public", t0)
    ailleurs = StructureFactory(autre_region=True, reseau=Reseau.APEC)
    _au_statut("recue", ailleurs, StructureFactory(autre_region=True))
    return ml, ft, ce


def test_region_figures_by_network_with_small_cells_masked(region_world):
    result = stats.region_statistiques(region_code="84", periode=stats.Periode.derniers_mois(12))

    matrice = result.matrice
    assert matrice.lignes == ["Mission locale", "Cap emploi"]
    assert matrice.colonnes == ["France Travail"]
    assert matrice.cellule("Cap emploi", "France Travail").valeur == 2
    assert matrice.cellule("Cap emploi", "France Travail").texte == "< 5"
    # 5 is not small, but with the total 7 shown it would give away the 2: masked too.
    ml_ft = matrice.cellule("Mission locale", "France Travail")
    assert (ml_ft.valeur, ml_ft.texte) == (5, "n.d.")
    assert matrice.total.texte == "7"
    # Tables sharing a total share the cell (masked once for the whole page).
    assert matrice.totaux_colonnes[0] is result.statuts.totaux_lignes[0] is result.reseaux[0].recus
    assert result.motifs_refus.totaux_lignes[0] is result.statuts.cellule(
        "France Travail", "Refusée"
    )
    assert result.total.valeur == 7  # région 32's referral is not counted
    refus = result.motifs_refus.cellule(
        "France Travail", "La personne ne relève pas de notre public"
    )
    assert (refus.valeur, refus.texte) == (2, "< 5")
    assert result.motifs_refus.colonnes == [label for _v, label in MotifRefus.choices]
    assert result.resultats.colonnes == [label for _v, label in Resultat.choices]
    (ligne,) = result.reseaux
    assert ligne.reseau == "France Travail"
    assert (ligne.taux.acceptes, ligne.taux.decides, ligne.taux.texte) == (5, 7, "71 %")
    assert (ligne.acceptation.n, ligne.acceptation.secondes) == (5, pytest.approx(3 * 86400))
    assert ligne.acceptation.texte == "3,0 jours"
    assert ligne.premier_contact.n == 0


def test_region_median_on_fewer_than_five_is_not_shown(region_world):
    Adressage.objects.filter(acceptee_le__isnull=False).order_by("pk").first().delete()

    result = stats.region_statistiques(region_code="84", periode=stats.Periode.derniers_mois(12))

    (ligne,) = result.reseaux
    assert ligne.acceptation.n == 4
    assert ligne.acceptation.masquee
    assert ligne.acceptation.secondes is None
    assert "non diffusé" in ligne.acceptation.texte


def test_secret_hides_a_second_cell_wherever_one_could_be_recomputed():
    lignes, colonnes = ["A", "B", "C"], ["X", "Y", "Z"]
    valeurs = {
        ("A", "X"): 10, ("A", "Y"): 3, ("A", "Z"): 20,
        ("B", "X"): 12, ("B", "Y"): 15, ("B", "Z"): 8,
        ("C", "Y"): 9, ("C", "Z"): 11,
    }  # fmt: skip

    t = stats.tableau_secret(lignes, colonnes, valeurs)

    assert t.cellule("A", "Y").texte == "< 5"
    assert t.cellule("A", "X").texte == "n.d."
    hidden = {(li, co) for li in lignes for co in colonnes if t.cellule(li, co).cachee}
    assert hidden == {("A", "X"), ("A", "Y"), ("B", "X"), ("B", "Z"), ("C", "Y"), ("C", "Z")}
    assert [t.cellule(li, co).texte for li, co in [("A", "Z"), ("B", "Y"), ("C", "X")]] == [
        "20",
        "15",
        "0",
    ]
    assert [c.texte for c in t.totaux_lignes] == ["33", "35", "20"]
    # No row or column (with its total) has exactly one hidden figure.
    for i in range(3):
        row = [*t.cellules[i], t.totaux_lignes[i]]
        column = [*(r[i] for r in t.cellules), t.totaux_colonnes[i]]
        assert sum(c.cachee for c in row) != 1
        assert sum(c.cachee for c in column) != 1


@pytest.mark.parametrize(
    ("n", "texte", "total"),
    [
        (1, "< 5", "< 5"),
        (3, "< 5", "6"),  # two « < 5 » adding up to 6: 2 + 4, 3 + 3 or 4 + 2 …
        (4, "< 5", "n.d."),  # … but adding up to 8 they can only be 4 + 4: the total is hidden
        (5, "5", "10"),
        (0, "0", "0"),
    ],
)
def test_secret_threshold(n, texte, total):
    t = stats.tableau_secret(["A"], ["X", "Y"], {("A", "X"): n, ("A", "Y"): n})

    assert [c.texte for c in t.cellules[0]] == [texte, texte]
    assert t.total.texte == total


def test_secret_sees_through_bounds():
    """6 + « < 5 » + « < 5 » = 14 shows both small counts are 4: the 6 is hidden too."""
    t = stats.tableau_secret(["A"], ["X", "Y", "Z"], {("A", "X"): 6, ("A", "Y"): 4, ("A", "Z"): 4})

    assert [c.texte for c in t.cellules[0]] == ["n.d.", "< 5", "< 5"]
    assert t.total.texte == "14"


def test_secret_leaves_big_counts_alone():
    t = stats.tableau_secret(["A", "B"], ["X", "Y"], {("A", "X"): 5, ("A", "Y"): 7, ("B", "X"): 9})

    assert not any(c.cachee for row in t.cellules for c in row)
    assert t.cellule("B", "Y").texte == "0"
    assert t.total.texte == "21"


def test_region_page_shows_aggregates_and_never_a_person(client, region_world):
    for i, personne in enumerate(Personne.objects.all()):
        Personne.objects.filter(pk=personne.pk).update(prenom=f"Prenomtest{i}", nom=f"Nomtest{i}")
    for i, user in enumerate(User.objects.all()):
        User.objects.filter(pk=user.pk).update(first_name=f"Agenttest{i}", last_name=f"Nomag{i}")
    coordinateur = user_with_role(Role.COORDINATEUR_REGIONAL)
    client.force_login(coordinateur)

    response = client.get(reverse("referrals:tableau_region", args=["84"]))
    body = response.content.decode()

    assert response.status_code == 200
    assert "Entre réseaux" in body
    assert "&lt; 5" in body
    assert "n.d." in body
    assert "3,0 jours" in body
    assert "Prenomtest" not in body and "Nomtest" not in body
    assert "Agenttest" not in body and "Nomag" not in body
    for personne in Personne.objects.all():
        assert personne.courriel not in body
        assert personne.telephone not in body
    for adressage in Adressage.objects.all():
        assert str(adressage.public_id) not in body


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.CONSEILLER, 404),
        (Role.RESPONSABLE_STRUCTURE, 404),
        (Role.COORDINATEUR_REGIONAL, 200),
        (Role.ANALYSTE, 200),
        (Role.ADMINISTRATEUR, 200),
    ],
)
def test_region_dashboard_access_by_role(client, region_world, role, status):
    client.force_login(user_with_role(role))

    response = client.get(reverse("referrals:tableau_region", args=["84"]))

    assert response.status_code == status


def test_region_dashboard_is_404_for_the_coordinator_of_another_region(client, region_world):
    coordinateur = MembershipFactory(
        role=Role.COORDINATEUR_REGIONAL,
        structure=StructureFactory(autre_region=True, reseau=Reseau.REGION),
    ).user
    client.force_login(coordinateur)

    assert client.get(reverse("referrals:tableau_region", args=["84"])).status_code == 404
    assert client.get(reverse("referrals:tableau_region", args=["32"])).status_code == 200


def test_region_dashboard_is_linked_from_the_regional_dashboard(client):
    client.force_login(user_with_role(Role.COORDINATEUR_REGIONAL))

    body = client.get(reverse("accounts:region_dashboard", args=["84"])).content.decode()

    assert reverse("referrals:tableau_region", args=["84"]) in body


# --- Period -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "debut"),
    [
        (date(2026, 5, 10), date(2025, 5, 11)),
        (date(2024, 2, 29), date(2023, 3, 1)),  # 28 Feb 2023 + 1 day
        (date(2026, 3, 31), date(2025, 4, 1)),
    ],
)
def test_last_twelve_months(today, debut):
    periode = stats.Periode.derniers_mois(12, aujourdhui=today)

    assert (periode.debut, periode.fin) == (debut, today)


def test_period_bounds_are_inclusive_local_days():
    s = StructureFactory()
    scene = scene_adressage(destinataire=s)
    (adressage,) = services.adressage_create(
        personne=scene.personne,
        consentement=scene.consentement,
        destinataires=[s],
        motif="Test",
        emettrice=scene.emettrice,
        emis_par=scene.emetteur,
    )
    tz = timezone.get_current_timezone()
    jour = date(2026, 1, 15)
    Adressage.objects.filter(pk=adressage.pk).update(
        cree_le=timezone.make_aware(datetime(2026, 1, 15, 23, 30), tz)
    )

    dedans = stats.structure_statistiques(structure=s, periode=stats.Periode(jour, jour))
    apres = stats.structure_statistiques(
        structure=s, periode=stats.Periode(jour + JOUR, jour + 2 * JOUR)
    )

    assert (dedans.total_recus, apres.total_recus) == (1, 0)


def test_system_expiry_counts_as_an_answer_for_the_rate():
    s = StructureFactory()
    for _ in range(2):
        adressage, _scene = _au_statut("envoyee", StructureFactory(), s)
    services.adressage_transition(adressage=adressage, vers="expiree", side=Side.SYSTEME)

    result = stats.structure_statistiques(structure=s, periode=stats.Periode.derniers_mois(12))

    assert (result.taux_recus.acceptes, result.taux_recus.decides) == (0, 1)
    assert result.taux_recus.texte == "0 %"
