"""The decision's format, its trace and references, the order of operators, the rules version."""

from __future__ import annotations

import datetime
import itertools
import json
import re
from pathlib import Path

import pytest
import yaml

import aiguillage.rules as rules
from aiguillage.rules import (
    SituationInvalide,
    evaluer,
    parametres_par_defaut,
    valider_situation,
    version_regles,
)
from aiguillage.rules.catalogue import catalogue
from aiguillage.rules.decision import _constater, _ensembles, _reseaux_competents
from aiguillage.rules.moteur import REGLES, Lecteur
from aiguillage.rules.reseaux import HORS_CEP, LIBELLES, OPERATEURS, ordre
from aiguillage.rules.situation import ACTIVITES, CHAMPS_A_PRECISER

D = datetime.date
JOUR = D(2026, 3, 2)
DATES = [D(2015, 1, 5), D(2019, 6, 3), D(2022, 3, 1), D(2024, 6, 3), JOUR]
GRILLE = [
    {"activite": activite, "age": age, **profil}
    for activite, age, profil in itertools.product(
        ACTIVITES,
        (15, 16, 25, 26, 29, 30, 31, 50),
        ({}, {"rqth": True, "cadre": True}, {"inscrit_france_travail": True, "saisonnier": True}),
    )
]


@pytest.fixture(scope="module")
def decisions() -> list[tuple[dict, dict]]:
    return [(s, evaluer(s, date=date)) for s in GRILLE for date in DATES]


def test_format_de_la_decision():
    decision = evaluer({"age": 24, "activite": "agent_public", "rqth": True}, date=JOUR)
    assert set(decision) == {
        "date",
        "operateurs",
        "hors_cep",
        "a_preciser",
        "resume",
        "trace",
        "version_regles",
    }
    assert decision["date"] == "2026-03-02"
    (cap_emploi, mission_locale) = decision["operateurs"]
    assert set(cap_emploi) == {"reseau", "libelle", "motif", "references", "regles", "sites"}
    assert cap_emploi["reseau"] == "cap_emploi" and mission_locale["reseau"] == "mission_locale"
    assert cap_emploi["sites"] == []
    assert cap_emploi["regles"] == ["cap_emploi_emploi"]
    assert all(set(r) == {"titre", "url"} for r in cap_emploi["references"])
    (employeur,) = decision["hors_cep"]
    assert set(employeur) == {"reseau", "libelle", "motif", "references", "regles"}
    assert employeur["reseau"] == "employeur_public"
    assert [q["champ"] for q in decision["a_preciser"]] == ["cadre"]
    assert set(decision["trace"][0]) == {"regle", "titre", "resultat", "detail", "parametres"}


def test_decisions_serialisables_en_json(decisions):
    for _, decision in decisions:
        assert json.loads(json.dumps(decision, ensure_ascii=False)) == decision


def test_chaque_regle_du_code_est_au_catalogue_avec_ses_textes():
    assert list(REGLES) == list(catalogue())
    for regle in catalogue().values():
        assert regle.titre and regle.references
        for reference in regle.references:
            assert reference.titre
            assert reference.url is None or reference.url.startswith("https://")


def test_chaque_regle_des_traces_a_une_reference(decisions):
    for _, decision in decisions:
        assert [t["regle"] for t in decision["trace"]] == list(REGLES)
        for entree in decision["trace"]:
            assert catalogue()[entree["regle"]].references
            for parametre in entree["parametres"]:
                assert parametre["reference"]["titre"]
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", parametre["depuis"])


def test_chaque_reseau_competent_a_motif_et_references(decisions):
    for _, decision in decisions:
        for entree in decision["operateurs"] + decision["hors_cep"]:
            assert entree["motif"].strip()
            assert entree["references"]
            assert entree["libelle"]
            assert all(r["titre"] for r in entree["references"])


