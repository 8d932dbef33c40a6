"""The funding helper's three doors, the CLI, the API and the counsellor's page: the same
request, the same answer; and the link from the counsellor's orientation result, which carries
the situation to the funding form."""

from __future__ import annotations

import html
import io
import json
import re
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.html import escape

from aiguillage.orientation import forms_financement
from aiguillage.orientation.financement import financement_pour
from aiguillage.rules.financements import evaluer_financements
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/orientation/conseiller/financements/"
API = "/api/v1/orientation/financements"
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


def api(client, demande: dict) -> dict:
    response = client.post(API, demande, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


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


#: Requests either side of a dated change: Transco and Pro-A close and the période de
#: reconversion opens on 1 January 2026, the participation goes from 102,23 € to 103,20 €; the
#: CPF participation starts on 2 May 2024; a long sickness absence waives the PTP's seniority
#: from 31 March 2022.
TRANSCO = {
    "activite": "salarie",
    "contrat": "cdi",
    "commune": "73065",
    "projet": "reconversion",
    "diplome_niveau": 4,
    "anciennete_salarie_mois": 40,
    "anciennete_entreprise_mois": 20,
    "poste_fragilise": True,
    "accord_employeur": True,
}
PARTICIPATION = {
    "activite": "salarie",
    "contrat": "cdd",
    "projet": "formation_certifiante",
    "temps_travail": "temps_plein",
    "diplome_niveau": 5,
    "mois_salarie_5_dernieres_annees": 30,
    "mois_cdd_12_derniers_mois": 6,
}
MALADIE = {
    "activite": "salarie",
    "contrat": "cdi",
    "rqth": False,
    "projet": "reconversion",
    "anciennete_salarie_mois": 10,
    "anciennete_entreprise_mois": 5,
    "absence_maladie_mois": 8,
}
DE_PART_ET_D_AUTRE = [
    pytest.param(TRANSCO, "2025-12-31", "2026-01-01", id="transco-pro-a-2026"),
    pytest.param(PARTICIPATION, "2024-05-01", "2024-05-02", id="participation-cpf-2024"),
    pytest.param(MALADIE, "2022-03-30", "2022-03-31", id="absence-maladie-ptp-2022"),
]


def statuts(reponse: dict) -> dict[str, str]:
    return {e["dispositif"]: e["statut"] for e in reponse["eligibles"] + reponse["a_verifier"]} | {
        e["dispositif"]: e["statut"] for e in reponse["non_eligibles"]
    }


@pytest.mark.parametrize(("demande", "veille", "jour"), DE_PART_ET_D_AUTRE)
def test_commande_api_et_page_donnent_la_meme_reponse_de_part_et_d_autre_d_une_reforme(
    client, demande, veille, jour
):
    conseillere = MembershipFactory().user
    reponses = []
    for date in (veille, jour):
        datee = {"date": date, **demande}
        depuis_cli = cli(datee)
        depuis_api = api(client, datee)  # anonymous: the API is public
        client.force_login(conseillere)
        page = client.post(URL, formulaire(datee))
        client.logout()
        assert page.status_code == 200
        assert depuis_cli == depuis_api == page.context["reponse"]
        assert depuis_cli["date"] == date
        reponses.append(depuis_cli)
    avant, apres = reponses
    # The date travels through every door: the answers differ across the reform.
    assert statuts(avant) != statuts(apres) or avant["eligibles"] != apres["eligibles"]
    assert avant["version_regles"] == apres["version_regles"]


@pytest.mark.parametrize(
    ("changements", "champs"),
    [
        (
            {"activite": "demandeur_emploi", "anciennete_entreprise_mois": 60},
            {"contrat", "anciennete_entreprise_mois"},
        ),
        ({"date": "2018-12-31"}, {"date"}),
        ({"commune": "99999"}, {"commune"}),
    ],
    ids=["contrat-sans-objet-et-incoherence", "avant-2019", "commune-inconnue"],
)
def test_les_trois_portes_refusent_la_meme_demande_sur_les_memes_champs(
    client, capsys, changements, champs
):
    demande = {"date": "2026-03-02", **TRANSCO, **changements}
    with pytest.raises(CommandError):
        cli(demande)
    messages_cli = capsys.readouterr().err.strip().splitlines()
    reponse = client.post(API, demande, content_type="application/json")
    assert reponse.status_code == 422
    erreurs = reponse.json()["erreurs"]
    assert [f"{e['champ']} : {e['message']}" for e in erreurs] == messages_cli
    assert {e["champ"] for e in erreurs} == champs
    client.force_login(MembershipFactory().user)
    page = client.post(URL, formulaire(demande))
    assert page.status_code == 422
    assert page.context["form"].errors == {
        champ: [e["message"] for e in erreurs if e["champ"] == champ] for champ in champs
    }


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


def test_le_formulaire_se_preremplit_de_tous_ses_champs(conseiller):
    page = conseiller.get(
        URL + "?activite=salarie&rqth=oui&csp=non&anciennete_salarie_mois=30"
        "&accord_employeur=oui&diplome_niveau=3&age=40"
    )
    form = page.context["form"]
    assert form["rqth"].value() == "oui"
    assert form["csp"].value() == "non"
    assert form["anciennete_salarie_mois"].value() == "30"
    assert form["accord_employeur"].value() == "oui"
    assert form["diplome_niveau"].value() == "3"
    assert "age" not in form.fields
    assert set(forms_financement.CHAMPS) == set(form.fields)


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


LIEN = "Voir les financements possibles pour cette situation"


def lien_financement(body: str) -> str:
    """The href of the link to the funding page, unescaped as a browser reads it."""
    trouve = re.search(rf'<a [^>]*href="([^"]+)"[^>]*>{LIEN}</a>', body)
    assert trouve, body
    return html.unescape(trouve[1])


def test_la_decision_d_orientation_mene_aux_financements_de_la_meme_situation(conseiller):
    assert LIEN not in conseiller.get("/orientation/conseiller/").content.decode()
    situation = {
        "date": "2026-03-02",
        "age": "45",
        "activite": "salarie",
        "contrat": "cdi",
        "commune": "73065",
        "cadre": "oui",
        "rqth": "non",
        "inscrit_france_travail": "",
        "csp": "non",
    }
    decision = conseiller.post("/orientation/conseiller/", situation)
    assert decision.status_code == 200
    adresse = lien_financement(decision.content.decode())
    assert urlsplit(adresse).path == URL
    # The keys the funding form has, as it writes them; not the age, nor « cadre », nor an
    # unknown fact.
    assert parse_qs(urlsplit(adresse).query) == {
        "date": ["2026-03-02"],
        "activite": ["salarie"],
        "contrat": ["cdi"],
        "commune": ["73065"],
        "rqth": ["non"],
        "csp": ["non"],
    }

    page = conseiller.get(adresse)
    assert page.status_code == 200
    form = page.context["form"]
    valeurs = {nom: form[nom].value() for nom in ("date", "activite", "contrat", "commune")}
    assert valeurs == {
        "date": "2026-03-02",
        "activite": "salarie",
        "contrat": "cdi",
        "commune": "73065",
    }
    assert (form["rqth"].value(), form["csp"].value()) == ("non", "non")
    assert not form["inscrit_france_travail"].value()
    body = page.content.decode()
    assert '<option value="salarie" selected>' in body
    assert 'name="commune" value="73065"' in body
    assert re.search(r'<select name="rqth"[^>]*>.*?<option value="non" selected>', body, re.S)

    # Sent as it is, the pre-filled form evaluates the same situation.
    envoye = {nom: form[nom].value() or "" for nom in form.fields}
    reponse = conseiller.post(URL, envoye)
    assert reponse.status_code == 200
    attendu = {"date": "2026-03-02", "activite": "salarie", "contrat": "cdi", "commune": "73065"}
    assert reponse.context["reponse"] == financement_pour(attendu | {"rqth": False, "csp": False})


def test_une_situation_sans_rien_d_autre_que_l_activite_mene_a_la_page_vide():
    assert forms_financement.adresse_depuis_situation({}) == URL
    assert forms_financement.adresse_depuis_situation(
        {"activite": "inactif", "age": 30, "beneficiaire_rsa": True}
    ) == (URL + "?activite=inactif")
