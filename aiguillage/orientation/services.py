"""One engine behind every interface: the CLI, the API, the counsellor's page and the portal all
call ``decision_for`` (and ``diagnostic_create`` to keep the diagnostic; the API uses
``diagnostic_create_deferred``, which writes it in the background, see ADR 0002), so that the same
situation gets the same decision everywhere.

``decision_for`` runs the pure rules (``aiguillage.rules.evaluer``), then, when the situation
has a commune, adds to each competent network its nearest sites serving that commune, from the
directory (``directory.selectors.site_search``).

The rules are a pure function of the checked situation (its date included) and of the rules
shipped with the code, so their answer is kept per process for the last ``REGLES_EN_MEMOIRE``
situations (``regles_pour``), encoded in JSON: a repeated situation costs a dictionary lookup
instead of an evaluation, and every caller still gets fresh objects (``orjson.loads``). The
sites are never kept: they come from the directory at each call. The rules' answer is also
stored once in the database and shared by the diagnostics that had it (``ReponseRegles``), each
diagnostic keeping its own sites. ADR 0003 explains both choices.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import orjson
from django.conf import settings
from django.db import connection, transaction

from aiguillage import rules
from aiguillage.core.identifiants import uuid7
from aiguillage.directory.selectors import site_search
from aiguillage.orientation.buffer import buffer
from aiguillage.orientation.models import Diagnostic, ReponseRegles, decision_avec_sites
from aiguillage.territories.models import Commune

__all__ = [
    "DiagnosticDiffere",
    "Regles",
    "SituationInvalide",
    "decision_for",
    "diagnostic_build",
    "diagnostic_create",
    "diagnostic_create_deferred",
    "regles_pour",
    "reponse_empreinte",
]

SituationInvalide = rules.SituationInvalide
SITES_PER_NETWORK = 3
#: Situations whose rules' answer a process keeps (about 8 kB each: some 16 MB per process).
REGLES_EN_MEMOIRE = 2048


@dataclass(frozen=True, slots=True)
class Regles:
    """The rules' answer for one checked situation, encoded once in JSON (bytes are immutable and
    invisible to the garbage collector, unlike the few hundred small dicts of a decision)."""

    decision: bytes  # the decision without its trace; every operator's ``sites`` is empty
    trace: bytes
    empreinte: str  # the answer's identifier (``ReponseRegles.empreinte``)
    reseaux: tuple[str, ...]  # the competent operators' networks, in the decision's order
    hors_cep: tuple[str, ...]  # the other places' networks, in the decision's order
    version_regles: str


def reponse_empreinte(decision: dict, trace: list) -> str:
    """A rules' answer's identifier: the SHA-256 of the JSON of ``[decision, trace]`` with sorted
    keys (as PostgreSQL's ``jsonb`` gives them back, so that an answer read from the database
    has the same)."""
    return hashlib.sha256(orjson.dumps([decision, trace], option=orjson.OPT_SORT_KEYS)).hexdigest()


@lru_cache(maxsize=REGLES_EN_MEMOIRE)
def regles_pour(situation: rules.Situation) -> Regles:
    """The rules' answer for a checked situation at its date, with the shipped rules (kept for
    the last ``REGLES_EN_MEMOIRE`` situations of the process: see the module's docstring).

    Raises ``SituationInvalide`` for a date before the rules start (never kept)."""
    decision = rules.evaluer(situation)
    trace = decision.pop("trace")
    return Regles(
        decision=orjson.dumps(decision),
        trace=orjson.dumps(trace),
        empreinte=reponse_empreinte(decision, trace),
        reseaux=tuple(o["reseau"] for o in decision["operateurs"]),
        hors_cep=tuple(h["reseau"] for h in decision["hors_cep"]),
        version_regles=decision["version_regles"],
    )


def _site_summary(result) -> dict:
    site = result.site
    return {
        "id": site.pk,
        "nom": site.nom,
        "structure": site.structure.nom,
        "structure_id": site.structure_id,
        "adresse": site.adresse,
        "code_postal": site.code_postal,
        "commune": site.commune.nom,
        "telephone": site.telephone,
        "capacite": site.capacite,
        "distance_km": round(result.distance_km, 1) if result.distance_km is not None else None,
        "donnees_de_demonstration": site.est_demo,
    }


def _check_commune(situation: dict) -> Commune | None:
    code = situation.get("commune")
    if not code:
        return None
    commune = Commune.objects.filter(code=str(code)).first()
    if commune is None:
        raise rules.SituationInvalide(
            [f"commune : code INSEE « {code} » inconnu (code à 5 caractères, par exemple 73065)."]
        )
    return commune


def decision_for(situation: dict, *, on: date | None = None) -> dict:
    """The rules' decision for ``situation``, with the nearest sites of each competent network."""
    decided = _decide(situation, on=on)
    return {**decided.decision(), "trace": orjson.loads(decided.regles.trace)}


