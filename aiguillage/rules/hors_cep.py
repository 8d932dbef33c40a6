"""Rules outside the CEP operators: public agents, pupils, students, explanations, context.

Concept map: a public agent's own administration (``employeur_public``), the CIO for pupils,
the university's SCUIO for students, Info Jeunes for young pupils and students; explanations
without a network (retirees and inactive people outside the CEP's public), the seasonal
workers' note added to the motifs of their operators, and overseas communes (same national
rules). Rule ids and their texts are in ``regles.yaml``.
"""

from __future__ import annotations

from aiguillage.rules.moteur import Lecteur, Resultat, en_recherche, regle
from aiguillage.rules.situation import Situation

__all__: list[str] = []

# --- Public agents and places outside the CEP ------------------------------------------------


@regle("agent_public_employeur", "employeur_public")
def _agent_public_employeur(s: Situation, lire: Lecteur) -> Resultat:
    if s.activite != "agent_public":
        return Resultat(False, "pas agent public")
    motif = (
        "Vous êtes agent public : votre administration (conseiller mobilité-carrière, service "
        "des ressources humaines) vous délivre un conseil en évolution professionnelle. Vous "
        "pouvez aussi vous adresser aux opérateurs du CEP listés, sauf l'opérateur des actifs "
        "occupés, qui ne couvre pas les agents publics."
    )
    return Resultat(True, "agent public", motif)


@regle("eleve_cio", "cio")
def _eleve_cio(s: Situation, lire: Lecteur) -> Resultat:
    if s.activite != "eleve":
        return Resultat(False, "pas élève")
    motif = (
        "Vous êtes élève : votre orientation relève du centre d'information et d'orientation "
        "(CIO) et de votre établissement ; le CEP est réservé aux actifs."
    )
    return Resultat(True, "élève : hors du public du CEP", motif)


@regle("etudiant_scuio", "scuio")
def _etudiant_scuio(s: Situation, lire: Lecteur) -> Resultat:
    if s.activite != "etudiant":
        return Resultat(False, "pas étudiant")
    if s.en_emploi:
        motif = (
            "Vous êtes étudiant : le service d'orientation de votre université vous accompagne ; "
            "comme vous exercez un emploi, vous avez aussi droit au CEP."
        )
        return Resultat(True, "étudiant qui exerce un emploi", motif)
    motif = (
        "Vous êtes étudiant : le service d'orientation de votre université (SCUIO) vous "
        "accompagne ; le CEP est réservé aux actifs."
    )
    return Resultat(True, "étudiant sans emploi : hors du public du CEP", motif)


@regle("info_jeunes", "info_jeunes")
def _info_jeunes(s: Situation, lire: Lecteur) -> Resultat:
    if not s.en_formation_initiale:
        return Resultat(False, "ni élève ni étudiant")
    if s.age is None:
        return Resultat(False, "âge inconnu")
    maxi = lire("hors_cep.info_jeunes.age_maximum")
    if s.age > maxi:
        return Resultat(False, f"{s.age} ans : au-delà de {maxi} ans")
    motif = (
        "Les structures Info Jeunes informent gratuitement les jeunes sur les métiers, les "
        "formations et l'orientation."
    )
    return Resultat(True, f"{s.activite} de {s.age} ans (jusqu'à {maxi} ans)", motif)


# --- Explanations without a network ----------------------------------------------------------


@regle("retraite_sans_emploi")
def _retraite_sans_emploi(s: Situation, lire: Lecteur) -> Resultat:
    if s.activite != "retraite" or s.en_emploi or en_recherche(s, lire):
        return Resultat(False, "pas retraité sans activité")
    if s.exerce_un_emploi is None:
        motif = (
            "Vous êtes retraité : le CEP s'adresse aux actifs. Si vous n'exercez pas d'emploi, "
            "aucun de ses opérateurs n'est compétent ; si vous travaillez ou cherchez un emploi, "
            "vous y avez droit."
        )
        return Resultat(True, "retraité, emploi non renseigné, pas en recherche d'emploi", motif)
    motif = (
        "Vous êtes retraité sans emploi : le CEP s'adresse aux actifs et aucun de ses opérateurs "
        "n'est compétent. Si vous reprenez un emploi ou en cherchez un, vous y avez droit."
    )
    return Resultat(True, "retraité ni en emploi ni en recherche d'emploi", motif)


@regle("inactif_sans_inscription")
def _inactif_sans_inscription(s: Situation, lire: Lecteur) -> Resultat:
    if s.activite != "inactif" or en_recherche(s, lire):
        return Resultat(False, "pas inactif non inscrit")
    nom = lire.libelle("france_travail")
    motif = (
        f"Vous n'avez pas d'emploi et n'êtes pas inscrit à {nom} : le CEP s'adresse aux actifs. "
        f"En vous inscrivant à {nom}, vous devenez demandeur d'emploi et {nom} vous délivre le CEP."
    )
    return Resultat(True, "inactif, non inscrit comme demandeur d'emploi", motif)


@regle("saisonnier")
def _saisonnier(s: Situation, lire: Lecteur) -> Resultat:
    if not s.est_saisonnier:
        return Resultat(False, "pas travailleur saisonnier")
    nom = lire.libelle("france_travail")
    motif = (
        "Travail saisonnier : votre statut change au fil de l'année (salarié pendant la saison, "
        f"demandeur d'emploi entre deux contrats, parfois micro-entrepreneur) ; pendant un "
        f"contrat, l'opérateur des actifs occupés vous conseille, entre deux contrats c'est {nom}."
    )
    return Resultat(
        True,
        "saisonnier (déclaré ou contrat saisonnier)",
        motif,
        complete=("france_travail", "cep_actifs_occupes", "fongecif"),
    )


@regle("outre_mer")
def _outre_mer(s: Situation, lire: Lecteur) -> Resultat:
    if s.commune is None:
        return Resultat(False, "commune non renseignée")
    if not s.outre_mer:
        return Resultat(False, f"commune {s.commune} : hors outre-mer")
    return Resultat(
        True,
        f"commune {s.commune} en outre-mer (971 à 976) : les mêmes règles nationales s'appliquent",
    )
