"""The project as a user installs it: console script, settings from the environment, demo."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aiguillage.accounts.models import Membership, User
from aiguillage.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_load
from aiguillage.directory.models import Structure

CLI = shutil.which("aiguillage") or str(Path(sys.executable).with_name("aiguillage"))


def run(args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    clean.update(env)
    return subprocess.run(args, capture_output=True, text=True, env=clean, timeout=120)


def test_secret_key_required_without_debug(tmp_path):
    result = run([CLI, "check"], DEBUG="0", AIGUILLAGE_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_cli_runs_without_settings_module_and_uses_sqlite_in_wal_mode(tmp_path):
    result = run([CLI, "migrate", "--noinput", "-v0"], DEBUG="1", AIGUILLAGE_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    database = tmp_path / "aiguillage.sqlite3"
    assert database.exists()
    assert (tmp_path / "secret_key").exists()  # generated once for the demo
    mode = sqlite3.connect(database).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_database_url_is_honoured(tmp_path):
    target = tmp_path / "autre.sqlite3"
    result = run(
        [CLI, "migrate", "--noinput", "-v0"],
        DEBUG="1",
        AIGUILLAGE_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{target}",
    )
    assert result.returncode == 0, result.stderr
    assert target.exists()
    assert not (tmp_path / "aiguillage.sqlite3").exists()


@pytest.mark.django_db
def test_demo_is_idempotent_and_labelled():
    demo_load()
    counts = (Structure.objects.count(), User.objects.count(), Membership.objects.count())
    demo_load()
    assert (Structure.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    assert not Structure.objects.filter(est_demo=False).exists()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {
        "conseiller",
        "responsable_structure",
        "coordinateur_regional",
        "analyste",
        "administrateur",
    }
    for account in DEMO_ACCOUNTS:
        assert User.objects.get(email=account.email).check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_demo_command_prints_one_login_per_role(capsys):
    from django.core.management import call_command

    call_command("demo")
    out = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        assert account.email in out
    assert DEMO_PASSWORD in out
