"""The individual training aid of France Travail (AIF), the validation of prior experience (VAE),
the employer's skills development plan, and the Région's own funding.

Concept map:

- **AIF**: registered job seekers and people in a CSP; a training validated in the person's
  project; subsidiary to the other funders; decided by France Travail (« Pôle emploi » before
  2024, the name shown follows the date);
- **VAE**: reserved to people engaged in working life with one year of related experience until
  21 December 2022, open to anyone since; the France VAE public service from 1 January 2024;
- **plan de développement des compétences**: the employer decides; the OPCO's mutualised
  funding only below the size threshold (``financements.plan.effectif_financement_mutualise``);
- **Région**: the regional training programme and aids vary by Région; there is no national list,
  so the scheme is always *à vérifier*, and the Django layer names the person's Région.
"""

from __future__ import annotations

from aiguillage.rules.financements.faits import PROJETS_EN_PHRASE, Demande
from aiguillage.rules.financements.moteur import (
    Examen,
    dispositif,
    mois,
    projet_sert,
    salarie_prive,
)
from aiguillage.rules.moteur import Lecteur, date_fr, en_recherche

__all__: list[str] = []


@dispositif("aif")
def _aif(d: Demande, lire: Lecteur) -> Examen:
    ex = Examen()
    nom = lire.libelle("france_travail")
    libelle = f"Inscrit à {nom} ou en contrat de sécurisation professionnelle"
    if d.inscrit_france_travail or d.csp:
        qui = (
            "inscrit comme demandeur d'emploi" if d.inscrit_france_travail else "adhérent d'un CSP"
        )
        ex.remplie(libelle, f"Vous êtes {qui}.")
    elif d.activite == "demandeur_emploi" and d.inscrit_france_travail is None:
        ex.a_verifier(
            libelle,
            f"L'AIF est réservée aux demandeurs d'emploi inscrits à {nom} (et "
            "aux adhérents d'un CSP) : êtes-vous inscrit ?",
        )
    elif d.activite == "demandeur_emploi":
        ex.non_remplie(
            libelle,
            f"L'AIF est réservée aux demandeurs d'emploi inscrits à {nom} : l'inscription l'ouvre.",
        )
    else:
        ex.non_remplie(
            libelle,
            f"L'AIF est réservée aux demandeurs d'emploi inscrits à {nom} et "
            "aux adhérents d'un contrat de sécurisation professionnelle.",
        )
    if d.projet in ("vae", "creation_reprise", "bilan_competences"):
        ex.a_verifier(
            "Projet financé par le dispositif",
            f"Projet « {PROJETS_EN_PHRASE[d.projet]} » : l'AIF finance surtout des formations ; "
            f"à voir avec le conseiller {nom}.",
        )
    else:
        projet_sert(ex, d, "aif", sert_a="financer une formation du projet")
    ex.selon(
        f"Formation validée avec {nom}",
        d.formation_validee_france_travail,
        oui="La formation est inscrite dans le projet validé avec votre conseiller.",
        non=f"L'AIF finance une formation inscrite dans le projet validé avec le conseiller {nom}.",
        inconnu=f"L'AIF finance une formation validée dans le projet avec le conseiller {nom} : "
        "est-ce le cas ?",
    )
    ex.savoir(
        "Aide subsidiaire : elle complète les autres financements (CPF, Région, OPCO…) sans les "
        "remplacer."
    )
    return ex


