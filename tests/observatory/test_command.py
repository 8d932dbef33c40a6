"""``observatoire analyser|simuler`` through Django's call_command, without any database query."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aiguillage.observatory.management.commands.observatoire import Command


def _run(*args) -> str:
    out = io.StringIO()
    call_command(Command(), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_simulate_then_analyse_json_and_csv(tmp_path):
    message = _run(
        "simuler", "--configuration", "3", "--territoires", "2", "--sortie", str(tmp_path)
    )
    assert "SIMULÉE" in message
    result = json.loads(_run("analyser", str(tmp_path), "--format", "json"))
    assert [t["configuration"] for t in result["territoires"]] == ["3", "3"]
    first = result["territoires"][0]
    assert set(first) >= {"territoire", "configuration", "confiance", "indicateurs", "explication"}
    assert 0 <= first["confiance"] <= 1
    rows = list(csv.DictReader(io.StringIO(_run("analyser", str(tmp_path), "--format", "csv"))))
    assert len(rows) == 2 and "densite" in rows[0] and rows[0]["configuration"] == "3"


def test_date_sets_the_period(tmp_path):
    _run("simuler", "--configuration", "1", "--territoires", "1", "--sortie", str(tmp_path))
    result = json.loads(_run("analyser", str(tmp_path), "--date", "2025-06-30"))
    assert result["periode"]["fin"] == "2025-06-30"


def test_invalid_folder_prints_errors_and_analyses_nothing(tmp_path):
    (tmp_path / "organisations.csv").write_text("id,name,network,territory\na,A,x,T\n")
    (tmp_path / "interactions.csv").write_text(
        "id,date,kind,territory,organiser,participants,theme\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été analysé"):
        call_command(Command(), "analyser", str(tmp_path), stdout=io.StringIO(), stderr=err)
    assert "organisations.csv, ligne 2, colonne « network »" in err.getvalue()
