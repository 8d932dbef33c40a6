"""The personal training account (CPF, Code du travail L6323-1 and following).

Concept map: who holds usable rights (every *actif*; closed at retirement; public agents with
their administration's written agreement), the yearly credit and cap that apply at the date
(salaried ≥ half-time 500 €/5 000 €, 800 €/8 000 € without a level-3 diploma, self-employed
500 €/5 000 €; all from ``financements.cpf.*``), and the co-payment: none before 2 May 2024,
then the dated amount, waived for job seekers and when the employer or OPCO co-funds.
"""

from __future__ import annotations

from aiguillage.rules.financements.faits import NIVEAUX_DIPLOME, Demande
from aiguillage.rules.financements.moteur import (
    Examen,
    dispositif,
    euros,
    projet_sert,
    salarie_prive,
)
from aiguillage.rules.moteur import Lecteur, date_fr

__all__: list[str] = []

P = "financements.cpf."


@dispositif("cpf")
def _cpf(d: Demande, lire: Lecteur) -> Examen:
    ex = Examen()
    _titulaire(ex, d, lire)
    projet_sert(
        ex, d, "cpf", sert_a="financer les actions éligibles au CPF (voir Mon Compte Formation)"
    )
    _credit(ex, d, lire)
    _participation(ex, d, lire)
    ex.savoir(
        "La formation doit être éligible au CPF (certification enregistrée au RNCP ou au "
        "répertoire spécifique, VAE, bilan de compétences, permis, création d'entreprise…) ; le "
        "solde se consulte sur Mon Compte Formation."
    )
    if salarie_prive(d):
        ex.savoir(
            "Une formation suivie pendant le temps de travail demande l'accord de l'employeur ; "
            "hors temps de travail, aucun accord n'est nécessaire."
        )
    return ex


def _titulaire(ex: Examen, d: Demande, lire: Lecteur) -> None:
    libelle = "Titulaire de droits utilisables"
    if d.activite == "agent_public":
        accord = lire.valeur_datee(P + "agent_public_accord_ecrit")
        if accord.valeur:
            ex.selon(
                "Accord écrit de l'administration",
                d.accord_employeur,
                oui="Votre administration a donné son accord écrit.",
                non="Votre administration n'a pas donné son accord : un agent public mobilise "
                "son CPF avec l'accord écrit de son administration.",
                inconnu="Un agent public mobilise son CPF avec l'accord écrit de son "
                "administration : demandez-le.",
            )
        ex.savoir(
            "Le CPF des agents publics suit les règles de la fonction publique : ses droits ne "
            "sont pas calculés ici."
        )
        return
    if d.activite == "retraite":
        ex.non_remplie(
            libelle,
            "Le compte personnel de formation est fermé quand la personne fait valoir "
            "l'ensemble de ses droits à la retraite.",
        )
        return
    if d.activite in ("eleve", "etudiant", "inactif") and not salarie_prive(d):
        ex.a_verifier(
            libelle,
            "Le compte s'alimente par le travail (emploi, apprentissage, activité "
            "indépendante) : vérifiez le solde éventuel sur Mon Compte Formation.",
        )
        return
    qui = {
        "salarie": "salarié",
        "independant": "travailleur indépendant",
        "demandeur_emploi": "demandeur d'emploi",
    }.get(d.activite, "en emploi")
    ex.remplie(libelle, f"Vous êtes {qui} ; votre compte porte les droits acquis en travaillant.")


def _credit(ex: Examen, d: Demande, lire: Lecteur) -> None:
    """The yearly credit and cap at the date (salaried or self-employed)."""
    if d.activite == "independant":
        credit = lire.valeur_datee(P + "independant_credit_annuel")
        plafond = lire.valeur_datee(P + "independant_plafond")
        ex.montant("Crédit annuel (travailleur indépendant)", euros(credit.valeur), credit)
        ex.montant("Plafond du compte", euros(plafond.valeur), plafond)
        return
    if not salarie_prive(d):
        if d.activite == "demandeur_emploi":
            ex.savoir(
                "Pendant la recherche d'emploi, le compte garde les droits acquis en travaillant : "
                "le solde se consulte sur Mon Compte Formation."
            )
        return
    niveau = lire.valeur_datee(P + "niveau_diplome_majoration")
    standard = (
        "Crédit annuel",
        lire.valeur_datee(P + "credit_annuel"),
        lire.valeur_datee(P + "plafond"),
    )
    majore = (
        f"Crédit annuel sans diplôme de niveau {niveau.valeur}",
        lire.valeur_datee(P + "credit_annuel_sans_niveau_3"),
        lire.valeur_datee(P + "plafond_sans_niveau_3"),
    )
    if d.diplome_niveau is None:
        choix = [standard, majore]
    elif d.diplome_niveau < niveau.valeur:
        choix = [majore]
        ex.savoir(
            f"{NIVEAUX_DIPLOME[d.diplome_niveau]} : le crédit est majoré ; la personne le "
            "déclare sur Mon Compte Formation."
        )
    else:
        choix = [standard]
    partiel = d.temps_travail == "moins_d_un_mi_temps"
    for libelle, credit, plafond in choix:
        suffixe = " (proratisé : moins d'un mi-temps)" if partiel else ""
        ex.montant(libelle + suffixe, euros(credit.valeur), credit)
        plafond_libelle = "Plafond" + (
            f" sans diplôme de niveau {niveau.valeur}" if credit is majore[1] else ""
        )
        ex.montant(plafond_libelle, euros(plafond.valeur), plafond)
    if partiel:
        ex.savoir(
            "Sous un mi-temps, le crédit de l'année est calculé au prorata du temps de travail ; "
            "le plafond ne change pas."
        )


def _participation(ex: Examen, d: Demande, lire: Lecteur) -> None:
    """The co-payment at the date, and whether it is waived."""
    participation = lire.valeur_datee(P + "participation_forfaitaire")
    libelle = "Participation obligatoire du titulaire"
    if not participation.valeur:
        suivantes = [
            date for date, v in lire.parametres[participation.nom].valeurs if v and date > d.date
        ]
        apres = f" (elle s'applique à partir du {date_fr(suivantes[0])})" if suivantes else ""
        ex.montant(libelle, f"aucune à cette date{apres}", participation)
        return
    # The waiver follows the registration with France Travail: a job seeker said not to be
    # registered pays it; one whose registration is not known is presumed registered (said).
    inscrit = d.inscrit_france_travail
    if inscrit or (inscrit is None and d.activite == "demandeur_emploi"):
        ex.montant(libelle, "0 € : exonérée (demandeur d'emploi)", participation)
        if not inscrit:
            ex.savoir(
                "L'exonération des demandeurs d'emploi est vérifiée sur Mon Compte Formation par "
                "l'inscription à France Travail."
            )
    elif d.abondement_employeur:
        ex.montant(
            libelle, "0 € : exonérée (abondement de l'employeur ou de l'OPCO)", participation
        )
    else:
        ex.montant(libelle, euros(participation.valeur) + " par formation", participation)
        ex.savoir(
            "Pas de participation pour un demandeur d'emploi, ni quand l'employeur ou l'OPCO "
            "abonde la formation (ni avec les points du compte professionnel de prévention, ou "
            "l'abondement pour incapacité permanente) ; l'employeur ou l'OPCO peut aussi la "
            "prendre en charge."
        )
