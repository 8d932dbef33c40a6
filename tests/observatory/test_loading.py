"""Per-row validation: every error named by file, line and column; nothing analysed on error."""

from __future__ import annotations

import pytest

from aiguillage.observatory.engine.loading import ImportErrors, dataset_load

ORGANISATIONS = """id,name,network,territory
a,A,france_travail,T1
b,B,mission_locale,T1
b,B bis,inconnu,T1
"""
INTERACTIONS = """id,date,kind,territory,organiser,participants,theme
1,2025-02-30,referral,T1,a,a;b,
2,2025-03-01,visite,T1,a,a;b,
3,2025-03-01,referral,T1,b,a;b,
4,2025-03-01,meeting,T1,a,a;zz,
5,2025-03-01,meeting,T1,a,a,
1,2025-03-01,referral,,a,a;b;a,
"""


def _folder(tmp_path, organisations=ORGANISATIONS, interactions=INTERACTIONS):
    (tmp_path / "organisations.csv").write_text(organisations, encoding="utf-8")
    (tmp_path / "interactions.csv").write_text(interactions, encoding="utf-8")
    return tmp_path


def test_every_error_is_reported_with_file_line_and_column(tmp_path):
    with pytest.raises(ImportErrors) as caught:
        dataset_load(_folder(tmp_path))
    errors = caught.value.errors
    expected = [
        "organisations.csv, ligne 4, colonne « id » : « b » est déjà utilisé.",
        "organisations.csv, ligne 4, colonne « network » : « inconnu » inconnue",
        "interactions.csv, ligne 2, colonne « date » : « 2025-02-30 » n'est pas une date",
        "interactions.csv, ligne 3, colonne « kind » : « visite » inconnue",
        "interactions.csv, ligne 4, colonne « organiser » : pour une orientation, l'organisateur",
        "interactions.csv, ligne 5, colonne « participants » : identifiant(s) absent(s) de "
        "organisations.csv : zz.",
        "interactions.csv, ligne 6, colonne « participants » : au moins deux organisations",
        "interactions.csv, ligne 7, colonne « id » : « 1 » est déjà utilisé.",
        "interactions.csv, ligne 7, colonne « territory » : valeur manquante.",
        "interactions.csv, ligne 7, colonne « participants » : une organisation y figure deux",
    ]
    for message in expected:
        assert any(error.startswith(message) for error in errors), message


def test_missing_file_and_columns(tmp_path):
    (tmp_path / "organisations.csv").write_text("id,name,network\n", encoding="utf-8")
    with pytest.raises(ImportErrors) as caught:
        dataset_load(tmp_path)
    assert caught.value.errors == [
        "organisations.csv, ligne 1 : colonne(s) manquante(s) : territory.",
        "interactions.csv : fichier obligatoire absent du dossier.",
    ]


def test_referral_columns_and_optional_files(tmp_path):
    interactions = (
        "id,date,kind,territory,organiser,participants,theme,outcome,response_days\n"
        "1,2025-03-01,referral,T1,a,a;b,,perdu,-2\n"
        "2,2025-03-01,meeting,T1,a,a;b,,accepted,\n"
    )
    folder = _folder(tmp_path, ORGANISATIONS.replace("b,B bis,inconnu,T1\n", ""), interactions)
    (folder / "context.csv").write_text(
        "territory,region,unemployment_rate,seasonal_employment_share,rural,mountain\n"
        "T1,R,7.5,30,1,peut-être\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportErrors) as caught:
        dataset_load(folder)
    errors = caught.value.errors
    assert any(
        e.startswith("interactions.csv, ligne 2, colonne « outcome » : « perdu »") for e in errors
    )
    assert any(e.startswith("interactions.csv, ligne 2, colonne « response_days »") for e in errors)
    assert any(
        e.startswith("interactions.csv, ligne 3, colonne « outcome » : renseigné") for e in errors
    )
    assert any(
        e.startswith("context.csv, ligne 2, colonne « seasonal_employment_share »") for e in errors
    )
    assert any(e.startswith("context.csv, ligne 2, colonne « mountain »") for e in errors)


def test_valid_folder_loads_typed_frames(tmp_path):
    folder = _folder(
        tmp_path,
        ORGANISATIONS.replace("b,B bis,inconnu,T1\n", ""),
        "id,date,kind,territory,organiser,participants,theme\n"
        "1,2025-03-01,referral,T1,a, a ; b ,\n",
    )
    data = dataset_load(folder)
    assert data.interactions.get_column("participants").to_list() == [["a", "b"]]
    assert data.resources is None and data.context is None
