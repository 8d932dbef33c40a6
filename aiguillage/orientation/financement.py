"""The funding helper behind every interface: the CLI (``aiguillage financer``), the API
(``POST /api/v1/orientation/financements``) and the counsellor's page all call
:func:`financement_pour`, so that the same request gets the same answer everywhere.

It runs the pure rules (``aiguillage.rules.financements.evaluer_financements``) and, when the
request has a commune, names the person's Région on the regional funding scheme (its rules vary
from one Région to another: the engine says so, this layer says which Région). Nothing is stored:
the request may hold health facts (a long sickness absence) and a funding answer is advice, not a
decision about the person.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiguillage.rules import SituationInvalide
from aiguillage.rules.financements import STATUTS, catalogue, evaluer_financements
from aiguillage.rules.financements.moteur import ETATS
from aiguillage.territories.models import Commune

__all__ = ["SCHEMA_REPONSE", "SituationInvalide", "financement_pour"]


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


# --- The answer's contract (OpenAPI) ----------------------------------------------------------


def _objet(description: str, proprietes: dict[str, Any], *facultatives: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": proprietes,
        "required": [cle for cle in proprietes if cle not in facultatives],
    }


def _texte(description: str, **autres: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **autres}


def _liste(description: str, elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "description": description, "items": elements}


def _schema_reponse() -> dict[str, Any]:
    reference = _objet(
        "Texte qui fonde la règle ou la valeur",
        {"titre": _texte("Titre du texte"), "url": {"type": ["string", "null"]}},
    )
    condition = _objet(
        "Une condition du dispositif et son état pour cette demande",
        {
            "condition": _texte("La condition, en clair"),
            "etat": _texte("État de la condition", enum=list(ETATS)),
            "etat_libelle": _texte("L'état, en français", enum=list(ETATS.values())),
            "detail": _texte("Pourquoi, pour cette demande"),
        },
    )
    parametre = {
        "nom": _texte("Nom du paramètre daté (`financements.cpf.plafond`)"),
        "valeur": {"description": "Valeur à la date (montants en centimes d'euro)"},
        "depuis": _texte("Date depuis laquelle la valeur s'applique", format="date"),
        "reference": reference,
    }
    dispositif = _objet(
        "Un dispositif de financement, son statut à la date et pourquoi",
        {
            "dispositif": _texte("Identifiant du dispositif", enum=list(catalogue())),
            "libelle": _texte("Nom du dispositif"),
            "statut": _texte("Statut", enum=list(STATUTS)),
            "statut_libelle": _texte("Le statut, en français", enum=list(STATUTS.values())),
            "motif": _texte("Le motif du statut, en une phrase"),
            "objet": _texte("Ce que le dispositif finance"),
            "decideur": _texte("Qui décide"),
            "conditions": _liste("Conditions examinées", condition),
            "a_demander": _liste(
                "Informations inconnues qui changeraient ce dispositif",
                _objet(
                    "Une information à demander",
                    {"champ": _texte("Clé de la demande"), "question": _texte("La question")},
                ),
            ),
            "montants": _liste(
                "Montants et paramètres en vigueur à la date",
                _objet(
                    "Un montant ; `nom`, `valeur`, `depuis` et `reference` quand il vient d'un "
                    "paramètre daté",
                    {"libelle": _texte("Libellé"), "affichage": _texte("Valeur affichée")}
                    | parametre,
                    *parametre,
                ),
            ),
            "a_savoir": _liste("Ce que le conseiller vérifie lui-même", _texte("Un point")),
            "references": _liste("Textes du dispositif et des paramètres lus", reference),
        },
    )
    return _objet(
        "Réponse de l'aide au financement, la même que celle de `aiguillage financer`. Rien "
        "n'est enregistré.",
        {
            "date": _texte("Date de la demande (règles en vigueur ce jour-là)", format="date"),
            "demande": {
                "type": "object",
                "description": "Les faits connus de la demande, vérifiés (un fait absent est "
                "inconnu)",
            },
            "eligibles": _liste("Dispositifs éligibles, dans l'ordre du catalogue", dispositif),
            "a_verifier": _liste("Dispositifs à vérifier", dispositif),
            "non_eligibles": _liste("Dispositifs non éligibles", dispositif),
            "a_preciser": _liste(
                "Informations inconnues dont la réponse changerait un statut ou un montant",
                _objet(
                    "Une information à préciser",
                    {
                        "champ": _texte("Clé de la demande"),
                        "question": _texte("La question à poser"),
                        "pourquoi": _texte("Pourquoi elle compte"),
                        "dispositifs": _liste(
                            "Les dispositifs dont la réponse changerait", _texte("Identifiant")
                        ),
                    },
                ),
            ),
            "resume": _texte("La réponse en une ou deux phrases"),
            "trace": _liste(
                "Par dispositif : statut, conditions et paramètres datés lus",
                _objet(
                    "Trace d'un dispositif",
                    {
                        "dispositif": _texte("Identifiant du dispositif"),
                        "statut": _texte("Statut", enum=list(STATUTS)),
                        "conditions": _liste("Conditions examinées", condition),
                        "parametres": _liste(
                            "Paramètres lus", _objet("Un paramètre daté", parametre)
                        ),
                    },
                ),
            ),
            "version_regles": _texte("Version des règles et paramètres de financement"),
            "region": {
                "description": "Région de la commune de la demande (null sans commune)",
                "anyOf": [
                    _objet(
                        "La Région",
                        {"code": _texte("Code INSEE"), "nom": _texte("Nom de la Région")},
                    ),
                    {"type": "null"},
                ],
            },
        },
    )


#: The answer of :func:`financement_pour` as a JSON Schema (published with the API).
SCHEMA_REPONSE: dict[str, Any] = _schema_reponse()
