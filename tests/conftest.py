"""Shared fixtures: the real reference territories are loaded once per test database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aiguillage.territories.services import reference_load

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("AIGUILLAGE_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test sees the real COG 2026 territories (loaded outside test transactions)."""
    with django_db_blocker.unblock():
        reference_load()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (real reference files); required in CI, skipped locally if absent."""
    if not SHARED_DATA.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Données de référence partagées absentes : {SHARED_DATA}")
        pytest.skip(f"{SHARED_DATA} absent")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def diagnostics_buffer(monkeypatch):
    """The API's write-behind buffer (ADR 0002) without its background thread: a test that needs
    the API's diagnostics in the database calls ``buffer.flush()``, so that nothing is written
    behind its back by another thread."""
    from aiguillage.orientation.buffer import buffer

    monkeypatch.setattr(buffer, "background", False)
    yield buffer
    buffer._rows.clear()  # what a test left unwritten does not leak into the next one
    buffer._reponses.clear()
    buffer._reponses_written.clear()  # rolled back with the test's transaction
