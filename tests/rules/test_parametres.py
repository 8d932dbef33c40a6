"""The dated-parameter loader: values in force at a date, references, and the format's checks."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
import yaml

from aiguillage.rules.parametres import (
    DOSSIER_PARAMETRES,
    ParametreIndisponible,
    ParametreInvalide,
    Parametres,
    Reference,
    parametre_depuis_donnees,
    parametres_par_defaut,
)

D = datetime.date
FICHIERS = sorted(DOSSIER_PARAMETRES.rglob("*.yaml"))


def test_les_parametres_livres_se_chargent():
    parametres = parametres_par_defaut()
    assert len(parametres) == len(FICHIERS) >= 8
    assert "competence.mission_locale.age_maximum" in parametres
    assert parametres.date_debut == D(2014, 3, 5)


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


@pytest.mark.parametrize(
    ("nom", "veille", "jour", "avant", "apres"),
    [
        ("competence.actifs_occupes.operateur", D(2019, 12, 31), D(2020, 1, 1),
         "fongecif", "cep_actifs_occupes"),
        ("libelles.france_travail", D(2023, 12, 31), D(2024, 1, 1),
         "Pôle emploi", "France Travail"),
        ("competence.france_travail.inscription_automatique", D(2024, 12, 31), D(2025, 1, 1),
         False, True),
        ("competence.mission_locale.age_maximum_rqth", D(2022, 2, 28), D(2022, 3, 1), 25, 29),
        ("competence.cap_emploi.actifs_occupes", D(2017, 12, 31), D(2018, 1, 1), False, True),
    ],
)  # fmt: skip
def test_valeur_en_vigueur_de_part_et_d_autre_d_une_reforme(nom, veille, jour, avant, apres):
    parametres = parametres_par_defaut()
    assert parametres.valeur(nom, veille).valeur == avant
    en_vigueur = parametres.valeur(nom, jour)
    assert en_vigueur.valeur == apres
    assert en_vigueur.depuis == jour
    assert en_vigueur.reference.titre
    assert parametres.valeur(nom, D(2030, 6, 1)).valeur == apres


def test_valeur_datee_pour_la_trace():
    valeur = parametres_par_defaut().valeur("competence.mission_locale.age_maximum", D(2026, 3, 2))
    assert valeur.as_dict() == {
        "nom": "competence.mission_locale.age_maximum",
        "valeur": 25,
        "depuis": "2014-03-05",
        "reference": {
            "titre": "Code du travail, art. L5314-2 "
            "(Missions locales : jeunes de 16 à 25 ans révolus)",
            "url": "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006072050/",
        },
    }


def test_aucune_valeur_avant_la_premiere_date():
    with pytest.raises(ParametreIndisponible, match="aucune valeur en vigueur au 2014-03-04"):
        parametres_par_defaut().valeur("competence.mission_locale.age_maximum", D(2014, 3, 4))


def test_parametre_inconnu():
    with pytest.raises(KeyError, match="paramètre inconnu"):
        parametres_par_defaut()["competence.inconnu"]


def test_avec_valeur_ajoute_une_valeur_datee_sans_toucher_l_original():
    origine = parametres_par_defaut()
    nom = "competence.mission_locale.age_maximum"
    modifies = origine.avec_valeur(
        nom, D(2030, 1, 1), 26, reference={"title": "Loi imaginaire", "href": None}
    )
    assert modifies.valeur(nom, D(2029, 12, 31)).valeur == 25
    assert modifies.valeur(nom, D(2030, 1, 1)).valeur == 26
    assert modifies.valeur(nom, D(2030, 1, 1)).reference == Reference("Loi imaginaire")
    assert origine.valeur(nom, D(2030, 1, 1)).valeur == 25
    assert modifies.empreinte() != origine.empreinte()


@pytest.mark.parametrize("date", [D(2014, 3, 5), D(2020, 1, 1), D(2013, 1, 1)])
def test_avec_valeur_refuse_de_modifier_le_passe(date):
    with pytest.raises(ParametreInvalide, match="on ne modifie jamais une valeur passée"):
        parametres_par_defaut().avec_valeur(
            "competence.actifs_occupes.operateur", date, "autre", reference=Reference("x")
        )


def test_avec_valeur_refuse_un_autre_type():
    with pytest.raises(ParametreInvalide, match="même type"):
        parametres_par_defaut().avec_valeur(
            "competence.mission_locale.age_maximum", D(2030, 1, 1), "26", reference=Reference("x")
        )


def test_l_empreinte_ne_depend_que_du_contenu():
    assert Parametres.from_directory().empreinte() == parametres_par_defaut().empreinte()


def test_chargement_d_un_autre_dossier(tmp_path):
    shutil.copytree(DOSSIER_PARAMETRES, tmp_path / "p")
    fichier = tmp_path / "p" / "competence" / "mission_locale" / "age_minimum.yaml"
    data = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    data["values"][D(2031, 1, 1)] = {"value": 15}
    data["metadata"]["reference"][D(2031, 1, 1)] = {"title": "Réforme future"}
    fichier.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    parametres = Parametres.from_directory(tmp_path / "p")
    assert parametres.valeur("competence.mission_locale.age_minimum", D(2031, 1, 1)).valeur == 15
    assert parametres.valeur("competence.mission_locale.age_minimum", D(2030, 1, 1)).valeur == 16


def test_dossier_vide(tmp_path):
    with pytest.raises(ParametreInvalide, match="aucun fichier"):
        Parametres.from_directory(tmp_path)


def _donnees(**changements):
    data = {
        "description": "Un paramètre",
        "values": {D(2020, 1, 1): {"value": 3}},
        "metadata": {"unit": "year", "reference": {D(2020, 1, 1): {"title": "Un texte"}}},
    }
    data.update(changements)
    return data


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ([], "objet YAML"),
        (_donnees(autre=1), "clés inconnues"),
        (_donnees(description=""), "description"),
        (_donnees(values={}), "au moins une date"),
        (_donnees(values={"2020-13-01": {"value": 3}}), "n'est pas une date"),
        (_donnees(values={D(2020, 1, 1): 3}), "de la forme"),
        (_donnees(values={D(2020, 1, 1): {"value": 3.5}}), "nombre entier, un booléen ou un texte"),
        (
            _donnees(values={D(2020, 1, 1): {"value": 3}, D(2021, 1, 1): {"value": 4}}),
            "pas de référence pour la valeur du 2021-01-01",
        ),
        (
            _donnees(metadata={"unit": "year", "reference": {D(2019, 1, 1): {"title": "T"}}}),
            "pas de référence pour la valeur du 2020-01-01",
        ),
        (
            _donnees(
                metadata={
                    "unit": "year",
                    "reference": {D(2020, 1, 1): {"title": "T", "href": "http://x"}},
                }
            ),
            "https",
        ),
        (_donnees(metadata={"unit": "year", "reference": {D(2020, 1, 1): {}}}), "pas de titre"),
        (_donnees(metadata={"reference": {}, "autre": 1}), "metadata"),
    ],
)
def test_format_verifie(donnees, message):
    with pytest.raises(ParametreInvalide, match=message):
        parametre_depuis_donnees("essai", donnees)


def test_valeurs_triees_par_date():
    data = _donnees(
        values={D(2022, 1, 1): {"value": 5}, D(2020, 1, 1): {"value": 3}},
        metadata={
            "unit": "year",
            "reference": {D(2022, 1, 1): {"title": "B"}, D(2020, 1, 1): {"title": "A"}},
        },
    )
    parametre = parametre_depuis_donnees("essai", data)
    assert parametre.premiere_date == D(2020, 1, 1)
    assert parametre.a_la_date(D(2021, 6, 1)).valeur == 3
    assert parametre.a_la_date(D(2022, 6, 1)).reference.titre == "B"
