"""What the sites of each network offer, and how each network looks on the ground.

Concept map:

- ``CATALOGUE``: per network, the services a site offers (``ServiceTemplate``: data·inclusion
  thématiques and publics, and the ``cep--*`` extensions for the CEP operators);
  ``services_choose`` draws one to three, ``service_build`` makes the unsaved ``Service``;
- ``PROFILES``: per network, its national number of sites, how it is sectorised and grouped into
  structures, how its structures are named, the publics it serves and its typical delay
  (``Profile``; estimates unless DOMAIN.md §4).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from aiguillage.directory.models import Reseau, Service


@dataclass(frozen=True)
class ServiceTemplate:
    key: str
    nom: str
    description: str
    type: str
    thematiques: tuple[str, ...]
    publics: tuple[str, ...]
    modes_accueil: tuple[str, ...] = ("en-presentiel",)
    modes_mobilisation: tuple[str, ...] = ("se-presenter", "telephoner")


def _t(key, nom, description, type_, thematiques, publics, distance=False):
    modes = ("en-presentiel", "a-distance") if distance else ("en-presentiel",)
    return ServiceTemplate(key, nom, description, type_, tuple(thematiques), tuple(publics), modes)


_CEP_PUBLICS = ("salaries", "independants", "actifs")
_ACCOMPAGNEMENT, _ATELIER, _INFORMATION = "accompagnement", "atelier", "information"
_AIDE, _FORMATION = "aide-financiere", "formation"
_CV = "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"
_OFFRES = "trouver-un-emploi--repondre-a-des-offres-demploi"
_DECOUVRIR = "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite"
_FORMATIONS = "se-former--trouver-sa-formation"
_CREATION = "creer-une-entreprise--definir-son-projet-de-creation-dentreprise"

#: The first service of each network is the one every site offers.
# fmt: off
CATALOGUE: dict[str, list[ServiceTemplate]] = {
    Reseau.FRANCE_TRAVAIL: [
        _t("accompagnement", "Accompagnement vers l'emploi",
           "Inscription, suivi et accompagnement de la recherche d'emploi.", _ACCOMPAGNEMENT,
           ["cep--accueil-individualise", _OFFRES, _CV],
           ["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"]),
        _t("cep", "Conseil en évolution professionnelle",
           "Construire un projet professionnel, une reconversion ou une formation.",
           _ACCOMPAGNEMENT, ["cep--accompagnement-personnalise", "cep--reconversion",
                             "choisir-un-metier--identifier-ses-points-forts-et-ses-competences"],
           ["demandeurs-emploi"], distance=True),
        _t("financement", "Financer sa formation",
           "Aide individuelle à la formation, CPF et aides régionales.", _AIDE,
           ["cep--ingenierie-financiere", "se-former--monter-son-dossier-de-formation"],
           ["demandeurs-emploi"]),
    ],
    Reseau.MISSION_LOCALE: [
        _t("accompagnement", "Accompagnement global des jeunes",
           "Emploi, formation, logement, santé, mobilité : un conseiller pour tout le parcours, "
           "contrat d'engagement jeune compris.", _ACCOMPAGNEMENT,
           ["cep--accueil-individualise", "cep--accompagnement-personnalise", _OFFRES,
            "logement-hebergement--louer-un-logement"], ["jeunes", "demandeurs-emploi"]),
        _t("orientation", "Choisir un métier ou une formation",
           "Découvrir des métiers, tester un secteur, trouver une formation.", _ACCOMPAGNEMENT,
           ["cep--information-orientation", _DECOUVRIR, _FORMATIONS], ["jeunes"]),
        _t("mobilite", "Aides à la mobilité",
           "Permis de conduire, transport, aide financière à la mobilité.", _AIDE,
           ["mobilite--preparer-un-permis", "mobilite--financer-ma-mobilite"], ["jeunes"]),
    ],
    Reseau.CAP_EMPLOI: [
        _t("accompagnement", "Accompagnement vers l'emploi des personnes handicapées",
           "Recherche d'emploi et accès à la formation des bénéficiaires de l'obligation "
           "d'emploi.", _ACCOMPAGNEMENT, ["cep--accompagnement-personnalise", _OFFRES],
           ["personnes-en-situation-de-handicap", "demandeurs-emploi"]),
        _t("maintien", "Maintien dans l'emploi",
           "Adapter un poste, préparer une évolution ou une reconversion.", _ACCOMPAGNEMENT,
           ["trouver-un-emploi--maintien-dans-lemploi", "cep--reconversion"],
           ["personnes-en-situation-de-handicap", "salaries"]),
    ],
    Reseau.APEC: [
        _t("conseil", "Conseil en évolution professionnelle des cadres",
           "Faire le point, préparer une mobilité ou une reconversion.", _ACCOMPAGNEMENT,
           ["cep--accompagnement-personnalise", "cep--reconversion",
            "choisir-un-metier--confirmer-son-choix-de-metier"], ["cadres"], distance=True),
        _t("candidature", "Ateliers candidature et réseau",
           "Valoriser ses compétences, développer son réseau.", _ATELIER,
           ["preparer-sa-candidature--valoriser-ses-competences",
            "preparer-sa-candidature--developper-son-reseau"], ["cadres", "etudiants"]),
    ],
    Reseau.CEP_ACTIFS_OCCUPES: [
        _t("niveau-1", "Premier entretien de conseil en évolution professionnelle",
           "Exprimer sa demande, s'informer sur les métiers et les dispositifs.", _INFORMATION,
           ["cep--accueil-individualise", "cep--information-orientation"], _CEP_PUBLICS,
           distance=True),
        _t("niveau-2", "Accompagnement personnalisé du projet",
           "Construire et mettre en œuvre un projet d'évolution, financements compris.",
           _ACCOMPAGNEMENT, ["cep--accompagnement-personnalise", "cep--reconversion",
                             "cep--ingenierie-financiere", "cep--validation-des-acquis"],
           _CEP_PUBLICS, distance=True),
        _t("creation", "Projet de création d'entreprise",
           "Étudier un projet de création ou de reprise d'activité.", _ACCOMPAGNEMENT,
           [_CREATION, "cep--accompagnement-personnalise"], ["salaries", "independants"]),
    ],
    Reseau.TRANSITIONS_PRO: [
        _t("ptp", "Projet de transition professionnelle",
           "Financer une formation certifiante pour changer de métier.", _AIDE,
           ["cep--ingenierie-financiere", "cep--reconversion",
            "se-former--monter-son-dossier-de-formation"], ["salaries"], distance=True),
        _t("demission", "Démission pour reconversion",
           "Faire attester le caractère réel et sérieux d'un projet.", _INFORMATION,
           ["cep--reconversion"], ["salaries"], distance=True),
    ],
    Reseau.REGION: [
        _t("orientation", "Information sur les métiers et les formations",
           "Information et orientation tout au long de la vie.", _INFORMATION,
           ["cep--information-orientation", _FORMATIONS], ["tous-publics"]),
        _t("aides", "Aides régionales à la formation",
           "Formations financées par la Région et aides aux stagiaires.", _AIDE,
           ["cep--ingenierie-financiere"], ["demandeurs-emploi", "jeunes"]),
    ],
    Reseau.CITE_DES_METIERS: [
        _t("conseil", "Conseil sans rendez-vous",
           "Un conseiller répond sur place, sans rendez-vous, à toute question d'orientation.",
           _INFORMATION, ["cep--accueil-individualise", "cep--information-orientation",
                          _DECOUVRIR], ["tous-publics"]),
        _t("ateliers", "Ateliers et rencontres métiers",
           "CV, création d'activité, découverte des secteurs qui recrutent.", _ATELIER,
           [_CV, _CREATION], ["tous-publics"]),
    ],
    Reseau.CARIF_OREF: [
        _t("offre", "Information sur l'offre de formation",
           "Catalogue régional des formations et des certifications.", _INFORMATION,
           [_FORMATIONS, "cep--information-orientation"], ["tous-publics"], distance=True),
        _t("vae", "Information sur la VAE",
           "Comprendre la validation des acquis de l'expérience.", _INFORMATION,
           ["cep--validation-des-acquis"], ["actifs"], distance=True),
    ],
    Reseau.CIO: [
        _t("orientation", "Conseil en orientation scolaire",
           "Entretiens avec un psychologue de l'Éducation nationale.", _ACCOMPAGNEMENT,
           ["cep--information-orientation", _DECOUVRIR], ["eleves", "etudiants", "jeunes"]),
        _t("bilan", "Faire le point sur ses choix",
           "Identifier ses intérêts et ses points forts.", _ACCOMPAGNEMENT,
           ["choisir-un-metier--identifier-ses-points-forts-et-ses-competences"], ["eleves"]),
    ],
    Reseau.INFO_JEUNES: [
        _t("information", "Information jeunesse",
           "Métiers, formations, logement, mobilité internationale : une information gratuite.",
           _INFORMATION,
           ["cep--information-orientation",
            "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
            "souvrir-a-linternational--connaitre-les-opportunites-demploi-a-letranger"],
           ["jeunes"]),
        _t("jobs", "Jobs d'été et premières candidatures",
           "Offres de jobs, aide au CV et à la lettre.", _ATELIER, [_OFFRES, _CV],
           ["jeunes", "etudiants"]),
    ],
    Reseau.SCUIO: [
        _t("orientation", "Orientation et insertion des étudiants",
           "Réorientation, stages, premier emploi.", _ACCOMPAGNEMENT,
           ["cep--information-orientation", "choisir-un-metier--confirmer-son-choix-de-metier"],
           ["etudiants"]),
    ],
    Reseau.CHAMBRE_CONSULAIRE: [
        _t("creation", "Créer ou reprendre une entreprise",
           "Information et formalités de création.", _ACCOMPAGNEMENT,
           ["creer-une-entreprise--structurer-son-projet-de-creation-dentreprise"],
           ["independants", "tous-publics"]),
        _t("apprentissage", "Apprentissage",
           "Trouver un employeur et une formation en apprentissage.", _INFORMATION,
           [_FORMATIONS], ["jeunes"]),
    ],
    Reseau.AFPA: [
        _t("formation", "Formations qualifiantes", "Formations aux titres professionnels.",
           _FORMATION, [_FORMATIONS, "cep--validation-des-acquis"],
           ["demandeurs-emploi", "salaries"]),
    ],
    Reseau.PLIE: [
        _t("parcours", "Parcours vers l'emploi", "Accompagnement renforcé vers l'emploi durable.",
           _ACCOMPAGNEMENT, [_OFFRES, "remobilisation--bien-etre-confiance-en-soi"],
           ["beneficiaires-des-minimas-sociaux", "demandeurs-emploi", "residents-qpv-frr"]),
    ],
    Reseau.MAISON_EMPLOI: [
        _t("emploi", "Espace emploi", "Offres, ateliers et accès aux services en ligne.",
           _INFORMATION, [_OFFRES, "numerique--acceder-a-des-services-en-ligne"],
           ["tous-publics"]),
    ],
    Reseau.EMPLOYEUR_PUBLIC: [
        _t("cep", "Conseil en évolution professionnelle des agents",
           "Mobilité, reconversion et formation des agents publics.", _ACCOMPAGNEMENT,
           ["cep--accompagnement-personnalise", "cep--reconversion"], ["agents-publics"]),
    ],
}
# fmt: on


def services_choose(rng: random.Random, reseau: str) -> list[ServiceTemplate]:
    """One to three services of the network's catalogue, the first always included."""
    catalogue = CATALOGUE[reseau]
    extra = rng.randint(0, min(2, len(catalogue) - 1))
    return [catalogue[0], *rng.sample(catalogue[1:], extra)]


