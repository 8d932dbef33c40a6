"""Demo step: referrals between the demo structures, in various statuses, for invented people.

Every person is synthetic and labelled: the family name is always « Exemple », the note says so,
phone numbers are in the range ARCEP reserves for fiction (01 99 00 xx xx) and e-mail addresses
use the demo domain; the pages show the demo badge because both structures are demo structures.
The referrals go through the real services (consent, state machine, notifications), then their
dates are moved back so that the inbox shows referrals of different ages.

Idempotent: each person has a fixed ``public_id``; a scenario whose person exists is skipped.
So that ``conseiller@`` (Mission locale de Chambéry) and ``conseillere.ft@`` (France Travail
Chambéry) each find referrals to act on, and co-accompaniment has an example (a seasonal worker
followed by France Travail and the regional CEP operator).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from aiguillage.accounts.models import User
from aiguillage.directory.models import Structure
from aiguillage.referrals import services
from aiguillage.referrals.models import (
    Accompagnement,
    Adressage,
    Consentement,
    Message,
    Notification,
    Personne,
    Statut,
    Transition,
    TypeEvenement,
    TypeNotification,
)
from aiguillage.referrals.workflow import Side
from aiguillage.territories.models import Commune

__all__ = ["DEMO_SCENARIOS", "referrals_demo_load"]

ML = "Mission locale de Chambéry"
FT = "France Travail Chambéry"
CAP = "Cap emploi Savoie"
CEP = "Opérateur régional CEP — antenne d'Albertville"
DOMAIN = "demo.aiguillage.example"
ACTEURS = {ML: f"conseiller@{DOMAIN}", FT: f"conseillere.ft@{DOMAIN}"}
NOTE_DEMO = "Données de démonstration : cette personne n'existe pas."


@dataclass(frozen=True)
class Scenario:
    public_id: uuid.UUID
    prenom: str
    age: int
    commune: str
    emettrice: str
    destinataire: str
    motif: str
    note: str
    # (status, coded reason) after "envoyee", in order, each made by the side the machine wants.
    chemin: tuple[tuple[str, str], ...]
    # Days ago of each step: creation first, then one per step of ``chemin``.
    jours: tuple[int, ...]
    donnees: tuple[str, ...] = ("date_naissance", "commune", "note")
    preference: str = "telephone"
    messages: tuple[tuple[str, str], ...] = ()  # (structure, text)
    accompagnement: dict = field(default_factory=dict)


def _id(n: int) -> uuid.UUID:
    return uuid.UUID(f"00000000-0000-4000-8000-0000000005{n:02d}")


DEMO_SCENARIOS = [
    Scenario(
        _id(1),
        "Sacha",
        19,
        "73065",
        ML,
        FT,
        "Recherche d'emploi dans la logistique",
        "Permis B en cours. Disponible tout de suite.",
        chemin=(),
        jours=(1,),
    ),
    Scenario(
        _id(2),
        "Lou",
        23,
        "73029",
        ML,
        FT,
        "Inscription et projet de formation en comptabilité",
        "Souhaite un rendez-vous en fin de matinée.",
        chemin=(("recue", ""), ("acceptee", "")),
        jours=(8, 7, 6),
        messages=(
            (FT, "Premier rendez-vous proposé par téléphone pour la semaine prochaine."),
            (ML, "Merci ! La personne préfère être appelée avant midi."),
        ),
    ),
    Scenario(
        _id(3),
        "Noé",
        24,
        "73065",
        ML,
        FT,
        "Projet de formation d'aide-soignant",
        "",
        chemin=(
            ("recue", ""),
            ("acceptee", ""),
            ("premier_contact", ""),
            ("en_cours", ""),
            ("terminee", "formation_engagee"),
        ),
        jours=(45, 44, 44, 41, 38, 5),
        preference="courriel",
    ),
    Scenario(
        _id(4),
        "Jade",
        21,
        "73065",
        FT,
        ML,
        "Entrée en contrat d'engagement jeune",
        "Sortie d'études sans diplôme il y a six mois.",
        chemin=(),
        jours=(2,),
    ),
    Scenario(
        _id(5),
        "Maël",
        22,
        "73065",
        ML,
        CAP,
        "Reconnaissance de handicap obtenue : accompagnement vers l'emploi",
        "",
        chemin=(("recue", ""), ("refusee", "deja_accompagnee")),
        jours=(14, 13, 12),
    ),
    Scenario(
        _id(6),
        "Eden",
        41,
        "73011",
        FT,
        CEP,
        "Saisonnier : projet de reconversion entre deux saisons",
        "Travaille l'hiver en station, cherche une reconversion dans le bâtiment.",
        chemin=(("recue", ""), ("acceptee", ""), ("premier_contact", ""), ("en_cours", "")),
        jours=(30, 29, 28, 25, 21),
        accompagnement={
            "intitule": "Saison d'hiver et projet de reconversion",
            "theme": "saisonniers",
            "evenements": [
                (FT, "rendez_vous", "Point sur les droits entre deux saisons.", 20),
                (CEP, "etape", "Bilan de compétences engagé : trois pistes retenues.", 12),
            ],
        },
    ),
]


def _naissance(age: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - age, day=min(today.day, 28)) - timedelta(days=40)


def _acteur(structure: Structure) -> User | None:
    email = ACTEURS.get(structure.nom)
    return User.objects.filter(email__iexact=email).first() if email else None


def _antidater(adressage: Adressage, jours: tuple[int, ...]) -> None:
    """Move the referral's dates back: creation ``jours[0]`` days ago, then one date per step."""
    now = timezone.now()
    dates = [now - timedelta(days=d, hours=2) for d in jours]
    transitions = list(adressage.transitions.order_by("le", "pk"))
    stamps = {
        Statut.RECUE: "recue_le",
        Statut.ACCEPTEE: "acceptee_le",
        Statut.PREMIER_CONTACT: "premier_contact_le",
    }
    fields = {"cree_le": dates[0], "statut_depuis": dates[-1], "modifie_le": dates[-1]}
    for transition, when in zip(transitions, dates, strict=False):
        Transition.objects.filter(pk=transition.pk).update(le=when)
        if transition.vers in stamps:
            fields[stamps[transition.vers]] = when
        if adressage.statut in (Statut.TERMINEE, Statut.REFUSEE) and transition.vers == (
            adressage.statut
        ):
            fields["cloturee_le"] = when
    Adressage.objects.filter(pk=adressage.pk).update(**fields)
    Consentement.objects.filter(pk=adressage.consentement_id).update(donne_le=dates[0])
    Personne.objects.filter(pk=adressage.personne_id).update(cree_le=dates[0])
    for i, message in enumerate(adressage.messages.order_by("pk")):
        Message.objects.filter(pk=message.pk).update(cree_le=dates[-1] + timedelta(hours=1 + i))
    notifications = Notification.objects.filter(adressage=adressage)
    notifications.filter(type=TypeNotification.NOUVEL_ADRESSAGE).update(cree_le=dates[0])
    notifications.exclude(type=TypeNotification.NOUVEL_ADRESSAGE).update(cree_le=dates[-1])
    if jours[-1] > 3:
        # Old news: the demo counters show what happened in the last days only.
        Notification.objects.filter(adressage=adressage, lue_le__isnull=True).update(lue_le=now)


