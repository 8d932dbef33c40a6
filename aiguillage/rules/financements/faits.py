"""The funding request: the orientation situation plus the facts funding needs, checked strictly.

Concept map:

- a **request** (*demande*) is one JSON object with French keys: the keys of the orientation
  situation (:data:`aiguillage.rules.situation.CHAMPS`: ``date``, ``activite``, ``contrat``,
  ``rqth``, ``inscrit_france_travail``, ``csp``…), checked by the orientation's own
  :func:`~aiguillage.rules.situation.valider_situation`, and the funding facts of
  :data:`CHAMPS_FINANCEMENT` (seniority, days worked, diploma level, firm size, project…),
  checked here;
- :func:`valider_demande` returns a :class:`Demande` (a :class:`Situation` and the
  :class:`Faits`) or raises :class:`~aiguillage.rules.situation.SituationInvalide` with every
  faulty field at once, in French, listing the accepted keys or values;
- every funding fact is optional: a fact left out is **unknown**, never zero or false. The rules
  say which unknown facts would change an answer (``a_preciser``); :data:`CANDIDATS` gives, for
  each fact, the values worth trying (a parameter's bound and its neighbour, every choice…).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from aiguillage.rules.situation import (
    CHAMPS,
    SCHEMA_SITUATION,
    Situation,
    SituationInvalide,
    valider_situation,
)

__all__ = [
    "CHAMPS_FINANCEMENT",
    "NIVEAUX_DIPLOME",
    "PROJETS",
    "PROJETS_EN_PHRASE",
    "QUESTIONS_SITUATION",
    "SCHEMA_DEMANDE",
    "TEMPS_TRAVAIL",
    "ChampFinancement",
    "Demande",
    "Faits",
    "valider_demande",
]

#: The project the person wants to fund.
PROJETS: dict[str, str] = {
    "formation_certifiante": "Se former pour une certification (même métier, évolution)",
    "reconversion": "Changer de métier par une formation certifiante",
    "vae": "Faire valider les acquis de son expérience (VAE)",
    "creation_reprise": "Créer ou reprendre une entreprise",
    "bilan_competences": "Faire un bilan de compétences",
}
#: The same, inside a sentence (« Projet « changer de métier » : … »).
PROJETS_EN_PHRASE: dict[str, str] = {
    "formation_certifiante": "se former pour une certification",
    "reconversion": "changer de métier",
    "vae": "VAE",
    "creation_reprise": "créer ou reprendre une entreprise",
    "bilan_competences": "bilan de compétences",
}
#: Working time over the year (the CPF credit is full from half-time).
TEMPS_TRAVAIL: dict[str, str] = {
    "temps_plein": "Temps plein",
    "mi_temps_ou_plus": "Temps partiel, au moins un mi-temps",
    "moins_d_un_mi_temps": "Moins d'un mi-temps",
}
#: Highest diploma or title, in the national framework of certifications (0: none).
NIVEAUX_DIPLOME: dict[int, str] = {
    0: "Aucun diplôme",
    1: "Niveau 1 (savoirs de base)",
    2: "Niveau 2 (CléA, certificat de formation générale)",
    3: "Niveau 3 (CAP, BEP)",
    4: "Niveau 4 (baccalauréat)",
    5: "Niveau 5 (bac + 2 : BTS, DUT)",
    6: "Niveau 6 (licence, bachelor)",
    7: "Niveau 7 (master)",
    8: "Niveau 8 (doctorat)",
}


@dataclass(frozen=True)
class ChampFinancement:
    """One funding fact: its type, its input bounds (sanity, not law), meaning and question."""

    type: str  # entier | booleen | choix
    description: str
    question: str
    pourquoi: str
    minimum: int = 0
    maximum: int | None = None
    choix: tuple[Any, ...] = ()


_MOIS = "nombre de mois"
CHAMPS_FINANCEMENT: dict[str, ChampFinancement] = {
    "projet": ChampFinancement(
        "choix",
        "Projet à financer : " + ", ".join(PROJETS),
        "Quel est le projet : se former, changer de métier, une VAE, créer une entreprise, "
        "un bilan de compétences ?",
        "Chaque dispositif finance certains projets seulement.",
        choix=tuple(PROJETS),
    ),
    "diplome_niveau": ChampFinancement(
        "entier",
        "Plus haut diplôme ou titre, niveau du cadre national des certifications "
        "(0 : aucun ; 3 : CAP, BEP ; 4 : bac ; 5 : bac + 2 ; 6 : licence ; 7 : master ; "
        "8 : doctorat)",
        "Quel est votre plus haut diplôme ou titre professionnel ?",
        "Sans diplôme de niveau 3, le crédit du CPF d'un salarié est majoré ; Pro-A est réservée "
        "aux salariés sans licence.",
        maximum=8,
    ),
    "temps_travail": ChampFinancement(
        "choix",
        "Temps de travail sur l'année : " + ", ".join(TEMPS_TRAVAIL),
        "Travaillez-vous à temps plein, au moins à mi-temps, ou moins ?",
        "Le crédit annuel du CPF est complet à partir d'un mi-temps, proratisé en dessous.",
        choix=tuple(TEMPS_TRAVAIL),
    ),
    "anciennete_salarie_mois": ChampFinancement(
        "entier",
        "Ancienneté en qualité de salarié, consécutive ou non, tous employeurs confondus "
        f"({_MOIS})",
        "Depuis combien de mois êtes-vous salarié, tous employeurs confondus ?",
        "Le projet de transition professionnelle exige une ancienneté de salarié.",
        maximum=720,
    ),
    "anciennete_entreprise_mois": ChampFinancement(
        "entier",
        f"Ancienneté dans l'entreprise actuelle ({_MOIS})",
        "Depuis combien de mois travaillez-vous dans votre entreprise actuelle ?",
        "En CDI, le projet de transition professionnelle exige une ancienneté dans l'entreprise.",
        maximum=720,
    ),
    "mois_salarie_5_dernieres_annees": ChampFinancement(
        "entier",
        f"Mois d'activité salariée au cours des 5 dernières années ({_MOIS})",
        "Combien de mois avez-vous été salarié au cours des 5 dernières années ?",
        "En CDD, le projet de transition professionnelle compte l'ancienneté sur 5 ans.",
        maximum=60,
    ),
    "mois_cdd_12_derniers_mois": ChampFinancement(
        "entier",
        "Mois en CDD au cours des 12 derniers mois, hors apprentissage, professionnalisation et "
        f"CDD poursuivi en CDI ({_MOIS})",
        "Combien de mois avez-vous travaillé en CDD au cours des 12 derniers mois (hors "
        "apprentissage, professionnalisation, CDD devenu CDI) ?",
        "En CDD, le projet de transition professionnelle exige quelques mois de CDD récents.",
        maximum=12,
    ),
    "mois_depuis_fin_cdd": ChampFinancement(
        "entier",
        f"Pour un demandeur d'emploi : mois écoulés depuis la fin de son dernier CDD ({_MOIS})",
        "Votre dernier emploi était-il un CDD, et il y a combien de mois s'est-il terminé ?",
        "Après un CDD, un projet de transition professionnelle reste possible quelques mois.",
        maximum=720,
    ),
    "absence_maladie_mois": ChampFinancement(
        "entier",
        "Absence pour accident du travail, maladie ou accident, consécutive ou non, au cours des "
        f"24 derniers mois ({_MOIS})",
        "Avez-vous été absent pour maladie ou accident au cours des 24 derniers mois, et "
        "combien de mois au total ?",
        "Depuis le 31 mars 2022, une longue absence pour maladie ou accident dispense de la "
        "condition d'ancienneté du projet de transition professionnelle.",
        maximum=24,
    ),
    "duree_formation_mois": ChampFinancement(
        "entier",
        f"Interruption continue de travail prévue pour la formation ({_MOIS})",
        "Combien de mois la formation interrompra-t-elle votre travail ?",
        "Le délai de la demande d'absence à l'employeur en dépend.",
        maximum=120,
    ),
    "jours_travailles_60_mois": ChampFinancement(
        "entier",
        "Jours travaillés au cours des 60 derniers mois, chez un ou plusieurs employeurs",
        "Combien de jours avez-vous travaillé au cours des 5 dernières années ?",
        "La démission pour reconversion exige une longue activité salariée.",
        maximum=1830,
    ),
    "effectif_entreprise": ChampFinancement(
        "entier",
        "Effectif de l'entreprise (nombre de salariés)",
        "Combien de salariés compte votre entreprise ?",
        "L'OPCO finance le plan de développement des compétences des petites entreprises.",
        maximum=10_000_000,
    ),
    "experience_en_rapport_mois": ChampFinancement(
        "entier",
        f"Expérience en rapport direct avec la certification visée par une VAE ({_MOIS})",
        "Combien de mois d'expérience avez-vous en rapport direct avec la certification visée ?",
        "Avant le 21 décembre 2022, la VAE exigeait une durée minimale d'expérience.",
        maximum=720,
    ),
    "accord_employeur": ChampFinancement(
        "booleen",
        "L'employeur (ou l'administration d'un agent public) a donné son accord écrit au projet",
        "Votre employeur (ou votre administration) a-t-il donné son accord écrit ?",
        "Certains dispositifs reposent sur l'accord de l'employeur.",
    ),
    "abondement_employeur": ChampFinancement(
        "booleen",
        "L'employeur ou l'OPCO cofinance la formation achetée avec le CPF (abondement)",
        "Votre employeur (ou son OPCO) complète-t-il le financement de la formation ?",
        "Un abondement de l'employeur dispense de la participation obligatoire au CPF.",
    ),
    "poste_fragilise": ChampFinancement(
        "booleen",
        "L'emploi figure sur la liste des emplois fragilisés de l'entreprise (accord de gestion "
        "des emplois et des parcours professionnels, ou décision de l'employeur)",
        "Votre emploi figure-t-il sur la liste des emplois fragilisés de votre entreprise ?",
        "Transitions collectives était réservé aux salariés dont l'emploi est fragilisé.",
    ),
    "formation_validee_france_travail": ChampFinancement(
        "booleen",
        "La formation est inscrite dans le projet validé avec le conseiller France Travail",
        "La formation est-elle inscrite dans votre projet validé avec France Travail ?",
        "L'aide individuelle à la formation finance une formation validée dans le projet.",
    ),
}

#: The orientation facts the funding rules read, with the question to ask when one is unknown
#: (the other orientation facts are accepted and passed through).
QUESTIONS_SITUATION: dict[str, tuple[str, str]] = {
    "contrat": (
        "Quel est votre contrat de travail (CDI, CDD, intérim, apprentissage…) ?",
        "Plusieurs dispositifs dépendent du contrat.",
    ),
    "exerce_un_emploi": (
        CHAMPS["exerce_un_emploi"].question,
        "Un étudiant ou un retraité qui travaille a les droits d'un salarié.",
    ),
    "rqth": (
        CHAMPS["rqth"].question,
        "Les bénéficiaires de l'obligation d'emploi n'ont pas de condition d'ancienneté pour un "
        "projet de transition professionnelle.",
    ),
    "inscrit_france_travail": (
        CHAMPS["inscrit_france_travail"].question,
        "Les demandeurs d'emploi inscrits peuvent avoir l'aide individuelle à la formation et ne "
        "paient pas la participation au CPF.",
    ),
    "csp": (
        "Avez-vous adhéré à un contrat de sécurisation professionnelle (CSP) ?",
        "Les adhérents d'un CSP peuvent avoir l'aide individuelle à la formation.",
    ),
}


@dataclass(frozen=True)
class Faits:
    """The checked funding facts; ``None`` means unknown."""

    projet: str | None = None
    diplome_niveau: int | None = None
    temps_travail: str | None = None
    anciennete_salarie_mois: int | None = None
    anciennete_entreprise_mois: int | None = None
    mois_salarie_5_dernieres_annees: int | None = None
    mois_cdd_12_derniers_mois: int | None = None
    mois_depuis_fin_cdd: int | None = None
    absence_maladie_mois: int | None = None
    duree_formation_mois: int | None = None
    jours_travailles_60_mois: int | None = None
    effectif_entreprise: int | None = None
    experience_en_rapport_mois: int | None = None
    accord_employeur: bool | None = None
    abondement_employeur: bool | None = None
    poste_fragilise: bool | None = None
    formation_validee_france_travail: bool | None = None


_CHAMPS_FAITS = frozenset(f.name for f in fields(Faits))
assert set(CHAMPS_FINANCEMENT) == _CHAMPS_FAITS
assert not _CHAMPS_FAITS & set(CHAMPS)


@dataclass(frozen=True)
class Demande:
    """A checked funding request: the orientation :class:`Situation` and the funding
    :class:`Faits`. Attributes of both read through (``demande.contrat``, ``demande.projet``)."""

    situation: Situation
    faits: Faits

    def __getattr__(self, nom: str) -> Any:
        # Only called for names that are not attributes of the request itself.
        if nom.startswith("__") or nom in ("situation", "faits"):
            raise AttributeError(nom)
        if nom in _CHAMPS_FAITS:
            return getattr(self.faits, nom)
        return getattr(self.situation, nom)

    @property
    def date(self) -> datetime.date:
        return self.situation.date

    def avec(self, **changements: Any) -> Demande:
        """A copy with some facts changed, situation or funding (to try an unknown fact)."""
        faits = {k: v for k, v in changements.items() if k in _CHAMPS_FAITS}
        situation = {k: v for k, v in changements.items() if k not in _CHAMPS_FAITS}
        return Demande(
            self.situation.avec(**situation) if situation else self.situation,
            Faits(**{**vars(self.faits), **faits}) if faits else self.faits,
        )

    def as_dict(self) -> dict[str, Any]:
        """The known facts as JSON-ready data."""
        faits = {k: v for k, v in asdict(self.faits).items() if v is not None}
        return {**self.situation.as_dict(), **faits}


def valider_demande(data: Any, *, date: datetime.date | None = None) -> Demande:
    """Check ``data`` (orientation situation keys and funding keys) and return the
    :class:`Demande`. Every faulty field is reported at once, orientation's and funding's."""
    if not isinstance(data, Mapping):
        raise SituationInvalide({"situation": ["la demande doit être un objet JSON (clé: valeur)"]})
    erreurs: dict[str, list[str]] = {}

    def erreur(champ: str, message: str) -> None:
        erreurs.setdefault(champ, []).append(f"{champ} : {message}")

    possibles = ", ".join([*CHAMPS, *CHAMPS_FINANCEMENT])
    situation = {}
    for cle, valeur in data.items():
        if cle in CHAMPS:
            situation[cle] = valeur
        elif cle not in CHAMPS_FINANCEMENT:
            erreur(str(cle), "champ inconnu ; champs possibles : " + possibles)
    try:
        s = valider_situation(situation, date=date)
    except SituationInvalide as exc:
        s = None
        for champ, messages in exc.par_champ.items():
            erreurs.setdefault(champ, []).extend(messages)

    valeurs: dict[str, Any] = {}
    for champ, regle in CHAMPS_FINANCEMENT.items():
        valeur = data.get(champ)
        if valeur is None:
            continue
        if regle.type == "booleen":
            if isinstance(valeur, bool):
                valeurs[champ] = valeur
            else:
                erreur(champ, f"vrai ou faux attendu (true ou false), reçu {_montrer(valeur)}")
        elif regle.type == "choix":
            if isinstance(valeur, str) and valeur in regle.choix:
                valeurs[champ] = valeur
            else:
                erreur(
                    champ,
                    f"valeur {_montrer(valeur)} inconnue ; valeurs possibles : "
                    + ", ".join(regle.choix),
                )
        elif not isinstance(valeur, int) or isinstance(valeur, bool):
            erreur(champ, f"nombre entier attendu, reçu {_montrer(valeur)}")
        elif valeur < regle.minimum or (regle.maximum is not None and valeur > regle.maximum):
            erreur(
                champ,
                f"{valeur} est hors des valeurs acceptées ({regle.minimum} à {regle.maximum})",
            )
        else:
            valeurs[champ] = valeur
    _verifier_coherence(valeurs, erreur)
    if erreurs:
        ordre = [*CHAMPS, *CHAMPS_FINANCEMENT]
        rang = {c: ordre.index(c) if c in ordre else len(ordre) for c in erreurs}
        raise SituationInvalide(dict(sorted(erreurs.items(), key=lambda e: rang[e[0]])))
    assert s is not None
    return Demande(s, Faits(**valeurs))


def _verifier_coherence(valeurs: dict[str, Any], erreur) -> None:
    total = valeurs.get("anciennete_salarie_mois")
    entreprise = valeurs.get("anciennete_entreprise_mois")
    if total is not None and entreprise is not None and entreprise > total:
        erreur(
            "anciennete_entreprise_mois",
            f"{entreprise} mois dans l'entreprise dépassent l'ancienneté de salarié ({total} mois)",
        )


def _montrer(valeur: Any) -> str:
    if isinstance(valeur, str):
        return f"« {valeur} »"
    if isinstance(valeur, bool):
        return "« true »" if valeur else "« false »"
    return f"« {valeur!r} » ({type(valeur).__name__})"


def _schema() -> dict[str, Any]:
    proprietes = dict(SCHEMA_SITUATION["properties"])
    for champ, regle in CHAMPS_FINANCEMENT.items():
        if regle.type == "booleen":
            propriete: dict[str, Any] = {"type": "boolean"}
        elif regle.type == "choix":
            propriete = {"type": "string", "enum": list(regle.choix)}
        else:
            propriete = {"type": "integer", "minimum": regle.minimum}
            if regle.maximum is not None:
                propriete["maximum"] = regle.maximum
        proprietes[champ] = {**propriete, "description": regle.description}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Demande de financement",
        "description": "Situation d'une personne et faits utiles au financement de son projet. "
        "Un fait absent est inconnu (et non faux ou nul).",
        "type": "object",
        "additionalProperties": False,
        "required": ["activite"],
        "properties": proprietes,
    }


SCHEMA_DEMANDE: dict[str, Any] = _schema()
