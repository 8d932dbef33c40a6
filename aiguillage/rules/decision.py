"""From a situation to a decision: competent operators, other places, questions, and the trace.

Concept map:

- :func:`evaluer` checks the situation, runs every rule of :mod:`aiguillage.rules.competence` at
  the situation's date and assembles the decision (a JSON-ready dict):

  - ``operateurs``: **every** competent CEP operator (the person chooses, none is hidden), most
    specific public first (:func:`aiguillage.rules.reseaux.ordre`), each with its motif, its
    references (rules' texts and parameters' references) and ``sites`` left empty for the
    directory to fill;
  - ``hors_cep``: other places (the administration of a public agent, CIO, SCUIO, Info Jeunes);
  - ``a_preciser``: the unknown facts that **would change** the answer, found by evaluating the
    situation again with each answer (yes/no, or a few ages around the parameters' bounds);
  - ``trace``: every rule with its result, detail and the dated parameters it read;
  - ``version_regles``, ``date`` and a one-paragraph ``resume`` in French.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import aiguillage.rules.competence  # registers the operators' rules first
import aiguillage.rules.hors_cep  # noqa: F401  (then the other rules)
from aiguillage.rules.catalogue import catalogue
from aiguillage.rules.moteur import REGLES, Lecteur, Resultat, date_fr
from aiguillage.rules.parametres import Parametres, Reference, ValeurDatee, parametres_par_defaut
from aiguillage.rules.reseaux import HORS_CEP, LIBELLES, OPERATEURS, PARAMETRES_LIBELLES, ordre
from aiguillage.rules.situation import (
    CHAMPS,
    CHAMPS_A_PRECISER,
    Situation,
    SituationInvalide,
    valider_situation,
)
from aiguillage.rules.version import version_regles

__all__ = ["evaluer"]

Constat = tuple[str, Resultat, tuple[ValeurDatee, ...]]

#: When an unknown fact is worth asking at all (the answer is then tested, not assumed).
_QUAND_DEMANDER = {
    "exerce_un_emploi": lambda s: s.activite in ("etudiant", "retraite"),
    "cadre": lambda s: (
        s.activite in ("salarie", "agent_public", "demandeur_emploi")
        or (s.activite in ("etudiant", "retraite") and s.en_emploi)
    ),
    "rqth": lambda s: True,
    "inscrit_france_travail": lambda s: s.activite in ("demandeur_emploi", "inactif"),
    "beneficiaire_rsa": lambda s: s.activite in ("demandeur_emploi", "inactif"),
}
#: Parameters whose bounds give the ages to try when the age is unknown.
_BORNES_AGE = (
    ("competence.mission_locale.age_minimum", (-1, 0)),
    ("competence.mission_locale.age_maximum", (0, 1)),
    ("competence.mission_locale.age_maximum_rqth", (0, 1)),
    ("hors_cep.info_jeunes.age_maximum", (0, 1)),
)


def evaluer(
    situation: Mapping[str, Any] | Situation,
    *,
    date: datetime.date | None = None,
    parametres: Parametres | None = None,
) -> dict[str, Any]:
    """The decision for ``situation`` at its date (or ``date``, or today), as a JSON-ready dict.

    ``parametres`` replaces the shipped parameters (to test a rule change). Raises
    :class:`SituationInvalide` for a bad situation or a date before the rules start.
    """
    parametres = parametres or parametres_par_defaut()
    if isinstance(situation, Situation):
        s = situation if date is None else situation.avec(date=date)
    else:
        s = valider_situation(situation, date=date)
    if s.date < parametres.date_debut:
        raise SituationInvalide(
            {
                "date": [
                    f"date : les règles s'appliquent à partir du {date_fr(parametres.date_debut)} "
                    f"(création du CEP), pas au {date_fr(s.date)}"
                ]
            }
        )
    constats = _constater(s, parametres)
    operateurs, hors_cep = _reseaux(constats)
    lire = Lecteur(parametres, s.date)
    a_preciser = _a_preciser(s, _ensembles(constats), lire)
    decision = {
        "date": s.date.isoformat(),
        "operateurs": operateurs,
        "hors_cep": hors_cep,
        "a_preciser": a_preciser,
        "resume": _resume(operateurs, hors_cep, a_preciser, constats),
        "trace": _trace(constats),
        "version_regles": version_regles(parametres),
    }
    return decision


def _constater(s: Situation, parametres: Parametres) -> list[Constat]:
    """Every rule's result, with the network it makes competent and the values it read."""
    lire = Lecteur(parametres, s.date)
    constats = []
    for identifiant, (reseau, fonction) in REGLES.items():
        resultat = fonction(s, lire)
        if resultat.applique and resultat.reseau is None and reseau is not None:
            resultat = resultat._replace(reseau=reseau)
        constats.append((identifiant, resultat, lire.relever()))
    return constats


def _reseaux_competents(s: Situation, lire: Lecteur) -> frozenset[str]:
    """The networks :func:`_ensembles` finds in :func:`_constater`'s results at the reader's date:
    every rule is run the same way, but nothing is kept for the trace."""
    reseaux = set()
    for reseau_declare, fonction in REGLES.values():
        resultat = fonction(s, lire)
        if resultat.applique:
            reseau = reseau_declare if resultat.reseau is None else resultat.reseau
            if reseau:
                reseaux.add(reseau)
    return frozenset(reseaux)


def _references(identifiant: str, lus: tuple[ValeurDatee, ...]) -> list[Reference]:
    """The texts a rule rests on, then the references of the parameters it read (not labels)."""
    refs = list(catalogue()[identifiant].references)
    refs += [v.reference for v in lus if not v.nom.startswith("libelles.")]
    return refs


