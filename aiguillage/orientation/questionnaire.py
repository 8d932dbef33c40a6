"""The public self-diagnosis: one question per screen, answers carried in the URL.

No session and no cookie: each screen is a GET form whose hidden inputs carry the previous
answers, so the questionnaire works without JavaScript, can go back, and stores nothing until
the person asks for the result. ``Question.applies`` skips questions that do not matter for the
answers given so far (a job seeker is not asked about their contract).

``situation_from`` turns the answers into the rules' situation format (``aiguillage.rules``);
"je ne sais pas" leaves a key out, so that the decision lists it in ``a_preciser``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

OUI_NON_NSP = [("oui", "Oui"), ("non", "Non"), ("nsp", "Je ne sais pas")]
OUI_NON = [("oui", "Oui"), ("non", "Non")]

SANS_EMPLOI = {"demandeur_emploi", "inactif"}


def _works(answers: Mapping[str, str]) -> bool:
    activite = answers.get("activite")
    if activite in {"salarie", "independant", "agent_public"}:
        return True
    return activite in {"etudiant", "retraite"} and answers.get("exerce_un_emploi") == "oui"


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    help: str = ""
    kind: str = "choice"  # choice | age | commune
    choices: list[tuple[str, str]] = field(default_factory=list)
    applies: Callable[[Mapping[str, str]], bool] = lambda answers: True

    def valid(self, value: str) -> bool:
        if self.kind == "choice":
            return value in {v for v, _ in self.choices}
        if self.kind == "age":
            return value.isdigit() and 14 <= int(value) <= 100
        return bool(value.strip())


QUESTIONS: list[Question] = [
    Question(
        "activite",
        "Quelle est votre situation aujourd'hui ?",
        choices=[
            ("salarie", "Je suis salarié ou salariée (y compris en intérim, en apprentissage)"),
            ("independant", "Je travaille à mon compte (indépendant, micro-entrepreneur)"),
            ("agent_public", "Je travaille dans la fonction publique (fonctionnaire, contractuel)"),
            ("demandeur_emploi", "Je cherche un emploi"),
            ("etudiant", "Je suis étudiant ou étudiante"),
            ("eleve", "Je suis élève (collège, lycée)"),
            ("retraite", "Je suis à la retraite"),
            ("inactif", "Je ne travaille pas et ne cherche pas d'emploi pour l'instant"),
        ],
    ),
    Question(
        "contrat",
        "Quel est votre contrat de travail ?",
        choices=[
            ("cdi", "CDI"),
            ("cdd", "CDD"),
            ("cdd_saisonnier", "Contrat saisonnier"),
            ("interim", "Intérim"),
            ("apprentissage", "Contrat d'apprentissage"),
            ("professionnalisation", "Contrat de professionnalisation"),
        ],
        applies=lambda a: a.get("activite") == "salarie",
    ),
    Question(
        "exerce_un_emploi",
        "Avez-vous aussi un emploi, même à temps partiel ?",
        choices=OUI_NON,
        applies=lambda a: a.get("activite") in {"etudiant", "retraite"},
    ),
    Question("age", "Quel âge avez-vous ?", help="En années.", kind="age"),
    Question(
        "rqth",
        "Avez-vous une reconnaissance de handicap (RQTH) ?",
        help="La reconnaissance de la qualité de travailleur handicapé est délivrée par la MDPH.",
        choices=OUI_NON_NSP,
        applies=lambda a: a.get("activite") not in {"eleve"},
    ),
    Question(
        "cadre",
        "Êtes-vous cadre, ou l'étiez-vous dans votre dernier emploi ?",
        choices=OUI_NON_NSP,
        applies=lambda a: _works(a) or a.get("activite") == "demandeur_emploi",
    ),
    Question(
        "inscrit_france_travail",
        "Êtes-vous inscrit ou inscrite à France Travail ?",
        choices=OUI_NON_NSP,
        applies=lambda a: not _works(a) and a.get("activite") not in {"eleve"},
    ),
    Question(
        "commune",
        "Dans quelle commune habitez-vous ?",
        help="Le nom de la commune ou son code postal, par exemple « Chambéry » ou « 73000 ».",
        kind="commune",
    ),
]
BY_KEY = {q.key: q for q in QUESTIONS}


def clean_answers(raw: Mapping[str, str]) -> dict[str, str]:
    """Keep the valid answers of the questions that apply, in questionnaire order."""
    answers: dict[str, str] = {}
    for question in QUESTIONS:
        value = (raw.get(question.key) or "").strip()
        if value and question.applies(answers) and question.valid(value):
            answers[question.key] = value
    return answers


def next_question(answers: Mapping[str, str]) -> Question | None:
    for question in QUESTIONS:
        if question.applies(answers) and question.key not in answers:
            return question
    return None


def progress(answers: Mapping[str, str]) -> tuple[int, int]:
    """(number of this screen, number of screens) for the answers given so far."""
    applicable = [q for q in QUESTIONS if q.applies(answers)]
    done = sum(1 for q in applicable if q.key in answers)
    return min(done + 1, len(applicable)), len(applicable)


def previous_answers(answers: Mapping[str, str]) -> dict[str, str]:
    """The answers without the last one (the "Précédent" link)."""
    keys = list(answers)
    return {k: answers[k] for k in keys[:-1]}


def situation_from(answers: Mapping[str, str], *, commune_code: str | None) -> dict:
    situation: dict = {"activite": answers["activite"], "age": int(answers["age"])}
    if "contrat" in answers:
        situation["contrat"] = answers["contrat"]
        if answers["contrat"] == "cdd_saisonnier":
            situation["saisonnier"] = True
    for key in ("exerce_un_emploi", "rqth", "cadre", "inscrit_france_travail"):
        value = answers.get(key)
        if value in {"oui", "non"}:
            situation[key] = value == "oui"
    if commune_code:
        situation["commune"] = commune_code
    return situation
