"""One engine behind every interface: the CLI, the API, the counsellor's page and the portal all
call ``decision_for`` (and ``diagnostic_create`` to keep the diagnostic; the API uses
``diagnostic_create_deferred``, which writes it in the background, see ADR 0002), so that the same
situation gets the same decision everywhere.

``decision_for`` runs the pure rules (``aiguillage.rules.evaluer``), then, when the situation
has a commune, adds to each competent network its nearest sites serving that commune, from the
directory (``directory.selectors.site_search``).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from aiguillage import rules
from aiguillage.directory.selectors import site_search
from aiguillage.orientation.buffer import buffer
from aiguillage.orientation.models import Diagnostic
from aiguillage.territories.models import Commune

__all__ = [
    "SituationInvalide",
    "decision_for",
    "diagnostic_build",
    "diagnostic_create",
    "diagnostic_create_deferred",
]

SituationInvalide = rules.SituationInvalide
SITES_PER_NETWORK = 3


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
    return _decide(situation, on=on)[0]


def _decide(situation: dict, *, on: date | None) -> tuple[dict, Commune | None]:
    commune = _check_commune(situation)
    decision = rules.evaluer(situation, date=on)
    if commune is not None:
        for entry in [*decision["operateurs"], *decision["hors_cep"]]:
            page = site_search(
                commune=commune.code, reseau=entry["reseau"], per_page=SITES_PER_NETWORK
            )
            entry["sites"] = [_site_summary(r) for r in page.results]
    return decision, commune


def diagnostic_build(
    *, situation: dict, canal: str, auteur=None, structure=None, on: date | None = None
) -> Diagnostic:
    """Evaluate and build the diagnostic, not saved yet (situation, decision, trace, rules
    version; no name). Its ``public_id`` is already set."""
    decision, commune = _decide(situation, on=on)
    return Diagnostic(
        canal=canal,
        date_situation=on or _situation_date(situation),
        situation=situation,
        # The trace is kept once, in its own column (see Diagnostic.decision_complete).
        decision={k: v for k, v in decision.items() if k != "trace"},
        trace=decision.get("trace", []),
        version_regles=decision.get("version_regles", ""),
        activite=situation.get("activite", ""),
        reseaux=[o["reseau"] for o in decision["operateurs"]],
        commune=commune,
        region_id=commune.region_id if commune else None,
        auteur=auteur if getattr(auteur, "is_authenticated", False) else None,
        structure=structure,
    )


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
        diagnostic.save(force_insert=True)
    return diagnostic


def diagnostic_create_deferred(
    *, situation: dict, canal: str, auteur=None, structure=None, on: date | None = None
) -> Diagnostic:
    """Evaluate and keep the diagnostic, written in the background with others (ADR 0002) when
    ``AIGUILLAGE_DIAGNOSTICS_DIFFERES`` is on, now otherwise. For callers that only return the
    decision and the diagnostic's ``public_id`` (the API)."""
    if not settings.AIGUILLAGE_DIAGNOSTICS_DIFFERES:
        return diagnostic_create(
            situation=situation, canal=canal, auteur=auteur, structure=structure, on=on
        )
    diagnostic = diagnostic_build(
        situation=situation, canal=canal, auteur=auteur, structure=structure, on=on
    )
    buffer.add(diagnostic)
    return diagnostic


def _situation_date(situation: dict) -> date:
    value = situation.get("date")
    return date.fromisoformat(value) if value else timezone.localdate()
