"""The held sessions as the observatory's interactions (``selectors.rencontres_interactions``),
checked against the open import format's own loader."""

from __future__ import annotations

import csv
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aiguillage.coordination.models import GroupeTravail, Invitation
from aiguillage.coordination.selectors import (
    KIND_PAR_TYPE,
    InteractionRencontre,
    groupes_annotes,
    rencontre_kind,
    rencontres_interactions,
)
from aiguillage.directory.models import Reseau
from aiguillage.observatory.engine.loading import dataset_load
from aiguillage.observatory.engine.schema import KINDS
from tests.coordination.factories import GroupeTravailFactory, RencontreFactory
from tests.factories import RegionFactory, StructureFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def trois():
    return (
        StructureFactory(reseau=Reseau.REGION),
        StructureFactory(reseau=Reseau.MISSION_LOCALE),
        StructureFactory(reseau=Reseau.APEC),
    )


def test_every_kind_maps_into_the_import_formats_vocabulary():
    assert set(KIND_PAR_TYPE.values()) | {"working_group"} <= set(KINDS)
    assert rencontre_kind(type="reunion", dans_un_groupe=False) == "meeting"
    assert rencontre_kind(type="evenement", dans_un_groupe=False) == "meeting"
    assert rencontre_kind(type="reunion", dans_un_groupe=True) == "working_group"
    assert rencontre_kind(type="evenement", dans_un_groupe=True) == "working_group"
    assert (
        rencontre_kind(type="professionnalisation_croisee", dans_un_groupe=True) == "cross_training"
    )
    assert (
        rencontre_kind(type="echange_information", dans_un_groupe=False) == "information_exchange"
    )


@pytest.mark.parametrize(
    ("type", "groupe", "kind"),
    [
        ("reunion", False, "meeting"),
        ("reunion", True, "working_group"),
        ("professionnalisation_croisee", False, "cross_training"),
        ("evenement", False, "meeting"),
        ("echange_information", True, "information_exchange"),
    ],
)
def test_a_held_session_is_one_interaction(trois, type, groupe, kind):
    region, ml, apec = trois
    rencontre = RencontreFactory(
        organisatrice=region,
        invitees=[ml, apec],
        tenue=True,
        type=type,
        groupe=GroupeTravailFactory(animatrice=region, theme="saisonniers") if groupe else None,
        debut=dt.datetime(2026, 3, 5, 9, 30, tzinfo=PARIS),
        fin=dt.datetime(2026, 3, 5, 12, 0, tzinfo=PARIS),
    )

    assert list(rencontres_interactions()) == [
        InteractionRencontre(
            id=f"M{rencontre.pk}",
            date=dt.date(2026, 3, 5),
            kind=kind,
            organiser=region.pk,
            participants=(region.pk, ml.pk, apec.pk),
            theme="saisonniers" if groupe else "",
        )
    ]


def test_only_held_sessions_and_only_present_structures(trois):
    region, ml, apec = trois
    RencontreFactory(organisatrice=region, invitees=[ml, apec])  # planned
    RencontreFactory(organisatrice=region, invitees=[ml, apec], passee=True)  # not recorded
    RencontreFactory(organisatrice=region, invitees=[ml, apec], annulee=True)
    tenue = RencontreFactory(organisatrice=region, invitees=[ml, apec], tenue=True)
    Invitation.objects.filter(rencontre=tenue, structure=apec).update(presence="absente")

    (interaction,) = rencontres_interactions()

    assert interaction.id == f"M{tenue.pk}"
    assert interaction.participants == (region.pk, ml.pk)


def test_a_session_nobody_came_to_is_no_tie(trois):
    region, ml, _ = trois
    tenue = RencontreFactory(organisatrice=region, invitees=[ml], tenue=True)
    Invitation.objects.filter(rencontre=tenue).update(presence="absente")
    assert list(rencontres_interactions()) == []


def test_the_date_is_the_paris_day_not_the_utc_one(trois):
    region, ml, _ = trois
    RencontreFactory(
        organisatrice=region,
        invitees=[ml],
        tenue=True,
        debut=dt.datetime(2026, 1, 10, 0, 30, tzinfo=PARIS),  # 9 January, 23:30 UTC
        fin=dt.datetime(2026, 1, 10, 2, 0, tzinfo=PARIS),
    )
    (interaction,) = rencontres_interactions()
    assert interaction.date == dt.date(2026, 1, 10)


