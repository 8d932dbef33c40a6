"""Demo step: two contact requests for the demo Mission locale de Chambéry (invented people,
labelled as demo data in their message), so that its counsellors see the list filled."""

from __future__ import annotations

import uuid

from django.utils import timezone

from aiguillage.directory.models import Structure
from aiguillage.orientation.models import Canal, Demande, PreferenceContact
from aiguillage.orientation.services import consent_text, diagnostic_create

DEMO_REQUESTS = [
    (
        uuid.UUID("00000000-0000-4000-8000-000000000001"),
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
        uuid.UUID("00000000-0000-4000-8000-000000000002"),
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


def orientation_demo_load(structures: dict[str, Structure]) -> None:
    structure = structures[STRUCTURE]
    site = structure.sites.order_by("pk").first()
    for public_id, situation, person in DEMO_REQUESTS:
        if Demande.objects.filter(public_id=public_id).exists():
            continue
        diagnostic = diagnostic_create(situation=situation, canal=Canal.PORTAIL)
        Demande.objects.create(
            public_id=public_id,
            canal=Canal.PORTAIL,
            diagnostic=diagnostic,
            structure=structure,
            site=site,
            message="Données de démonstration : cette personne n'existe pas.",
            consentement_texte=consent_text(structure.nom),
            consenti_le=timezone.now(),
            **person,
        )
