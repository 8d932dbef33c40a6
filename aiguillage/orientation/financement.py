"""The funding helper behind every interface: the CLI (``aiguillage financer``) and the
counsellor's page both call :func:`financement_pour`, so that the same request gets the same
answer everywhere.

It runs the pure rules (``aiguillage.rules.financements.evaluer_financements``) and, when the
request has a commune, names the person's Région on the regional funding scheme (its rules vary
from one Région to another: the engine says so, this layer says which Région). Nothing is stored:
the request may hold health facts (a long sickness absence) and a funding answer is advice, not a
decision about the person.
"""

from __future__ import annotations

from datetime import date

from aiguillage.rules import SituationInvalide
from aiguillage.rules.financements import evaluer_financements
from aiguillage.territories.models import Commune

__all__ = ["SituationInvalide", "financement_pour"]


def financement_pour(demande: dict, *, on: date | None = None) -> dict:
    """The funding answer for ``demande`` (a JSON object: the orientation situation and the
    funding facts), with the Région of its commune when there is one."""
    commune = _commune(demande)
    reponse = evaluer_financements(demande, date=on)
    reponse["region"] = None
    if commune is not None and commune.region is not None:
        region = commune.region
        reponse["region"] = {"code": region.code, "nom": region.nom}
        for entree in reponse["a_verifier"] + reponse["eligibles"] + reponse["non_eligibles"]:
            if entree["dispositif"] == "region":
                entree["a_savoir"].insert(
                    0,
                    f"Région de la personne : {region.nom}. Voir son programme régional de "
                    "formation et ses aides individuelles.",
                )
    return reponse


def _commune(demande: dict) -> Commune | None:
    code = demande.get("commune") if isinstance(demande, dict) else None
    if not code:
        return None
    commune = Commune.objects.select_related("region").filter(code=str(code)).first()
    if commune is None:
        raise SituationInvalide(
            [f"commune : code INSEE « {code} » inconnu (code à 5 caractères, par exemple 73065)."]
        )
    return commune
