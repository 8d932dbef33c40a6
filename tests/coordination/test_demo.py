"""The demo step: idempotent, labelled, and showing every state a user meets."""

from __future__ import annotations

from html import unescape

import pytest

from aiguillage.coordination import demo
from aiguillage.coordination.models import GroupeTravail, Invitation, Rencontre
from aiguillage.coordination.selectors import rencontres_interactions
from aiguillage.core.demo import DEMO_STRUCTURES
from aiguillage.territories.models import Commune
from tests.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def structures():
    noms = {nom: (reseau, code) for reseau, nom, code in DEMO_STRUCTURES}
    result = {}
    for nom in {n for spec in demo.DEMO_RENCONTRES for n in (spec.organisatrice, *spec.invitees)}:
        reseau, code = noms[nom]
        commune = Commune.objects.get(code=code)
        result[nom] = StructureFactory(
            nom=nom,
            reseau=reseau,
            commune=commune,
            departement_id=commune.departement_id,
            region_id=commune.region_id,
            est_demo=True,
        )
    MembershipFactory(
        coordinateur=True, structure=result[demo.REGION], user__email=demo.COORDINATION
    )
    return result


def test_the_demo_step_is_idempotent_labelled_and_feeds_the_observatory(client, structures):
    demo.coordination_demo_load(structures)
    counts = (GroupeTravail.objects.count(), Rencontre.objects.count(), Invitation.objects.count())
    demo.coordination_demo_load(structures)

    assert counts == (
        GroupeTravail.objects.count(),
        Rencontre.objects.count(),
        Invitation.objects.count(),
    )
    assert counts[:2] == (len(demo.DEMO_GROUPES), len(demo.DEMO_RENCONTRES))
    assert set(Rencontre.objects.values_list("statut", flat=True)) == {
        "prevue",
        "tenue",
        "annulee",
    }
    assert all(r.description.startswith(demo.NOTE_DEMO) for r in Rencontre.objects.all())
    assert all("démonstration" in g.description for g in GroupeTravail.objects.all())
    kinds = {i.kind for i in rencontres_interactions()}
    assert kinds == {"working_group", "cross_training", "information_exchange"}

    coordination = structures[demo.REGION].memberships.get().user
    client.force_login(coordination)
    a_venir = unescape(client.get("/coordination/").content.decode())
    passees = unescape(client.get("/coordination/?periode=passees").content.decode())
    assert "Forum emploi-formation de Chambéry" in a_venir
    assert "Démonstration" in a_venir
    assert "Présences à saisir" in passees
