"""Retraining while keeping one's contract: Transitions collectives (Transco, 15 January 2021 –
31 December 2025), Pro-A (until 31 December 2025) and, from 1 January 2026, the *période de
reconversion* that replaces both (law n° 2025-989 of 24 October 2025).

Each scheme's existence is a dated boolean parameter (``financements.<scheme>.ouvert``): at a
date where it does not exist the scheme is *non éligible*, and the reason says when it opens or
since when it is closed (and what replaces it).
"""

from __future__ import annotations

from aiguillage.rules.financements.faits import Demande
from aiguillage.rules.financements.moteur import (
    Examen,
    dispositif,
    en_vigueur,
    mois,
    nombre,
    projet_sert,
    salarie_prive,
)
from aiguillage.rules.moteur import Lecteur

__all__: list[str] = []

PERIODE = "financements.periode_reconversion."


def _remplace(ex: Examen, lire: Lecteur) -> None:
    if lire(PERIODE + "ouvert"):
        ex.savoir("La période de reconversion le remplace : voir ce dispositif.")


def _salarie(ex: Examen, d: Demande, *, detail: str) -> bool:
    if salarie_prive(d):
        ex.remplie("Salarié", detail)
        return True
    ex.non_remplie(
        "Salarié",
        "Réservé aux salariés de droit privé (ni agent public, ni indépendant, ni demandeur "
        "d'emploi).",
    )
    return False


def _accord(ex: Examen, d: Demande, *, quoi: str) -> None:
    ex.selon(
        "Accord de l'employeur",
        d.accord_employeur,
        oui=f"L'employeur a donné son accord ({quoi}).",
        non=f"L'employeur n'a pas donné son accord : le dispositif repose sur un accord ({quoi}).",
        inconnu=f"Le dispositif repose sur un accord avec l'employeur ({quoi}) : demandez-le.",
    )


@dispositif("transco")
def _transco(d: Demande, lire: Lecteur) -> Examen:
    ex = Examen()
    if not en_vigueur(ex, lire, "financements.transco.ouvert", "Transitions collectives"):
        _remplace(ex, lire)
        return ex
    _salarie(ex, d, detail="Salarié : contrat et rémunération maintenus pendant la formation.")
    projet_sert(
        ex,
        d,
        "transco",
        sert_a="se reconvertir vers un métier porteur du territoire",
    )
    ex.selon(
        "Emploi fragilisé",
        d.poste_fragilise,
        oui="Votre emploi figure sur la liste des emplois fragilisés de l'entreprise.",
        non="Transco est réservé aux emplois que l'entreprise a déclarés fragilisés.",
        inconnu="Transco est réservé aux emplois que l'entreprise a déclarés fragilisés (accord "
        "de gestion des emplois et des parcours professionnels, ou décision de l'employeur) : "
        "votre emploi y figure-t-il ?",
    )
    ex.savoir(
        "Le salarié est accompagné par un conseil en évolution professionnelle ; la liste des "
        "métiers porteurs est fixée dans chaque région."
    )
    return ex


@dispositif("pro_a")
def _pro_a(d: Demande, lire: Lecteur) -> Examen:
    ex = Examen()
    if not en_vigueur(ex, lire, "financements.pro_a.ouvert", "Pro-A"):
        _remplace(ex, lire)
        return ex
    libelle = "Salarié en CDI"
    if not salarie_prive(d):
        ex.non_remplie(libelle, "Pro-A concerne les salariés de droit privé en CDI.")
    elif d.contrat == "cdi":
        ex.remplie(libelle, "Salarié en CDI.")
    elif d.contrat is None:
        ex.a_verifier(libelle, "Pro-A concerne les salariés en CDI : quel contrat ?")
    else:
        ex.non_remplie(
            libelle,
            "Pro-A concerne les salariés en CDI (ou en contrat unique "
            "d'insertion à durée indéterminée).",
        )
    niveau = lire.valeur_datee("financements.pro_a.niveau_maximum")
    libelle = "Qualification inférieure à la licence"
    ex.montant("Niveau de qualification à ne pas avoir atteint", f"niveau {niveau.valeur}", niveau)
    if d.diplome_niveau is None:
        ex.a_verifier(
            libelle,
            f"Pro-A est réservée aux salariés sans qualification de niveau "
            f"{niveau.valeur} (licence) : quel est le plus haut diplôme ?",
        )
    elif d.diplome_niveau < niveau.valeur:
        ex.remplie(
            libelle,
            f"Plus haut niveau {d.diplome_niveau}, sous le niveau {niveau.valeur} (licence).",
        )
    else:
        ex.non_remplie(
            libelle,
            f"Niveau {d.diplome_niveau} : Pro-A est réservée aux salariés "
            f"sans qualification de niveau {niveau.valeur} (licence).",
        )
    projet_sert(
        ex,
        d,
        "pro_a",
        sert_a="suivre une formation en alternance ou une VAE vers une certification",
    )
    ex.a_verifier(
        "Certification listée par la branche",
        "La certification doit figurer sur la liste de l'accord de branche étendu : à vérifier "
        "avec l'employeur ou l'OPCO.",
    )
    _accord(ex, d, quoi="avenant au contrat de travail")
    return ex


@dispositif("periode_reconversion")
def _periode_reconversion(d: Demande, lire: Lecteur) -> Examen:
    ex = Examen()
    if not en_vigueur(ex, lire, PERIODE + "ouvert", "La période de reconversion"):
        return ex
    _salarie(ex, d, detail="Tout salarié, sans condition d'ancienneté.")
    projet_sert(
        ex,
        d,
        "periode_reconversion",
        sert_a="suivre une formation certifiante ou une VAE, en mobilité interne ou externe",
    )
    _accord(ex, d, quoi="accord écrit")
    minimum = lire.valeur_datee(PERIODE + "duree_minimale_heures")
    maximum = lire.valeur_datee(PERIODE + "duree_maximale_heures")
    reference = lire.valeur_datee(PERIODE + "duree_reference_mois")
    accord_h = lire.valeur_datee(PERIODE + "duree_maximale_accord_heures")
    accord_m = lire.valeur_datee(PERIODE + "duree_maximale_accord_mois")
    ex.montant("Durée minimale", f"{minimum.valeur} heures sur {mois(reference.valeur)}", minimum)
    ex.montant("Durée maximale", f"{maximum.valeur} heures sur {mois(reference.valeur)}", maximum)
    ex.montant(
        "Durée maximale par accord",
        f"{nombre(accord_h.valeur)} heures sur {mois(accord_m.valeur)}",
        accord_h,
    )
    ex.savoir(
        "Mobilité interne ou externe à l'entreprise ; financée par l'OPCO ; peut comprendre un "
        "conseil en évolution professionnelle pendant le temps de travail."
    )
    return ex
