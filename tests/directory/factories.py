"""Factories of the directory's own tests (the shared ones are in ``tests/factories.py``)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from aiguillage.directory.models import FrequenceAlerte, RechercheSauvegardee
from tests.factories import UserFactory


class RechercheSauvegardeeFactory(DjangoModelFactory):
    """A saved search of young people's services in Chambéry, without an alert by default."""

    class Meta:
        model = RechercheSauvegardee

    proprietaire = factory.SubFactory(UserFactory)
    nom = factory.Sequence(lambda n: f"Recherche {n}")
    criteres = factory.LazyFunction(lambda: {"code": "73065", "public": "jeunes"})
    frequence = FrequenceAlerte.AUCUNE

    class Params:
        quotidienne = factory.Trait(frequence=FrequenceAlerte.QUOTIDIENNE)
        hebdomadaire = factory.Trait(frequence=FrequenceAlerte.HEBDOMADAIRE)
