"""The simulated régions are generated once per test session into a shared folder."""

import pytest


@pytest.fixture(scope="session")
def observatory_var(tmp_path_factory):
    return tmp_path_factory.mktemp("observatoire-var")


@pytest.fixture
def shared_var(settings, observatory_var):
    """Point VAR_DIR at the session's folder: the régions and the analyses' caches are reused."""
    settings.VAR_DIR = observatory_var
    return observatory_var
