"""Factories for tests. Territories are real (get-or-create on official codes); structures and
people are synthetic."""

from __future__ import annotations

from dataclasses import dataclass

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


# --- Referrals --------------------------------------------------------------------------------


class PersonneFactory(DjangoModelFactory):
    class Meta:
        model = "referrals.Personne"

    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    date_naissance = factory.Faker("date_of_birth", minimum_age=18, maximum_age=60)
    courriel = factory.Sequence(lambda n: f"usager{n}@exemple.test")
    telephone = factory.Sequence(lambda n: f"06 12 34 {n // 100 % 100:02d} {n % 100:02d}")
    preference_contact = "telephone"


@dataclass
class Scene:
    """Two structures, a counsellor in each, a person and their consent for the receiver."""

    emettrice: Structure
    destinataire: Structure
    emetteur: User
    recepteur: User
    personne: object
    consentement: object


def scene_adressage(
    *,
    emettrice: Structure | None = None,
    destinataire: Structure | None = None,
    donnees=(),
    autres_destinataires=(),
) -> Scene:
    from aiguillage.referrals import services

    emettrice = emettrice or StructureFactory(reseau=Reseau.MISSION_LOCALE)
    destinataire = destinataire or StructureFactory(reseau=Reseau.FRANCE_TRAVAIL)
    emetteur = MembershipFactory(structure=emettrice).user
    recepteur = MembershipFactory(structure=destinataire).user
    personne = PersonneFactory(structure_creatrice=emettrice)
    consentement = services.consentement_create(
        personne=personne,
        structures=[destinataire, *autres_destinataires],
        donnees=donnees,
        mode="en_personne",
        recueilli_par=emetteur,
        structure=emettrice,
    )
    return Scene(emettrice, destinataire, emetteur, recepteur, personne, consentement)


def adressage_envoye(scene: Scene | None = None, **kwargs):
    from aiguillage.referrals import services

    scene = scene or scene_adressage()
    (adressage,) = services.adressage_create(
        personne=scene.personne,
        consentement=scene.consentement,
        destinataires=[scene.destinataire],
        motif=kwargs.pop("motif", "Projet de reconversion"),
        emettrice=scene.emettrice,
        emis_par=scene.emetteur,
        **kwargs,
    )
    return adressage


# How to bring a referral to each status through the real state machine: (target, side, motif).
CHEMINS = {
    "envoyee": [],
    "recue": [("recue", "destinataire", "")],
    "acceptee": [("recue", "destinataire", ""), ("acceptee", "destinataire", "")],
    "refusee": [("recue", "destinataire", ""), ("refusee", "destinataire", "pas_de_capacite")],
    "redirigee": [("recue", "destinataire", ""), ("redirigee", "destinataire", "")],
    "premier_contact": [
        ("acceptee", "destinataire", ""),
        ("premier_contact", "destinataire", ""),
    ],
    "en_cours": [
        ("acceptee", "destinataire", ""),
        ("premier_contact", "destinataire", ""),
        ("en_cours", "destinataire", ""),
    ],
    "terminee": [
        ("acceptee", "destinataire", ""),
        ("premier_contact", "destinataire", ""),
        ("terminee", "destinataire", "emploi"),
    ],
    "expiree": [("expiree", "systeme", "")],
    "annulee": [("annulee", "emettrice", "annulee_par_emettrice")],
}


def adressage_au_statut(statut: str, scene: Scene | None = None):
    """A referral brought to ``statut`` by the services, as users would."""
    from aiguillage.referrals import services

    scene = scene or scene_adressage()
    adressage = adressage_envoye(scene)
    for vers, side, motif in CHEMINS[statut]:
        user = {"destinataire": scene.recepteur, "emettrice": scene.emetteur}.get(side)
        adressage = services.adressage_transition(
            adressage=adressage,
            vers=vers,
            acting_user=user,
            side="systeme" if side == "systeme" else None,
            motif=motif,
        )
    return adressage, scene