def _reseaux(constats: list[Constat]) -> tuple[list[dict], list[dict]]:
    """Operators and other places, one entry per network, motifs and references merged."""
    entrees: dict[str, dict[str, Any]] = {}
    for identifiant, r, lus in constats:
        if r.applique and r.reseau:
            entree = entrees.setdefault(
                r.reseau,
                {"reseau": r.reseau, "motifs": [], "references": [], "regles": [], "lus": []},
            )
            entree["motifs"].append(r.motif)
            entree["references"] += _references(identifiant, lus)
            entree["regles"].append(identifiant)
            entree["lus"] += lus
    for identifiant, r, lus in constats:
        for reseau in r.complete if r.applique else ():
            if reseau in entrees:
                entrees[reseau]["motifs"].append(r.motif)
                entrees[reseau]["references"] += _references(identifiant, lus)
                entrees[reseau]["regles"].append(identifiant)
    operateurs, hors_cep = [], []
    for reseau in sorted(entrees, key=ordre):
        entree = entrees[reseau]
        sortie = {
            "reseau": reseau,
            "libelle": _libelle(reseau, entree["lus"]),
            "motif": " ".join(entree["motifs"]),
            "references": [r.as_dict() for r in dict.fromkeys(entree["references"])],
            "regles": entree["regles"],
        }
        if reseau in OPERATEURS:
            operateurs.append({**sortie, "sites": []})
        else:
            assert reseau in HORS_CEP, reseau
            hors_cep.append(sortie)
    return operateurs, hors_cep


def _libelle(reseau: str, lus: list[ValeurDatee]) -> str:
    nom = PARAMETRES_LIBELLES.get(reseau)
    for valeur in lus:
        if valeur.nom == nom:
            return valeur.valeur
    return LIBELLES[reseau]


def _ensembles(constats: list[Constat]) -> frozenset[str]:
    return frozenset(r.reseau for _, r, _ in constats if r.applique and r.reseau)


def _a_preciser(s: Situation, actuels: frozenset[str], lire: Lecteur) -> list[dict[str, str]]:
    """Unknown facts whose answer changes the competent networks, in :data:`CHAMPS_A_PRECISER`
    order. Each answer is tried by evaluating the situation again."""

    def reseaux(situation: Situation) -> frozenset[str]:
        return _reseaux_competents(situation, lire)

    questions = []
    for champ in CHAMPS_A_PRECISER:
        if getattr(s, champ) is not None:
            continue
        if champ == "age":
            ages = sorted({lire(nom) + ecart for nom, ecarts in _BORNES_AGE for ecart in ecarts})
            if len({reseaux(s.avec(age=age)) for age in ages} | {actuels}) > 1:
                questions.append(_question(champ, CHAMPS[champ].pourquoi))
            continue
        if not _QUAND_DEMANDER[champ](s):
            continue
        oui, non = reseaux(s.avec(**{champ: True})), reseaux(s.avec(**{champ: False}))
        if oui != non:
            questions.append(_question(champ, f"{CHAMPS[champ].pourquoi} {_effet(oui, non, lire)}"))
    return questions


def _question(champ: str, pourquoi: str) -> dict[str, str]:
    return {"champ": champ, "question": CHAMPS[champ].question, "pourquoi": pourquoi.strip()}


def _effet(oui: frozenset[str], non: frozenset[str], lire: Lecteur) -> str:
    """« Si oui : Apec s'ajoute. » — what the answer « oui » changes."""
    phrases = []
    for reseaux, singulier, pluriel in (
        (oui - non, "s'ajoute", "s'ajoutent"),
        (non - oui, "ne s'applique plus", "ne s'appliquent plus"),
    ):
        if reseaux:
            noms = ", ".join(lire.libelle(r) for r in sorted(reseaux, key=ordre))
            phrases.append(f"{noms} {singulier if len(reseaux) == 1 else pluriel}")
    return "Si oui : " + " ; ".join(phrases) + "."


def _resume(
    operateurs: list[dict], hors_cep: list[dict], a_preciser: list[dict], constats: list[Constat]
) -> str:
    phrases = []
    noms = ", ".join(o["libelle"] for o in operateurs)
    if len(operateurs) > 1:
        phrases.append(
            f"{len(operateurs)} opérateurs du CEP sont compétents : {noms}. "
            "La personne choisit ; aucun n'a priorité."
        )
    elif operateurs:
        phrases.append(f"Opérateur du CEP compétent : {noms}.")
    else:
        phrases.append("Aucun opérateur du CEP n'est compétent au vu des informations données.")
    phrases += [
        r.motif for _, r, _ in constats if r.applique and r.reseau is None and not r.complete
    ]
    if hors_cep:
        phrases.append("Autres adresses : " + ", ".join(h["libelle"] for h in hors_cep) + ".")
    if a_preciser:
        if len(a_preciser) == 1:
            phrases.append("Une information à préciser pourrait changer la réponse.")
        else:
            phrases.append(
                f"{len(a_preciser)} informations à préciser pourraient changer la réponse."
            )
    return " ".join(p for p in phrases if p)


def _trace(constats: list[Constat]) -> list[dict[str, Any]]:
    """Every rule, in evaluation order, with its result, detail and the parameters it read."""
    regles = catalogue()
    return [
        {
            "regle": identifiant,
            "titre": regles[identifiant].titre,
            "resultat": r.applique,
            "detail": r.detail,
            "parametres": [v.as_dict() for v in lus],
        }
        for identifiant, r, lus in constats
    ]
