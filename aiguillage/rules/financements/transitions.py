"""Leaving one's job to change occupation: the professional transition project (PTP) and the
resignation for retraining (*démission-reconversion*).

Concept map:

- **PTP** (Code du travail L6323-17-1 and following; decided by Transitions Pro): private-law
  employees; seniority for a CDI (24 months as employee incl. 12 in the firm) or a CDD (24 months
  in the last 5 years incl. 4 months of CDD in the last 12; a job seeker whose CDD ended starts
  the training within 6 months); no seniority for the beneficiaries of the employment obligation,
  nor, since 31 March 2022, after ≥ 6 months of sickness or accident absence in the last 24
  months; the request to the employer 60 or 120 days ahead; the revision of 1 January 2026;
- **démission-reconversion** (since 1 November 2019): private-law CDI still in post (the CEP
  starts before resigning), 1,300 days worked in the last 60 months, a project certified « réel
  et sérieux » by Transitions Pro.
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
from aiguillage.rules.moteur import Lecteur, date_fr

__all__: list[str] = []

P = "financements.ptp."
D = "financements.demission_reconversion."
CONTRATS_LIBELLES = {
    "cdi": "CDI",
    "cdd": "CDD",
    "cdd_saisonnier": "CDD saisonnier",
    "interim": "contrat d'intérim",
    "apprentissage": "contrat d'apprentissage",
    "professionnalisation": "contrat de professionnalisation",
}


@dispositif("ptp")
def _ptp(d: Demande, lire: Lecteur) -> Examen:
    ex = Examen()
    voie = _ptp_public(ex, d, lire)
    projet_sert(ex, d, "ptp", sert_a="financer une formation certifiante pour changer de métier")
    if voie is not None:
        _ptp_anciennete(ex, d, lire, voie)
        _ptp_delais(ex, d, lire, voie)
    ex.savoir(
        "Le salarié bénéficie d'un positionnement préalable ; un opérateur du CEP l'aide à "
        "formaliser le projet et le plan de financement, que Transitions Pro examine. Le CPF est "
        "mobilisé en premier ; la rémunération est maintenue et remboursée à l'employeur."
    )
    revision = lire.valeur_datee(P + "revision_2026")
    if revision.valeur:
        ex.savoir(
            f"Depuis le {date_fr(revision.depuis)}, le PTP est révisé par la loi n° 2025-989 du "
            "24 octobre 2025 (l'employeur informe notamment le salarié de la possibilité de "
            "réintégrer l'entreprise après la formation). Les conditions d'ancienneté appliquées "
            "ici sont celles des textes antérieurs, que les sources consultées donnent "
            "inchangées : à confirmer auprès de Transitions Pro."
        )
    return ex


def _ptp_public(ex: Examen, d: Demande, lire: Lecteur) -> str | None:
    """The condition on the person's status; returns the seniority route (cdi, cdd) if any."""
    libelle = "Salarié de droit privé"
    if salarie_prive(d):
        if d.contrat == "cdi":
            ex.remplie(libelle, "Salarié en CDI.")
            return "cdi"
        if d.contrat in ("cdd", "cdd_saisonnier"):
            ex.remplie(libelle, f"Salarié en {CONTRATS_LIBELLES[d.contrat]}.")
            return "cdd"
        if d.contrat is None:
            ex.a_verifier(
                libelle, "Contrat non précisé : les conditions diffèrent en CDI et en CDD."
            )
            return None
        if d.contrat == "interim":
            ex.a_verifier(
                libelle,
                "Salarié intérimaire : l'ancienneté se compte selon des règles propres au travail "
                "temporaire, non calculées ici ; voir Transitions Pro.",
            )
            return None
        ex.a_verifier(
            libelle,
            f"En {CONTRATS_LIBELLES[d.contrat]} : l'ancienneté acquise dans ce contrat ne compte "
            "pas ; voir Transitions Pro.",
        )
        return None
    if d.activite == "demandeur_emploi":
        debut = lire.valeur_datee(P + "cdd_debut_formation_mois")
        if d.mois_depuis_fin_cdd is None:
            ex.a_verifier(
                "Sortie récente d'un CDD",
                "Un demandeur d'emploi peut demander un PTP après un CDD si la formation commence "
                f"au plus tard {mois(debut.valeur)} après la fin du contrat : son dernier emploi "
                "était-il un CDD, terminé depuis combien de mois ?",
            )
            return "cdd"
        if d.mois_depuis_fin_cdd <= debut.valeur:
            ex.remplie(
                "Sortie récente d'un CDD",
                f"CDD terminé depuis {mois(d.mois_depuis_fin_cdd)} : la formation doit commencer "
                f"au plus tard {mois(debut.valeur)} après la fin du contrat.",
            )
            return "cdd"
        ex.non_remplie(
            "Sortie récente d'un CDD",
            f"Dernier CDD terminé depuis {mois(d.mois_depuis_fin_cdd)} : la formation devait "
            f"commencer au plus tard {mois(debut.valeur)} après la fin du contrat.",
        )
        return None
    raisons = {
        "agent_public": "Le PTP concerne les salariés de droit privé ; un agent public voit avec "
        "son administration les congés de formation de la fonction publique.",
        "independant": "Le PTP concerne les salariés ; un travailleur indépendant n'y a pas droit.",
    }
    ex.non_remplie(
        libelle,
        raisons.get(
            d.activite, "Le PTP concerne les salariés en poste, ou sortant d'un CDD depuis peu."
        ),
    )
    return None