def test_ordre_deterministe_le_public_le_plus_specifique_d_abord(decisions):
    for _, decision in decisions:
        reseaux = [o["reseau"] for o in decision["operateurs"]]
        assert reseaux == sorted(reseaux, key=ordre)
        assert set(reseaux) <= set(OPERATEURS)
        assert {h["reseau"] for h in decision["hors_cep"]} <= set(HORS_CEP)
    decision = evaluer(
        {
            "age": 22,
            "activite": "salarie",
            "cadre": True,
            "rqth": True,
            "inscrit_france_travail": True,
        },
        date=JOUR,
    )
    assert [o["reseau"] for o in decision["operateurs"]] == [
        "cap_emploi",
        "mission_locale",
        "apec",
        "france_travail",
        "cep_actifs_occupes",
    ]


def test_un_operateur_n_est_jamais_cache(decisions):
    """Every network of a rule that applied is listed (the person chooses)."""
    for _, decision in decisions:
        listes = {o["reseau"] for o in decision["operateurs"] + decision["hors_cep"]}
        for entree in decision["trace"]:
            if entree["resultat"] and entree["regle"] in (
                "france_travail_demandeur_emploi",
                "mission_locale_age",
                "cap_emploi_recherche",
                "apec_cadre",
                "eleve_cio",
            ):
                reseau = REGLES[entree["regle"]][0]
                assert reseau in listes


def test_agents_publics_jamais_chez_l_operateur_des_actifs_occupes(decisions):
    for situation, decision in decisions:
        if situation["activite"] == "agent_public":
            reseaux = {o["reseau"] for o in decision["operateurs"]}
            assert not reseaux & {"cep_actifs_occupes", "fongecif"}
            assert decision["hors_cep"][0]["reseau"] == "employeur_public"


def test_operateur_des_actifs_occupes_selon_la_date(decisions):
    for _, decision in decisions:
        reseaux = {o["reseau"] for o in decision["operateurs"]}
        if decision["date"] < "2020-01-01":
            assert "cep_actifs_occupes" not in reseaux
        else:
            assert "fongecif" not in reseaux


def test_libelle_pole_emploi_avant_2024():
    situation = {"age": 40, "activite": "demandeur_emploi"}
    avant = evaluer(situation, date=D(2023, 12, 31))
    apres = evaluer(situation, date=D(2024, 1, 1))
    assert avant["operateurs"][0]["libelle"] == "Pôle emploi"
    assert "Pôle emploi" in avant["operateurs"][0]["motif"]
    assert "France Travail" not in avant["operateurs"][0]["motif"]
    assert apres["operateurs"][0]["libelle"] == "France Travail"
    assert "France Travail" in apres["operateurs"][0]["motif"]
    assert "Pôle emploi" in avant["resume"]


def test_questions_a_preciser(decisions):
    for _, decision in decisions:
        champs = [q["champ"] for q in decision["a_preciser"]]
        assert champs == [c for c in CHAMPS_A_PRECISER if c in champs]
        for question in decision["a_preciser"]:
            assert question["question"].endswith("?")
            assert question["pourquoi"]


def test_une_question_est_posee_seulement_si_la_reponse_change_la_liste():
    situation = {"age": 40, "activite": "salarie", "contrat": "cdi"}
    decision = evaluer(situation, date=JOUR)
    assert [q["champ"] for q in decision["a_preciser"]] == ["cadre", "rqth"]
    assert decision["a_preciser"][0]["pourquoi"].endswith("Si oui : Apec s'ajoute.")
    base = {o["reseau"] for o in decision["operateurs"]}
    for champ in ("csp", "saisonnier", "beneficiaire_rsa", "inscrit_france_travail"):
        assert champ not in {q["champ"] for q in decision["a_preciser"]}
    for champ in ("cadre", "rqth"):
        avec = evaluer({**situation, champ: True}, date=JOUR)
        assert {o["reseau"] for o in avec["operateurs"]} != base
        assert champ not in {q["champ"] for q in avec["a_preciser"]}


