"""Demo step: two contact requests made on the portal to the demo Mission locale de Chambéry
(invented people, labelled as demo data in their message), so that its counsellors find them in
their referrals inbox."""

from __future__ import annotations

from aiguillage.directory.models import Structure
from aiguillage.orientation.models import Canal
from aiguillage.orientation.services import diagnostic_create
from aiguillage.referrals.models import Personne, PreferenceContact
from aiguillage.referrals.services import demande_portail_create

DEMO_REQUESTS = [
    (
        {
            "activite": "demandeur_emploi",
            "age": 19,
            "inscrit_france_travail": True,
            "commune": "73065",
        },
        {
            "prenom": "Exemple",
            "nom": "Démo",
            "telephone": "+33465000001",
            "preference_contact": PreferenceContact.TELEPHONE,
        },
    ),
    (
        {"activite": "salarie", "contrat": "apprentissage", "age": 22, "commune": "73029"},
        {
            "prenom": "Personne",
            "nom": "Fictive",
            "courriel": "personne.fictive@demo.example",
            "preference_contact": PreferenceContact.COURRIEL,
        },
    ),
]
STRUCTURE = "Mission locale de Chambéry"
MESSAGE = "Données de démonstration : cette personne n'existe pas."


def orientation_demo_load(structures: dict[str, Structure]) -> None:
    structure = structures[STRUCTURE]
    site = structure.sites.order_by("pk").first()
    for situation, person in DEMO_REQUESTS:
        already = Personne.objects.filter(
            prenom=person["prenom"], nom=person["nom"], adressages__destinataire=structure
        )
        if already.exists():
            continue
        diagnostic = diagnostic_create(situation=situation, canal=Canal.PORTAIL)
        demande_portail_create(
            diagnostic=diagnostic, site=site, data={**person, "message": MESSAGE}
        )