@dispositif("vae")
def _vae(d: Demande, lire: Lecteur) -> Examen:
    ex = Examen()
    tous = lire.valeur_datee("financements.vae.ouverte_a_tous")
    libelle = "Public"
    if tous.valeur:
        ex.remplie(libelle, f"Ouverte à toute personne depuis le {date_fr(tous.depuis)}.")
    elif d.situation.en_emploi or en_recherche(d.situation, lire):
        ex.remplie(libelle, "Personne engagée dans la vie active.")
    else:
        suivante = [date for date, v in lire.parametres[tous.nom].valeurs if v and date > d.date]
        apres = f" (ouverte à tous à partir du {date_fr(suivante[0])})" if suivante else ""
        ex.non_remplie(
            libelle,
            f"À cette date, la VAE est réservée aux personnes engagées dans la vie active{apres}.",
        )
    experience = lire.valeur_datee("financements.vae.experience_minimale_mois")
    libelle = "Expérience en rapport avec la certification"
    if not experience.valeur:
        ex.remplie(
            libelle,
            f"Aucune durée minimale d'expérience depuis le "
            f"{date_fr(experience.depuis)} : toute expérience en rapport compte.",
        )
    else:
        ex.montant("Expérience minimale", mois(experience.valeur), experience)
        valeur = d.experience_en_rapport_mois
        if valeur is None:
            ex.a_verifier(
                libelle,
                f"Il faut au moins {mois(experience.valeur)} d'expérience en "
                "rapport direct avec la certification visée.",
            )
        elif valeur >= experience.valeur:
            ex.remplie(
                libelle,
                f"{mois(valeur)} d'expérience en rapport, pour {mois(experience.valeur)} exigés.",
            )
        else:
            ex.non_remplie(
                libelle,
                f"{mois(valeur)} d'expérience en rapport : il en faut {mois(experience.valeur)}.",
            )
    projet_sert(ex, d, "vae", sert_a="obtenir une certification par l'expérience")
    france_vae = lire.valeur_datee("financements.vae.france_vae")
    if france_vae.valeur:
        ex.savoir(
            f"Démarches sur France VAE, le service public de la VAE (depuis le "
            f"{date_fr(france_vae.depuis)}) : orientation, accompagnement, suivi du parcours."
        )
    else:
        ex.savoir("Démarches auprès du certificateur (dossier de recevabilité, puis jury).")
    ex.savoir(
        "Le parcours se finance notamment par le CPF, l'employeur, France Travail ou la Région."
    )
    return ex


@dispositif("plan")
def _plan(d: Demande, lire: Lecteur) -> Examen:
    ex = Examen()
    libelle = "Salarié d'une entreprise"
    if salarie_prive(d):
        ex.remplie(libelle, "Salarié : l'employeur peut inscrire la formation à son plan.")
    elif d.activite == "agent_public":
        ex.non_remplie(
            libelle,
            "Un agent public relève du plan de formation de son administration (non modélisé ici).",
        )
        return ex
    else:
        ex.non_remplie(
            libelle,
            "Le plan de développement des compétences concerne les salariés d'une entreprise.",
        )
        return ex
    ex.selon(
        "Décision de l'employeur",
        d.accord_employeur,
        oui="L'employeur a donné son accord.",
        non="L'employeur ne retient pas la formation : le plan relève de sa seule décision.",
        inconnu="Le plan relève de la décision de l'employeur : demandez-lui.",
    )
    seuil = lire.valeur_datee("financements.plan.effectif_financement_mutualise")
    libelle = "Financement mutualisé par l'OPCO"
    if d.effectif_entreprise is None:
        ex.montant(libelle, f"seulement si l'entreprise a moins de {seuil.valeur} salariés", seuil)
    elif d.effectif_entreprise < seuil.valeur:
        ex.montant(
            libelle, f"possible : {d.effectif_entreprise} salariés, moins de {seuil.valeur}", seuil
        )
    else:
        ex.montant(
            libelle,
            f"non : {d.effectif_entreprise} salariés ({seuil.valeur} ou plus), "
            "l'employeur finance sur ses fonds",
            seuil,
        )
    ex.savoir("Formations sur le temps de travail, rémunération maintenue.")
    return ex


@dispositif("region")
def _region(d: Demande, lire: Lecteur) -> Examen:
    ex = Examen()
    if en_recherche(d.situation, lire):
        ex.remplie(
            "Public",
            "Personne en recherche d'emploi : public principal des formations "
            "achetées par la Région.",
        )
    elif d.situation.en_emploi:
        ex.a_verifier(
            "Public",
            "En emploi : certaines Régions aident aussi les actifs occupés ; "
            "à vérifier auprès de la Région.",
        )
    else:
        ex.a_verifier(
            "Public", "Selon les Régions et les publics : à vérifier auprès de la Région."
        )
    ex.a_verifier(
        "Règles de la Région",
        "Chaque Région fixe ses publics, ses formations et ses aides (programme régional de "
        "formation) : il n'existe pas de liste nationale. Consultez le site de la Région ou de "
        "son Carif-Oref.",
    )
    return ex
