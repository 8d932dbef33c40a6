"""Only the structures involved see a referral; the receiver sees only what the consent shares."""

from __future__ import annotations

import pytest
from django.http import Http404

from aiguillage.accounts.models import Role
from aiguillage.core.models import AuditEvent
from aiguillage.referrals import access, services
from tests.factories import (
    MembershipFactory,
    adressage_au_statut,
    adressage_envoye,
    scene_adressage,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role",
    [
        Role.CONSEILLER,
        Role.RESPONSABLE_STRUCTURE,
        Role.COORDINATEUR_REGIONAL,
        Role.ANALYSTE,
        Role.ADMINISTRATEUR,
    ],
)
def test_anybody_outside_the_two_structures_gets_404(role):
    adressage = adressage_envoye()
    outsider = user_with_role(role)

    with pytest.raises(Http404):
        access.adressage_get_for_member(user=outsider, public_id=adressage.public_id)
    assert not access.adressages_for_member(user=outsider).exists()


def test_coordinator_of_the_same_region_does_not_see_people():
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    coordinator = MembershipFactory(coordinateur=True).user
    assert coordinator.memberships.get().structure.region_id == scene.destinataire.region_id

    with pytest.raises(Http404):
        access.adressage_get_for_member(user=coordinator, public_id=adressage.public_id)


def test_both_structures_see_it_and_each_view_is_audited():
    scene = scene_adressage()
    adressage = adressage_envoye(scene)

    for user in (scene.emetteur, scene.recepteur):
        found = access.adressage_get_for_member(user=user, public_id=adressage.public_id)
        assert found.pk == adressage.pk

    views = AuditEvent.objects.filter(action="view", object_type="referrals.personne")
    assert set(views.values_list("actor_id", flat=True)) == {scene.emetteur.pk, scene.recepteur.pk}


def test_receiver_sees_only_the_shared_items():
    scene = scene_adressage(donnees=[])  # identity and contact only
    adressage = adressage_envoye(scene)

    seen = access.donnees_visibles(adressage=adressage, user=scene.recepteur)
    sender = access.donnees_visibles(adressage=adressage, user=scene.emetteur)

    assert seen.courriel == scene.personne.courriel
    assert seen.date_naissance is None
    assert seen.note_visible is False
    assert sender.date_naissance == scene.personne.date_naissance


@pytest.mark.parametrize("statut", ["expiree", "annulee"])
def test_receiver_loses_the_data_when_the_referral_expires_or_is_cancelled(statut):
    adressage, scene = adressage_au_statut(statut)

    assert access.donnees_visibles(adressage=adressage, user=scene.recepteur) is None
    assert access.donnees_visibles(adressage=adressage, user=scene.emetteur) is not None


def test_expired_consent_hides_the_data():
    scene = scene_adressage()
    adressage = adressage_envoye(scene)
    scene.consentement.__class__.objects.filter(pk=scene.consentement.pk).update(
        valable_jusqu_au="2020-01-01"
    )
    adressage.refresh_from_db()

    assert access.donnees_visibles(adressage=adressage, user=scene.recepteur) is None


def test_co_accompaniment_is_visible_to_member_structures_only():
    scene = scene_adressage()
    suivi = services.accompagnement_create(
        personne=scene.personne,
        consentement=scene.consentement,
        intitule="Saison d'hiver",
        structure=scene.emettrice,
        acting_user=scene.emetteur,
        theme="saisonniers",
    )
    services.accompagnement_membre_add(
        accompagnement=suivi,
        structure=scene.destinataire,
        role="co_referent",
        niveau_acces="complet",
        acting_user=scene.emetteur,
    )
    outsider = scene_adressage().recepteur

    _, niveau = access.accompagnement_get_for_member(
        user=scene.recepteur, public_id=suivi.public_id
    )
    assert niveau == "complet"
    with pytest.raises(Http404):
        access.accompagnement_get_for_member(user=outsider, public_id=suivi.public_id)
    assert scene.recepteur.notifications.filter(accompagnement=suivi).exists()


def test_full_access_to_a_co_accompaniment_needs_the_consent():
    scene = scene_adressage()
    suivi = services.accompagnement_create(
        personne=scene.personne,
        consentement=scene.consentement,
        intitule="Suivi",
        structure=scene.emettrice,
        acting_user=scene.emetteur,
    )
    tiers = scene_adressage().destinataire

    with pytest.raises(services.DonneesInvalides, match="ne couvre pas"):
        services.accompagnement_membre_add(
            accompagnement=suivi,
            structure=tiers,
            role="partenaire",
            niveau_acces="complet",
            acting_user=scene.emetteur,
        )
    membre = services.accompagnement_membre_add(
        accompagnement=suivi,
        structure=tiers,
        role="partenaire",
        niveau_acces="parcours",
        acting_user=scene.emetteur,
    )
    assert membre.niveau_acces == "parcours"


def test_person_record_is_404_for_another_structure():
    scene = scene_adressage()
    adressage_envoye(scene)
    outsider = scene_adressage().recepteur

    assert access.personne_get_for_member(user=scene.recepteur, public_id=scene.personne.public_id)
    with pytest.raises(Http404):
        access.personne_get_for_member(user=outsider, public_id=scene.personne.public_id)