def test_resume():
    assert evaluer({"age": 19, "activite": "demandeur_emploi"}, date=JOUR)["resume"].startswith(
        "2 opérateurs du CEP sont compétents : Mission locale, France Travail. La personne choisit"
    )
    retraite = evaluer({"age": 70, "activite": "retraite", "exerce_un_emploi": False}, date=JOUR)
    assert retraite["resume"].startswith(
        "Aucun opérateur du CEP n'est compétent au vu des informations données. "
        "Vous êtes retraité sans emploi"
    )
    inactif = evaluer({"age": 40, "activite": "inactif"}, date=D(2023, 6, 1))
    assert "En vous inscrivant à Pôle emploi, vous devenez demandeur d'emploi" in inactif["resume"]


def test_date_par_defaut_et_situation_deja_validee():
    decision = evaluer({"activite": "salarie", "age": 40})
    assert decision["date"] == datetime.date.today().isoformat()
    situation = valider_situation({"activite": "salarie", "age": 40}, date=D(2019, 1, 2))
    assert evaluer(situation)["operateurs"][0]["reseau"] == "fongecif"
    assert evaluer(situation, date=JOUR)["operateurs"][0]["reseau"] == "cep_actifs_occupes"


def test_date_avant_la_creation_du_cep():
    with pytest.raises(SituationInvalide) as excinfo:
        evaluer({"activite": "salarie", "age": 40}, date=D(2014, 3, 4))
    assert excinfo.value.par_champ == {
        "date": [
            "date : les règles s'appliquent à partir du 5 mars 2014 (création du CEP), "
            "pas au 4 mars 2014"
        ]
    }
    assert evaluer({"activite": "salarie", "age": 40}, date=D(2014, 3, 5))["operateurs"]


def test_version_des_regles_deterministe():
    version = version_regles()
    assert re.fullmatch(r"\d+\.\d+\.\d+\+[0-9a-f]{12}", version)
    assert version == version_regles(parametres_par_defaut()) == rules.VERSION_REGLES
    assert evaluer({"activite": "eleve", "age": 15}, date=JOUR)["version_regles"] == version
    with pytest.raises(AttributeError):
        rules.AUTRE_CHOSE  # noqa: B018


def test_la_decision_rendue_est_neuve():
    """A caller may fill or change the decision (the directory adds ``sites``): the next decisions
    stay the same, nothing of it is shared with the rules' caches."""
    situation = {"age": 22, "activite": "demandeur_emploi", "rqth": True, "cadre": True}
    attendue = evaluer(situation, date=JOUR)
    decision = evaluer(situation, date=JOUR)
    for entree in decision["operateurs"] + decision["hors_cep"]:
        entree["sites"] = [{"nom": "site"}]
        entree["regles"].append("autre")
        for reference in entree["references"]:
            reference["titre"] = "modifié"
        entree["references"].clear()
    for entree in decision["trace"]:
        for parametre in entree["parametres"]:
            parametre["valeur"] = "modifiée"
            parametre["reference"]["url"] = None
        entree["parametres"].append({})
    assert evaluer(situation, date=JOUR) == attendue


@pytest.mark.parametrize("date", DATES, ids=str)
def test_les_questions_comparent_les_reseaux_de_la_decision(date):
    """The answers to the unknown facts are tried with a lighter evaluation (no trace): it must
    find the same networks as the decision's."""
    P = parametres_par_defaut()
    for situation in GRILLE:
        s = valider_situation(situation, date=date)
        oui = [s.avec(**{champ: True}) for champ in CHAMPS_A_PRECISER if champ != "age"]
        for essai in [s, s.avec(age=None), *oui]:
            competents = _reseaux_competents(essai, Lecteur(P, date))
            assert competents == _ensembles(_constater(essai, P))


def test_libelles_de_tous_les_reseaux():
    assert set(LIBELLES) == set(OPERATEURS) | set(HORS_CEP)


def test_au_moins_40_cas_yaml():
    cas = [
        c
        for f in (Path(__file__).parent / "cas").glob("*.yaml")
        for c in yaml.safe_load(f.read_text())
    ]
    assert len(cas) >= 40
