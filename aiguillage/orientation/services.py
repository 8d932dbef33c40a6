"""One engine behind every interface: the CLI, the API, the counsellor's page and the portal all
call ``decision_for`` (and ``diagnostic_create`` to keep the diagnostic), so that the same
situation gets the same decision everywhere.

``decision_for`` runs the pure rules (``aiguillage.rules.evaluer``), then, when the situation
has a commune, adds to each competent network its nearest sites serving that commune, from the
directory (``directory.selectors.site_search``).
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from aiguillage import rules
from aiguillage.directory.selectors import site_search
from aiguillage.orientation.models import Diagnostic
from aiguillage.territories.models import Commune

__all__ = ["SituationInvalide", "decision_for", "diagnostic_create"]

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


@transaction.atomic
def diagnostic_create(
    *, situation: dict, canal: str, auteur=None, structure=None, on: date | None = None
) -> Diagnostic:
    """Evaluate and keep the diagnostic (situation, decision, trace, rules version; no name)."""
    decision, commune = _decide(situation, on=on)
    if connection.vendor == "postgresql":
        # An anonymous statistical record: it need not wait for the WAL flush. A crash may lose
        # the last fraction of a second of diagnostics, never anything about a person; the
        # transaction stays atomic and ordered.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    return Diagnostic.objects.create(
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


def _situation_date(situation: dict) -> date:
    value = situation.get("date")
    return date.fromisoformat(value) if value else timezone.localdate()
