"""The funding helper: its parameters, its request contract, its answer, its purity."""

from __future__ import annotations

import datetime
import itertools
import json
import re
from pathlib import Path

import pytest
import yaml

import aiguillage.rules.financements
from aiguillage.rules import evaluer, version_regles
from aiguillage.rules.financements import (
    CHAMPS_FINANCEMENT,
    SCHEMA_DEMANDE,
    catalogue,
    charger,
    evaluer_financements,
    parametres_financements,
    valider_demande,
    version_financements,
)
from aiguillage.rules.financements.evaluation import DEBUT, regles
from aiguillage.rules.financements.moteur import euros
from aiguillage.rules.financements.parametres import DOSSIER_FINANCEMENTS
from aiguillage.rules.parametres import (
    DOSSIER_PARAMETRES,
    ParametreInvalide,
    parametres_par_defaut,
)
from aiguillage.rules.situation import ACTIVITES, CONTRATS, SituationInvalide

D = datetime.date
PAQUET = Path(aiguillage.rules.financements.__file__).resolve().parent
FICHIERS = sorted(DOSSIER_FINANCEMENTS.rglob("*.yml"))
#: Both sides of every dated change in the parameters, and today's rules.
DATES = [
    D(2019, 1, 1),
    D(2019, 10, 31),
    D(2019, 11, 1),
    D(2021, 1, 14),
    D(2021, 1, 15),
    D(2022, 3, 30),
    D(2022, 3, 31),
    D(2022, 12, 20),
    D(2022, 12, 21),
    D(2023, 12, 31),
    D(2024, 1, 1),
    D(2024, 5, 1),
    D(2024, 5, 2),
    D(2025, 1, 1),
    D(2025, 12, 31),
    D(2026, 1, 1),
]


# --- parameters --------------------------------------------------------------------------------


def test_les_parametres_de_financement_se_chargent_a_cote_de_ceux_de_l_orientation():
    parametres = parametres_financements()
    financements = [nom for nom in parametres if nom.startswith("financements.")]
    assert len(financements) == len(FICHIERS) >= 30
    assert set(parametres_par_defaut()) <= set(parametres)
    assert parametres[DEBUT].premiere_date == D(2019, 1, 1)


def test_l_orientation_ne_voit_pas_les_parametres_de_financement():
    """Funding values starting in 2019 or 2026 must not move the orientation's start date nor
    change its rules version (ADR 0004): they are ``.yml`` files the orientation does not load."""
    assert not [n for n in parametres_par_defaut() if n.startswith("financements")]
    assert parametres_par_defaut().date_debut == D(2014, 3, 5)
    assert not list(DOSSIER_FINANCEMENTS.rglob("*.yaml"))
    decision = evaluer({"activite": "salarie", "age": 30}, date=D(2026, 3, 2))
    assert decision["version_regles"] == version_regles()


@pytest.mark.parametrize("fichier", FICHIERS, ids=lambda f: str(f.relative_to(DOSSIER_PARAMETRES)))
def test_chaque_valeur_datee_a_sa_reference(fichier: Path):
    data = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    assert data["description"].strip()
    assert data["metadata"]["unit"]
    references = data["metadata"]["reference"]
    assert set(references) == set(data["values"])
    for date, reference in references.items():
        assert reference["title"].strip(), f"{fichier.name} {date} : titre vide"
        assert reference.get("href") is None or reference["href"].startswith("https://")


def test_un_fichier_yaml_parmi_les_parametres_de_financement_est_refuse(tmp_path):
    import shutil

    shutil.copytree(DOSSIER_FINANCEMENTS, tmp_path / "f")
    (tmp_path / "f" / "cpf" / "plafond.yml").rename(tmp_path / "f" / "cpf" / "plafond.yaml")
    with pytest.raises(ParametreInvalide, match=r"s'écrivent en « \.yml »"):
        charger(tmp_path / "f")


@pytest.mark.parametrize(
    ("nom", "veille", "jour", "avant", "apres"),
    [
        ("cpf.participation_forfaitaire", D(2024, 5, 1), D(2024, 5, 2), 0, 10000),
        ("cpf.participation_forfaitaire", D(2024, 12, 31), D(2025, 1, 1), 10000, 10223),
        ("cpf.participation_forfaitaire", D(2025, 12, 31), D(2026, 1, 1), 10223, 10320),
        ("ptp.absence_maladie_sans_anciennete", D(2022, 3, 30), D(2022, 3, 31), False, True),
        ("ptp.revision_2026", D(2025, 12, 31), D(2026, 1, 1), False, True),
        ("demission_reconversion.ouvert", D(2019, 10, 31), D(2019, 11, 1), False, True),
        ("transco.ouvert", D(2021, 1, 14), D(2021, 1, 15), False, True),
        ("transco.ouvert", D(2025, 12, 31), D(2026, 1, 1), True, False),
        ("pro_a.ouvert", D(2025, 12, 31), D(2026, 1, 1), True, False),
        ("periode_reconversion.ouvert", D(2025, 12, 31), D(2026, 1, 1), False, True),
        ("vae.ouverte_a_tous", D(2022, 12, 20), D(2022, 12, 21), False, True),
        ("vae.experience_minimale_mois", D(2022, 12, 20), D(2022, 12, 21), 12, 0),
        ("vae.france_vae", D(2023, 12, 31), D(2024, 1, 1), False, True),
    ],
)
def test_valeur_en_vigueur_de_part_et_d_autre_d_une_reforme(nom, veille, jour, avant, apres):
    parametres = parametres_financements()
    nom = "financements." + nom
    assert parametres.valeur(nom, veille).valeur == avant
    en_vigueur = parametres.valeur(nom, jour)
    assert (en_vigueur.valeur, en_vigueur.depuis) == (apres, jour)
    assert en_vigueur.reference.titre


