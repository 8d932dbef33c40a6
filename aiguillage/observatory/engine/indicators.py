"""Indicators per territory for a period (rolling 12 months ending at a date) and the one before.

Concept map::

    Dataset ──_periodise──► interactions tagged "courante" | "precedente" (by territory, period)
        ├─ maths.graph.pairs_explode → ties ──► densite, centralisation, indice_ei(_pondere),
        │                                       interconnaissance
        ├─ group-bys on interactions ──► part_multilaterale, part_multilaterale_region,
        │                                 bouclage and délai des orientations, thème dominant
        └─ resources / context (declared, not periodised)
    indicators_compute ──► one row per territory: values, ``precedent_*``, ``evolution_*``

Formulas are stated next to each indicator in ``INDICATORS`` and in docs/observatory.md.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from aiguillage.observatory.engine.loading import Dataset
from aiguillage.observatory.engine.schema import (
    CEP_OPERATORS,
    EMPLOYEE_SIDE,
    INSERTION,
    REGION_ANIMATION,
)
from aiguillage.observatory.maths import graph

__all__ = ["INDICATORS", "NUMERIC", "indicators_compute", "period_bounds"]

BY = ["territory", "period"]

# name → French definition with its formula (shown in docs and available to the pages).
INDICATORS: dict[str, str] = {
    "organisations": "Organisations déclarées sur le territoire (organisations.csv).",
    "organisations_actives": "Organisations ayant participé à au moins une interaction du "
    "territoire sur la période.",
    "interactions": "Interactions du territoire sur la période.",
    "densite": "Liens / liens possibles = L / (n(n−1)/2) ; n = organisations du territoire ∪ "
    "participants de ses interactions ; un lien = au moins une interaction partagée.",
    "centralisation": "Centralisation de degré de Freeman = Σ(d_max − d_i) / ((n−1)(n−2)).",
    "part_multilaterale": "Interactions à 3 organisations ou plus / interactions hors orientations "
    "(une orientation est bilatérale par construction).",
    "part_multilaterale_region": "Interactions multilatérales organisées par la Région ou son "
    "animateur (region, cite_des_metiers, carif_oref) / interactions multilatérales.",
    "ressources_actives": "Nombre des cinq ressources collectives déclarées actives "
    "(resources.csv).",
    "indice_ei": "Indice E-I de Krackhardt (E − I)/(E + I) sur les liens entre le groupe "
    "insertion (france_travail, cap_emploi, mission_locale) et le groupe salariés (apec, "
    "cep_actifs_occupes, transitions_pro) ; −1 = cloisonné, +1 = tout traverse le clivage.",
    "indice_ei_pondere": "Même indice, chaque lien pesant son nombre d'interactions.",
    "interconnaissance": "Paires d'opérateurs du CEP (france_travail, mission_locale, cap_emploi, "
    "apec, cep_actifs_occupes) reliées par au moins un lien / paires possibles.",
    "orientations": "Orientations (kind = referral) sur la période.",
    "taux_de_bouclage": "Orientations avec réponse (accepted, refused) / orientations dont "
    "l'issue est connue hors « pending » (accepted, refused, no_response).",
    "delai_median_reponse": "Médiane de response_days des orientations (jours).",
    "concentration_thematique": "Part de l'activité conjointe (interactions hors orientations) "
    "portant sur le thème dominant.",
    "theme_part_region": "Part des interactions du thème dominant organisées par la Région ou son "
    "animateur.",
    "part_theme_operateurs": "Part de l'activité conjointe portant sur le thème dominant et "
    "organisée par un opérateur (ni la Région ni son animateur) = concentration_thematique × "
    "(1 − theme_part_region).",
}
NUMERIC = [k for k in INDICATORS if k != "organisations"] + ["organisations"]


def period_bounds(end: dt.date, months: int = 12) -> tuple[dt.date, dt.date, dt.date]:
    """(start of previous, start of current, end): current = ]end − months, end]."""

    def back(day: dt.date, n: int) -> dt.date:
        year, month = divmod(day.year * 12 + day.month - 1 - n, 12)
        month += 1
        for d in (day.day, 30, 29, 28):
            try:
                return dt.date(year, month, d)
            except ValueError:
                continue
        raise AssertionError("unreachable")

    return back(end, 2 * months), back(end, months), end


def _periodise(data: Dataset, end: dt.date, months: int) -> pl.DataFrame:
    start_prev, start, end = period_bounds(end, months)
    date = pl.col("date")
    period = (
        pl.when((date > start) & (date <= end))
        .then(pl.lit("courante"))
        .when((date > start_prev) & (date <= start))
        .then(pl.lit("precedente"))
    )
    networks = data.organisations.select(pl.col("id").alias("organiser"), "network")
    return (
        data.interactions.with_columns(period.alias("period"))
        .filter(pl.col("period").is_not_null())
        .join(networks, on="organiser", how="left")
    )


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator, null (not NaN) when the denominator is 0."""
    return pl.when(denominator > 0).then(numerator / denominator)


