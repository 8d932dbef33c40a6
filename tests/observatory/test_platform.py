"""The platform's own activity goes through the observatory's import format and engine."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.utils import timezone

from aiguillage.coordination.models import Accord, Invitation, RessourceCollective, TypeRencontre
from aiguillage.observatory.engine.analysis import folder_analyse
from aiguillage.observatory.platform import platform_folder_write
from aiguillage.referrals import services
from aiguillage.referrals.models import Adressage
from aiguillage.territories.models import Departement
from tests.coordination.factories import RencontreFactory
from tests.factories import StructureFactory, adressage_au_statut, scene_adressage

pytestmark = pytest.mark.django_db


def _rows(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def savoie():
    dep = Departement.objects.get(code="73")
    ml = StructureFactory(reseau="mission_locale", departement=dep)
    ft = StructureFactory(reseau="france_travail", departement=dep)
    cep = StructureFactory(reseau="cep_actifs_occupes", departement=dep)
    return dep, ml, ft, cep


def test_referrals_become_referral_interactions_with_outcome_and_delay(tmp_path, savoie):
    _, ml, ft, cep = savoie
    accepted, _ = adressage_au_statut("acceptee", scene_adressage(emettrice=ml, destinataire=ft))
    refused, _ = adressage_au_statut("refusee", scene_adressage(emettrice=ft, destinataire=cep))
    expired, _ = adressage_au_statut("expiree", scene_adressage(emettrice=cep, destinataire=ml))
    sent = timezone.now() - dt.timedelta(days=10)
    Adressage.objects.filter(pk=accepted.pk).update(
        cree_le=sent, acceptee_le=sent + dt.timedelta(days=3)
    )

    platform_folder_write(tmp_path, region_code="84")

    rows = {r["id"]: r for r in _rows(tmp_path / "interactions.csv")}
    assert rows[f"R{accepted.pk}"]["participants"] == f"S{ml.pk};S{ft.pk}"
    assert rows[f"R{accepted.pk}"]["organiser"] == f"S{ml.pk}"
    assert rows[f"R{accepted.pk}"]["territory"] == "73"
    assert (rows[f"R{accepted.pk}"]["outcome"], rows[f"R{accepted.pk}"]["response_days"]) == (
        "accepted",
        "3",
    )
    assert rows[f"R{refused.pk}"]["outcome"] == "refused"
    assert rows[f"R{expired.pk}"]["outcome"] == "no_response"
    assert rows[f"R{expired.pk}"]["response_days"] == ""


def test_the_engine_reads_the_platform_folder(tmp_path, savoie):
    dep, ml, ft, cep = savoie
    adressage_au_statut("acceptee", scene_adressage(emettrice=ml, destinataire=ft))
    adressage_au_statut("refusee", scene_adressage(emettrice=ml, destinataire=cep))
    adressage_au_statut("envoyee", scene_adressage(emettrice=ft, destinataire=cep))
    scene = scene_adressage(emettrice=ft, destinataire=cep, autres_destinataires=[ml])
    suivi = services.accompagnement_create(
        personne=scene.personne,
        consentement=scene.consentement,
        intitule="Saisonniers de Tarentaise",
        structure=ft,
        acting_user=scene.emetteur,
        theme="saisonniers",
    )
    for structure in (cep, ml):
        services.accompagnement_membre_add(
            accompagnement=suivi,
            structure=structure,
            role="partenaire",
            niveau_acces="complet",
            acting_user=scene.emetteur,
        )
    accord = Accord.objects.create(
        intitule="Charte du SPRO savoyard",
        type="charte",
        porteur=ml,
        date_debut=timezone.localdate() - dt.timedelta(days=30),
    )
    accord.structures.set([ml, ft, cep])
    RessourceCollective.objects.create(
        departement=dep, ressource="cross_training", depuis=dt.date(2024, 1, 1)
    )

    counts = platform_folder_write(tmp_path, region_code="84")
    result = folder_analyse(tmp_path)

    assert counts["interactions"] == 5
    savoie_result = next(t for t in result["territoires"] if t["territoire"] == "73")
    ind = savoie_result["indicateurs"]
    assert ind["orientations"] == 3
    # accepted + refused answered; the pending one is not counted: 2 / 2
    assert ind["taux_de_bouclage"] == 1.0
    # two joint activities, both with three organisations
    assert ind["part_multilaterale"] == 1.0
    assert ind["ressources_actives"] == 1
    # the three structures are all tied: density 1
    assert ind["densite"] == 1.0
    assert savoie_result["configuration"] in {"1", "2", "3", "mixte"}
    assert savoie_result["explication"]


def test_held_coordination_sessions_become_ties_between_the_present_structures(tmp_path, savoie):
    """A held cross-training session ties its organiser with the structures recorded present;
    a planned one, a cancelled one and an absent structure add nothing."""
    _, ml, ft, cep = savoie
    tenue = RencontreFactory(
        type=TypeRencontre.PROFESSIONNALISATION_CROISEE,
        organisatrice=ml,
        invitees=[ft, cep],
        tenue=True,
    )
    Invitation.objects.filter(rencontre=tenue, structure=cep).update(presence="absente")
    RencontreFactory(organisatrice=ft, invitees=[cep])
    RencontreFactory(organisatrice=cep, invitees=[ml], annulee=True)

    counts = platform_folder_write(tmp_path, region_code="84")
    rows = _rows(tmp_path / "interactions.csv")
    result = folder_analyse(tmp_path)

    assert counts["interactions"] == 1
    assert [
        (r["id"], r["kind"], r["organiser"], r["participants"], r["territory"]) for r in rows
    ] == [(f"M{tenue.pk}", "cross_training", f"S{ml.pk}", f"S{ml.pk};S{ft.pk}", "73")]
    savoie_result = next(t for t in result["territoires"] if t["territoire"] == "73")
    assert savoie_result["indicateurs"]["interactions"] == 1


def test_portal_requests_and_other_regions_are_left_out(tmp_path, savoie):
    _, ml, ft, _ = savoie
    elsewhere = StructureFactory(autre_region=True, reseau="apec")
    adressage_au_statut("envoyee", scene_adressage(emettrice=ml, destinataire=elsewhere))
    person = scene_adressage(destinataire=ft)
    consent = services.consentement_create(
        personne=person.personne, structures=[ft], donnees=[], mode="portail"
    )
    services.adressage_create(
        personne=person.personne,
        consentement=consent,
        destinataires=[ft],
        motif="Demande depuis le portail",
        canal="portail",
    )
    assert Adressage.objects.filter(emettrice__isnull=True).count() == 1

    platform_folder_write(tmp_path, region_code="84")

    organisations = {r["id"] for r in _rows(tmp_path / "organisations.csv")}
    assert f"S{elsewhere.pk}" not in organisations
    assert _rows(tmp_path / "interactions.csv") == []


def test_no_personal_data_leaves(tmp_path, savoie):
    _, ml, ft, _ = savoie
    adressage, scene = adressage_au_statut(
        "acceptee", scene_adressage(emettrice=ml, destinataire=ft)
    )

    platform_folder_write(tmp_path, region_code="84")

    written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.csv"))
    for value in (scene.personne.nom, scene.personne.courriel, adressage.motif):
        assert value not in written


def test_command_writes_and_analyses_the_platform_folder(tmp_path, savoie):
    import json

    from django.core.management import call_command

    _, ml, ft, _ = savoie
    adressage_au_statut("acceptee", scene_adressage(emettrice=ml, destinataire=ft))
    out = __import__("io").StringIO()

    call_command(
        "observatoire", "plateforme", "--region", "84", "--sortie", str(tmp_path), "--analyser",
        stdout=out, stderr=__import__("io").StringIO(),
    )  # fmt: skip

    result = json.loads(out.getvalue())
    assert [t["territoire"] for t in result["territoires"]] == ["73"]
    assert result["territoires"][0]["indicateurs"]["orientations"] == 1
    assert (tmp_path / "interactions.csv").exists()


@pytest.fixture
def platform_activity(savoie, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    _, ml, ft, cep = savoie
    adressage_au_statut("acceptee", scene_adressage(emettrice=ml, destinataire=ft))
    adressage_au_statut("refusee", scene_adressage(emettrice=ft, destinataire=cep))
    return savoie


def test_coordination_reads_its_region_platform_analysis(client, platform_activity):
    from tests.factories import MembershipFactory

    coordinator = MembershipFactory(coordinateur=True).user  # région 84
    client.force_login(coordinator)

    index = client.get("/observatoire/")
    page = client.get("/observatoire/plateforme-84/")
    territory = client.get("/observatoire/plateforme-84/73/")
    api = client.get("/api/v1/observatoire/regions/plateforme-84")

    # Two referrals in the région: it is listed once.
    assert index.content.decode().count('href="/observatoire/plateforme-84/"') == 1
    assert page.status_code == 200
    assert "Activité de la plateforme" in page.content.decode()
    assert territory.status_code == 200
    assert api.json()["region"]["simulee"] is False
    assert [t["territoire"] for t in api.json()["territoires"]] == ["73"]
    assert api.json()["territoires"][0]["indicateurs"]["orientations"] == 2


@pytest.mark.parametrize("who", ["other_region", "conseiller"])
def test_platform_analysis_of_a_region_is_404_outside_its_readers(client, platform_activity, who):
    from tests.factories import MembershipFactory

    if who == "other_region":
        user = MembershipFactory(
            coordinateur=True, structure=StructureFactory(autre_region=True, reseau="region")
        ).user
    else:
        user = MembershipFactory(structure=platform_activity[1]).user
    client.force_login(user)

    assert client.get("/observatoire/plateforme-84/").status_code == 404
    assert client.get("/api/v1/observatoire/regions/plateforme-84").status_code == 404
    if who == "other_region":
        assert "plateforme-84" not in client.get("/observatoire/").content.decode()