def test_montants_en_euros():
    assert [euros(v) for v in (50000, 500000, 10223, 10320, 0)] == [
        "500 €",
        "5 000 €",
        "102,23 €",
        "103,20 €",
        "0 €",
    ]


# --- the request -------------------------------------------------------------------------------


def test_toutes_les_erreurs_d_un_coup_en_francais():
    with pytest.raises(SituationInvalide) as exc:
        valider_demande(
            {
                "activite": "salarie",
                "contrat": "fixe",
                "projet": "voyage",
                "diplome_niveau": "bac",
                "accord_employeur": "oui",
                "effectif_entreprise": -3,
                "couleur": "bleu",
            }
        )
    par_champ = exc.value.par_champ
    assert list(par_champ) == [
        "contrat",
        "projet",
        "diplome_niveau",
        "effectif_entreprise",
        "accord_employeur",
        "couleur",
    ]
    assert "valeurs possibles : formation_certifiante, reconversion, vae" in par_champ["projet"][0]
    assert "nombre entier attendu" in par_champ["diplome_niveau"][0]
    assert "vrai ou faux attendu" in par_champ["accord_employeur"][0]
    assert "hors des valeurs acceptées (0 à" in par_champ["effectif_entreprise"][0]
    inconnu = par_champ["couleur"][0]
    assert inconnu.startswith("couleur : champ inconnu ; champs possibles : date, age,")
    assert "anciennete_salarie_mois" in inconnu and "projet" in inconnu


def test_la_demande_lit_la_situation_et_les_faits():
    demande = valider_demande(
        {"activite": "salarie", "contrat": "cdi", "rqth": True, "projet": "vae"},
        date=D(2026, 3, 2),
    )
    assert (demande.activite, demande.contrat, demande.rqth, demande.projet) == (
        "salarie",
        "cdi",
        True,
        "vae",
    )
    assert demande.anciennete_salarie_mois is None  # unknown, never zero
    assert demande.avec(projet="reconversion", contrat="cdd").as_dict() == {
        "date": "2026-03-02",
        "activite": "salarie",
        "contrat": "cdd",
        "rqth": True,
        "projet": "reconversion",
    }


def test_le_schema_decrit_chaque_champ():
    proprietes = SCHEMA_DEMANDE["properties"]
    assert set(CHAMPS_FINANCEMENT) < set(proprietes)
    assert proprietes["projet"]["enum"][0] == "formation_certifiante"
    assert proprietes["diplome_niveau"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 8,
        "description": CHAMPS_FINANCEMENT["diplome_niveau"].description,
    }
    assert all(p.get("description") for p in proprietes.values())


def test_avant_le_1er_janvier_2019_la_date_est_refusee():
    with pytest.raises(SituationInvalide) as exc:
        evaluer_financements({"activite": "salarie"}, date=D(2018, 12, 31))
    assert exc.value.par_champ == {
        "date": [
            "date : l'aide au financement applique les règles en vigueur depuis le "
            "1er janvier 2019 (loi « Avenir professionnel »), pas au 31 décembre 2018"
        ]
    }


# --- the answer --------------------------------------------------------------------------------

GRILLE = (
    [
        {"activite": activite, **extra}
        for activite in ACTIVITES
        for extra in (
            {},
            {"projet": "reconversion", "rqth": True, "inscrit_france_travail": True},
            {"projet": "vae", "csp": True, "diplome_niveau": 0},
        )
    ]
    + [
        {"activite": activite, "exerce_un_emploi": True, "contrat": "cdi", "projet": "reconversion"}
        for activite in ("etudiant", "retraite")
    ]
    + [
        {"activite": "salarie", "contrat": contrat, "projet": projet, "anciennete_salarie_mois": 30}
        for contrat, projet in itertools.product(CONTRATS, ("reconversion", "creation_reprise"))
    ]
)


