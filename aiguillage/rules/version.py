"""The rules version: a deterministic string stored with every decision.

``<aiguillage version>+<12 hex digits>``: the digits hash the rules' Python sources, the rules
catalogue (``regles.yaml``) and the parameters in use. Any change to a rule, a text or a dated
value gives a new version; the same rules give the same version on every machine.
"""

from __future__ import annotations

import hashlib
from functools import cache, lru_cache
from pathlib import Path

from aiguillage import __version__
from aiguillage.rules.parametres import Parametres, parametres_par_defaut

__all__ = ["version_regles"]

_PAQUET = Path(__file__).resolve().parent


@cache
def _empreinte_code() -> str:
    sha = hashlib.sha256()
    for fichier in sorted([*_PAQUET.glob("*.py"), _PAQUET / "regles.yaml"]):
        sha.update(fichier.name.encode("utf-8") + b"\0")
        sha.update(fichier.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return sha.hexdigest()


def version_regles(parametres: Parametres | None = None) -> str:
    """The version of the rules with ``parametres`` (the shipped ones by default)."""
    parametres = parametres or parametres_par_defaut()
    return _version(parametres.empreinte())


@lru_cache(maxsize=64)
def _version(empreinte_parametres: str) -> str:
    sha = hashlib.sha256(f"{_empreinte_code()}:{empreinte_parametres}".encode())
    return f"{__version__}+{sha.hexdigest()[:12]}"
