"""Simulated territories are classified as the configuration they were generated from."""

from __future__ import annotations

import pytest

from aiguillage.observatory.engine.analysis import folder_analyse
from aiguillage.observatory.engine.classify import territory_classify, thresholds_load
from aiguillage.observatory.simulation import region_simulate

SEEDS = range(30)


@pytest.mark.parametrize("configuration", ["1", "2", "3"])
def test_pure_configurations_over_thirty_seeds(tmp_path, configuration):
    wrong = []
    for seed in SEEDS:
        folder = tmp_path / str(seed)
        truth = region_simulate(
            configuration=configuration, folder=folder, territories=1, seed=seed
        )
        for territory in folder_analyse(folder)["territoires"]:
            assert 3 <= len(territory["explication"]) <= 5
            assert territory["indicateurs_decisifs"]
            if territory["configuration"] != truth[territory["territoire"]]:
                wrong.append((seed, territory["configuration"], territory["scores"]))
    assert len(wrong) / len(SEEDS) <= 0.05, wrong


def test_mixed_territories_come_out_mixte_with_an_explanation(tmp_path):
    wrong = []
    for seed in SEEDS:
        folder = tmp_path / str(seed)
        region_simulate(configuration="mixte", folder=folder, territories=1, seed=seed)
        for territory in folder_analyse(folder)["territoires"]:
            if territory["configuration"] != "mixte":
                wrong.append((seed, territory["configuration"], territory["scores"]))
            assert "configuration" in territory["explication"][0]
    assert len(wrong) / len(SEEDS) <= 0.05, wrong


def test_no_label_without_evidence():
    thresholds = thresholds_load()
    decision = territory_classify({"interactions": 0}, thresholds)
    assert decision["configuration"] == "mixte"
    assert decision["confiance"] == 0
    assert "insuffisantes" in decision["explication"][0]


def test_clear_configuration_one_explained_in_french():
    row = {
        "interactions": 100,
        "part_multilaterale_region": 0.8,
        "ressources_actives": 5,
        "interconnaissance": 1.0,
        "part_multilaterale": 0.7,
        "indice_ei_pondere": 0.0,
        "concentration_thematique": 0.1,
        "part_theme_operateurs": 0.05,
    }
    decision = territory_classify(row, thresholds_load())
    # Config 1: every signal at degree 1 → 1. Config 3: concentration 0, operators 0, E-I
    # (0 + 0.3)/0.4 = 0.75 → 2·0.75 = 1.5, Région low 0 → 1.5/7.
    assert decision["scores"]["1"] == 1
    assert decision["scores"]["3"] == pytest.approx(1.5 / 7, abs=1e-3)
    assert decision["configuration"] == "1"
    # best − second ≥ 2·marge → confidence = best = 1.
    assert decision["confiance"] == 1
    assert decision["explication"][1].startswith("80 % des interactions multilatérales")


def test_thresholds_are_dated_and_sourced():
    thresholds = thresholds_load()
    assert str(thresholds.valid_from) == "2019-11-01"
    for signals in thresholds.signals.values():
        for signal in signals:
            assert signal.source
