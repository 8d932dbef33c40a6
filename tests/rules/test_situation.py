"""The situation contract: strict validation with French messages per field, and its JSON Schema."""

from __future__ import annotations

import dataclasses
import datetime
import json

import pytest

from aiguillage.rules import SCHEMA_SITUATION, SituationInvalide, valider_situation
from aiguillage.rules.situation import ACTIVITES, BOOLEENS, CHAMPS, CONTRATS, age_a_la_date

D = datetime.date
JOUR = D(2026, 3, 2)


def erreurs(data, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(SituationInvalide) as excinfo:
        valider_situation(data, **kwargs)
    return excinfo.value.par_champ


def test_situation_complete():
    s = valider_situation(
        {
            "date": "2026-03-02",
            "date_naissance": "2000-03-03",
            "commune": "2A004",
            "activite": "salarie",
            "contrat": "cdd_saisonnier",
            "cadre": False,
            "rqth": True,
        }
    )
    assert (s.date, s.age, s.activite, s.contrat, s.commune) == (
        JOUR,
        25,
        "salarie",
        "cdd_saisonnier",
        "2A004",
    )
    assert s.cadre is False and s.rqth is True and s.csp is None
    assert s.en_emploi and s.est_saisonnier and not s.outre_mer
    assert s.as_dict()["date_naissance"] == "2000-03-03"
    assert "csp" not in s.as_dict()


def test_date_par_defaut_aujourd_hui():
    assert valider_situation({"activite": "inactif"}).date == datetime.date.today()


def test_date_en_argument():
    assert valider_situation({"activite": "inactif"}, date=JOUR).date == JOUR
    assert valider_situation({"activite": "inactif", "date": "2026-03-02"}, date=JOUR).date == JOUR
    assert (
        "contredit" in erreurs({"activite": "inactif", "date": "2026-03-03"}, date=JOUR)["date"][0]
    )


def test_activite_inconnue_liste_les_valeurs_possibles():
    assert erreurs({"activite": "chomeur"}) == {
        "activite": [
            "activite : valeur « chomeur » inconnue ; valeurs possibles : salarie, independant, "
            "agent_public, demandeur_emploi, eleve, etudiant, retraite, inactif"
        ]
    }


def test_activite_obligatoire():
    message = erreurs({"age": 30})["activite"][0]
    assert message.startswith("activite : champ obligatoire ; valeurs possibles : salarie")


def test_champ_inconnu():
    message = erreurs({"activite": "salarie", "handicap": True})["handicap"][0]
    assert message.startswith("handicap : champ inconnu ; champs possibles : date, age,")


def test_contrat_inconnu():
    message = erreurs({"activite": "salarie", "contrat": "stage"})["contrat"][0]
    assert message == (
        "contrat : valeur « stage » inconnue ; valeurs possibles : cdi, cdd, cdd_saisonnier, "
        "interim, apprentissage, professionnalisation"
    )


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("age", "19", "age : nombre entier d'années attendu, reçu « 19 »"),
        ("age", 19.5, "age : nombre entier d'années attendu, reçu « 19.5 » (float)"),
        ("age", True, "age : nombre entier d'années attendu, reçu « true »"),
        ("rqth", "oui", "rqth : vrai ou faux attendu (true ou false), reçu « oui »"),
        ("rqth", 1, "rqth : vrai ou faux attendu (true ou false), reçu « 1 » (int)"),
        ("date", "02/03/2026", "date : date au format AAAA-MM-JJ attendue, reçu « 02/03/2026 »"),
        ("date_naissance", 2000, "date_naissance : date au format AAAA-MM-JJ attendue"),
        ("commune", 75056, "commune : code INSEE attendu (5 caractères, par ex. 75056 ou 2A004)"),
        ("commune", "750", "commune : code INSEE attendu"),
        ("activite", ["salarie"], "activite : valeur « ['salarie'] » (list) inconnue"),
    ],
)
def test_types_verifies(champ, valeur, message):
    data = {"activite": "salarie", champ: valeur}
    assert erreurs(data)[champ][0].startswith(message)


@pytest.mark.parametrize("age", [13, 101, -1])
def test_age_hors_bornes(age):
    assert erreurs({"activite": "eleve", "age": age})["age"] == [
        f"age : {age} ans est hors des âges acceptés (14 à 100 ans)"
    ]


@pytest.mark.parametrize("age", [14, 100])
def test_age_aux_bornes(age):
    assert valider_situation({"activite": "eleve", "age": age}).age == age


def test_age_calcule_depuis_la_date_de_naissance():
    data = {"activite": "salarie", "date_naissance": "2000-03-03"}
    assert valider_situation(data, date=D(2026, 3, 2)).age == 25
    assert valider_situation(data, date=D(2026, 3, 3)).age == 26


