"""The observatory's maths, engine, simulator and drawings import neither Django nor other apps."""

from __future__ import annotations

import ast
from pathlib import Path

import aiguillage.observatory

PACKAGE = Path(aiguillage.observatory.__file__).resolve().parent


def test_no_django_import_outside_the_command_and_app_config():
    files = [*(PACKAGE / "maths").rglob("*.py"), *(PACKAGE / "engine").rglob("*.py")]
    files += [PACKAGE / "simulation.py", *(PACKAGE / "drawing").rglob("*.py")]
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] != "django", f"{file.name} importe {name}"
                if name.startswith("aiguillage."):
                    assert name.startswith("aiguillage.observatory."), f"{file.name}: {name}"


def test_modules_are_short_and_open_with_a_docstring():
    for file in PACKAGE.rglob("*.py"):
        text = file.read_text(encoding="utf-8")
        assert len(text.splitlines()) < 400, file.name
        if file.name not in ("__init__.py", "apps.py") or file.parent == PACKAGE:
            assert ast.get_docstring(ast.parse(text)), file.name