def _activity(inter: pl.DataFrame) -> pl.DataFrame:
    joint = pl.col("kind") != "referral"
    multi = pl.col("participants").list.len() >= 3
    by_region = pl.col("network").is_in(list(REGION_ANIMATION))
    referral = pl.col("kind") == "referral"
    answered = pl.col("outcome").is_in(["accepted", "refused"])
    known = answered | (pl.col("outcome") == "no_response")
    return inter.group_by(BY).agg(
        pl.len().alias("interactions"),
        pl.col("participants").explode().n_unique().alias("organisations_actives"),
        _ratio((multi & joint).sum(), joint.sum()).alias("part_multilaterale"),
        _ratio((multi & by_region).sum(), multi.sum()).alias("part_multilaterale_region"),
        referral.sum().alias("orientations"),
        _ratio((referral & answered).sum(), (referral & known).sum()).alias("taux_de_bouclage"),
        pl.col("response_days").filter(referral).median().alias("delai_median_reponse"),
    )


def _themes(inter: pl.DataFrame) -> pl.DataFrame:
    joint = inter.filter(pl.col("kind") != "referral")
    totals = joint.group_by(BY).agg(pl.len().alias("_joint"))
    counts = (
        joint.filter(pl.col("theme").is_not_null())
        .group_by([*BY, "theme"])
        .agg(
            pl.len().alias("_n"),
            pl.col("network").is_in(list(REGION_ANIMATION)).mean().alias("theme_part_region"),
            pl.col("network").mode().sort().first().alias("theme_organisateur"),
        )
        .sort([*BY, "_n", "theme"], descending=[False, False, True, False])
        .group_by(BY, maintain_order=True)
        .first()
    )
    return (
        totals.join(counts, on=BY, how="left")
        .select(
            *BY,
            pl.col("theme").alias("theme_dominant"),
            (pl.col("_n").fill_null(0) / pl.col("_joint")).alias("concentration_thematique"),
            "theme_part_region",
            "theme_organisateur",
        )
        .with_columns(
            (pl.col("concentration_thematique") * (1 - pl.col("theme_part_region")))
            .fill_null(0.0)
            .alias("part_theme_operateurs")
        )
    )


