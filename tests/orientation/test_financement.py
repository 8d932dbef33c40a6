"""The funding helper's two doors, the CLI and the counsellor's page: the same request, the
same answer."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.html import escape

from aiguillage.orientation.financement import financement_pour
from aiguillage.rules.financements import evaluer_financements
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/orientation/conseiller/financements/"
DEMANDE = {
    "date": "2026-03-02",
    "activite": "salarie",
    "contrat": "cdi",
    "rqth": False,
    "commune": "73065",
    "projet": "reconversion",
    "diplome_niveau": 3,
    "anciennete_salarie_mois": 40,
    "anciennete_entreprise_mois": 20,
    "jours_travailles_60_mois": 1250,
    "effectif_entreprise": 30,
    "accord_employeur": True,
}


def cli(demande: dict) -> dict:
    out = io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.StringIO(json.dumps(demande))
    try:
        call_command("financer", "-", stdout=out)
    finally:
        sys.stdin = stdin
    return json.loads(out.getvalue())


def formulaire(demande: dict) -> dict:
    """The page's form fields for a request (yes/no facts as « oui »/« non »)."""
    return {
        cle: ("oui" if valeur else "non") if isinstance(valeur, bool) else valeur
        for cle, valeur in demande.items()
    }


@pytest.fixture
def conseiller(client):
    client.force_login(MembershipFactory().user)
    return client


def test_la_ligne_de_commande_et_la_page_donnent_la_meme_reponse(conseiller):
    depuis_cli = cli(DEMANDE)
    page = conseiller.post(URL, formulaire(DEMANDE))
    assert page.status_code == 200
    assert page.context["reponse"] == depuis_cli == financement_pour(dict(DEMANDE))
    body = page.content.decode()
    for groupe in ("eligibles", "a_verifier", "non_eligibles"):
        for entree in depuis_cli[groupe]:
            assert escape(entree["libelle"]) in body
    assert [e["dispositif"] for e in depuis_cli["eligibles"]] == [
        "cpf",
        "ptp",
        "periode_reconversion",
        "plan",
    ]
    assert "103,20 € par formation" in body
    assert "Trace des règles" in body


def test_la_region_de_la_commune_est_nommee():
    reponse = financement_pour(dict(DEMANDE))
    assert reponse["region"] == {"code": "84", "nom": "Auvergne-Rhône-Alpes"}
    region = next(e for e in reponse["a_verifier"] if e["dispositif"] == "region")
    assert region["a_savoir"][0].startswith("Région de la personne : Auvergne-Rhône-Alpes.")
    sans_commune = {k: v for k, v in DEMANDE.items() if k != "commune"}
    reponse = financement_pour(sans_commune)
    assert reponse["region"] is None
    assert reponse["eligibles"] == evaluer_financements(sans_commune)["eligibles"]


def test_la_ligne_de_commande_lit_un_fichier_et_signale_les_erreurs(tmp_path, capsys):
    chemin = tmp_path / "situation.json"
    chemin.write_text(json.dumps({"activite": "salarie", "projet": "voyage"}), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("financer", str(chemin))
    assert exc.value.returncode == 2
    erreur = capsys.readouterr().err
    assert (
        "projet : valeur « voyage » inconnue ; valeurs possibles : formation_certifiante" in erreur
    )
    chemin.write_text(json.dumps({"activite": "salarie", "commune": "99999"}), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("financer", str(chemin))
    assert "99999" in capsys.readouterr().err
    chemin.write_text(json.dumps({"date": "2024-04-30", "activite": "demandeur_emploi"}))
    call_command("financer", str(chemin))
    reponse = json.loads(capsys.readouterr().out)
    assert reponse["date"] == "2024-04-30"
    assert reponse["version_regles"]
    with pytest.raises(CommandError, match="JSON invalide"):
        chemin.write_text("{", encoding="utf-8")
        call_command("financer", str(chemin))


def test_la_page_est_reservee_aux_conseillers(client):
    assert client.get(URL).status_code == 302  # login required
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404


def test_le_formulaire_se_preremplit_et_fonctionne_sans_javascript(conseiller):
    page = conseiller.get(URL + "?activite=demandeur_emploi&projet=reconversion&inconnu=1")
    assert page.status_code == 200
    form = page.context["form"]
    assert form["activite"].value() == "demandeur_emploi"
    assert form["projet"].value() == "reconversion"
    body = page.content.decode()
    assert '<form method="post"' in body and "Voir les financements possibles" in body
    assert "<legend" in body and "Parcours" in body


def test_les_erreurs_des_regles_s_affichent_sur_leur_champ(conseiller):
    page = conseiller.post(URL, formulaire(DEMANDE) | {"anciennete_entreprise_mois": 60})
    assert page.status_code == 422
    form = page.context["form"]
    assert "dépassent l'ancienneté de salarié" in form.errors["anciennete_entreprise_mois"][0]
    assert page.context["reponse"] is None
    page = conseiller.post(URL, formulaire(DEMANDE) | {"date": "2018-06-01"})
    assert page.status_code == 422
    assert "l'aide au financement applique les règles" in page.context["form"].errors["date"][0]
    assert "Vérifiez les champs signalés." in page.content.decode()


def test_une_information_vide_reste_inconnue_et_la_question_est_posee(conseiller):
    page = conseiller.post(URL, {"date": "2026-03-02", "activite": "salarie", "contrat": "cdi"})
    assert page.status_code == 200
    champs = [q["champ"] for q in page.context["reponse"]["a_preciser"]]
    assert "projet" in champs and "anciennete_salarie_mois" in champs
    assert "À demander à la personne" in page.content.decode()


def test_la_page_d_orientation_mene_a_l_aide_au_financement(conseiller):
    body = conseiller.get("/orientation/conseiller/").content.decode()
    assert f'href="{URL}"' in body
