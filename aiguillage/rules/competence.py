"""The CEP operators' rules (Code du travail, art. L6111-6): one small pure function per rule.

Concept map: France Travail (job seekers, CSP, RSA from 2025; « Pôle emploi » before 2024),
Mission locale (16 to 25, up to 29 with a recognised disability since the contrat d'engagement
jeune), Cap emploi (recognised disability: job seekers, and people in work since 2018), Apec
(cadres), and the regional operator for employed people other than public agents
(``cep_actifs_occupes`` since 2020, ``fongecif`` before). Rule ids and their texts are in
``regles.yaml``; the engine's toolbox is :mod:`aiguillage.rules.moteur`.
"""

from __future__ import annotations

from aiguillage.rules.moteur import (
    Lecteur,
    Resultat,
    date_fr,
    en_recherche,
    inscription_automatique,
    regle,
)
from aiguillage.rules.situation import Situation

__all__: list[str] = []

# --- France Travail (Pôle emploi before 2024) -----------------------------------------------


@regle("france_travail_demandeur_emploi", "france_travail")
def _france_travail_demandeur_emploi(s: Situation, lire: Lecteur) -> Resultat:
    if s.activite == "demandeur_emploi":
        nom = lire.libelle("france_travail")
        if s.inscrit_france_travail:
            motif = f"Vous êtes demandeur d'emploi inscrit : {nom} vous délivre le CEP."
        else:
            motif = (
                f"Vous cherchez un emploi : {nom} délivre le CEP aux demandeurs d'emploi ; "
                f"inscrivez-vous auprès de {nom} si ce n'est pas déjà fait."
            )
        return Resultat(True, "activité : demandeur d'emploi", motif)
    if s.inscrit_france_travail:
        nom = lire.libelle("france_travail")
        motif = f"Vous êtes inscrit à {nom} comme demandeur d'emploi : {nom} vous délivre le CEP."
        return Resultat(True, "inscrit comme demandeur d'emploi", motif)
    return Resultat(False, "ni demandeur d'emploi, ni inscrit comme demandeur d'emploi")


@regle("france_travail_csp", "france_travail")
def _france_travail_csp(s: Situation, lire: Lecteur) -> Resultat:
    if not s.csp:
        return Resultat(False, "pas de contrat de sécurisation professionnelle déclaré")
    nom = lire.libelle("france_travail")
    motif = (
        f"Vous avez adhéré à un contrat de sécurisation professionnelle : {nom} assure votre "
        "accompagnement."
    )
    return Resultat(True, "adhérent d'un contrat de sécurisation professionnelle", motif)


@regle("france_travail_rsa", "france_travail")
def _france_travail_rsa(s: Situation, lire: Lecteur) -> Resultat:
    if not s.beneficiaire_rsa:
        return Resultat(False, "pas bénéficiaire du RSA (ou non renseigné)")
    auto = lire.valeur_datee("competence.france_travail.inscription_automatique")
    nom = lire.libelle("france_travail")
    if not auto.valeur:
        return Resultat(
            False,
            f"bénéficiaire du RSA, mais l'inscription à {nom} n'est pas automatique à cette date",
        )
    motif = (
        f"Vous percevez le RSA : depuis le {date_fr(auto.depuis)}, vous êtes inscrit à {nom}, "
        f"qui vous délivre le CEP ou vous oriente vers votre organisme référent."
    )
    return Resultat(True, "bénéficiaire du RSA, inscription automatique en vigueur", motif)


# --- Mission locale ---------------------------------------------------------------------------


@regle("mission_locale_age", "mission_locale")
def _mission_locale_age(s: Situation, lire: Lecteur) -> Resultat:
    if s.en_formation_initiale:
        return Resultat(False, f"{s.activite} : encore en formation initiale")
    if s.age is None:
        return Resultat(False, "âge inconnu")
    mini = lire("competence.mission_locale.age_minimum")
    maxi = lire("competence.mission_locale.age_maximum")
    if not mini <= s.age <= maxi:
        return Resultat(False, f"{s.age} ans : hors de {mini} à {maxi} ans révolus")
    motif = (
        f"Vous avez {s.age} ans et n'êtes plus scolarisé : la Mission locale accompagne les "
        f"jeunes de {mini} à {maxi} ans révolus."
        + inscription_automatique(
            lire, "les jeunes suivis par la Mission locale", "la Mission locale"
        )
    )
    return Resultat(True, f"{s.age} ans, de {mini} à {maxi} ans révolus, hors scolarité", motif)


