"""Indicators of a hand-built territory; each expected value is computed by hand in a comment."""

from __future__ import annotations

import datetime as dt

import pytest

from aiguillage.observatory.engine.indicators import indicators_compute, period_bounds
from aiguillage.observatory.engine.loading import dataset_load

ORGANISATIONS = """id,name,network,territory
ft,France Travail,france_travail,T1
ml,Mission locale,mission_locale,T1
ce,Cap emploi,cap_emploi,T1
ap,Apec,apec,T1
cep,Opérateur CEP,cep_actifs_occupes,T1
reg,Région,region,T1
"""
INTERACTIONS = """id,date,kind,territory,organiser,participants,theme,outcome,response_days
1,2025-03-01,referral,T1,ft,ft;ml,,accepted,3
2,2025-04-01,referral,T1,ml,ml;ce,,no_response,
3,2025-05-01,meeting,T1,reg,reg;ft;ap;cep,saisonniers,,
4,2025-06-01,working_group,T1,cep,cep;ft;ml,saisonniers,,
5,2024-01-01,meeting,T1,ft,ft;ml,,,
6,2025-02-01,referral,T1,ce,ce;ap,,refused,9
7,2025-05-15,information_exchange,T1,ml,ml;ce,emploi,,
"""
RESOURCES = "territory,resource,active\nT1,portal,1\nT1,phone_platform,oui\nT1,cross_training,0\n"


@pytest.fixture
def row(tmp_path):
    (tmp_path / "organisations.csv").write_text(ORGANISATIONS, encoding="utf-8")
    (tmp_path / "interactions.csv").write_text(INTERACTIONS, encoding="utf-8")
    (tmp_path / "resources.csv").write_text(RESOURCES, encoding="utf-8")
    frame, end = indicators_compute(dataset_load(tmp_path), end=dt.date(2025, 6, 30))
    assert end == dt.date(2025, 6, 30)
    return frame.to_dicts()[0]


def test_period_is_the_twelve_months_ending_at_the_date():
    assert period_bounds(dt.date(2025, 6, 30)) == (
        dt.date(2023, 6, 30),
        dt.date(2024, 6, 30),
        dt.date(2025, 6, 30),
    )
    # Month ends are clamped: 29 Feb 2024 minus 12 months → 28 Feb 2023.
    assert period_bounds(dt.date(2024, 2, 29))[1] == dt.date(2023, 2, 28)


def test_counts(row):
    # Current period ]2024-06-30, 2025-06-30]: interactions 1, 2, 3, 4, 6, 7 (5 is earlier).
    assert row["interactions"] == 6
    assert row["organisations"] == 6
    assert row["organisations_actives"] == 6
    assert row["orientations"] == 3


def test_density_and_centralisation(row):
    # Ties: ft-ml, ml-ce, reg-ft, reg-ap, reg-cep, ft-ap, ft-cep, ap-cep, cep-ml, ce-ap = 10
    # (ml-ce repeated by 7). n = 6 → 10 / 15.
    assert row["densite"] == pytest.approx(10 / 15)
    # Degrees: ft 4 (ml, reg, ap, cep), ml 3 (ft, ce, cep), ce 2 (ml, ap), reg 3, ap 4 (reg, ft,
    # cep, ce), cep 4 (reg, ft, ap, ml). Σ = 20, max 4: (6·4 − 20) / (5·4) = 4/20.
    assert row["centralisation"] == pytest.approx(0.2)


def test_multilateral_shares(row):
    # Joint (non-referral) activity: 3 (4 orgs), 4 (3 orgs), 7 (2 orgs) → 2/3 multilateral;
    # of the two multilateral ones, 3 is organised by the Région → 1/2.
    assert row["part_multilaterale"] == pytest.approx(2 / 3)
    assert row["part_multilaterale_region"] == pytest.approx(0.5)


def test_resources_count_only_active_ones(row):
    # portal (1) and phone_platform (oui) are active, cross_training (0) is not → 2.
    assert row["ressources_actives"] == 2


def test_ei_index_and_interconnaissance(row):
    # Insertion {ft, ml, ce}, employee side {ap, cep}. Ties among them: ft-ml I, ml-ce I,
    # ft-ap E, ft-cep E, ap-cep I, cep-ml E, ce-ap E → E = 4, I = 3 → 1/7.
    assert row["indice_ei"] == pytest.approx(1 / 7)
    # Weighted: ft-ml 2 (1, 4), ml-ce 2 (2, 7), ft-ap 1, ft-cep 2 (3, 4), ap-cep 1, cep-ml 1,
    # ce-ap 1 → E = 1 + 2 + 1 + 1 = 5, I = 2 + 2 + 1 = 5 → 0.
    assert row["indice_ei_pondere"] == pytest.approx(0)
    # CEP operators ft, ml, ce, ap, cep: 10 pairs; tied: ft-ml, ml-ce, ft-ap, ft-cep, ap-cep,
    # cep-ml, ce-ap = 7 → 0.7 (ft-ce and ml-ap and ce-cep missing).
    assert row["interconnaissance"] == pytest.approx(0.7)


def test_referrals(row):
    # Outcomes accepted, no_response, refused → answered 2 / known 3; delays 3 and 9 → median 6.
    assert row["taux_de_bouclage"] == pytest.approx(2 / 3)
    assert row["delai_median_reponse"] == pytest.approx(6)


def test_thematic_concentration(row):
    # Joint activity 3, 4, 7: saisonniers twice, emploi once → dominant saisonniers, 2/3;
    # organised by reg (Région) and cep → 1/2 by the Région; operators' share 2/3 × 1/2 = 1/3.
    assert row["theme_dominant"] == "saisonniers"
    assert row["concentration_thematique"] == pytest.approx(2 / 3)
    assert row["theme_part_region"] == pytest.approx(0.5)
    assert row["part_theme_operateurs"] == pytest.approx(1 / 3)


def test_previous_period_and_change(row):
    # Previous period ]2023-06-30, 2024-06-30]: only 5 (ft-ml) → 1 tie / 15; change 10/15 − 1/15.
    assert row["precedent_interactions"] == 1
    assert row["precedent_densite"] == pytest.approx(1 / 15)
    assert row["evolution_densite"] == pytest.approx(9 / 15)
    # No referral before: undefined, not 0.
    assert row["precedent_taux_de_bouclage"] is None
    assert row["evolution_taux_de_bouclage"] is None


def test_previous_period_without_interactions_has_no_values(tmp_path):
    (tmp_path / "organisations.csv").write_text(ORGANISATIONS, encoding="utf-8")
    (tmp_path / "interactions.csv").write_text(INTERACTIONS, encoding="utf-8")
    # Ending 2024-12-31: previous period ]2022-12-31, 2023-12-31] has no interaction.
    frame, _ = indicators_compute(dataset_load(tmp_path), end=dt.date(2024, 12, 31))
    row = frame.to_dicts()[0]
    assert row["precedent_interactions"] == 0
    assert row["precedent_densite"] is None and row["evolution_densite"] is None
