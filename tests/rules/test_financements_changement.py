"""A funding parameter change dated D leaves every answer before D unchanged, and changes the
answers from D.

The change is made the only allowed way: a new dated value, never an edit of a past one — through
the loader's API (:meth:`Parametres.avec_valeur`) and through a modified copy of the files.
"""

from __future__ import annotations

import datetime
import itertools
import shutil

import pytest
import yaml

from aiguillage.rules.financements import charger, evaluer_financements, parametres_financements
from aiguillage.rules.financements.parametres import DOSSIER_FINANCEMENTS
from aiguillage.rules.parametres import Parametres

D = datetime.date
REFORME = D(2027, 1, 1)
#: An imaginary reform: the PTP's seniority for a CDI falls to 18 months, the co-payment to 50 €.
CHANGEMENTS = {
    "financements.ptp.anciennete_salarie_mois": 18,
    "financements.cpf.participation_forfaitaire": 5000,
}
REFERENCE = {"title": "Réforme imaginaire de la formation professionnelle"}
#: Both sides of every dated change already in the parameters, and the eve of the new one.
AVANT = [
    D(2019, 6, 1),
    D(2019, 11, 1),
    D(2021, 1, 15),
    D(2022, 3, 31),
    D(2022, 12, 21),
    D(2024, 5, 1),
    D(2024, 5, 2),
    D(2025, 12, 31),
    D(2026, 1, 1),
    D(2026, 12, 31),
]
PROFILS = [
    {"contrat": "cdi", "anciennete_salarie_mois": 20, "anciennete_entreprise_mois": 15},
    {"contrat": "cdd", "mois_salarie_5_dernieres_annees": 30, "mois_cdd_12_derniers_mois": 4},
    {"contrat": "cdi", "jours_travailles_60_mois": 1400, "rqth": True, "diplome_niveau": 2},
]
SITUATIONS = [
    {"activite": "salarie", "projet": projet, **profil}
    for projet, profil in itertools.product(("reconversion", "vae", None), PROFILS)
] + [
    {"activite": "demandeur_emploi", "inscrit_france_travail": True, "projet": "reconversion"},
    {"activite": "independant", "projet": "creation_reprise"},
    {"activite": "agent_public", "accord_employeur": True},
]
SITUATIONS = [{k: v for k, v in s.items() if v is not None} for s in SITUATIONS]


def sans_version(reponse: dict) -> dict:
    return {cle: valeur for cle, valeur in reponse.items() if cle != "version_regles"}


@pytest.fixture(scope="module")
def reforme_par_l_api() -> Parametres:
    parametres = parametres_financements()
    for nom, valeur in CHANGEMENTS.items():
        parametres = parametres.avec_valeur(nom, REFORME, valeur, reference=REFERENCE)
    return parametres


@pytest.fixture(scope="module")
def reforme_par_les_fichiers(tmp_path_factory) -> Parametres:
    dossier = tmp_path_factory.mktemp("parametres") / "financements"
    shutil.copytree(DOSSIER_FINANCEMENTS, dossier)
    for nom, valeur in CHANGEMENTS.items():
        fichier = dossier.joinpath(*nom.split(".")[1:]).with_suffix(".yml")
        data = yaml.safe_load(fichier.read_text(encoding="utf-8"))
        data["values"][REFORME] = {"value": valeur}
        data["metadata"]["reference"][REFORME] = REFERENCE
        fichier.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return charger(dossier)


@pytest.mark.parametrize("date", AVANT, ids=str)
def test_reponses_identiques_avant_la_reforme(date, reforme_par_l_api, reforme_par_les_fichiers):
    for situation in SITUATIONS:
        actuelle = evaluer_financements(situation, date=date)
        for reforme in (reforme_par_l_api, reforme_par_les_fichiers):
            nouvelle = evaluer_financements(situation, date=date, parametres=reforme)
            assert sans_version(nouvelle) == sans_version(actuelle), (situation, date)


@pytest.mark.parametrize("date", [REFORME, D(2028, 6, 1)], ids=str)
def test_reponses_changees_a_partir_de_la_reforme(
    date, reforme_par_l_api, reforme_par_les_fichiers
):
    situation = SITUATIONS[0]  # CDI, 20 months as employee: short of 24, enough for 18
    actuelle = evaluer_financements(situation, date=date)
    assert next(e for e in actuelle["non_eligibles"] if e["dispositif"] == "ptp")
    for reforme in (reforme_par_l_api, reforme_par_les_fichiers):
        nouvelle = evaluer_financements(situation, date=date, parametres=reforme)
        ptp = next(e for e in nouvelle["eligibles"] if e["dispositif"] == "ptp")
        anciennete = next(
            m for m in ptp["montants"] if m["nom"] == "financements.ptp.anciennete_salarie_mois"
        )
        assert (anciennete["valeur"], anciennete["depuis"]) == (18, REFORME.isoformat())
        assert anciennete["reference"]["titre"] == REFERENCE["title"]
        cpf = next(e for e in nouvelle["eligibles"] if e["dispositif"] == "cpf")
        assert "50 € par formation" in [m["affichage"] for m in cpf["montants"]]


def test_les_deux_voies_donnent_les_memes_regles(reforme_par_l_api, reforme_par_les_fichiers):
    assert reforme_par_l_api.empreinte() == reforme_par_les_fichiers.empreinte()


def test_la_version_des_regles_de_financement_change(reforme_par_l_api):
    situation = {"activite": "salarie"}
    assert (
        evaluer_financements(situation, date=REFORME)["version_regles"]
        != evaluer_financements(situation, date=REFORME, parametres=reforme_par_l_api)[
            "version_regles"
        ]
    )