def _scenario_load(scenario: Scenario, structures: dict[str, Structure]) -> None:
    emettrice = structures[scenario.emettrice]
    destinataire = structures[scenario.destinataire]
    emetteur = _acteur(emettrice)
    recepteur = _acteur(destinataire)
    personne = services.personne_create(
        data={
            "prenom": scenario.prenom,
            "nom": "Exemple",
            "date_naissance": _naissance(scenario.age),
            "commune": Commune.objects.filter(code=scenario.commune).first(),
            "courriel": f"{scenario.prenom.lower().replace('ë', 'e').replace('é', 'e')}"
            f".exemple@{DOMAIN}",
            "telephone": f"+3319900{scenario.public_id.int % 10000:04d}",
            "preference_contact": scenario.preference,
        },
        structure=emettrice,
        acting_user=emetteur,
    )
    Personne.objects.filter(pk=personne.pk).update(public_id=scenario.public_id)
    personne.public_id = scenario.public_id
    consent = services.consentement_create(
        personne=personne,
        structures=[destinataire],
        donnees=scenario.donnees,
        mode="en_personne",
        recueilli_par=emetteur,
        structure=emettrice,
    )
    (adressage,) = services.adressage_create(
        personne=personne,
        consentement=consent,
        destinataires=[destinataire],
        motif=scenario.motif,
        note=f"{scenario.note} {NOTE_DEMO}".strip(),
        emettrice=emettrice,
        emis_par=emetteur,
    )
    for vers, motif in scenario.chemin:
        adressage = services.adressage_transition(
            adressage=adressage,
            vers=vers,
            acting_user=recepteur,
            side=Side.DESTINATAIRE,
            motif=motif,
            commentaire="Déjà suivie par notre structure depuis l'an dernier."
            if vers == Statut.REFUSEE
            else "",
        )
    auteurs = {scenario.emettrice: emetteur, scenario.destinataire: recepteur}
    for nom, texte in scenario.messages:
        if auteurs.get(nom) is not None:
            services.message_create(adressage=adressage, auteur=auteurs[nom], texte=texte)
    _antidater(adressage, scenario.jours)
    adressage.refresh_from_db()
    if scenario.accompagnement:
        _accompagnement_load(scenario, adressage, structures)


