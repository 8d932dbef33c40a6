"""Factories for working groups and sessions (synthetic structures from ``tests.factories``),
and ``Monde``: one session seen from every role and scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from aiguillage.accounts.models import User
from aiguillage.coordination.models import (
    GroupeTravail,
    Invitation,
    Rencontre,
    StatutRencontre,
    TypeRencontre,
)
from aiguillage.directory.models import Reseau, Structure
from tests.factories import MembershipFactory, RegionFactory, StructureFactory


def _prochaine_heure(jours: int) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=jours)).replace(minute=0, second=0, microsecond=0)


class GroupeTravailFactory(DjangoModelFactory):
    class Meta:
        model = GroupeTravail
        skip_postgeneration_save = True

    nom = factory.Sequence(lambda n: f"Groupe de test {n}")
    theme = "ingénierie financière"
    animatrice = factory.SubFactory(StructureFactory, reseau=Reseau.REGION)
    region = factory.LazyAttribute(lambda o: o.animatrice.region)

    class Params:
        clos = factory.Trait(clos_le=factory.LazyFunction(timezone.localdate))

    @factory.post_generation
    def membres(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.membres.set(extracted)


class RencontreFactory(DjangoModelFactory):
    """A planned meeting next week; traits ``passee``, ``tenue`` (attendance recorded: every
    invited structure present) and ``annulee``. ``invitees=[…]`` creates the invitations."""

    class Meta:
        model = Rencontre
        skip_postgeneration_save = True

    type = TypeRencontre.REUNION
    intitule = factory.Sequence(lambda n: f"Rencontre de test {n}")
    debut = factory.LazyFunction(lambda: _prochaine_heure(7))
    fin = factory.LazyAttribute(lambda o: o.debut + dt.timedelta(hours=2))
    lieu = "Salle du conseil, Chambéry"
    organisatrice = factory.SubFactory(StructureFactory)
    region = factory.LazyAttribute(lambda o: o.organisatrice.region)

    class Params:
        passee = factory.Trait(debut=factory.LazyFunction(lambda: _prochaine_heure(-7)))
        annulee = factory.Trait(
            statut=StatutRencontre.ANNULEE, annulee_le=factory.LazyFunction(timezone.now)
        )
        tenue = factory.Trait(
            passee=True,
            statut=StatutRencontre.TENUE,
            presences_le=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def invitees(obj, create, extracted, **kwargs):
        if not (create and extracted):
            return
        presence = "presente" if obj.statut == StatutRencontre.TENUE else ""
        Invitation.objects.bulk_create(
            Invitation(rencontre=obj, structure=s, presence=presence) for s in extracted
        )


@dataclass
class Monde:
    """A session organised by ``organisatrice`` (région 84) inviting ``invitee``; ``autre`` is a
    structure of the same région that is not invited; one user per role and scope."""

    organisatrice: Structure
    invitee: Structure
    autre: Structure
    rencontre: Rencontre
    responsable: User  # manages the organising structure
    conseiller_orga: User  # counsellor of the organising structure
    conseiller_invitee: User
    responsable_invitee: User
    conseiller_autre: User
    coordination: User  # coordination of région 84
    coordination_autre_region: User
    analyste: User
    admin: User


def monde(**rencontre_kwargs) -> Monde:
    organisatrice = StructureFactory(reseau=Reseau.CAP_EMPLOI)
    invitee = StructureFactory(reseau=Reseau.MISSION_LOCALE)
    autre = StructureFactory(reseau=Reseau.FRANCE_TRAVAIL)
    rencontre = RencontreFactory(
        organisatrice=organisatrice, invitees=[invitee], **rencontre_kwargs
    )
    autre_region = StructureFactory(
        reseau=Reseau.REGION, region=RegionFactory(code="32", nom="Hauts-de-France")
    )
    return Monde(
        organisatrice=organisatrice,
        invitee=invitee,
        autre=autre,
        rencontre=rencontre,
        responsable=MembershipFactory(structure=organisatrice, responsable=True).user,
        conseiller_orga=MembershipFactory(structure=organisatrice).user,
        conseiller_invitee=MembershipFactory(structure=invitee).user,
        responsable_invitee=MembershipFactory(structure=invitee, responsable=True).user,
        conseiller_autre=MembershipFactory(structure=autre).user,
        coordination=MembershipFactory(coordinateur=True).user,
        coordination_autre_region=MembershipFactory(coordinateur=True, structure=autre_region).user,
        analyste=MembershipFactory(analyste=True).user,
        admin=MembershipFactory(administrateur=True).user,
    )
