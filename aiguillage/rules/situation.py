"""The person's situation: the rules' public contract (JSON with French keys), checked strictly.

Concept map:

- :data:`CHAMPS` lists every accepted key with its meaning and, for the facts that may be missing,
  the question a counsellor asks; :data:`SCHEMA_SITUATION` is the same contract as a JSON Schema;
- :func:`valider_situation` turns a dict into a :class:`Situation` or raises
  :class:`SituationInvalide` with French messages for every faulty field (unknown key or value,
  wrong type, age out of bounds, age and birth date that disagree…), all at once;
- a boolean left out is **unknown** (``None``), never false: the rules say which unknown facts
  would change the answer (``a_preciser``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "ACTIVITES",
    "AGE_SAISIE_MAX",
    "AGE_SAISIE_MIN",
    "BOOLEENS",
    "CHAMPS",
    "CONTRATS",
    "SCHEMA_SITUATION",
    "Champ",
    "Situation",
    "SituationInvalide",
    "valider_situation",
]

ACTIVITES = (
    "salarie",
    "independant",
    "agent_public",
    "demandeur_emploi",
    "eleve",
    "etudiant",
    "retraite",
    "inactif",
)
CONTRATS = ("cdi", "cdd", "cdd_saisonnier", "interim", "apprentissage", "professionnalisation")
BOOLEENS = (
    "exerce_un_emploi",
    "cadre",
    "rqth",
    "inscrit_france_travail",
    "beneficiaire_rsa",
    "csp",
    "saisonnier",
)
#: Bounds of what a person may enter (input sanity, not law).
AGE_SAISIE_MIN, AGE_SAISIE_MAX = 14, 100

#: Activities that are a job by themselves (a student or a retiree works only if they say so).
ACTIVITES_EN_EMPLOI = ("salarie", "independant", "agent_public")
#: People in initial education: not *actifs* unless they work.
ACTIVITES_EN_FORMATION_INITIALE = ("eleve", "etudiant")

_COMMUNE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_OUTRE_MER = ("971", "972", "973", "974", "975", "976")


@dataclass(frozen=True)
class Champ:
    """One key of the situation: what it means, and the question to ask when it is missing."""

    description: str
    question: str = ""
    pourquoi: str = ""


CHAMPS: dict[str, Champ] = {
    "date": Champ(
        "Date à laquelle les règles sont appliquées (AAAA-MM-JJ ; par défaut aujourd'hui)"
    ),
    "age": Champ(
        "Âge en années révolues",
        "Quel est votre âge (ou votre date de naissance) ?",
        "Les Missions locales et Info Jeunes s'adressent aux jeunes.",
    ),
    "date_naissance": Champ("Date de naissance (AAAA-MM-JJ) ; l'âge est calculé à la date"),
    "commune": Champ("Code INSEE de la commune de résidence (transmis tel quel)"),
    "activite": Champ("Situation principale : " + ", ".join(ACTIVITES)),
    "contrat": Champ("Contrat de travail d'une personne en emploi : " + ", ".join(CONTRATS)),
    "exerce_un_emploi": Champ(
        "Étudiant ou retraité qui travaille (il est alors un actif)",
        "Exercez-vous un emploi, même à temps partiel ?",
        "Un étudiant ou un retraité qui travaille est un actif et a droit au CEP.",
    ),
    "cadre": Champ(
        "Statut cadre (en emploi, ou dans le dernier emploi pour un demandeur d'emploi)",
        "Avez-vous le statut cadre ?",
        "L'Apec délivre le CEP aux cadres.",
    ),
    "rqth": Champ(
        "Handicap reconnu (RQTH ou autre titre de bénéficiaire de l'obligation d'emploi)",
        "Avez-vous une reconnaissance de la qualité de travailleur handicapé (RQTH) ?",
        "Cap emploi conseille les personnes handicapées ; la Mission locale les accompagne "
        "jusqu'à 29 ans.",
    ),
    "inscrit_france_travail": Champ(
        "Inscrit comme demandeur d'emploi à France Travail (Pôle emploi avant 2024)",
        "Êtes-vous inscrit à France Travail comme demandeur d'emploi ?",
        "L'inscription comme demandeur d'emploi ouvre le CEP de France Travail.",
    ),
    "beneficiaire_rsa": Champ(
        "Bénéficiaire du revenu de solidarité active",
        "Percevez-vous le RSA ?",
        "Depuis le 1er janvier 2025, les bénéficiaires du RSA sont inscrits à France Travail.",
    ),
    "csp": Champ("Adhérent d'un contrat de sécurisation professionnelle (licenciement économique)"),
    "saisonnier": Champ("Travailleur saisonnier (statut qui change au fil de l'année)"),
}
#: Facts whose absence may change the answer, in the order a counsellor asks them.
CHAMPS_A_PRECISER = (
    "age",
    "exerce_un_emploi",
    "cadre",
    "rqth",
    "inscrit_france_travail",
    "beneficiaire_rsa",
)


class SituationInvalide(ValueError):
    """The situation breaks the contract, with French messages « champ : message ».

    ``erreurs`` lists every message; ``par_champ`` groups them by field. Built from a mapping
    ``{champ: [messages]}`` or from messages alone (the field is read before « : »).
    """

    def __init__(self, erreurs: Mapping[str, Iterable[str]] | Iterable[str]):
        if isinstance(erreurs, Mapping):
            par_champ = {champ: list(messages) for champ, messages in erreurs.items()}
        else:
            par_champ = {}
            for message in erreurs:
                champ, separateur, _ = message.partition(" : ")
                champ = champ if separateur and champ.isidentifier() else "situation"
                par_champ.setdefault(champ, []).append(message)
        self.par_champ = par_champ
        self.erreurs = [message for messages in par_champ.values() for message in messages]
        super().__init__("Situation invalide : " + " ; ".join(self.erreurs))

    def as_dict(self) -> dict[str, Any]:
        return {"erreurs": self.erreurs, "par_champ": self.par_champ}


@dataclass(frozen=True)
class Situation:
    """A checked situation. ``None`` means unknown; ``age`` is in whole years at ``date``."""

    date: datetime.date
    activite: str
    age: int | None = None
    date_naissance: datetime.date | None = None
    commune: str | None = None
    contrat: str | None = None
    exerce_un_emploi: bool | None = None
    cadre: bool | None = None
    rqth: bool | None = None
    inscrit_france_travail: bool | None = None
    beneficiaire_rsa: bool | None = None
    csp: bool | None = None
    saisonnier: bool | None = None

    @property
    def en_emploi(self) -> bool:
        """Works now: an *actif occupé* (a student or retiree only if ``exerce_un_emploi``)."""
        if self.activite in ACTIVITES_EN_EMPLOI:
            return True
        return self.activite in ("etudiant", "retraite") and self.exerce_un_emploi is True

    @property
    def en_formation_initiale(self) -> bool:
        return self.activite in ACTIVITES_EN_FORMATION_INITIALE

    @property
    def est_saisonnier(self) -> bool:
        return self.saisonnier is True or self.contrat == "cdd_saisonnier"

    @property
    def outre_mer(self) -> bool:
        return self.commune is not None and self.commune.startswith(_OUTRE_MER)

    def avec(self, **changements: Any) -> Situation:
        """A copy with some facts changed (used to test what an unknown fact would change).

        Same as :func:`dataclasses.replace`, faster (every attribute of a situation is a field).
        """
        return Situation(**{**vars(self), **changements})

    def as_dict(self) -> dict[str, Any]:
        """The known facts as JSON-ready data (dates in ISO format)."""
        return {
            cle: valeur.isoformat() if isinstance(valeur, datetime.date) else valeur
            for cle, valeur in asdict(self).items()
            if valeur is not None
        }


def valider_situation(data: Any, *, date: datetime.date | None = None) -> Situation:
    """Check ``data`` against the contract and return the :class:`Situation`.

    ``date`` (keyword) is the evaluation date when ``data`` has none; when both are given they
    must agree. Every faulty field is reported at once.
    """
    if not isinstance(data, Mapping):
        raise SituationInvalide(
            {"situation": ["la situation doit être un objet JSON (clé: valeur)"]}
        )
    erreurs: dict[str, list[str]] = {}

    def erreur(champ: str, message: str) -> None:
        erreurs.setdefault(champ, []).append(f"{champ} : {message}")

    for cle in data:
        if cle not in CHAMPS:
            erreur(str(cle), "champ inconnu ; champs possibles : " + ", ".join(CHAMPS))

    valeurs: dict[str, Any] = {}
    for champ in ("date", "date_naissance"):
        if data.get(champ) is not None:
            lue = _lire_date(data[champ], lambda m, c=champ: erreur(c, m))
            if lue is not None:
                valeurs[champ] = lue
    if date is not None:
        if valeurs.get("date") not in (None, date):
            erreur("date", f"« {valeurs['date']} » contredit la date d'évaluation {date}")
        valeurs["date"] = date
    if "date" not in valeurs:
        valeurs["date"] = datetime.date.today()

    activite = data.get("activite")
    if activite is None:
        erreur("activite", "champ obligatoire ; valeurs possibles : " + ", ".join(ACTIVITES))
    else:
        valeurs["activite"] = _lire_choix(activite, ACTIVITES, lambda m: erreur("activite", m))
    if data.get("contrat") is not None:
        valeurs["contrat"] = _lire_choix(data["contrat"], CONTRATS, lambda m: erreur("contrat", m))
    for champ in BOOLEENS:
        if data.get(champ) is not None:
            if isinstance(data[champ], bool):
                valeurs[champ] = data[champ]
            else:
                erreur(champ, f"vrai ou faux attendu (true ou false), reçu {_montrer(data[champ])}")
    if data.get("commune") is not None:
        commune = data["commune"]
        if isinstance(commune, str) and _COMMUNE.match(commune):
            valeurs["commune"] = commune
        else:
            erreur(
                "commune",
                "code INSEE attendu (5 caractères, par ex. 75056 ou 2A004), "
                f"reçu {_montrer(commune)}",
            )
    if data.get("age") is not None:
        age = data["age"]
        if isinstance(age, int) and not isinstance(age, bool):
            valeurs["age"] = age
        else:
            erreur("age", f"nombre entier d'années attendu, reçu {_montrer(age)}")

    _verifier_age(valeurs, erreur)
    _verifier_contrat(valeurs, erreur)
    if erreurs:
        ordre = list(CHAMPS)
        rang = {champ: ordre.index(champ) if champ in ordre else len(ordre) for champ in erreurs}
        raise SituationInvalide(dict(sorted(erreurs.items(), key=lambda e: rang[e[0]])))
    return Situation(**valeurs)  # every key of ``valeurs`` is a field; the others are unknown


def age_a_la_date(naissance: datetime.date, date: datetime.date) -> int:
    """Age in whole years (*âge révolu*) at ``date``; born on 29 February, one is a year older
    on 1 March of non-leap years."""
    return date.year - naissance.year - ((date.month, date.day) < (naissance.month, naissance.day))


def _verifier_age(valeurs: dict[str, Any], erreur) -> None:
    naissance = valeurs.get("date_naissance")
    date = valeurs["date"]
    if naissance is not None:
        if naissance > date:
            erreur("date_naissance", f"{naissance} est postérieure à la date d'évaluation {date}")
            return
        calcule = age_a_la_date(naissance, date)
        if "age" in valeurs and valeurs["age"] != calcule:
            erreur(
                "age",
                f"{valeurs['age']} ans ne correspond pas à la date de naissance {naissance} "
                f"({calcule} ans au {date})",
            )
            return
        valeurs["age"] = calcule
    age = valeurs.get("age")
    if age is not None and not AGE_SAISIE_MIN <= age <= AGE_SAISIE_MAX:
        erreur(
            "age",
            f"{age} ans est hors des âges acceptés ({AGE_SAISIE_MIN} à {AGE_SAISIE_MAX} ans)",
        )


def _verifier_contrat(valeurs: dict[str, Any], erreur) -> None:
    if valeurs.get("contrat") is None or valeurs.get("activite") is None:
        return
    activite = valeurs["activite"]
    travaille = activite in ("salarie", "agent_public") or (
        activite in ("etudiant", "retraite") and valeurs.get("exerce_un_emploi") is True
    )
    if not travaille:
        erreur(
            "contrat",
            f"sans objet pour activite « {activite} » : un contrat de travail ne se renseigne "
            "que pour un salarié, un agent public, ou un étudiant ou retraité qui exerce un emploi",
        )


def _lire_date(valeur: Any, erreur) -> datetime.date | None:
    if isinstance(valeur, datetime.date) and not isinstance(valeur, datetime.datetime):
        return valeur
    if isinstance(valeur, str):
        try:
            return datetime.date.fromisoformat(valeur)
        except ValueError:
            pass
    erreur(f"date au format AAAA-MM-JJ attendue, reçu {_montrer(valeur)}")
    return None


def _lire_choix(valeur: Any, possibles: tuple[str, ...], erreur) -> str | None:
    if isinstance(valeur, str) and valeur in possibles:
        return valeur
    erreur(f"valeur {_montrer(valeur)} inconnue ; valeurs possibles : " + ", ".join(possibles))
    return None


def _montrer(valeur: Any) -> str:
    if isinstance(valeur, str):
        return f"« {valeur} »"
    if isinstance(valeur, bool):
        return "« true »" if valeur else "« false »"
    return f"« {valeur!r} » ({type(valeur).__name__})"


SCHEMA_SITUATION: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Situation",
    "description": "Situation d'une personne, pour trouver les opérateurs du CEP compétents. "
    "Un booléen absent est inconnu (et non faux).",
    "type": "object",
    "additionalProperties": False,
    "required": ["activite"],
    "properties": {
        "date": {"type": "string", "format": "date"},
        "age": {"type": "integer", "minimum": AGE_SAISIE_MIN, "maximum": AGE_SAISIE_MAX},
        "date_naissance": {"type": "string", "format": "date"},
        "commune": {"type": "string", "pattern": _COMMUNE.pattern},
        "activite": {"type": "string", "enum": list(ACTIVITES)},
        "contrat": {"type": "string", "enum": list(CONTRATS)},
        **{champ: {"type": "boolean"} for champ in BOOLEENS},
    },
}
for _champ, _propriete in SCHEMA_SITUATION["properties"].items():
    _propriete["description"] = CHAMPS[_champ].description
