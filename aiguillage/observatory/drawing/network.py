"""A territory's network: organisations coloured and shaped by network, ties weighted.

``network_drawing(nodes, ties, …)`` → ``NetworkDrawing``: the SVG (role="img", <title>, <desc>),
the legend, the most central organisations (numbered as on the drawing) and the strongest ties —
the two tables are the drawing's text alternative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import networkx as nx

from aiguillage.observatory.drawing.common import (
    GROUP_NAMES,
    OTHER_COLOUR,
    SHAPES,
    colour_of,
    network_order,
    network_swatch,
    num,
    shape_svg,
)
from aiguillage.observatory.drawing.layout import fit_to_frame, labels_svg, spring_layout
from aiguillage.observatory.engine.schema import NETWORK_LABELS


@dataclass(frozen=True)
class LegendEntry:
    network: str
    label: str
    colour: str
    shape: str
    count: int
    swatch: str  # a small aria-hidden SVG


@dataclass(frozen=True)
class CentralNode:
    number: int
    id: str
    name: str
    network: str
    degree: int
    strength: int


@dataclass(frozen=True)
class TopTie:
    a: str
    b: str
    weight: int


@dataclass(frozen=True)
class NetworkDrawing:
    svg: str
    legend: list[LegendEntry]
    central: list[CentralNode]
    top_ties: list[TopTie]
    nodes: int
    ties: int
    drawn_ties: int


def network_drawing(
    nodes: list[dict],
    ties: list[dict],
    *,
    title: str,
    id_prefix: str = "reseau",
    labels: dict[str, str] | None = None,
    max_labels: int = 10,
    max_ties: int = 600,
    top: int = 15,
    seed: int = 7,
    width: int = 760,
    height: int = 540,
) -> NetworkDrawing:
    """Draw ``nodes`` (id, name, network, degree, strength) and ``ties`` (a, b, weight).

    Nodes are numbered by strength (sum of tie weights, the most central first); only the first
    ``max_labels`` carry their number and network on the drawing, the ``top`` first are listed in
    the table that goes with it. Only the ``max_ties`` strongest ties are drawn.
    """
    labels = labels or NETWORK_LABELS
    graph = nx.Graph()
    for node in nodes:
        graph.add_node(node["id"])
    for tie in ties:
        graph.add_edge(tie["a"], tie["b"], weight=int(tie["weight"]))
    strength = dict(graph.degree(weight="weight"))
    ordered = sorted(nodes, key=lambda d: (-strength.get(d["id"], 0), d["id"]))
    number = {d["id"]: i + 1 for i, d in enumerate(ordered)}
    by_id = {d["id"]: d for d in nodes}
    position = spring_layout(graph, seed)
    margin_x, margin_y = 70, 40
    fitted = fit_to_frame(position)
    xy = {
        v: (margin_x + x * (width - 2 * margin_x), margin_y + y * (height - 2 * margin_y))
        for v, (x, y) in fitted.items()
    }
    drawn = sorted(ties, key=lambda t: (-int(t["weight"]), t["a"], t["b"]))[:max_ties]
    heaviest = max((int(t["weight"]) for t in drawn), default=1)
    biggest = max(strength.values(), default=0) or 1
    parts = [
        f'<svg class="obs-reseau" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{id_prefix}-titre {id_prefix}-desc" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{id_prefix}-titre">{escape(title)}</title>',
    ]
    leaders = [labels.get(d["network"], d["network"]) for d in ordered[:3]]
    desc = (
        f"{len(nodes)} organisations et {len(ties)} liens sur la période"
        + (f" ({len(drawn)} liens les plus forts dessinés)" if len(drawn) < len(ties) else "")
        + ". Épaisseur d'un lien : nombre d'interactions partagées. "
        + (f"Organisations les plus centrales : {', '.join(leaders)}. " if leaders else "")
        + "Les tableaux qui suivent donnent les mêmes informations."
    )
    parts.append(f'<desc id="{id_prefix}-desc">{escape(desc)}</desc>')
    parts.append('<g class="liens" stroke="#4b5563" stroke-linecap="round">')
    for tie in reversed(drawn):  # the strongest on top
        (x1, y1), (x2, y2) = xy[tie["a"]], xy[tie["b"]]
        share = int(tie["weight"]) / heaviest
        parts.append(
            f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
            f'stroke-width="{0.5 + 6.5 * share:.2f}" stroke-opacity="{0.18 + 0.5 * share:.2f}"/>'
        )
    parts.append("</g>")
    parts.append('<g class="noeuds">')
    for node in reversed(ordered):  # the most central on top
        x, y = xy[node["id"]]
        r = 6 + 10 * math.sqrt(strength.get(node["id"], 0) / biggest)
        parts.append(
            f'<g class="noeud" data-organisation="{escape(node["id"])}">'
            + shape_svg(node["network"], x, y, r, colour_of(node["network"]))
        )
        parts.append("</g>")
    parts.append("</g>")
    parts.append(labels_svg(ordered[:max_labels], xy, strength, biggest, number, labels, width))
    parts.append("</svg>")
    present: dict[str, int] = {}
    for node in nodes:
        present[node["network"]] = present.get(node["network"], 0) + 1
    legend = [
        LegendEntry(
            network=net,
            label=labels.get(net, net),
            colour=colour_of(net),
            shape=f"{SHAPES[net]} ({GROUP_NAMES[SHAPES[net]]})",
            count=count,
            swatch=network_swatch(net),
        )
        for net, count in sorted(present.items(), key=lambda kv: network_order(kv[0]))
        if net in SHAPES
    ]
    others = sorted((labels.get(net, net), c) for net, c in present.items() if net not in SHAPES)
    if others:  # one grey triangle for every other SPRO member, named one by one
        legend.append(
            LegendEntry(
                network="autres",
                label=", ".join(f"{name} ({c})" for name, c in others),
                colour=OTHER_COLOUR,
                shape=f"triangle gris ({GROUP_NAMES['triangle']})",
                count=sum(c for _, c in others),
                swatch=network_swatch("autre"),
            )
        )
    central = [
        CentralNode(
            number=number[d["id"]],
            id=d["id"],
            name=d.get("name") or d["id"],
            network=labels.get(d["network"], d["network"]),
            degree=graph.degree(d["id"]),
            strength=strength.get(d["id"], 0),
        )
        for d in ordered[:top]
    ]
    name = {d["id"]: (by_id[d["id"]].get("name") or d["id"]) for d in nodes}
    top_ties = [TopTie(name[t["a"]], name[t["b"]], int(t["weight"])) for t in drawn[:top]]
    return NetworkDrawing(
        svg="".join(parts),
        legend=legend,
        central=central,
        top_ties=top_ties,
        nodes=len(nodes),
        ties=len(ties),
        drawn_ties=len(drawn),
    )