def service_build(template: ServiceTemplate, **fields) -> Service:
    return Service(
        nom=template.nom,
        description=template.description,
        type=template.type,
        frais="gratuit",
        modes_accueil=list(template.modes_accueil),
        modes_mobilisation=list(template.modes_mobilisation),
        est_demo=True,
        **fields,
    )


# --- Networks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How a network looks on the ground, for generated data (estimates unless DOMAIN.md §4)."""

    sites: int  # national number of reception sites
    sectorisation: str  # commune | epci (the département split between sites) | epci-own | …
    nom: str  # structure name: {nom} / {de} of the seat commune, {territoire}
    grouping: str = ""  # "": one structure per site; ml (~15 places); departement; region
    everywhere: str = ""  # at least one site per departement / region when the count allows
    publics: tuple[str, ...] = ("",)  # sectorisation restricted to these publics ("": all)
    delai: int = 7  # typical days before a first appointment (a demo assumption)


_DEP, _REG = "departement", "region"
# fmt: off
PROFILES: dict[str, Profile] = {
    Reseau.MISSION_LOCALE: Profile(6800, "epci", "Mission locale {de}", "ml", _DEP, delai=10),
    Reseau.INFO_JEUNES: Profile(1150, "epci-own", "Point Info Jeunes {de}", delai=2),
    Reseau.FRANCE_TRAVAIL: Profile(900, "commune", "France Travail {nom}", "", _DEP, delai=5),
    Reseau.CEP_ACTIFS_OCCUPES: Profile(
        600, _DEP, "Opérateur régional CEP {territoire}", _REG, _DEP, _CEP_PUBLICS, 14),
    Reseau.CHAMBRE_CONSULAIRE: Profile(
        400, _DEP, "Chambre de métiers et de l'artisanat — {nom}"),
    Reseau.CIO: Profile(376, "epci", "CIO {de}", "", _DEP, delai=10),
    Reseau.CAP_EMPLOI: Profile(
        300, _DEP, "Cap emploi {territoire}", _DEP, _DEP,
        ("personnes-en-situation-de-handicap",), 15),
    Reseau.EMPLOYEUR_PUBLIC: Profile(
        300, _REG, "Conseil en mobilité des agents publics — {nom}", publics=("agents-publics",)),
    Reseau.AFPA: Profile(200, _DEP, "Afpa {nom}"),
    Reseau.PLIE: Profile(150, "epci-own", "PLIE {de}"),
    Reseau.REGION: Profile(100, _REG, "Région {territoire} — orientation", _REG, _REG),
    Reseau.MAISON_EMPLOI: Profile(100, "epci-own", "Maison de l'emploi {de}"),
    Reseau.SCUIO: Profile(70, _REG, "Université {de} — orientation et insertion"),
    Reseau.TRANSITIONS_PRO: Profile(60, _REG, "Transitions Pro {territoire}", _REG, _REG, delai=30),
    Reseau.APEC: Profile(45, _REG, "Apec {nom}", "", _REG, ("cadres",)),
    Reseau.CITE_DES_METIERS: Profile(30, _DEP, "Cité des métiers {de}", delai=1),
    Reseau.CARIF_OREF: Profile(18, _REG, "Carif-Oref {territoire}", _REG, _REG),
}
# fmt: on
