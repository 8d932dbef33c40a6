"""From a funding request to the answer: every scheme's status, why, amounts, decider, sources.

Concept map:

- :func:`evaluer_financements` checks the request (:func:`~.faits.valider_demande`), refuses a
  date before the modelled rules (``financements.periode_couverte``, 1 January 2019), runs every
  scheme's rule at the request's date and assembles a JSON-ready answer:

  - ``eligibles``, ``a_verifier``, ``non_eligibles``: the schemes grouped by status, in the
    catalogue's order, each with its conditions (met, not met, to check, and why), the unknown
    facts that would change it (``a_demander``), the amounts and parameters in force at the date
    with their dated references, what to check by hand, who decides, and its texts;
  - ``a_preciser``: the unknown facts that **would change** some scheme's status or amounts,
    found by evaluating the request again with each value worth trying (:data:`_BORNES`: a
    parameter's bound and its neighbour; every choice; yes and no). A question that would change
    nothing is not asked;
  - ``trace``: each scheme's conditions and the dated parameters it read; ``resume`` in French;
    ``version_regles`` (:func:`~.version.version_financements`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

# The schemes' modules register their rules (order does not matter: the catalogue's is used).
from aiguillage.rules.financements import autres, cpf, reconversions, transitions  # noqa: F401
from aiguillage.rules.financements.faits import (
    CHAMPS_FINANCEMENT,
    QUESTIONS_SITUATION,
    TEMPS_TRAVAIL,
    Demande,
    valider_demande,
)
from aiguillage.rules.financements.moteur import (
    A_VERIFIER,
    DISPOSITIFS,
    ELIGIBLE,
    NON_ELIGIBLE,
    STATUTS,
    Examen,
    Regle,
    catalogue,
)
from aiguillage.rules.financements.parametres import parametres_financements
from aiguillage.rules.financements.version import version_financements
from aiguillage.rules.moteur import Lecteur, date_fr
from aiguillage.rules.parametres import ParametreIndisponible, Parametres, ValeurDatee
from aiguillage.rules.situation import CONTRATS, SituationInvalide

__all__ = ["DEBUT", "evaluer_financements", "regles"]

#: The parameter whose first date is the first date the funding rules answer for.
DEBUT = "financements.periode_couverte"

#: Integer facts: the parameters whose bound (and the neighbouring value) are worth trying.
_BORNES: dict[str, tuple[tuple[str, tuple[int, ...]], ...]] = {
    "diplome_niveau": (
        ("financements.cpf.niveau_diplome_majoration", (-1, 0)),
        ("financements.pro_a.niveau_maximum", (-1, 0)),
    ),
    "anciennete_salarie_mois": (("financements.ptp.anciennete_salarie_mois", (-1, 0)),),
    "anciennete_entreprise_mois": (("financements.ptp.anciennete_entreprise_mois", (-1, 0)),),
    "mois_salarie_5_dernieres_annees": (("financements.ptp.cdd_mois_salarie_5_ans", (-1, 0)),),
    "mois_cdd_12_derniers_mois": (("financements.ptp.cdd_mois_cdd_12_mois", (-1, 0)),),
    "mois_depuis_fin_cdd": (("financements.ptp.cdd_debut_formation_mois", (0, 1)),),
    "absence_maladie_mois": (("financements.ptp.absence_maladie_mois", (-1, 0)),),
    "duree_formation_mois": (("financements.ptp.seuil_interruption_mois", (-1, 0)),),
    "jours_travailles_60_mois": (
        ("financements.demission_reconversion.jours_travailles", (-1, 0)),
    ),
    "effectif_entreprise": (("financements.plan.effectif_financement_mutualise", (-1, 0)),),
    "experience_en_rapport_mois": (("financements.vae.experience_minimale_mois", (-1, 0)),),
}
_TRAVAILLE = ("salarie", "agent_public")
#: Registration with France Travail is asked of people without a job (or a student's or a
#: retiree's one); others say it when it is the case.
_SANS_EMPLOI_STABLE = ("demandeur_emploi", "inactif", "etudiant", "retraite")
#: When an orientation fact is worth asking for funding (the answer is then tried, not assumed).
_QUAND_DEMANDER: dict[str, Callable[[Demande], bool]] = {
    "contrat": lambda d: d.activite in _TRAVAILLE or d.exerce_un_emploi is True,
    "exerce_un_emploi": lambda d: d.activite in ("etudiant", "retraite"),
    "rqth": lambda d: True,
    "inscrit_france_travail": lambda d: d.activite in _SANS_EMPLOI_STABLE,
    "csp": lambda d: d.activite in ("demandeur_emploi", "inactif"),
    "accord_employeur": lambda d: d.activite in _TRAVAILLE or d.exerce_un_emploi is True,
    "abondement_employeur": lambda d: d.activite in _TRAVAILLE or d.exerce_un_emploi is True,
}
#: The order questions are asked in: the project first, then the status, then the details.
ORDRE_QUESTIONS = (
    "projet",
    *QUESTIONS_SITUATION,
    *(c for c in CHAMPS_FINANCEMENT if c != "projet"),
)


@cache
def regles() -> dict[str, Regle]:
    """Every scheme's rule, in the catalogue's order (the order of the answer)."""
    ordre = list(catalogue())
    if set(ordre) != set(DISPOSITIFS):
        raise ValueError(f"catalogue et règles diffèrent : {sorted(set(ordre) ^ set(DISPOSITIFS))}")
    return {identifiant: DISPOSITIFS[identifiant] for identifiant in ordre}


def evaluer_financements(
    demande: Mapping[str, Any] | Demande,
    *,
    date: datetime.date | None = None,
    parametres: Parametres | None = None,
) -> dict[str, Any]:
    """The funding answer for ``demande`` at its date (or ``date``, or today), JSON-ready.

    ``parametres`` replaces the shipped parameters (to test a rule change). Raises
    :class:`~aiguillage.rules.situation.SituationInvalide` for a bad request or a date before
    the modelled rules.
    """
    parametres = parametres or parametres_financements()
    if isinstance(demande, Demande):
        d = demande if date is None else demande.avec(date=date)
    else:
        d = valider_demande(demande, date=date)
    debut = parametres[DEBUT].premiere_date
    if d.date < debut:
        raise SituationInvalide(
            {
                "date": [
                    f"date : l'aide au financement applique les règles en vigueur depuis le "
                    f"{date_fr(debut)} (loi « Avenir professionnel »), pas au {date_fr(d.date)}"
                ]
            }
        )
    lire = Lecteur(parametres, d.date)
    examens: dict[str, Examen] = {}
    lus: dict[str, tuple[ValeurDatee, ...]] = {}
    for identifiant, regle in regles().items():
        examens[identifiant] = regle(d, lire)
        lus[identifiant] = lire.relever()
    questions = _a_preciser(d, parametres, examens)
    entrees = {
        identifiant: _entree(identifiant, examens[identifiant], lus[identifiant], questions, lire)
        for identifiant in examens
    }
    groupes = {statut: [e for e in entrees.values() if e["statut"] == statut] for statut in STATUTS}
    return {
        "date": d.date.isoformat(),
        "demande": d.as_dict(),
        "eligibles": groupes[ELIGIBLE],
        "a_verifier": groupes[A_VERIFIER],
        "non_eligibles": groupes[NON_ELIGIBLE],
        "a_preciser": questions,
        "resume": _resume(groupes, questions),
        "trace": [
            {
                "dispositif": identifiant,
                "statut": examens[identifiant].statut,
                "conditions": [c.as_dict() for c in examens[identifiant].conditions],
                "parametres": [v.as_dict() for v in lus[identifiant]],
            }
            for identifiant in examens
        ],
        "version_regles": version_financements(parametres),
    }


def _entree(
    identifiant: str,
    ex: Examen,
    lus: tuple[ValeurDatee, ...],
    questions: list[dict[str, Any]],
    lire: Lecteur,
) -> dict[str, Any]:
    fiche = catalogue()[identifiant]
    references = list(fiche.references) + [
        v.reference for v in lus if not v.nom.startswith("libelles.")
    ]
    statut = ex.statut
    france_travail = lire.libelle("france_travail")
    decideur = fiche.decideur.replace("{france_travail}", france_travail)
    return {
        "dispositif": identifiant,
        "libelle": fiche.libelle,
        "statut": statut,
        "statut_libelle": STATUTS[statut],
        "motif": _motif(statut, ex, decideur),
        "objet": fiche.objet.replace("{france_travail}", france_travail),
        "decideur": decideur,
        "conditions": [c.as_dict() for c in ex.conditions],
        "a_demander": [
            {"champ": q["champ"], "question": q["question"]}
            for q in questions
            if identifiant in q["dispositifs"]
        ],
        "montants": [m.as_dict() for m in ex.montants],
        "a_savoir": list(ex.a_savoir),
        "references": [r.as_dict() for r in dict.fromkeys(references)],
    }


def _motif(statut: str, ex: Examen, decideur: str) -> str:
    if statut == NON_ELIGIBLE:
        return next(c.detail for c in ex.conditions if c.etat == "non_remplie")
    if statut == A_VERIFIER:
        a_voir = [c.libelle for c in ex.conditions if c.etat == A_VERIFIER]
        return "À vérifier : " + " ; ".join(a_voir) + "."
    return "Les conditions connues sont remplies ; le décideur doit encore accorder le financement."


def _candidats(champ: str, d: Demande, lire: Lecteur) -> list[Any]:
    """The values of an unknown fact worth trying."""
    if champ in _QUAND_DEMANDER and not _QUAND_DEMANDER[champ](d):
        return []
    if champ == "contrat":
        return list(CONTRATS)
    if champ == "projet":
        return list(CHAMPS_FINANCEMENT["projet"].choix)
    if champ == "temps_travail":
        return list(TEMPS_TRAVAIL)
    if champ in _BORNES:
        valeurs = set()
        for nom, ecarts in _BORNES[champ]:
            try:
                borne = lire(nom)
            except ParametreIndisponible:
                continue  # the rule that reads it is not in force at this date
            valeurs |= {max(0, borne + ecart) for ecart in ecarts}
        return sorted(valeurs)
    return [True, False]


def _a_preciser(
    d: Demande, parametres: Parametres, examens: dict[str, Examen]
) -> list[dict[str, Any]]:
    """Unknown facts whose answer changes a scheme's status or amounts, each tried in turn."""
    essai = Lecteur(parametres, d.date)
    actuelles = {identifiant: ex.signature() for identifiant, ex in examens.items()}
    questions = []
    for champ in ORDRE_QUESTIONS:
        if getattr(d, champ) is not None:
            continue
        signatures: dict[str, set] = {i: {s} for i, s in actuelles.items()}
        for valeur in _candidats(champ, d, essai):
            variante = d.avec(**{champ: valeur})
            for identifiant, regle in regles().items():
                signatures[identifiant].add(regle(variante, essai).signature())
                essai.relever()
        changes = [i for i, s in signatures.items() if len(s) > 1]
        if not changes:
            continue
        if champ in QUESTIONS_SITUATION:
            question, pourquoi = QUESTIONS_SITUATION[champ]
        else:
            question, pourquoi = (
                CHAMPS_FINANCEMENT[champ].question,
                CHAMPS_FINANCEMENT[champ].pourquoi,
            )
        noms = ", ".join(catalogue()[i].libelle for i in changes)
        questions.append(
            {
                "champ": champ,
                "question": question,
                "pourquoi": f"{pourquoi} La réponse change : {noms}.",
                "dispositifs": changes,
            }
        )
    return questions


def _resume(groupes: dict[str, list[dict]], questions: list[dict]) -> str:
    phrases = []
    for statut, singulier, pluriel in (
        (ELIGIBLE, "dispositif éligible", "dispositifs éligibles"),
        (A_VERIFIER, "dispositif à vérifier", "dispositifs à vérifier"),
        (NON_ELIGIBLE, "dispositif non éligible", "dispositifs non éligibles"),
    ):
        entrees = groupes[statut]
        if entrees:
            noms = ", ".join(e["libelle"] for e in entrees)
            quoi = singulier if len(entrees) == 1 else pluriel
            phrases.append(f"{len(entrees)} {quoi} : {noms}.")
    if not groupes[ELIGIBLE]:
        phrases.insert(0, "Aucun dispositif n'est éligible au vu des informations données.")
    if questions:
        if len(questions) == 1:
            phrases.append("Une information à préciser pourrait changer la réponse.")
        else:
            phrases.append(
                f"{len(questions)} informations à préciser pourraient changer la réponse."
            )
    return " ".join(phrases)