@regle("mission_locale_rqth", "mission_locale")
def _mission_locale_rqth(s: Situation, lire: Lecteur) -> Resultat:
    if not s.rqth:
        return Resultat(False, "pas de handicap reconnu déclaré")
    if s.en_formation_initiale:
        return Resultat(False, f"{s.activite} : encore en formation initiale")
    if s.age is None:
        return Resultat(False, "âge inconnu")
    maxi = lire("competence.mission_locale.age_maximum")
    maxi_rqth = lire("competence.mission_locale.age_maximum_rqth")
    if s.age <= maxi:
        return Resultat(False, f"{s.age} ans : relève déjà de la règle générale (≤ {maxi} ans)")
    if s.age > maxi_rqth:
        return Resultat(False, f"{s.age} ans : au-delà de {maxi_rqth} ans révolus")
    motif = (
        f"Vous avez {s.age} ans et votre handicap est reconnu : la Mission locale peut vous "
        f"accompagner jusqu'à {maxi_rqth} ans révolus (contrat d'engagement jeune)."
    )
    return Resultat(True, f"{s.age} ans avec RQTH, de {maxi + 1} à {maxi_rqth} ans", motif)


# --- Cap emploi --------------------------------------------------------------------------------


@regle("cap_emploi_recherche", "cap_emploi")
def _cap_emploi_recherche(s: Situation, lire: Lecteur) -> Resultat:
    if not s.rqth:
        return Resultat(False, "pas de handicap reconnu déclaré")
    if not en_recherche(s, lire):
        return Resultat(False, "handicap reconnu, mais pas en recherche d'emploi")
    motif = (
        "Votre handicap est reconnu et vous cherchez un emploi : Cap emploi vous délivre un "
        "CEP spécialisé."
        + inscription_automatique(
            lire, "les demandeurs d'un accompagnement par Cap emploi", "Cap emploi"
        )
    )
    return Resultat(True, "handicap reconnu et en recherche d'emploi", motif)


@regle("cap_emploi_emploi", "cap_emploi")
def _cap_emploi_emploi(s: Situation, lire: Lecteur) -> Resultat:
    if not s.rqth:
        return Resultat(False, "pas de handicap reconnu déclaré")
    if not s.en_emploi:
        return Resultat(False, "handicap reconnu, mais pas en emploi")
    if not lire("competence.cap_emploi.actifs_occupes"):
        return Resultat(False, "à cette date, Cap emploi ne conseille pas les personnes en emploi")
    motif = (
        "Votre handicap est reconnu et vous êtes en emploi : Cap emploi vous conseille pour "
        "évoluer ou vous maintenir dans l'emploi."
    )
    return Resultat(True, "handicap reconnu et en emploi", motif)


# --- Apec --------------------------------------------------------------------------------------


@regle("apec_cadre", "apec")
def _apec_cadre(s: Situation, lire: Lecteur) -> Resultat:
    if not s.cadre:
        return Resultat(False, "statut cadre non déclaré")
    if s.activite == "independant":
        return Resultat(
            False, "le statut cadre est celui d'un salarié : sans objet pour un indépendant"
        )
    if s.en_emploi:
        motif = "Vous êtes cadre : l'Apec délivre le CEP aux cadres et aux jeunes diplômés."
        return Resultat(True, "cadre en emploi", motif)
    if en_recherche(s, lire):
        motif = (
            "Vous êtes cadre et cherchez un emploi : l'Apec délivre le CEP aux cadres et aux "
            "jeunes diplômés."
        )
        return Resultat(True, "cadre en recherche d'emploi", motif)
    return Resultat(False, "cadre, mais ni en emploi ni en recherche d'emploi")


# --- Actifs occupés: regional operator (Fongecif/Opacif before 2020) ------------------------

_QUI = {
    "salarie": "Vous êtes salarié",
    "independant": "Vous êtes travailleur indépendant",
    "etudiant": "Vous êtes étudiant et exercez un emploi, vous êtes donc un actif",
    "retraite": "Vous êtes retraité et exercez un emploi, vous êtes donc un actif",
}
_CONTRAT = {
    "apprentissage": "Vous êtes apprenti (salarié)",
    "professionnalisation": "Vous êtes salarié en contrat de professionnalisation",
    "interim": "Vous êtes intérimaire (salarié)",
}


@regle("actifs_occupes")
def _actifs_occupes(s: Situation, lire: Lecteur) -> Resultat:
    if not s.en_emploi:
        return Resultat(False, "pas en emploi")
    if s.activite == "agent_public":
        return Resultat(False, "agent public : exclu du public de l'opérateur des actifs occupés")
    operateur = lire("competence.actifs_occupes.operateur")
    qui = (
        _CONTRAT.get(s.contrat or "", _QUI[s.activite])
        if s.activite == "salarie"
        else _QUI[s.activite]
    )
    if operateur == "fongecif":
        motif = (
            f"{qui} : à cette date, le CEP des actifs occupés est délivré par le Fongecif de "
            "votre région ou l'Opacif de votre branche."
        )
    else:
        motif = (
            f"{qui} : l'opérateur régional « Mon conseil en évolution professionnelle », choisi "
            "par France compétences, vous délivre le CEP."
        )
    return Resultat(True, f"actif occupé ({s.activite}) : réseau {operateur}", motif, operateur)
