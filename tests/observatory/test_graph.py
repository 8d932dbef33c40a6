"""The network maths on small hand-built graphs; each expected value is computed by hand."""

from __future__ import annotations

import polars as pl
import pytest

from aiguillage.observatory.maths import graph

BY = ["g"]


def _ties(edges: list[tuple[str, str]], group: str = "x") -> pl.DataFrame:
    events = pl.DataFrame({"g": [group] * len(edges), "participants": [list(e) for e in edges]})
    return graph.ties(graph.pairs_explode(events, BY), BY)


def _nodes(names: str, group: str = "x") -> pl.DataFrame:
    return pl.DataFrame({"g": [group] * len(names), "node": list(names)})


def test_pairs_explode_gives_every_unordered_pair_once():
    # A 4-member meeting → C(4,2) = 6 pairs; a referral b→a → 1 pair (a, b).
    events = pl.DataFrame({"g": ["x", "x"], "participants": [["d", "c", "b", "a"], ["b", "a"]]})
    pairs = graph.pairs_explode(events, BY).sort(["a", "b"])
    assert pairs.height == 7
    assert pairs.filter((pl.col("a") == "a") & (pl.col("b") == "b")).height == 2
    assert (pairs.get_column("a") < pairs.get_column("b")).all()


def test_ties_weight_counts_shared_events():
    # (a,b) shared twice, (a,c) once.
    ties = _ties([("a", "b"), ("b", "a"), ("a", "c")]).sort(["a", "b"])
    assert ties.get_column("weight").to_list() == [2, 1]


def test_density_of_a_path_of_four():
    # a-b-c-d: L = 3, possible = 4·3/2 = 6 → 0.5.
    ties = _ties([("a", "b"), ("b", "c"), ("c", "d")])
    counts = pl.DataFrame({"g": ["x"], "n": [4]})
    assert graph.density(ties, counts, BY).item(0, "density") == pytest.approx(0.5)


def test_density_is_null_below_two_nodes():
    counts = pl.DataFrame({"g": ["x"], "n": [1]})
    assert graph.density(_ties([("a", "b")], group="y"), counts, BY).item(0, "density") is None


def test_freeman_centralisation_star_is_one_and_cycle_is_zero():
    # Star centre a, leaves b..e: d = 4,1,1,1,1; Σ(4 − d) = 12; (n−1)(n−2) = 12 → 1.
    star = _ties([("a", x) for x in "bcde"])
    assert graph.degree_centralisation(star, _nodes("abcde"), BY).item(0, "centralisation") == 1
    # Cycle a-b-c-d-a: all degrees 2 → 0.
    cycle = _ties([("a", "b"), ("b", "c"), ("c", "d"), ("d", "a")])
    value = graph.degree_centralisation(cycle, _nodes("abcd"), BY).item(0, "centralisation")
    assert value == 0


def test_freeman_centralisation_counts_isolated_nodes():
    # Path a-b-c plus isolated d: d = 1,2,1,0; Σ(2 − d) = 1+0+1+2 = 4; (3)(2) = 6 → 2/3.
    ties = _ties([("a", "b"), ("b", "c")])
    value = graph.degree_centralisation(ties, _nodes("abcd"), BY).item(0, "centralisation")
    assert value == pytest.approx(4 / 6)


def test_ei_index_binary_and_weighted():
    # Groups: ft, ml in insertion (True); apec, cep employee side (False); reg has no group.
    # Ties: ft-ml (I, twice), ft-apec (E), ml-cep (E), apec-cep (I), reg-ft (ignored).
    # Binary: E = 2, I = 2 → 0. Weighted: E = 2, I = 2 + 1 = 3 → (2 − 3)/5 = −0.2.
    ties = _ties(
        [("ft", "ml"), ("ml", "ft"), ("ft", "apec"), ("ml", "cep"), ("apec", "cep"), ("reg", "ft")]
    )
    membership = pl.DataFrame(
        {"node": ["ft", "ml", "apec", "cep"], "group": [True, True, False, False]}
    )
    assert graph.ei_index(ties, membership, BY).item(0, "ei_index") == 0
    weighted = graph.ei_index(ties, membership, BY, weighted=True).item(0, "ei_index")
    assert weighted == pytest.approx(-0.2)


def test_ei_index_all_internal_is_minus_one():
    # Only ft-ml (I = 1, E = 0) → −1: a siloed territory.
    membership = pl.DataFrame({"node": ["ft", "ml", "apec"], "group": [True, True, False]})
    assert graph.ei_index(_ties([("ft", "ml")]), membership, BY).item(0, "ei_index") == -1


def test_pair_coverage_for_interconnaissance():
    # CEP operators a, b, c, d → 6 pairs; ties a-b, c-d, a-c plus a-z (z not an operator): 3/6.
    ties = _ties([("a", "b"), ("c", "d"), ("a", "c"), ("a", "z")])
    value = graph.pair_coverage(ties, _nodes("abcd"), BY).item(0, "coverage")
    assert value == pytest.approx(0.5)


def test_indicators_are_computed_per_group():
    # Two graphs at once: x is a triangle (density 1), y a single tie among 3 nodes (1/3).
    events = pl.DataFrame({"g": ["x", "y"], "participants": [["a", "b", "c"], ["d", "e"]]})
    ties = graph.ties(graph.pairs_explode(events, BY), BY)
    counts = pl.DataFrame({"g": ["x", "y"], "n": [3, 3]})
    values = dict(graph.density(ties, counts, BY).iter_rows())
    assert values == {"x": pytest.approx(1.0), "y": pytest.approx(1 / 3)}
