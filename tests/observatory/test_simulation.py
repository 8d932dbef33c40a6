"""The simulator's earlier years give the previous period (trends) without changing the last."""

from __future__ import annotations

from aiguillage.observatory.engine.analysis import folder_analyse
from aiguillage.observatory.simulation import PAST_VOLUME, region_simulate


def test_two_years_keep_the_last_one_and_give_trends(tmp_path):
    one, two = tmp_path / "un", tmp_path / "deux"
    region_simulate(configuration="2", folder=one, territories=2, seed=5, prefix="T")
    region_simulate(configuration="2", folder=two, territories=2, seed=5, prefix="T", years=2)
    last = (one / "interactions.csv").read_text(encoding="utf-8")
    both = (two / "interactions.csv").read_text(encoding="utf-8")
    assert both.startswith(last)  # the last year is the same, the earlier one is appended
    before, after = folder_analyse(one), folder_analyse(two)
    for a, b in zip(before["territoires"], after["territoires"], strict=True):
        assert (a["configuration"], a["confiance"]) == (b["configuration"], b["confiance"])
        assert a["indicateurs"]["evolution_densite"] is None
        assert b["indicateurs"]["precedent_interactions"] == round(400 * PAST_VOLUME)
        assert b["indicateurs"]["evolution_densite"] is not None
    assert "2 an(s)" in (two / "SIMULATION.txt").read_text(encoding="utf-8")