def test_the_sessions_own_theme_wins_over_its_groups(trois):
    region, ml, _ = trois
    groupe = GroupeTravailFactory(animatrice=region, theme="ingénierie financière")
    RencontreFactory(organisatrice=region, invitees=[ml], tenue=True, groupe=groupe, theme="CPF")
    assert next(rencontres_interactions()).theme == "CPF"


def test_structure_ids_keep_only_the_observatorys_organisations(trois):
    region, ml, apec = trois
    RencontreFactory(organisatrice=region, invitees=[ml, apec], tenue=True)
    RencontreFactory(organisatrice=ml, invitees=[region], tenue=True)

    kept = list(rencontres_interactions(structure_ids={region.pk, ml.pk}))
    assert [i.participants for i in kept] == [(region.pk, ml.pk), (ml.pk, region.pk)]
    # the organiser left out: the whole session is (organiser must be a participant)
    assert [i.organiser for i in rencontres_interactions(structure_ids={region.pk, apec.pk})] == [
        region.pk
    ]
    # one participant left: no tie
    assert list(rencontres_interactions(structure_ids={ml.pk})) == []


def test_region_and_end_date(trois):
    region, ml, _ = trois
    hdf = StructureFactory(region=RegionFactory(code="32", nom="Hauts-de-France"))
    early = RencontreFactory(
        organisatrice=region,
        invitees=[ml],
        tenue=True,
        debut=dt.datetime(2026, 2, 1, 9, tzinfo=PARIS),
        fin=dt.datetime(2026, 2, 1, 10, tzinfo=PARIS),
    )
    RencontreFactory(organisatrice=hdf, invitees=[StructureFactory()], tenue=True)

    assert [i.id for i in rencontres_interactions(region_code="84")] != []
    assert all(i.organiser != hdf.pk for i in rencontres_interactions(region_code="84"))
    assert [i.id for i in rencontres_interactions(fin=dt.date(2026, 2, 1))] == [f"M{early.pk}"]


def test_two_queries_whatever_the_number_of_sessions(trois, django_assert_num_queries):
    region, ml, apec = trois
    for _ in range(15):
        RencontreFactory(organisatrice=region, invitees=[ml, apec], tenue=True)
    with django_assert_num_queries(2):
        assert len(list(rencontres_interactions())) == 15


def test_the_observatorys_loader_accepts_the_interactions(tmp_path, trois):
    """What platform.py will write from the selector passes the import format's validation."""
    region, ml, apec = trois
    groupe = GroupeTravailFactory(animatrice=region, theme="ingénierie financière")
    RencontreFactory(organisatrice=region, invitees=[ml, apec], tenue=True, groupe=groupe)
    RencontreFactory(
        organisatrice=ml, invitees=[apec], tenue=True, type="professionnalisation_croisee"
    )
    RencontreFactory(organisatrice=apec, invitees=[ml], tenue=True, type="echange_information")
    RencontreFactory(organisatrice=apec, invitees=[region], tenue=True, type="evenement")
    with (tmp_path / "organisations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "network", "territory"])
        for s in trois:
            writer.writerow([f"S{s.pk}", s.nom, s.reseau, "73"])
    with (tmp_path / "interactions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "kind", "territory", "organiser", "participants", "theme"])
        for i in rencontres_interactions(structure_ids={s.pk for s in trois}):
            writer.writerow(
                [
                    i.id,
                    i.date.isoformat(),
                    i.kind,
                    "73",
                    f"S{i.organiser}",
                    ";".join(f"S{s}" for s in i.participants),
                    i.theme,
                ]
            )

    dataset = dataset_load(tmp_path)

    assert sorted(dataset.interactions["kind"].to_list()) == [
        "cross_training",
        "information_exchange",
        "meeting",
        "working_group",
    ]


def test_active_groups_come_before_closed_ones_on_every_database():
    """PostgreSQL sorts NULLs last and SQLite first: the active groups (no closing date) are
    listed first on both."""
    clos = GroupeTravailFactory(nom="A groupe clos", clos=True)
    actif = GroupeTravailFactory(nom="B groupe actif")

    ordre = list(groupes_annotes(GroupeTravail.objects.filter(pk__in=[clos.pk, actif.pk])))

    assert ordre == [actif, clos]