def test_ne_un_29_fevrier():
    assert age_a_la_date(D(2008, 2, 29), D(2026, 2, 28)) == 17
    assert age_a_la_date(D(2008, 2, 29), D(2026, 3, 1)) == 18
    assert age_a_la_date(D(2008, 2, 29), D(2028, 2, 29)) == 20


def test_age_et_date_de_naissance_coherents():
    data = {"activite": "salarie", "date_naissance": "2000-03-03", "age": 25}
    assert valider_situation(data, date=JOUR).age == 25


def test_age_et_date_de_naissance_incoherents():
    data = {"activite": "salarie", "date_naissance": "2000-03-03", "age": 26}
    assert erreurs(data, date=JOUR) == {
        "age": [
            "age : 26 ans ne correspond pas à la date de naissance 2000-03-03 "
            "(25 ans au 2026-03-02)"
        ]
    }


def test_date_de_naissance_apres_la_date():
    data = {"activite": "eleve", "date_naissance": "2027-01-01"}
    assert "postérieure" in erreurs(data, date=JOUR)["date_naissance"][0]


def test_age_calcule_hors_bornes():
    data = {"activite": "eleve", "date_naissance": "2015-01-01"}
    assert "hors des âges acceptés" in erreurs(data, date=JOUR)["age"][0]


@pytest.mark.parametrize("activite", ["independant", "demandeur_emploi", "eleve", "inactif"])
def test_contrat_sans_emploi_salarie(activite):
    message = erreurs({"activite": activite, "contrat": "cdi"})["contrat"][0]
    assert message.startswith(f"contrat : sans objet pour activite « {activite} »")


def test_contrat_d_un_etudiant_qui_travaille():
    assert valider_situation(
        {"activite": "etudiant", "exerce_un_emploi": True, "contrat": "cdd"}
    ).en_emploi
    assert "contrat" in erreurs({"activite": "etudiant", "contrat": "cdd"})


def test_toutes_les_erreurs_a_la_fois():
    with pytest.raises(SituationInvalide) as excinfo:
        valider_situation({"activite": "chomeur", "age": "x", "rqth": "oui", "foo": 1})
    exc = excinfo.value
    assert set(exc.par_champ) == {"activite", "age", "rqth", "foo"}
    assert str(exc).startswith("Situation invalide : age : nombre entier d'années attendu")
    assert len(exc.erreurs) == 4
    assert list(exc.par_champ) == ["age", "activite", "rqth", "foo"]
    assert json.loads(json.dumps(exc.as_dict())) == {
        "erreurs": exc.erreurs,
        "par_champ": exc.par_champ,
    }


def test_erreur_construite_depuis_des_messages():
    exc = SituationInvalide(["commune : code INSEE « 99999 » inconnu", "une phrase libre"])
    assert exc.par_champ == {
        "commune": ["commune : code INSEE « 99999 » inconnu"],
        "situation": ["une phrase libre"],
    }
    assert exc.erreurs == ["commune : code INSEE « 99999 » inconnu", "une phrase libre"]


def test_pas_un_objet():
    assert erreurs(["salarie"]) == {
        "situation": ["la situation doit être un objet JSON (clé: valeur)"]
    }


def test_null_vaut_inconnu():
    s = valider_situation({"activite": "salarie", "cadre": None, "age": None})
    assert s.cadre is None and s.age is None


def test_avec_change_seulement_les_faits_donnes():
    s = valider_situation({"activite": "salarie", "age": 40, "commune": "73065"}, date=JOUR)
    assert s.avec(cadre=True, age=26) == dataclasses.replace(s, cadre=True, age=26)
    assert s.avec(date=D(2019, 1, 2)).date == D(2019, 1, 2) and s.date == JOUR
    with pytest.raises(TypeError):
        s.avec(chomeur=True)


def test_outre_mer():
    for commune in ("97105", "97209", "97302", "97411", "97502", "97611"):
        assert valider_situation({"activite": "salarie", "commune": commune}).outre_mer
    for commune in ("75056", "2B033", "97701", "98735"):
        assert not valider_situation({"activite": "salarie", "commune": commune}).outre_mer


def test_schema_json_suit_le_contrat():
    proprietes = SCHEMA_SITUATION["properties"]
    assert set(proprietes) == set(CHAMPS)
    assert SCHEMA_SITUATION["additionalProperties"] is False
    assert SCHEMA_SITUATION["required"] == ["activite"]
    assert proprietes["activite"]["enum"] == list(ACTIVITES)
    assert proprietes["contrat"]["enum"] == list(CONTRATS)
    assert all(proprietes[b]["type"] == "boolean" for b in BOOLEENS)
    assert (proprietes["age"]["minimum"], proprietes["age"]["maximum"]) == (14, 100)
    assert all(p["description"] for p in proprietes.values())
    json.dumps(SCHEMA_SITUATION)
