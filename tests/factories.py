"""Factories for tests. Territories are real (get-or-create on official codes); structures and
people are synthetic."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from aiguillage.accounts.models import Membership, Role, User
from aiguillage.directory.models import Desserte, Niveau, Reseau, Service, Site, Structure
from aiguillage.territories.models import Commune, Region

TEST_PASSWORD = "mot-de-passe-de-test-1234"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "84"
    nom = "Auvergne-Rhône-Alpes"


class StructureFactory(DjangoModelFactory):
    class Meta:
        model = Structure

    nom = factory.Sequence(lambda n: f"Structure de test {n}")
    reseau = Reseau.MISSION_LOCALE
    region = factory.SubFactory(RegionFactory)

    class Params:
        autre_region = factory.Trait(
            region=factory.SubFactory(RegionFactory, code="32", nom="Hauts-de-France")
        )
        nationale = factory.Trait(region=None)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = Role.CONSEILLER

    class Params:
        responsable = factory.Trait(role=Role.RESPONSABLE_STRUCTURE)
        coordinateur = factory.Trait(
            role=Role.COORDINATEUR_REGIONAL,
            structure=factory.SubFactory(StructureFactory, reseau=Reseau.REGION),
        )
        analyste = factory.Trait(
            role=Role.ANALYSTE,
            structure=factory.SubFactory(StructureFactory, reseau=Reseau.CARIF_OREF),
        )
        administrateur = factory.Trait(
            role=Role.ADMINISTRATEUR,
            structure=factory.SubFactory(StructureFactory, reseau=Reseau.AUTRE, region=None),
        )

    @factory.post_generation
    def _staff(obj, create, extracted, **kwargs):
        if create and obj.role == Role.ADMINISTRATEUR:
            obj.user.is_staff = obj.user.is_superuser = True
            obj.user.save(update_fields=["is_staff", "is_superuser"])


def user_with_role(role: str, **structure_kwargs) -> User:
    traits = {
        Role.CONSEILLER: {},
        Role.RESPONSABLE_STRUCTURE: {"responsable": True},
        Role.COORDINATEUR_REGIONAL: {"coordinateur": True},
        Role.ANALYSTE: {"analyste": True},
        Role.ADMINISTRATEUR: {"administrateur": True},
    }[role]
    kwargs = dict(traits)
    if structure_kwargs:
        kwargs["structure"] = StructureFactory(**structure_kwargs)
    return MembershipFactory(**kwargs).user


# --- Directory --------------------------------------------------------------------------------


class SiteFactory(DjangoModelFactory):
    """A site in Chambéry by default (real commune, synthetic site)."""

    class Meta:
        model = Site

    structure = factory.SubFactory(StructureFactory)
    nom = factory.Sequence(lambda n: f"Site de test {n}")
    commune = factory.LazyFunction(lambda: Commune.objects.get(code="73065"))
    code_postal = "73000"
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)
    confirme_le = factory.LazyFunction(timezone.now)


class DesserteFactory(DjangoModelFactory):
    class Meta:
        model = Desserte

    site = factory.SubFactory(SiteFactory)
    niveau = Niveau.COMMUNE
    code = factory.LazyAttribute(lambda o: o.site.commune_id)
    public = ""


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    site = factory.SubFactory(SiteFactory)
    nom = factory.Sequence(lambda n: f"Service de test {n}")
    description = "Un service de test."


def site_serving(
    *,
    commune: str,
    niveau: str = Niveau.COMMUNE,
    code: str | None = None,
    public: str = "",
    **site_kwargs,
) -> Site:
    """A site located in ``commune`` that serves ``code`` at ``niveau`` (default: the commune)."""
    site = SiteFactory(commune=Commune.objects.get(code=commune), **site_kwargs)
    DesserteFactory(site=site, niveau=niveau, code=code or commune, public=public)
    return site