@pytest.mark.parametrize("date", DATES, ids=str)
def test_chaque_dispositif_une_fois_avec_un_statut_un_motif_et_ses_sources(date):
    for situation in GRILLE:
        if "exerce_un_emploi" in situation and situation["activite"] not in (
            "etudiant",
            "retraite",
        ):
            situation = {k: v for k, v in situation.items() if k != "exerce_un_emploi"}
        reponse = evaluer_financements(situation, date=date)
        entrees = reponse["eligibles"] + reponse["a_verifier"] + reponse["non_eligibles"]
        assert [e["dispositif"] for e in entrees] == [
            d for groupe in ("eligible", "a_verifier", "non_eligible")
            for d in catalogue() if any(
                e["dispositif"] == d and e["statut"] == groupe for e in entrees
            )
        ]  # fmt: skip
        assert sorted(e["dispositif"] for e in entrees) == sorted(catalogue())
        for entree in entrees:
            assert entree["motif"] and entree["decideur"] and entree["references"]
            assert entree["conditions"], entree["dispositif"]
            for montant in entree["montants"]:
                if "nom" in montant:
                    assert montant["reference"]["titre"]
                    assert D.fromisoformat(montant["depuis"]) <= date
        json.dumps(reponse)  # JSON-ready


def _reponses_possibles(champ: str) -> list:
    """Answers to try, chosen here and not by the engine: a spread of numbers, every choice."""
    if champ in CHAMPS_FINANCEMENT:
        regle = CHAMPS_FINANCEMENT[champ]
        if regle.type == "entier":
            return [v for v in (0, 1, 6, 12, 24, 60, 1300, regle.maximum) if v <= regle.maximum]
        return list(regle.choix) if regle.type == "choix" else [True, False]
    return list(CONTRATS) if champ == "contrat" else [True, False]


def _vu(reponse: dict, dispositif: str) -> tuple:
    entree = next(
        e
        for groupe in ("eligibles", "a_verifier", "non_eligibles")
        for e in reponse[groupe]
        if e["dispositif"] == dispositif
    )
    montants = tuple((m["libelle"], m["affichage"]) for m in entree["montants"])
    return entree["statut"], montants, entree


@pytest.mark.parametrize("date", [D(2021, 6, 1), D(2026, 3, 2)], ids=str)
def test_chaque_question_posee_change_une_reponse_quand_on_y_repond(date):
    """A question is asked only if answering it changes a scheme's status or amounts: answering
    it (with values chosen by the test) does change one of the schemes it names."""
    for situation in GRILLE:
        reponse = evaluer_financements(situation, date=date)
        for question in reponse["a_preciser"]:
            champ = question["champ"]
            assert question["dispositifs"] and question["pourquoi"].endswith(".")
            vus = {d: set() for d in question["dispositifs"]}
            for valeur in _reponses_possibles(champ):
                try:
                    autre = evaluer_financements({**situation, champ: valeur}, date=date)
                except SituationInvalide:
                    continue  # e.g. a seniority in the firm above the total one
                for dispositif in vus:
                    vus[dispositif].add(_vu(autre, dispositif)[:2])
            assert any(len(v) > 1 for v in vus.values()), (situation, champ)
            for dispositif in question["dispositifs"]:
                a_demander = _vu(reponse, dispositif)[2]["a_demander"]
                assert champ in [q["champ"] for q in a_demander]


def test_les_libelles_suivent_la_date():
    situation = {"activite": "demandeur_emploi", "inscrit_france_travail": True}
    avant = evaluer_financements(situation, date=D(2023, 12, 31))
    apres = evaluer_financements(situation, date=D(2024, 1, 1))
    aif_avant = next(e for e in avant["a_verifier"] if e["dispositif"] == "aif")
    aif_apres = next(e for e in apres["a_verifier"] if e["dispositif"] == "aif")
    assert aif_avant["decideur"] == "Pôle emploi"
    assert aif_apres["decideur"] == "France Travail"


def test_la_trace_garde_les_parametres_lus_avec_leur_date_et_leur_source():
    reponse = evaluer_financements(
        {"activite": "salarie", "contrat": "cdi", "diplome_niveau": 4}, date=D(2024, 5, 2)
    )
    cpf = next(t for t in reponse["trace"] if t["dispositif"] == "cpf")
    participation = next(
        p for p in cpf["parametres"] if p["nom"] == "financements.cpf.participation_forfaitaire"
    )
    assert participation["valeur"] == 10000
    assert participation["depuis"] == "2024-05-02"
    assert participation["reference"]["titre"].startswith("Décret n° 2024-394 du 29 avril 2024")
    assert [t["dispositif"] for t in reponse["trace"]] == list(catalogue())


def test_la_reponse_est_neuve_a_chaque_appel():
    situation = {"activite": "salarie", "contrat": "cdi"}
    attendue = evaluer_financements(situation, date=D(2026, 3, 2))
    reponse = evaluer_financements(situation, date=D(2026, 3, 2))
    reponse["eligibles"][0]["montants"].clear()
    reponse["a_preciser"].clear()
    assert evaluer_financements(situation, date=D(2026, 3, 2)) == attendue


def test_version_des_regles_de_financement():
    version = version_financements()
    assert re.fullmatch(r"\d+\.\d+\.\d+\+[0-9a-f]{12}", version)
    assert version == version_financements(parametres_financements())
    assert evaluer_financements({"activite": "eleve"}, date=D(2026, 3, 2))["version_regles"] == (
        version
    )


def test_catalogue_et_regles_concordent():
    assert list(regles()) == list(catalogue())
    for fiche in catalogue().values():
        assert fiche.libelle and fiche.objet and fiche.decideur and fiche.references


# --- purity ------------------------------------------------------------------------------------