def _ptp_anciennete(ex: Examen, d: Demande, lire: Lecteur, voie: str) -> None:
    """Seniority, or the reason none is required. The amounts shown do not depend on the
    answers (only the conditions do), so that a question that changes nothing is not asked."""
    if voie == "cdi":
        exigences = [
            (
                "Ancienneté de salarié",
                "anciennete_salarie_mois",
                P + "anciennete_salarie_mois",
                "de salariat, consécutifs ou non",
                "Ancienneté de salarié exigée (CDI)",
            ),
            (
                "Ancienneté dans l'entreprise",
                "anciennete_entreprise_mois",
                P + "anciennete_entreprise_mois",
                "dans l'entreprise",
                "dont ancienneté dans l'entreprise",
            ),
        ]
    else:
        exigences = [
            ("Ancienneté de salarié sur 5 ans", "mois_salarie_5_dernieres_annees",
             P + "cdd_mois_salarie_5_ans", "de salariat au cours des 5 dernières années",
             "Ancienneté de salarié exigée sur 5 ans (CDD)"),
            ("Mois de CDD sur les 12 derniers mois", "mois_cdd_12_derniers_mois",
             P + "cdd_mois_cdd_12_mois", "de CDD au cours des 12 derniers mois (ni apprentissage, "
             "ni professionnalisation, ni CDD devenu CDI)", "dont CDD sur les 12 derniers mois"),
        ]  # fmt: skip
    exiges = [lire.valeur_datee(nom) for _, _, nom, _, _ in exigences]
    for (*_, libelle_montant), exige in zip(exigences, exiges, strict=True):
        ex.montant(libelle_montant, mois(exige.valeur), exige)
    absence = lire.valeur_datee(P + "absence_maladie_sans_anciennete")
    if absence.valeur:
        seuil = lire.valeur_datee(P + "absence_maladie_mois")
        periode = lire.valeur_datee(P + "absence_maladie_periode_mois")
        ex.montant(
            "Absence pour maladie ou accident dispensant d'ancienneté",
            f"au moins {mois(seuil.valeur)} sur les {mois(periode.valeur)} précédant la demande",
            seuil,
        )
    if lire(P + "boeth_sans_anciennete") and d.rqth:
        ex.remplie(
            "Ancienneté",
            "Bénéficiaire de l'obligation d'emploi (RQTH) : pas de condition d'ancienneté.",
        )
        return
    if absence.valeur and (d.absence_maladie_mois or 0) >= seuil.valeur:
        ex.remplie(
            "Ancienneté",
            f"Absence de {mois(d.absence_maladie_mois)} pour maladie ou accident sur les "
            f"{mois(periode.valeur)} précédant la demande (au moins {mois(seuil.valeur)}) : "
            f"pas de condition d'ancienneté depuis le {date_fr(absence.depuis)}.",
        )
        return
    manque = False
    for (libelle, champ, _, quoi, _), exige in zip(exigences, exiges, strict=True):
        valeur = getattr(d, champ)
        if valeur is None:
            ex.a_verifier(libelle, f"Il faut {mois(exige.valeur)} {quoi}.")
        elif valeur >= exige.valeur:
            ex.remplie(libelle, f"{mois(valeur)} {quoi}, pour {mois(exige.valeur)} exigés.")
        else:
            ex.non_remplie(libelle, f"{mois(valeur)} {quoi} : il en faut {mois(exige.valeur)}.")
            manque = True
    if manque:
        dispenses = ["pour les bénéficiaires de l'obligation d'emploi (RQTH…)"]
        if absence.valeur:
            dispenses.append("après une longue absence pour maladie ou accident")
        ex.savoir("Pas de condition d'ancienneté " + " ni ".join(dispenses) + ".")


