"""Demo step: working groups and sessions between the demo structures of Auvergne-Rhône-Alpes.

Everything is synthetic and labelled: the structures are demo structures (the pages show the
« Données de démonstration » badge, the calendar entries say so), and every description opens
with ``NOTE_DEMO``. The records go through the real services (validation, audit), acting as the
demo coordination account; the dates are relative to the day the demo is loaded, so that the
lists always show upcoming sessions, held ones (attendance recorded), one whose attendance is
still to record, and a cancelled one.

Idempotent: each group and session has a fixed ``public_id``; one that exists is skipped.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from aiguillage.accounts.models import User
from aiguillage.coordination import services
from aiguillage.coordination.calendrier import PARIS
from aiguillage.coordination.models import GroupeTravail, Presence, Rencontre, TypeRencontre
from aiguillage.directory.models import Structure
from aiguillage.territories.models import Departement

__all__ = ["DEMO_GROUPES", "DEMO_RENCONTRES", "coordination_demo_load"]

NOTE_DEMO = "Données de démonstration : rencontre fictive."
COORDINATION = "coordination@demo.aiguillage.example"

REGION = "Région Auvergne-Rhône-Alpes — service orientation"
CARIF = "Via Compétences (Carif-Oref)"
ML = "Mission locale de Chambéry"
FT = "France Travail Chambéry"
CAP = "Cap emploi Savoie"
APEC = "Apec Chambéry"
CEP = "Opérateur régional CEP — antenne d'Albertville"
TPRO = "Transitions Pro Auvergne-Rhône-Alpes"
ML_SE = "Mission locale de Saint-Étienne"
FT_SE = "France Travail Saint-Étienne Centre"
CIO_SE = "CIO de Saint-Étienne"
PIJ = "Point Info Jeunes de Moûtiers"


def _id(n: int) -> uuid.UUID:
    return uuid.UUID(f"00000000-0000-4000-8000-0000000007{n:02d}")


@dataclass(frozen=True)
class DemoGroupe:
    public_id: uuid.UUID
    nom: str
    theme: str
    animatrice: str
    membres: tuple[str, ...]
    departements: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class DemoRencontre:
    public_id: uuid.UUID
    type: str
    intitule: str
    organisatrice: str
    invitees: tuple[str, ...]
    jours: int  # from the day the demo is loaded (negative: in the past)
    heure: tuple[int, int]
    duree_minutes: int
    lieu: str = ""
    a_distance: bool = False
    groupe: uuid.UUID | None = None
    departement: str = ""
    theme: str = ""
    description: str = ""
    absentes: tuple[str, ...] = ()  # held sessions: the others attended
    nombres: tuple[tuple[str, int], ...] = ()
    tenue: bool = False
    annulee: str = ""  # the reason, for a cancelled session


GROUPE_IF = _id(1)
GROUPE_SAISONNIERS = _id(2)

DEMO_GROUPES = [
    DemoGroupe(
        GROUPE_IF,
        "Ingénierie financière Savoie",
        "ingénierie financière",
        REGION,
        (ML, FT, CAP, APEC, CEP, TPRO),
        ("73",),
        "Partager les règles de financement (CPF, PTP, période de reconversion, aides de la "
        "Région) et monter ensemble les parcours qui combinent plusieurs financeurs. "
        "Données de démonstration : groupe fictif.",
    ),
    DemoGroupe(
        GROUPE_SAISONNIERS,
        "Saisonniers de Tarentaise",
        "saisonniers",
        CEP,
        (FT, ML, PIJ, CAP),
        ("73",),
        "Accueil et accompagnement des travailleurs saisonniers entre deux saisons (emploi, "
        "logement, formation). Données de démonstration : groupe fictif.",
    ),
]

DEMO_RENCONTRES = [
    DemoRencontre(
        _id(11),
        TypeRencontre.REUNION,
        "CPF, co-paiement et abondements : cas pratiques",
        REGION,
        (ML, FT, CAP, APEC, CEP, TPRO),
        -62,
        (9, 30),
        150,
        lieu="Antenne de la Région, Chambéry",
        groupe=GROUPE_IF,
        departement="73",
        description="Trois parcours présentés par les conseillers, montés à plusieurs financeurs.",
        absentes=(APEC,),
        nombres=((ML, 2), (FT, 3), (CAP, 1), (CEP, 2), (TPRO, 1)),
        tenue=True,
    ),
    DemoRencontre(
        _id(12),
        TypeRencontre.PROFESSIONNALISATION_CROISEE,
        "Découvrir l'offre de service de Cap emploi",
        CAP,
        (ML, FT, APEC, CEP),
        -41,
        (14, 0),
        120,
        lieu="Cap emploi Savoie, Chambéry",
        departement="73",
        description="Publics, prestations, maintien dans l'emploi : ce que Cap emploi propose.",
        absentes=(APEC,),
        nombres=((ML, 4), (FT, 5), (CEP, 2)),
        tenue=True,
    ),
    DemoRencontre(
        _id(13),
        TypeRencontre.REUNION,
        "Bilan de la saison d'hiver",
        CEP,
        (FT, ML, PIJ, CAP),
        -26,
        (10, 0),
        90,
        a_distance=True,
        groupe=GROUPE_SAISONNIERS,
        departement="73",
        absentes=(CAP,),
        tenue=True,
    ),
    DemoRencontre(
        _id(14),
        TypeRencontre.ECHANGE_INFORMATION,
        "Point d'actualité : la période de reconversion",
        CARIF,
        (ML_SE, FT_SE, CIO_SE, TPRO),
        -15,
        (11, 0),
        60,
        a_distance=True,
        departement="42",
        theme="période de reconversion",
        nombres=((ML_SE, 3), (FT_SE, 2)),
        tenue=True,
    ),
    DemoRencontre(
        _id(15),
        TypeRencontre.EVENEMENT,
        "Forum des métiers de la saison d'été",
        CEP,
        (PIJ, FT, ML),
        -3,
        (9, 0),
        420,
        lieu="Salle des fêtes, Moûtiers",
        groupe=GROUPE_SAISONNIERS,
        departement="73",
    ),
    DemoRencontre(
        _id(16),
        TypeRencontre.REUNION,
        "La période de reconversion : qui finance quoi",
        REGION,
        (ML, FT, CAP, APEC, CEP, TPRO),
        9,
        (9, 30),
        150,
        lieu="Antenne de la Région, Chambéry",
        a_distance=True,
        groupe=GROUPE_IF,
        departement="73",
    ),
    DemoRencontre(
        _id(17),
        TypeRencontre.PROFESSIONNALISATION_CROISEE,
        "L'offre de l'Apec pour les cadres en transition",
        APEC,
        (ML, FT, CAP, CEP),
        16,
        (14, 0),
        120,
        lieu="Apec, Chambéry",
        departement="73",
    ),
    DemoRencontre(
        _id(18),
        TypeRencontre.EVENEMENT,
        "Forum emploi-formation de Chambéry",
        REGION,
        (ML, FT, CAP, APEC, CEP, PIJ),
        30,
        (9, 0),
        480,
        lieu="Parc des expositions, Chambéry",
        departement="73",
    ),
    DemoRencontre(
        _id(19),
        TypeRencontre.REUNION,
        "Réunion de rentrée des opérateurs de la Loire",
        CARIF,
        (ML_SE, FT_SE, CIO_SE),
        21,
        (10, 0),
        90,
        lieu="Via Compétences, Saint-Étienne",
        departement="42",
        annulee="Reportée : une nouvelle date sera proposée.",
    ),
]


def _quand(jours: int, heure: tuple[int, int], duree: int) -> tuple[dt.datetime, dt.datetime]:
    """``jours`` from today, moved off the weekend (to the Friday before a past Saturday or
    Sunday, to the Monday after a future one: the session stays past or upcoming)."""
    jour = timezone.localdate() + dt.timedelta(days=jours)
    if jour.weekday() >= 5:
        recul = jour.weekday() - 4
        jour += dt.timedelta(days=-recul) if jours < 0 else dt.timedelta(days=7 - jour.weekday())
    debut = dt.datetime.combine(jour, dt.time(*heure), tzinfo=PARIS)
    return debut, debut + dt.timedelta(minutes=duree)


@transaction.atomic
def coordination_demo_load(structures: dict[str, Structure]) -> None:
    acteur = User.objects.filter(email__iexact=COORDINATION).first()
    departements = {d.code: d for d in Departement.objects.filter(code__in=["42", "73"])}
    ids = [g.public_id for g in DEMO_GROUPES]
    groupes = {g.public_id: g for g in GroupeTravail.objects.filter(public_id__in=ids)}
    for spec in DEMO_GROUPES:
        if spec.public_id in groupes:
            continue
        groupe = services.groupe_create(
            champs=services.ChampsGroupe(
                nom=spec.nom,
                theme=spec.theme,
                animatrice=structures[spec.animatrice],
                membres=[structures[n] for n in spec.membres],
                departements=[departements[c] for c in spec.departements],
                description=spec.description,
            ),
            acting_user=acteur,
        )
        GroupeTravail.objects.filter(pk=groupe.pk).update(public_id=spec.public_id)
        groupe.public_id = spec.public_id
        groupes[spec.public_id] = groupe
    existantes = set(
        Rencontre.objects.filter(public_id__in=[r.public_id for r in DEMO_RENCONTRES]).values_list(
            "public_id", flat=True
        )
    )
    for spec in DEMO_RENCONTRES:
        if spec.public_id in existantes:
            continue
        debut, fin = _quand(spec.jours, spec.heure, spec.duree_minutes)
        description = f"{NOTE_DEMO} {spec.description}".strip()
        rencontre = services.rencontre_create(
            champs=services.ChampsRencontre(
                type=spec.type,
                intitule=spec.intitule,
                debut=debut,
                fin=fin,
                organisatrice=structures[spec.organisatrice],
                invitees=[structures[n] for n in spec.invitees],
                lieu=spec.lieu,
                a_distance=spec.a_distance,
                groupe=groupes[spec.groupe] if spec.groupe else None,
                departement=departements.get(spec.departement),
                theme=spec.theme,
                description=description,
            ),
            acting_user=acteur,
        )
        Rencontre.objects.filter(pk=rencontre.pk).update(public_id=spec.public_id)
        rencontre.public_id = spec.public_id
        if spec.tenue:
            nombres = dict(spec.nombres)
            services.rencontre_presences_enregistrer(
                rencontre=rencontre,
                presences={
                    structures[n].pk: (
                        Presence.ABSENTE if n in spec.absentes else Presence.PRESENTE,
                        None if n in spec.absentes else nombres.get(n),
                    )
                    for n in spec.invitees
                },
                acting_user=acteur,
            )
            # Recorded the day after the session, as a coordinator would, not on the load day.
            Rencontre.objects.filter(pk=rencontre.pk).update(
                presences_le=min(rencontre.fin + dt.timedelta(days=1), timezone.now())
            )
        if spec.annulee:
            services.rencontre_annuler(rencontre=rencontre, acting_user=acteur, motif=spec.annulee)
