"""aiguillage/rules is pure Python: no module imports Django, even indirectly."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import aiguillage.rules

PAQUET = Path(aiguillage.rules.__file__).resolve().parent


def _modules_importes(fichier: Path) -> set[str]:
    modules = set()
    for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
        if isinstance(noeud, ast.Import):
            modules |= {alias.name for alias in noeud.names}
        elif isinstance(noeud, ast.ImportFrom) and noeud.module:
            modules.add(noeud.module)
    return modules


def test_aucun_module_n_importe_django():
    """The whole package, the funding helper (``rules/financements``) included."""
    fichiers = sorted(PAQUET.rglob("*.py"))
    assert any(f.parent.name == "financements" for f in fichiers)
    assert len(fichiers) >= 17
    for fichier in fichiers:
        for module in _modules_importes(fichier):
            assert module.split(".")[0] != "django", f"{fichier.name} importe {module}"
            if module.startswith("aiguillage.") or module == "aiguillage":
                assert module == "aiguillage" or module.startswith("aiguillage.rules"), (
                    f"{fichier.name} importe {module}, hors du paquet des règles"
                )


@pytest.mark.parametrize(
    "appel",
    [
        "from aiguillage.rules import evaluer\n"
        "evaluer({'activite': 'salarie', 'age': 30}, date=datetime.date(2026, 3, 2))\n",
        "from aiguillage.rules.financements import evaluer_financements\n"
        "evaluer_financements({'activite': 'salarie', 'contrat': 'cdi'},"
        " date=datetime.date(2026, 3, 2))\n",
    ],
    ids=["orientation", "financements"],
)
def test_evaluer_sans_charger_django(appel):
    programme = (
        "import datetime, sys\n"
        + appel
        + "charges = sorted(m for m in sys.modules if m.split('.')[0] == 'django')\n"
        "assert not charges, charges\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    resultat = subprocess.run(
        [sys.executable, "-c", programme], capture_output=True, text=True, env=env, timeout=60
    )
    assert resultat.returncode == 0, resultat.stderr
