"""Fan-out, consent and its withdrawal, duplicates: the services, on the real database."""

from __future__ import annotations

import pytest

from aiguillage.referrals import access, services
from aiguillage.referrals.models import Adressage, Diffusion, Statut, Transition
from aiguillage.referrals.workflow import TransitionInterdite
from tests.factories import (
    MembershipFactory,
    PersonneFactory,
    StructureFactory,
    adressage_envoye,
    scene_adressage,
)

pytestmark = pytest.mark.django_db


def _fan_out(n: int = 3):
    receivers = [StructureFactory(reseau=r) for r in ("france_travail", "cap_emploi", "apec")[:n]]
    scene = scene_adressage(destinataire=receivers[0], autres_destinataires=receivers[1:])
    users = [MembershipFactory(structure=s).user for s in receivers]
    adressages = services.adressage_create(
        personne=scene.personne,
        consentement=scene.consentement,
        destinataires=receivers,
        motif="Demande diffusée",
        emettrice=scene.emettrice,
        emis_par=scene.emetteur,
    )
    return scene, adressages, users


def test_fan_out_creates_one_referral_per_structure_in_one_diffusion():
    _, adressages, _ = _fan_out(3)

    assert len(adressages) == 3
    assert len({a.diffusion_id for a in adressages}) == 1
    assert Diffusion.objects.get().prise_par is None
    assert {a.statut for a in adressages} == {Statut.ENVOYEE}


def test_first_to_accept_takes_it_and_the_others_are_cancelled_and_told():
    _, adressages, users = _fan_out(3)

    services.adressage_transition(adressage=adressages[1], vers="acceptee", acting_user=users[1])

    stored = {a.pk: a for a in Adressage.objects.all()}
    assert stored[adressages[1].pk].statut == "acceptee"
    for other in (adressages[0], adressages[2]):
        assert stored[other.pk].statut == "annulee"
        assert stored[other.pk].motif_annulation == "prise_par_autre"
    assert Diffusion.objects.get().prise_par_id == adressages[1].pk
    for user in (users[0], users[2]):
        assert user.notifications.filter(texte__contains="annulée").exists()


def test_second_acceptance_of_a_fan_out_is_refused():
    _, adressages, users = _fan_out(2)
    services.adressage_transition(adressage=adressages[0], vers="acceptee", acting_user=users[0])
    stale = adressages[1]  # in memory still "envoyee"

    with pytest.raises(TransitionInterdite):
        services.adressage_transition(adressage=stale, vers="acceptee", acting_user=users[1])

    assert Adressage.objects.get(pk=stale.pk).statut == "annulee"
    assert Diffusion.objects.get().prise_par_id == adressages[0].pk


def test_consent_must_cover_every_receiver():
    scene = scene_adressage()
    autre = StructureFactory(reseau="apec")

    with pytest.raises(services.DonneesInvalides) as exc:
        services.adressage_create(
            personne=scene.personne,
            consentement=scene.consentement,
            destinataires=[scene.destinataire, autre],
            motif="Test",
            emettrice=scene.emettrice,
            emis_par=scene.emetteur,
        )

    assert autre.nom in exc.value.erreurs["consentement"]
    assert not Adressage.objects.exists()
    assert not Diffusion.objects.exists()


def test_a_structure_cannot_refer_to_itself():
    scene = scene_adressage()

    with pytest.raises(services.DonneesInvalides, match="elle-même"):
        services.adressage_create(
            personne=scene.personne,
            consentement=scene.consentement,
            destinataires=[scene.emettrice],
            motif="Test",
            emettrice=scene.emettrice,
            emis_par=scene.emetteur,
        )


def test_consent_without_who_recorded_it_is_refused():
    with pytest.raises(services.DonneesInvalides) as exc:
        services.consentement_create(
            personne=PersonneFactory(),
            structures=[StructureFactory()],
            donnees=[],
            mode="telephone",
        )

    assert "recueilli_par" in exc.value.erreurs


def test_consent_always_includes_identity_and_contact_and_says_so():
    scene = scene_adressage(donnees=["commune"])

    assert scene.consentement.donnees_partagees == ["identite", "coordonnees", "commune"]
    assert scene.destinataire.nom in scene.consentement.texte
    assert "commune de résidence" in scene.consentement.texte


def test_withdrawing_consent_closes_open_referrals_and_hides_the_data():
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    services.adressage_transition(adressage=adressage, vers="acceptee", acting_user=scene.recepteur)
    assert access.donnees_visibles(adressage=adressage, user=scene.recepteur) is not None

    closed = services.consentement_retirer(
        consentement=scene.consentement, acting_user=scene.emetteur
    )

    adressage.refresh_from_db()
    assert closed == 1
    assert adressage.statut == "annulee"
    assert adressage.motif_annulation == "consentement_retire"
    assert access.donnees_visibles(adressage=adressage, user=scene.recepteur) is None
    # The sender, who collected the data, keeps them; the log shows who closed it.
    assert access.donnees_visibles(adressage=adressage, user=scene.emetteur) is not None
    assert (
        Transition.objects.filter(adressage=adressage, vers="annulee").get().par == scene.emetteur
    )
    with pytest.raises(TransitionInterdite, match="déjà été retiré"):
        services.consentement_retirer(consentement=scene.consentement, acting_user=scene.emetteur)


def test_duplicates_ignore_accents_and_case():
    existing = PersonneFactory(prenom="Élodie", nom="Lefèvre")

    found = services.personne_doublons(
        prenom="elodie", nom="LEFEVRE", date_naissance=existing.date_naissance
    )
    other_day = services.personne_doublons(
        prenom="elodie", nom="LEFEVRE", date_naissance=existing.date_naissance.replace(year=1950)
    )

    assert list(found) == [existing]
    assert list(other_day) == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"prenom": "", "courriel": "a@b.fr"}, "prenom"),
        ({"prenom": "Léa"}, "courriel"),
        ({"prenom": "Léa", "courriel": "a@b.fr", "preference_contact": "sms"}, "telephone"),
    ],
)
def test_person_without_a_way_to_reach_them_is_refused(data, field):
    from aiguillage.referrals.models import Personne

    with pytest.raises(services.DonneesInvalides) as exc:
        services.personne_create(data=data)

    assert field in exc.value.erreurs
    assert not Personne.objects.exists()
