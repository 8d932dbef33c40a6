"""Tie-graph indicators computed for many graphs at once, one per value of the key columns ``by``.

Concept map::

    events (by…, id, members: list)  ──pairs_explode──►  pairs (by…, a, b)   a < b, one per event
    pairs  ──ties──►  ties (by…, a, b, weight)       undirected, weight = number of shared events
    ties + nodes (by…, node)  ──►  density, degree_centralisation (Freeman), pair_coverage
    ties + membership (node, group)  ──►  ei_index (Krackhardt & Stern 1988)

Every function is vectorised (polars group-bys and joins, never a Python loop over events) and
returns one row per graph with the key columns plus the indicator; a value that is undefined
(too few nodes, no tie between the groups) is null, never 0.
"""

from __future__ import annotations

import polars as pl

__all__ = [
    "degree_centralisation",
    "density",
    "ei_index",
    "pair_coverage",
    "pairs_explode",
    "ties",
]


def pairs_explode(events: pl.DataFrame, by: list[str], members: str = "participants"):
    """Every unordered pair ``a < b`` of members of each event (k members → k(k−1)/2 pairs).

    Two-member events (most of them: referrals) take a direct path; larger ones a self-join.
    """
    size = pl.col(members).list.len()
    two = events.filter(size == 2).select(
        *by,
        pl.min_horizontal(pl.col(members).list.get(0), pl.col(members).list.get(1)).alias("a"),
        pl.max_horizontal(pl.col(members).list.get(0), pl.col(members).list.get(1)).alias("b"),
    )
    many = events.filter(size > 2).select(*by, pl.col(members)).with_row_index("_event")
    left = many.explode(members).rename({members: "a"})
    right = left.select("_event", pl.col("a").alias("b"))
    wide = left.join(right, on="_event").filter(pl.col("a") < pl.col("b")).select(*by, "a", "b")
    return pl.concat([two, wide])


def ties(pairs: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Undirected ties with their weight (number of events the two nodes shared)."""
    return pairs.group_by([*by, "a", "b"]).agg(pl.len().alias("weight"))


def density(tie_frame: pl.DataFrame, node_counts: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Ties / possible ties = L / (n(n−1)/2); ``node_counts`` has ``by`` and ``n``."""
    counted = tie_frame.group_by(by).agg(pl.len().alias("_ties"))
    frame = node_counts.join(counted, on=by, how="left").with_columns(pl.col("_ties").fill_null(0))
    possible = pl.col("n") * (pl.col("n") - 1) / 2
    value = pl.when(pl.col("n") >= 2).then(pl.col("_ties") / possible)
    return frame.select(*by, value.alias("density"))


def _degrees(tie_frame: pl.DataFrame, nodes: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    ends = pl.concat(
        [
            tie_frame.select(*by, pl.col("a").alias("node")),
            tie_frame.select(*by, pl.col("b").alias("node")),
        ]
    )
    counted = ends.group_by([*by, "node"]).agg(pl.len().alias("degree"))
    return nodes.join(counted, on=[*by, "node"], how="left").with_columns(
        pl.col("degree").fill_null(0)
    )


def degree_centralisation(
    tie_frame: pl.DataFrame, nodes: pl.DataFrame, by: list[str]
) -> pl.DataFrame:
    """Freeman's degree centralisation: Σ(d_max − d_i) / ((n−1)(n−2)), in [0, 1].

    1 for a star, 0 when every node has the same degree; null below three nodes.
    """
    degrees = _degrees(tie_frame, nodes, by)
    grouped = degrees.group_by(by).agg(
        pl.len().alias("n"), pl.col("degree").max().alias("dmax"), pl.col("degree").sum().alias("s")
    )
    n = pl.col("n")
    value = pl.when(n >= 3).then((n * pl.col("dmax") - pl.col("s")) / ((n - 1) * (n - 2)))
    return grouped.select(*by, value.alias("centralisation"))


def ei_index(
    tie_frame: pl.DataFrame,
    membership: pl.DataFrame,
    by: list[str],
    *,
    weighted: bool = False,
) -> pl.DataFrame:
    """Krackhardt's E-I index (E − I) / (E + I) between groups.

    ``membership`` maps ``node`` → ``group``; only ties whose two ends belong to a group count.
    E = ties between different groups, I = ties inside a group (weights summed if ``weighted``).
    −1: all ties internal (silos), +1: all ties cross the divide; null without any such tie.
    """
    groups = membership.select("node", "group")
    frame = tie_frame.join(groups.rename({"node": "a", "group": "ga"}), on="a", how="inner").join(
        groups.rename({"node": "b", "group": "gb"}), on="b", how="inner"
    )
    amount = pl.col("weight").cast(pl.Int64) if weighted else pl.lit(1, dtype=pl.Int64)
    grouped = frame.group_by(by).agg(
        amount.filter(pl.col("ga") != pl.col("gb")).sum().alias("E"),
        amount.filter(pl.col("ga") == pl.col("gb")).sum().alias("I"),
    )
    total = pl.col("E") + pl.col("I")
    value = pl.when(total > 0).then((pl.col("E") - pl.col("I")) / total)
    return grouped.select(*by, value.alias("ei_index"))


def pair_coverage(tie_frame: pl.DataFrame, nodes: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Share of the m(m−1)/2 pairs of ``nodes`` (by…, node) joined by at least one tie.

    Null when fewer than two nodes. Used for interconnaissance between CEP operators.
    """
    members = nodes.select(*by, "node")
    inside = (
        tie_frame.join(members.rename({"node": "a"}), on=[*by, "a"], how="semi")
        .join(members.rename({"node": "b"}), on=[*by, "b"], how="semi")
        .group_by(by)
        .agg(pl.len().alias("_covered"))
    )
    counts = members.group_by(by).agg(pl.len().alias("m"))
    frame = counts.join(inside, on=by, how="left").with_columns(pl.col("_covered").fill_null(0))
    m = pl.col("m")
    value = pl.when(m >= 2).then(pl.col("_covered") / (m * (m - 1) / 2))
    return frame.select(*by, value.alias("coverage"))
