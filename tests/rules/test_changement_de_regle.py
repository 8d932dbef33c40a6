"""A rule change dated D leaves every decision before D unchanged, and changes decisions from D.

The change is made the only allowed way: a new dated value, never an edit of a past one — through
the loader's API (:meth:`Parametres.avec_valeur`) and through a modified copy of the YAML files.
"""

from __future__ import annotations

import datetime
import itertools
import shutil

import pytest
import yaml

from aiguillage.rules import evaluer
from aiguillage.rules.parametres import DOSSIER_PARAMETRES, Parametres, parametres_par_defaut
from aiguillage.rules.situation import ACTIVITES

D = datetime.date
REFORME = D(2030, 1, 1)
AGE_MAXIMUM = "competence.mission_locale.age_maximum"
#: Dates on both sides of every reform already in the parameters, and the eve of the new one.
AVANT = [
    D(2015, 6, 1),
    D(2019, 12, 31),
    D(2020, 1, 1),
    D(2024, 1, 1),
    D(2025, 1, 1),
    D(2029, 12, 31),
]
PROFILS = [
    {},
    {"rqth": True},
    {"cadre": True, "inscrit_france_travail": True},
    {"beneficiaire_rsa": True, "rqth": False, "exerce_un_emploi": True},
]
SITUATIONS = [
    {"activite": activite, "age": age, **profil}
    for activite, age, profil in itertools.product(ACTIVITES, (16, 25, 26, 29, 45), PROFILS)
]


def sans_version(decision: dict) -> dict:
    return {cle: valeur for cle, valeur in decision.items() if cle != "version_regles"}


@pytest.fixture(scope="module")
def reforme_par_l_api() -> Parametres:
    return parametres_par_defaut().avec_valeur(
        AGE_MAXIMUM, REFORME, 26, reference={"title": "Réforme imaginaire des Missions locales"}
    )


@pytest.fixture(scope="module")
def reforme_par_les_fichiers(tmp_path_factory) -> Parametres:
    dossier = tmp_path_factory.mktemp("parametres") / "parametres"
    shutil.copytree(DOSSIER_PARAMETRES, dossier)
    fichier = dossier / "competence" / "mission_locale" / "age_maximum.yaml"
    data = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    data["values"][REFORME] = {"value": 26}
    data["metadata"]["reference"][REFORME] = {"title": "Réforme imaginaire des Missions locales"}
    fichier.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return Parametres.from_directory(dossier)


@pytest.mark.parametrize("date", AVANT, ids=str)
def test_decisions_identiques_avant_la_reforme(date, reforme_par_l_api, reforme_par_les_fichiers):
    for situation in SITUATIONS:
        actuelle = evaluer(situation, date=date)
        for reforme in (reforme_par_l_api, reforme_par_les_fichiers):
            nouvelle = evaluer(situation, date=date, parametres=reforme)
            assert sans_version(nouvelle) == sans_version(actuelle), (situation, date)


@pytest.mark.parametrize("date", [REFORME, D(2031, 6, 1)], ids=str)
def test_decisions_changees_a_partir_de_la_reforme(
    date, reforme_par_l_api, reforme_par_les_fichiers
):
    situation = {"activite": "demandeur_emploi", "age": 26, "rqth": False}
    actuelle = evaluer(situation, date=date)
    assert {o["reseau"] for o in actuelle["operateurs"]} == {"france_travail"}
    for reforme in (reforme_par_l_api, reforme_par_les_fichiers):
        nouvelle = evaluer(situation, date=date, parametres=reforme)
        assert {o["reseau"] for o in nouvelle["operateurs"]} == {"france_travail", "mission_locale"}
        trace = next(t for t in nouvelle["trace"] if t["regle"] == "mission_locale_age")
        parametre = next(p for p in trace["parametres"] if p["nom"] == AGE_MAXIMUM)
        assert parametre["valeur"] == 26
        assert parametre["depuis"] == "2030-01-01"
        assert parametre["reference"]["titre"] == "Réforme imaginaire des Missions locales"


def test_les_deux_voies_donnent_les_memes_regles(reforme_par_l_api, reforme_par_les_fichiers):
    assert reforme_par_l_api.empreinte() == reforme_par_les_fichiers.empreinte()


def test_la_version_des_regles_change(reforme_par_l_api):
    situation = {"activite": "salarie", "age": 40}
    assert (
        evaluer(situation, date=REFORME)["version_regles"]
        != evaluer(situation, date=REFORME, parametres=reforme_par_l_api)["version_regles"]
    )