def _ptp_delais(ex: Examen, d: Demande, lire: Lecteur, voie: str) -> None:
    """When to ask: the employer (in post) or Transitions Pro (after a CDD)."""
    if d.activite == "demandeur_emploi":
        demande = lire.valeur_datee(P + "cdd_demande_mois")
        debut = lire.valeur_datee(P + "cdd_debut_formation_mois")
        ex.montant(
            "Demande à Transitions Pro",
            f"au plus tard {mois(demande.valeur)} après la fin du CDD",
            demande,
        )
        ex.montant(
            "Début de la formation", f"au plus tard {mois(debut.valeur)} après la fin du CDD", debut
        )
        return
    seuil = lire.valeur_datee(P + "seuil_interruption_mois")
    court = lire.valeur_datee(P + "delai_demande_court_jours")
    long = lire.valeur_datee(P + "delai_demande_long_jours")
    libelle = "Demande d'absence écrite à l'employeur"
    if d.duree_formation_mois is None:
        ex.montant(
            libelle,
            f"{long.valeur} jours avant la formation si elle interrompt le travail "
            f"{mois(seuil.valeur)} ou plus",
            long,
        )
        ex.montant(
            libelle,
            f"{court.valeur} jours avant si l'interruption est plus courte (ou à temps partiel)",
            court,
        )
    elif d.duree_formation_mois >= seuil.valeur:
        ex.montant(
            libelle,
            f"{long.valeur} jours avant la formation (interruption de "
            f"{mois(d.duree_formation_mois)}, {mois(seuil.valeur)} ou plus)",
            long,
        )
    else:
        ex.montant(
            libelle,
            f"{court.valeur} jours avant la formation (interruption de "
            f"{mois(d.duree_formation_mois)}, moins de {mois(seuil.valeur)})",
            court,
        )
    if voie == "cdd":
        debut = lire.valeur_datee(P + "cdd_debut_formation_mois")
        ex.montant(
            "Début de la formation (CDD)",
            f"au plus tard {mois(debut.valeur)} après le terme du contrat",
            debut,
        )


@dispositif("demission_reconversion")
def _demission_reconversion(d: Demande, lire: Lecteur) -> Examen:
    ex = Examen()
    if not en_vigueur(ex, lire, D + "ouvert", "La démission pour reconversion"):
        return ex
    libelle = "Salarié en CDI de droit privé, encore en poste"
    if salarie_prive(d):
        if d.contrat == "cdi":
            ex.remplie(
                libelle,
                "Salarié en CDI : le conseil en évolution professionnelle peut commencer avant la "
                "démission, comme l'exige le dispositif.",
            )
        elif d.contrat is None:
            ex.a_verifier(libelle, "Réservé aux salariés en CDI de droit privé : quel contrat ?")
        else:
            ex.non_remplie(
                libelle,
                f"Réservé au CDI de droit privé : un {CONTRATS_LIBELLES[d.contrat]} n'y ouvre pas "
                "droit.",
            )
    else:
        raisons = {
            "agent_public": "Les agents publics n'y ont pas droit.",
            "independant": "Les travailleurs indépendants n'y ont pas droit.",
            "demandeur_emploi": "Le dispositif se prépare en poste : le conseil en évolution "
            "professionnelle doit commencer avant la démission d'un CDI.",
        }
        ex.non_remplie(
            libelle, raisons.get(d.activite, "Réservé aux salariés en CDI de droit privé.")
        )
    projet_sert(
        ex,
        d,
        "demission_reconversion",
        sert_a="mener un projet de reconversion qui demande une formation, ou créer ou reprendre "
        "une entreprise",
    )
    jours = lire.valeur_datee(D + "jours_travailles")
    periode = lire.valeur_datee(D + "periode_mois")
    ex.montant(
        "Activité exigée",
        f"{nombre(jours.valeur)} jours travaillés sur les {mois(periode.valeur)} précédant la fin "
        "du contrat",
        jours,
    )
    exige = nombre(jours.valeur)
    libelle = f"{exige} jours travaillés sur {mois(periode.valeur)}"
    if d.jours_travailles_60_mois is None:
        ex.a_verifier(
            libelle,
            f"Il faut {exige} jours travaillés, chez un ou plusieurs employeurs, sur les "
            f"{mois(periode.valeur)} précédant la fin du contrat.",
        )
    elif d.jours_travailles_60_mois >= jours.valeur:
        ex.remplie(
            libelle, f"{nombre(d.jours_travailles_60_mois)} jours travaillés, pour {exige} exigés."
        )
    else:
        ex.non_remplie(
            libelle, f"{nombre(d.jours_travailles_60_mois)} jours travaillés : il en faut {exige}."
        )
    ex.savoir(
        "Avant de démissionner : demander un conseil en évolution professionnelle, puis faire "
        "attester le caractère réel et sérieux du projet par Transitions Pro."
    )
    return ex