@dataclass(frozen=True, slots=True)
class _Decided:
    situation: rules.Situation
    regles: Regles
    commune: Commune | None
    sites: dict[str, list[dict]]  # network → its nearest sites (with a commune only)

    def decision(self) -> dict:
        """The decision without its trace, as fresh objects, sites filled in."""
        return decision_avec_sites(orjson.loads(self.regles.decision), self.sites)

    def decision_json(self) -> bytes:
        """The same, encoded (without a commune, the kept bytes as they are)."""
        return orjson.dumps(self.decision()) if self.sites else self.regles.decision


def _decide(situation: dict, *, on: date | None) -> _Decided:
    commune = _check_commune(situation)
    checked = rules.valider_situation(situation, date=on)
    regles = regles_pour(checked)
    sites = {}
    if commune is not None:
        for reseau in (*regles.reseaux, *regles.hors_cep):
            page = site_search(commune=commune.code, reseau=reseau, per_page=SITES_PER_NETWORK)
            sites[reseau] = [_site_summary(r) for r in page.results]
    return _Decided(checked, regles, commune, sites)


def diagnostic_build(
    *, situation: dict, canal: str, auteur=None, structure=None, on: date | None = None
) -> Diagnostic:
    """Evaluate and build the diagnostic, not saved yet (situation, decision, trace, rules
    version; no name). Its ``public_id`` is already set."""
    decided = _decide(situation, on=on)
    values = _diagnostic_values(decided, situation, canal=canal, auteur=auteur)
    # The rules' answer is kept once for every diagnostic that has it (see ``ReponseRegles``).
    regles = decided.regles
    reponse = ReponseRegles(
        empreinte=regles.empreinte,
        decision=orjson.loads(regles.decision),
        trace=orjson.loads(regles.trace),
    )
    return Diagnostic(**values, sites=decided.sites, reponse=reponse, structure=structure)


def _diagnostic_values(decided: _Decided, situation: dict, *, canal, auteur) -> dict:
    """A diagnostic's field values but its rules' answer, sites and structure."""
    commune = decided.commune
    return {
        "public_id": uuid7(),
        "canal": canal,
        "date_situation": decided.situation.date,
        "situation": situation,
        "version_regles": decided.regles.version_regles,
        "activite": situation.get("activite", ""),
        "reseaux": list(decided.regles.reseaux),
        "commune": commune,
        "region_id": commune.region_id if commune else None,
        "auteur": auteur if getattr(auteur, "is_authenticated", False) else None,
    }


def diagnostic_create(
    *, situation: dict, canal: str, auteur=None, structure=None, on: date | None = None
) -> Diagnostic:
    """Evaluate and keep the diagnostic now (the portal and the counsellor's page read it back)."""
    diagnostic = diagnostic_build(
        situation=situation, canal=canal, auteur=auteur, structure=structure, on=on
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # An anonymous statistical record: it need not wait for the WAL flush. A crash may
            # lose the last fraction of a second of diagnostics, never anything about a person;
            # the transaction stays atomic and ordered.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        # Stored once: an answer already there is left as it is.
        ReponseRegles.objects.bulk_create([diagnostic.reponse], ignore_conflicts=True)
        diagnostic.save(force_insert=True)
    return diagnostic


@dataclass(frozen=True, slots=True)
class DiagnosticDiffere:
    """What the API answers: the diagnostic's public id and its decision and trace in JSON."""

    public_id: uuid.UUID
    decision: bytes  # without the trace
    trace: bytes

    def json(self) -> bytes:
        """``{"diagnostic": …, <the decision's keys>…, "trace": […]}``: the keys in the order of
        ``Diagnostic.decision_complete``, joined as bytes (the decision is never empty)."""
        debut = orjson.dumps({"diagnostic": str(self.public_id)})
        return debut[:-1] + b"," + self.decision[1:-1] + b',"trace":' + self.trace + b"}"


def diagnostic_create_deferred(
    *, situation: dict, canal: str, auteur=None, structure=None, on: date | None = None
) -> DiagnosticDiffere:
    """Evaluate and keep the diagnostic, written in the background with others (ADR 0002) when
    ``AIGUILLAGE_DIAGNOSTICS_DIFFERES`` is on, now otherwise. For callers that only return the
    decision and the diagnostic's ``public_id`` (the API): the decision and its trace go from
    the rules to the database and the answer as JSON, never decoded."""
    if not settings.AIGUILLAGE_DIAGNOSTICS_DIFFERES:
        diagnostic = diagnostic_create(
            situation=situation, canal=canal, auteur=auteur, structure=structure, on=on
        )
        return DiagnosticDiffere(
            diagnostic.public_id,
            orjson.dumps(diagnostic.decision),
            orjson.dumps(diagnostic.reponse.trace),
        )
    decided = _decide(situation, on=on)
    decision = decided.decision_json()
    regles = decided.regles
    values = _diagnostic_values(decided, situation, canal=canal, auteur=auteur)
    values.update(reponse_id=regles.empreinte, sites=decided.sites, structure=structure)
    # Already encoded: the buffer writes these bytes as they are (orjson.Fragment).
    reponse = {"decision": orjson.Fragment(regles.decision), "trace": orjson.Fragment(regles.trace)}
    buffer.add(values, reponses={regles.empreinte: reponse})
    return DiagnosticDiffere(values["public_id"], decision, regles.trace)
