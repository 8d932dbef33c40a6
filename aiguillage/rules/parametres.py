"""Dated parameters in the OpenFisca format: the legal numbers and switches, with their sources.

Concept map:

- a **parameter file** ``parametres/<a>/<b>.yaml`` is the parameter named ``a.b``. It holds a
  ``description``, dated ``values`` (``{2014-03-05: {value: 25}}``) and ``metadata`` with a
  ``unit`` and one legal ``reference`` (``{title, href}``) **for each dated value**; an optional
  ``documentation`` says what a reader must know (modelling choices, unverified facts);
- :class:`Parametre` answers :meth:`Parametre.a_la_date`: the :class:`ValeurDatee` in force at a
  date (the value, since when, and the reference of that value);
- :class:`Parametres` is the immutable set loaded by :meth:`Parametres.from_directory`. The only way
  to change a rule is :meth:`Parametres.avec_valeur` (or a new dated entry in the YAML file): a
  **new** value from a date after every existing one. Past values are never edited, so decisions
  before that date stay exactly the same;
- :meth:`Parametres.empreinte` is a short hash of the content, part of the rules version.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "DOSSIER_PARAMETRES",
    "Parametre",
    "ParametreIndisponible",
    "ParametreInvalide",
    "Parametres",
    "Reference",
    "ValeurDatee",
    "parametres_par_defaut",
]

#: The parameters shipped with the package.
DOSSIER_PARAMETRES = Path(__file__).resolve().parent / "parametres"

_CLES_FICHIER = {"description", "values", "metadata", "documentation"}
_CLES_METADATA = {"unit", "reference"}
_TYPES_VALEUR = (bool, int, str)


class ParametreInvalide(ValueError):
    """A parameter file or an added value does not follow the format (message in French)."""


class ParametreIndisponible(LookupError):
    """No value of the parameter is in force at the requested date."""


@dataclass(frozen=True)
class Reference:
    """A legal or official text: its title, and its address when it is known for sure."""

    titre: str
    url: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"titre": self.titre, "url": self.url}


@dataclass(frozen=True)
class ValeurDatee:
    """The value of a parameter in force at a date, since when, and its legal reference."""

    nom: str
    valeur: Any
    depuis: datetime.date
    reference: Reference

    def as_dict(self) -> dict[str, Any]:
        return {
            "nom": self.nom,
            "valeur": self.valeur,
            "depuis": self.depuis.isoformat(),
            "reference": self.reference.as_dict(),
        }


@dataclass(frozen=True)
class Parametre:
    """One parameter: dated values (sorted by date), each with its reference."""

    nom: str
    description: str
    unite: str | None
    valeurs: tuple[tuple[datetime.date, Any], ...]
    references: tuple[tuple[datetime.date, Reference], ...]
    documentation: str = ""

    def a_la_date(self, date: datetime.date) -> ValeurDatee:
        """The value in force at ``date`` (the last one dated on or before it)."""
        dates, valeurs_datees = self._calendrier
        rang = bisect_right(dates, date)
        if rang == 0:
            raise ParametreIndisponible(
                f"{self.nom} : aucune valeur en vigueur au {date.isoformat()} "
                f"(première valeur au {self.valeurs[0][0].isoformat()})"
            )
        return valeurs_datees[rang - 1]

    @cached_property
    def _calendrier(self) -> tuple[tuple[datetime.date, ...], tuple[ValeurDatee, ...]]:
        """The dates of the values and the :class:`ValeurDatee` of each, built on first use
        (both are immutable, so every reading shares them)."""
        references = dict(self.references)
        return (
            tuple(depuis for depuis, _ in self.valeurs),
            tuple(
                ValeurDatee(self.nom, valeur, depuis, references[depuis])
                for depuis, valeur in self.valeurs
            ),
        )

    @property
    def premiere_date(self) -> datetime.date:
        return self.valeurs[0][0]

    def as_data(self) -> dict[str, Any]:
        """The parameter in its YAML shape (JSON-serialisable), used for the fingerprint."""
        return {
            "description": self.description,
            "documentation": self.documentation,
            "values": {d.isoformat(): {"value": v} for d, v in self.valeurs},
            "metadata": {
                "unit": self.unite,
                "reference": {
                    d.isoformat(): {"title": r.titre, "href": r.url} for d, r in self.references
                },
            },
        }


class Parametres(Mapping[str, Parametre]):
    """An immutable set of parameters by dotted name (``competence.mission_locale.age_maximum``)."""

    def __init__(self, parametres: Mapping[str, Parametre]):
        self._parametres = dict(sorted(parametres.items()))
        self._empreinte: str | None = None

    @classmethod
    def from_directory(cls, dossier: Path | str = DOSSIER_PARAMETRES) -> Parametres:
        """Load every ``*.yaml`` under ``dossier``; the file path gives the parameter's name."""
        dossier = Path(dossier)
        fichiers = sorted(dossier.rglob("*.yaml"))
        if not fichiers:
            raise ParametreInvalide(f"aucun fichier de paramètre dans {dossier}")
        parametres = {}
        for fichier in fichiers:
            nom = ".".join(fichier.relative_to(dossier).with_suffix("").parts)
            with fichier.open(encoding="utf-8") as flux:
                data = yaml.safe_load(flux)
            parametres[nom] = parametre_depuis_donnees(nom, data)
        return cls(parametres)

    def __getitem__(self, nom: str) -> Parametre:
        try:
            return self._parametres[nom]
        except KeyError:
            raise KeyError(f"paramètre inconnu : {nom}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._parametres)

    def __len__(self) -> int:
        return len(self._parametres)

    def valeur(self, nom: str, date: datetime.date) -> ValeurDatee:
        """The value of parameter ``nom`` in force at ``date``, with its date and reference."""
        return self[nom].a_la_date(date)

    @cached_property
    def date_debut(self) -> datetime.date:
        """The first date at which every parameter has a value: rules start there."""
        return max(p.premiere_date for p in self._parametres.values())

    def avec_valeur(
        self,
        nom: str,
        depuis: datetime.date,
        valeur: Any,
        *,
        reference: Reference | Mapping[str, Any],
    ) -> Parametres:
        """A copy where parameter ``nom`` takes ``valeur`` from ``depuis`` (a rule change).

        The date must come after every existing value: a past value is never edited, so every
        decision before ``depuis`` stays the same.
        """
        ancien = self[nom]
        if depuis <= ancien.valeurs[-1][0]:
            raise ParametreInvalide(
                f"{nom} : une nouvelle valeur doit être datée après la dernière "
                f"({ancien.valeurs[-1][0].isoformat()}) ; on ne modifie jamais une valeur passée"
            )
        if not isinstance(reference, Reference):
            reference = _reference(nom, depuis, reference)
        _verifier_valeur(nom, depuis, valeur)
        if type(valeur) is not type(ancien.valeurs[-1][1]):
            raise ParametreInvalide(
                f"{nom} : la nouvelle valeur doit être du même type que les autres"
            )
        nouveau = Parametre(
            nom=nom,
            description=ancien.description,
            unite=ancien.unite,
            valeurs=(*ancien.valeurs, (depuis, valeur)),
            references=(*ancien.references, (depuis, reference)),
            documentation=ancien.documentation,
        )
        return Parametres({**self._parametres, nom: nouveau})

    def empreinte(self) -> str:
        """SHA-256 of the content (canonical JSON): equal contents give equal fingerprints."""
        if self._empreinte is None:
            data = {nom: p.as_data() for nom, p in self._parametres.items()}
            texte = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            self._empreinte = hashlib.sha256(texte.encode("utf-8")).hexdigest()
        return self._empreinte


@cache
def parametres_par_defaut() -> Parametres:
    """The parameters shipped with the package, loaded once."""
    return Parametres.from_directory(DOSSIER_PARAMETRES)


def parametre_depuis_donnees(nom: str, data: Any) -> Parametre:
    """Check one parameter file's data (already parsed from YAML) and build the parameter."""
    if not isinstance(data, dict):
        raise ParametreInvalide(f"{nom} : le fichier doit contenir un objet YAML")
    inconnues = set(data) - _CLES_FICHIER
    if inconnues:
        raise ParametreInvalide(f"{nom} : clés inconnues {sorted(inconnues)}")
    description = data.get("description")
    if not isinstance(description, str) or not description.strip():
        raise ParametreInvalide(f"{nom} : « description » manquante")
    values = data.get("values")
    if not isinstance(values, dict) or not values:
        raise ParametreInvalide(f"{nom} : « values » doit associer au moins une date à une valeur")
    metadata = data.get("metadata")
    if not isinstance(metadata, dict) or set(metadata) - _CLES_METADATA:
        raise ParametreInvalide(f"{nom} : « metadata » attend les clés {sorted(_CLES_METADATA)}")
    refs = metadata.get("reference")
    if not isinstance(refs, dict):
        raise ParametreInvalide(f"{nom} : « metadata.reference » doit être daté comme « values »")

    valeurs = []
    for cle, entree in values.items():
        depuis = _date(nom, cle)
        if not isinstance(entree, dict) or set(entree) != {"value"}:
            raise ParametreInvalide(f"{nom} : {depuis} doit être de la forme {{value: …}}")
        _verifier_valeur(nom, depuis, entree["value"])
        valeurs.append((depuis, entree["value"]))
    references = {_date(nom, cle): _reference(nom, cle, ref) for cle, ref in refs.items()}
    sans_reference = sorted(d for d, _ in valeurs if d not in references)
    if sans_reference:
        dates = ", ".join(d.isoformat() for d in sans_reference)
        raise ParametreInvalide(f"{nom} : pas de référence pour la valeur du {dates}")
    orphelines = sorted(set(references) - {d for d, _ in valeurs})
    if orphelines:
        dates = ", ".join(d.isoformat() for d in orphelines)
        raise ParametreInvalide(f"{nom} : référence sans valeur au {dates}")
    types = {type(v) for _, v in valeurs}
    if len(types) > 1:
        raise ParametreInvalide(
            f"{nom} : valeurs de types différents {sorted(t.__name__ for t in types)}"
        )
    return Parametre(
        nom=nom,
        description=description.strip(),
        unite=metadata.get("unit"),
        valeurs=tuple(sorted(valeurs)),
        references=tuple(sorted(references.items())),
        documentation=str(data.get("documentation") or "").strip(),
    )


def _date(nom: str, cle: Any) -> datetime.date:
    if isinstance(cle, datetime.date) and not isinstance(cle, datetime.datetime):
        return cle
    try:
        return datetime.date.fromisoformat(str(cle))
    except ValueError:
        raise ParametreInvalide(f"{nom} : « {cle} » n'est pas une date AAAA-MM-JJ") from None


def _reference(nom: str, cle: Any, ref: Any) -> Reference:
    if not isinstance(ref, Mapping) or set(ref) - {"title", "href"}:
        raise ParametreInvalide(f"{nom} : la référence du {cle} doit être {{title, href}}")
    titre, url = ref.get("title"), ref.get("href")
    if not isinstance(titre, str) or not titre.strip():
        raise ParametreInvalide(f"{nom} : la référence du {cle} n'a pas de titre")
    if url is not None and not (isinstance(url, str) and url.startswith("https://")):
        raise ParametreInvalide(f"{nom} : l'adresse de la référence du {cle} doit être en https")
    return Reference(titre.strip(), url)


def _verifier_valeur(nom: str, depuis: Any, valeur: Any) -> None:
    if not isinstance(valeur, _TYPES_VALEUR):
        raise ParametreInvalide(
            f"{nom} : la valeur du {depuis} doit être un nombre entier, un booléen ou un texte"
        )