def _accompagnement_load(scenario: Scenario, adressage: Adressage, structures) -> None:
    """The sender (which has a demo account) opens it; the receiver joins with full access."""
    data = scenario.accompagnement
    emettrice, destinataire = structures[scenario.emettrice], structures[scenario.destinataire]
    auteur = _acteur(emettrice)
    if auteur is None:
        return
    accompagnement = services.accompagnement_create(
        personne=adressage.personne,
        consentement=adressage.consentement,
        intitule=data["intitule"],
        theme=data["theme"],
        structure=emettrice,
        acting_user=auteur,
        adressage=adressage,
    )
    services.accompagnement_membre_add(
        accompagnement=accompagnement,
        structure=destinataire,
        role="co_referent",
        niveau_acces="complet",
        acting_user=auteur,
    )
    for nom, type_, texte, jours in data["evenements"]:
        evenement = services.accompagnement_evenement_add(
            accompagnement=accompagnement,
            acting_user=auteur,
            type=type_,
            texte=texte,
            date_evenement=timezone.localdate() - timedelta(days=jours),
        )
        # Written in the name of the structure that did it (the demo has one account per side).
        if nom != scenario.emettrice:
            evenement.structure, evenement.auteur = structures[nom], None
            evenement.save(update_fields=["structure", "auteur"])
    # Opened when the receiver accepted the person (the demo's dates are in the past).
    ouvert = adressage.acceptee_le or timezone.now()
    Accompagnement.objects.filter(pk=accompagnement.pk).update(ouvert_le=ouvert)
    accompagnement.membres.update(ajoute_le=ouvert)
    accompagnement.evenements.filter(type=TypeEvenement.MEMBRE).update(
        date=timezone.localdate(ouvert)
    )
    Notification.objects.filter(accompagnement=accompagnement).update(
        lue_le=timezone.now(), cree_le=ouvert
    )


@transaction.atomic
def referrals_demo_load(structures: dict[str, Structure]) -> None:
    for scenario in DEMO_SCENARIOS:
        if Personne.objects.filter(public_id=scenario.public_id).exists():
            continue
        _scenario_load(scenario, structures)
