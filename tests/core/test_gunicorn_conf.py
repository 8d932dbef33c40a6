"""The production configuration of gunicorn (aiguillage/gunicorn_conf.py)."""

from __future__ import annotations

import gc
import importlib

import pytest


@pytest.fixture
def conf(monkeypatch):
    monkeypatch.setenv("AIGUILLAGE_WORKERS", "3")
    monkeypatch.setenv("AIGUILLAGE_BIND", "0.0.0.0:9000")
    import aiguillage.gunicorn_conf

    yield importlib.reload(aiguillage.gunicorn_conf)
    gc.unfreeze()


def test_settings_come_from_the_environment(conf):
    assert conf.workers == 3
    assert conf.bind == "0.0.0.0:9000"
    assert conf.preload_app is True  # the app is loaded once, before the fork


def test_what_the_app_built_is_frozen_before_the_workers_are_forked(conf):
    gc.unfreeze()
    built = [{"objet": i} for i in range(1000)]
    conf.when_ready(server=None)
    assert gc.get_freeze_count() >= len(built)