def _network(data: Dataset, inter: pl.DataFrame, periods: pl.DataFrame) -> pl.DataFrame:
    # Organisation ids become UInt32 codes: joins and explodes on integers are several times
    # lighter than on strings (2 M interactions → ~6 M participations).
    ids = data.organisations.get_column("id")
    mapping = dict(zip(ids.to_list(), range(len(ids)), strict=True))
    codes = pl.Series("node", range(len(ids)), dtype=pl.UInt32)
    participants = pl.col("participants").list.eval(
        pl.element().replace_strict(mapping, return_dtype=pl.UInt32)
    )
    inter = inter.select(*BY, participants)
    declared = data.organisations.select("territory", codes).join(periods, how="cross")
    taking_part = inter.select(*BY, pl.col("participants").alias("node")).explode("node").unique()
    nodes = pl.concat([declared.select(*BY, "node"), taking_part]).unique()
    del taking_part
    tie_frame = graph.ties(graph.pairs_explode(inter, BY), BY)
    counts = nodes.group_by(BY).agg(pl.len().alias("n"))
    networks = pl.DataFrame([codes, data.organisations.get_column("network")])
    membership = networks.filter(pl.col("network").is_in(list(INSERTION + EMPLOYEE_SIDE))).select(
        "node", pl.col("network").is_in(list(INSERTION)).alias("group")
    )
    cep_nodes = nodes.join(
        networks.filter(pl.col("network").is_in(list(CEP_OPERATORS))), on="node", how="semi"
    )
    out = graph.density(tie_frame, counts, BY).rename({"density": "densite"})
    parts = [
        graph.degree_centralisation(tie_frame, nodes, BY),
        graph.ei_index(tie_frame, membership, BY).rename({"ei_index": "indice_ei"}),
        graph.ei_index(tie_frame, membership, BY, weighted=True).rename(
            {"ei_index": "indice_ei_pondere"}
        ),
        graph.pair_coverage(tie_frame, cep_nodes, BY).rename({"coverage": "interconnaissance"}),
    ]
    for part in parts:
        out = out.join(part, on=BY, how="left")
    return out


def indicators_compute(
    data: Dataset, *, end: dt.date | None = None, months: int = 12
) -> tuple[pl.DataFrame, dt.date]:
    """One row per territory; returns the frame and the end date used.

    ``end`` defaults to the latest interaction date (reproducible, unlike "today").
    """
    if end is None:
        end = data.interactions.get_column("date").max() or dt.date.today()
    inter = _periodise(data, end, months)
    periods = pl.DataFrame({"period": ["courante", "precedente"]})
    territories = (
        pl.concat(
            [
                data.organisations.select("territory"),
                data.interactions.select("territory"),
            ]
        )
        .unique()
        .join(periods, how="cross")
    )
    frame = territories
    for part in (_activity(inter), _themes(inter), _network(data, inter, periods)):
        frame = frame.join(part, on=BY, how="left")
    declared = data.organisations.group_by("territory").agg(pl.len().alias("organisations"))
    frame = frame.join(declared, on="territory", how="left").with_columns(
        pl.col("organisations").fill_null(0),
        pl.col("interactions").fill_null(0),
        pl.col("organisations_actives").fill_null(0),
        pl.col("orientations").fill_null(0),
    )
    if data.resources is not None:
        active = (
            data.resources.filter(pl.col("active"))
            .group_by("territory")
            .agg(pl.col("resource").n_unique().alias("ressources_actives"))
        )
        frame = frame.join(active, on="territory", how="left").with_columns(
            pl.col("ressources_actives").fill_null(0)
        )
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.UInt32).alias("ressources_actives"))
    current = frame.filter(pl.col("period") == "courante").drop("period")
    previous = frame.filter(pl.col("period") == "precedente").drop("period")
    numeric = [c for c in NUMERIC if c not in ("organisations", "ressources_actives")]
    # No interaction in the previous period: nothing was observed, so no value (and no change).
    observed = pl.col("interactions") > 0
    previous = previous.select(
        "territory",
        pl.col("interactions").alias("precedent_interactions"),
        *[
            pl.when(observed).then(pl.col(c)).alias(f"precedent_{c}")
            for c in numeric
            if c != "interactions"
        ],
    )
    result = current.join(previous, on="territory", how="left").with_columns(
        *[
            (pl.col(c).cast(pl.Float64) - pl.col(f"precedent_{c}").cast(pl.Float64)).alias(
                f"evolution_{c}"
            )
            for c in numeric
        ]
    )
    if data.context is not None:
        result = result.join(data.context, on="territory", how="left")
    return result.sort("territory"), end
