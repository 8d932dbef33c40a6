"""The funding rules' version: ``<aiguillage version>+<12 hex digits>``, deterministic.

The digits hash the funding package's sources and catalogue, the orientation modules it builds on
(the situation, the parameter reader, the parameter loader) and the parameters in use. Any change
to a rule, a text or a dated value gives a new version; the orientation rules' version
(:func:`aiguillage.rules.version_regles`) does not depend on the funding rules.
"""

from __future__ import annotations

import hashlib
from functools import cache, lru_cache
from pathlib import Path

from aiguillage import __version__
from aiguillage.rules.parametres import Parametres

__all__ = ["version_financements"]

_PAQUET = Path(__file__).resolve().parent
_REGLES = _PAQUET.parent


@cache
def _empreinte_code() -> str:
    fichiers = [
        *sorted(_PAQUET.glob("*.py")),
        _PAQUET / "dispositifs.yaml",
        *(_REGLES / nom for nom in ("situation.py", "moteur.py", "parametres.py")),
    ]
    sha = hashlib.sha256()
    for fichier in fichiers:
        sha.update(fichier.name.encode("utf-8") + b"\0")
        sha.update(fichier.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return sha.hexdigest()


def version_financements(parametres: Parametres | None = None) -> str:
    """The version of the funding rules with ``parametres`` (the shipped ones by default)."""
    if parametres is None:
        from aiguillage.rules.financements.parametres import parametres_financements

        parametres = parametres_financements()
    return _version(parametres.empreinte())


@lru_cache(maxsize=64)
def _version(empreinte_parametres: str) -> str:
    sha = hashlib.sha256(f"{_empreinte_code()}:{empreinte_parametres}".encode())
    return f"{__version__}+{sha.hexdigest()[:12]}"
