"""Analyse a folder end to end: load → indicators → classification → JSON/CSV.

Concept map: ``folder_analyse(folder, end=…)`` = ``dataset_load`` + ``indicators_compute`` +
``territory_classify`` for each territory (a Python loop over territories, a few hundred, never
over interactions). ``result_csv`` flattens it: one row per territory, indicators as columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

from aiguillage.observatory.engine.classify import territory_classify, thresholds_load
from aiguillage.observatory.engine.indicators import indicators_compute, period_bounds
from aiguillage.observatory.engine.loading import dataset_load

__all__ = ["folder_analyse", "result_csv"]


def _clean(value):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    return value


def folder_analyse(
    folder: str | Path,
    *,
    end: dt.date | None = None,
    months: int = 12,
    thresholds_path: str | Path | None = None,
) -> dict:
    """``{"periode": …, "seuils": …, "territoires": [...]}``; raises ``ImportErrors``."""
    data = dataset_load(folder)
    frame, end = indicators_compute(data, end=end, months=months)
    thresholds = thresholds_load(thresholds_path, at=end)
    territories = []
    for row in frame.iter_rows(named=True):
        indicators = {k: _clean(v) for k, v in row.items() if k != "territory"}
        decision = territory_classify(indicators, thresholds)
        territories.append(
            {
                "territoire": row["territory"],
                "configuration": decision["configuration"],
                "confiance": decision["confiance"],
                "scores": decision["scores"],
                "indicateurs_decisifs": decision["decisifs"],
                "indicateurs": indicators,
                "explication": decision["explication"],
            }
        )
    _, start, _ = period_bounds(end, months)
    return {
        "periode": {"debut_exclu": start.isoformat(), "fin": end.isoformat(), "mois": months},
        "seuils": {"valid_from": str(thresholds.valid_from), "source": thresholds.source},
        "territoires": territories,
    }


def result_csv(result: dict) -> str:
    """One row per territory; indicator columns in a stable order."""
    columns: list[str] = []
    for territory in result["territoires"]:
        columns += [c for c in territory["indicateurs"] if c not in columns]
    head = ["territoire", "configuration", "confiance", "score_1", "score_2", "score_3"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(head + columns + ["explication"])
    for t in result["territoires"]:
        scores = [t["scores"].get(k) for k in ("1", "2", "3")]
        values = [t["indicateurs"].get(c) for c in columns]
        writer.writerow(
            [
                t["territoire"],
                t["configuration"],
                t["confiance"],
                *scores,
                *values,
                " ".join(t["explication"]),
            ]
        )
    return out.getvalue()
