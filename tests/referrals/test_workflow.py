"""The referral state machine: every allowed and every forbidden move, through the services."""

from __future__ import annotations

import itertools

import pytest

from aiguillage.referrals import services
from aiguillage.referrals.models import Adressage, Statut, Transition
from aiguillage.referrals.workflow import (
    FHIR_TASK_STATUS,
    TRANSITIONS,
    Side,
    TransitionInterdite,
    allowed_from,
)
from tests.factories import StructureFactory, adressage_au_statut, scene_adressage

pytestmark = pytest.mark.django_db

MOTIF_FOR = {
    Statut.REFUSEE: "hors_territoire",
    Statut.TERMINEE: "accompagnement_realise",
    Statut.ANNULEE: "annulee_par_emettrice",
}
ALL_PAIRS = list(itertools.product([s.value for s in Statut], repeat=2))
ALLOWED = [(de, vers) for de, vers in ALL_PAIRS if (de, vers) in TRANSITIONS]
FORBIDDEN = [(de, vers) for de, vers in ALL_PAIRS if (de, vers) not in TRANSITIONS]


def _user_for(side, scene):
    return {Side.DESTINATAIRE: scene.recepteur, Side.EMETTRICE: scene.emetteur}.get(side)


@pytest.mark.parametrize(("de", "vers"), ALLOWED)
def test_allowed_transition_moves_and_is_logged(de, vers):
    adressage, scene = adressage_au_statut(de)
    side = TRANSITIONS[(de, vers)]
    before = Transition.objects.filter(adressage=adressage).count()

    result = services.adressage_transition(
        adressage=adressage,
        vers=vers,
        acting_user=_user_for(side, scene),
        side=Side.SYSTEME if side == Side.SYSTEME else None,
        motif=MOTIF_FOR.get(vers, ""),
    )

    stored = Adressage.objects.get(pk=adressage.pk)
    assert result.statut == stored.statut == vers
    last = Transition.objects.filter(adressage=adressage).order_by("-pk").first()
    assert Transition.objects.filter(adressage=adressage).count() == before + 1
    assert (last.de, last.vers) == (de, vers)


@pytest.mark.parametrize(("de", "vers"), FORBIDDEN)
def test_forbidden_transition_is_refused_and_changes_nothing(de, vers):
    adressage, scene = adressage_au_statut(de)
    before = list(Transition.objects.filter(adressage=adressage).values_list("pk", flat=True))

    for user, side in (
        (scene.recepteur, None),
        (scene.emetteur, None),
        (None, Side.SYSTEME),
    ):
        with pytest.raises(TransitionInterdite) as exc:
            services.adressage_transition(
                adressage=adressage,
                vers=vers,
                acting_user=user,
                side=side,
                motif=MOTIF_FOR.get(vers, ""),
            )
        assert "impossible" in str(exc.value) or "Seule" in str(exc.value)

    stored = Adressage.objects.get(pk=adressage.pk)
    assert stored.statut == de
    assert list(Transition.objects.filter(adressage=adressage).values_list("pk", flat=True)) == (
        before
    )


@pytest.mark.parametrize(
    ("de", "vers"), [(de, vers) for (de, vers), side in TRANSITIONS.items() if side != "systeme"]
)
def test_the_other_side_may_not_make_the_move(de, vers):
    adressage, scene = adressage_au_statut(de)
    side = TRANSITIONS[(de, vers)]
    other = scene.emetteur if side == Side.DESTINATAIRE else scene.recepteur

    with pytest.raises(TransitionInterdite, match="Seule la structure"):
        services.adressage_transition(
            adressage=adressage, vers=vers, acting_user=other, motif=MOTIF_FOR.get(vers, "")
        )

    assert Adressage.objects.get(pk=adressage.pk).statut == de


def test_a_stranger_may_not_move_a_referral():
    adressage, _ = adressage_au_statut("recue")
    stranger = scene_adressage().recepteur

    with pytest.raises(TransitionInterdite, match="Vous n'êtes membre"):
        services.adressage_transition(adressage=adressage, vers="acceptee", acting_user=stranger)


@pytest.mark.parametrize(
    ("vers", "motif"), [("refusee", ""), ("refusee", "inconnu"), ("annulee", "")]
)
def test_coded_reason_is_required(vers, motif):
    adressage, scene = adressage_au_statut("recue")
    user = scene.recepteur if vers == "refusee" else scene.emetteur

    with pytest.raises(TransitionInterdite, match=r"motif|motiv"):
        services.adressage_transition(adressage=adressage, vers=vers, acting_user=user, motif=motif)

    assert Adressage.objects.get(pk=adressage.pk).statut == "recue"


def test_closing_needs_an_outcome_code():
    adressage, scene = adressage_au_statut("en_cours")

    with pytest.raises(TransitionInterdite, match="résultat"):
        services.adressage_transition(
            adressage=adressage, vers="terminee", acting_user=scene.recepteur, motif="super"
        )


def test_refusal_is_always_shared_back_to_the_sender():
    adressage, scene = adressage_au_statut("refusee")

    notes = scene.emetteur.notifications.filter(adressage=adressage, type="statut")
    assert notes.count() == 1
    assert "refusée" in notes.get().texte
    assert "pas de capacité" in notes.get().texte.lower()


def test_stale_object_cannot_overwrite_a_newer_status():
    adressage, scene = adressage_au_statut("recue")
    stale = Adressage.objects.get(pk=adressage.pk)
    services.adressage_transition(adressage=adressage, vers="acceptee", acting_user=scene.recepteur)

    with pytest.raises(TransitionInterdite):
        services.adressage_transition(
            adressage=stale, vers="refusee", acting_user=scene.recepteur, motif="hors_public"
        )

    assert Adressage.objects.get(pk=adressage.pk).statut == "acceptee"


def test_allowed_from_lists_each_side_moves():
    assert set(allowed_from("recue", Side.DESTINATAIRE)) == {"acceptee", "refusee", "redirigee"}
    assert set(allowed_from("recue", Side.EMETTRICE)) == {"annulee"}
    assert set(allowed_from("en_cours", Side.EMETTRICE)) == set()
    assert "expiree" in allowed_from("envoyee", Side.SYSTEME)
    for statut in ("refusee", "redirigee", "terminee", "expiree", "annulee"):
        assert allowed_from(statut, Side.DESTINATAIRE) == []


def test_every_status_maps_to_a_fhir_task_status():
    fhir = {"requested", "received", "accepted", "rejected", "cancelled"}
    fhir |= {"in-progress", "completed", "failed"}
    assert set(FHIR_TASK_STATUS) == set(Statut.values)
    assert set(FHIR_TASK_STATUS.values()) <= fhir


def test_redirection_creates_a_new_referral_with_its_own_consent():
    adressage, scene = adressage_au_statut("recue")
    tiers = StructureFactory(reseau="cap_emploi")

    nouveau = services.adressage_rediriger(
        adressage=adressage, vers_structure=tiers, acting_user=scene.recepteur
    )

    assert Adressage.objects.get(pk=adressage.pk).statut == "redirigee"
    assert nouveau.origine_id == adressage.pk
    assert nouveau.emettrice_id == scene.destinataire.pk
    assert nouveau.destinataire_id == tiers.pk
    assert list(nouveau.consentement.structures.all()) == [tiers]
    assert nouveau.consentement.recueilli_par == scene.recepteur
