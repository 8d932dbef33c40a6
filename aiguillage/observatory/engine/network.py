"""One territory's tie graph over a period, for the drawing, the report and the API.

Concept map: ``territory_network(dataset, territory, end=…)`` → ``(nodes, ties)``:
nodes = organisations declared on the territory ∪ participants of its interactions of the period
(the same node set as the indicators), with ``degree`` (number of ties) and ``strength`` (sum of
tie weights); ties = undirected pairs that shared at least one interaction, ``weight`` = number of
shared interactions (``maths.graph.ties``). Organisations only: no person is involved.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from aiguillage.observatory.engine.indicators import period_bounds
from aiguillage.observatory.engine.loading import Dataset
from aiguillage.observatory.maths import graph

__all__ = ["territory_network"]


def territory_network(
    data: Dataset, territory: str, *, end: dt.date, months: int = 12
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``nodes`` (id, name, network, degree, strength, interactions) sorted by strength then id,
    and ``ties`` (a, b, weight) sorted by weight (strongest first) then ids."""
    _, start, end = period_bounds(end, months)
    inter = data.interactions.filter(
        (pl.col("territory") == territory) & (pl.col("date") > start) & (pl.col("date") <= end)
    ).select("id", "participants")
    tie_frame = graph.ties(graph.pairs_explode(inter, []), []).sort(
        ["weight", "a", "b"], descending=[True, False, False]
    )
    taking_part = (
        inter.explode("participants").group_by("participants").agg(pl.len().alias("interactions"))
    )
    declared = data.organisations.filter(pl.col("territory") == territory).select("id")
    ids = pl.concat([declared, taking_part.select(pl.col("participants").alias("id"))]).unique()
    ends = pl.concat(
        [
            tie_frame.select(pl.col("a").alias("id"), "weight"),
            tie_frame.select(pl.col("b").alias("id"), "weight"),
        ]
    )
    degrees = ends.group_by("id").agg(
        pl.len().alias("degree"), pl.col("weight").sum().cast(pl.Int64).alias("strength")
    )
    nodes = (
        ids.join(data.organisations.select("id", "name", "network"), on="id", how="left")
        .join(degrees, on="id", how="left")
        .join(taking_part.rename({"participants": "id"}), on="id", how="left")
        .with_columns(
            pl.col("degree").fill_null(0).cast(pl.Int64),
            pl.col("strength").fill_null(0),
            pl.col("interactions").fill_null(0).cast(pl.Int64),
        )
        .sort(["strength", "id"], descending=[True, False])
    )
    return nodes, tie_frame.with_columns(pl.col("weight").cast(pl.Int64))
