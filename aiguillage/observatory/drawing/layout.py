"""Layout of a network drawing: a seeded Fruchterman–Reingold and the placement of labels.

networkx's own layouts need numpy, which the project does not depend on: this one is pure Python,
O(n²) per iteration (fine for the few hundred organisations of a territory), and deterministic for
a given seed, so the same data always gives the same picture.
"""

from __future__ import annotations

import math
import random
from html import escape

import networkx as nx

from aiguillage.observatory.drawing.common import num


def spring_layout(
    graph: nx.Graph, seed: int, iterations: int = 150
) -> dict[str, tuple[float, float]]:
    """Seeded Fruchterman–Reingold (1991) in the unit square, attraction ∝ tie weight."""
    rng = random.Random(seed)
    names = sorted(graph.nodes)
    n = len(names)
    if n == 0:
        return {}
    if n == 1:
        return {names[0]: (0.5, 0.5)}
    pos = {v: [rng.random(), rng.random()] for v in names}
    k = math.sqrt(1.0 / n)
    heaviest = max((w for _, _, w in graph.edges(data="weight", default=1)), default=1)
    edges = [(a, b, 0.15 + 0.85 * w / heaviest) for a, b, w in graph.edges(data="weight")]
    iterations = max(40, min(iterations, int(iterations * 150 / n)))
    temperature = 0.1
    for step in range(iterations):
        move = {v: [0.0, 0.0] for v in names}
        for i, a in enumerate(names):
            ax, ay = pos[a]
            for b in names[i + 1 :]:
                dx, dy = ax - pos[b][0], ay - pos[b][1]
                dist2 = max(dx * dx + dy * dy, 1e-6)
                force = k * k / dist2
                move[a][0] += dx * force
                move[a][1] += dy * force
                move[b][0] -= dx * force
                move[b][1] -= dy * force
        for a, b, strength in edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = math.sqrt(dx * dx + dy * dy) or 1e-3
            force = strength * dist / k
            move[a][0] -= dx * force
            move[a][1] -= dy * force
            move[b][0] += dx * force
            move[b][1] += dy * force
        for v in names:  # a weak pull to the centre keeps isolated organisations in the frame
            move[v][0] += (0.5 - pos[v][0]) * 0.05 * n
            move[v][1] += (0.5 - pos[v][1]) * 0.05 * n
            length = math.hypot(*move[v]) or 1e-9
            shift = min(length, temperature)
            pos[v][0] += move[v][0] / length * shift
            pos[v][1] += move[v][1] / length * shift
        temperature = 0.1 * (1 - (step + 1) / (iterations + 1))
    return {v: (p[0], p[1]) for v, p in pos.items()}


def _axis(values: list[float]) -> list[float]:
    """Piecewise-linear, order-keeping map to [0, 1]: the middle 80 % of the nodes fill the
    middle 70 % of the frame, the outliers (weakly tied organisations) the edges."""
    ordered = sorted(values)
    n = len(ordered)
    low, high = ordered[0], ordered[-1]
    q1, q9 = ordered[round(0.1 * (n - 1))], ordered[round(0.9 * (n - 1))]

    def ramp(v, a, b, ya, yb):
        return ya if b - a < 1e-9 else ya + (v - a) / (b - a) * (yb - ya)

    out = []
    for v in values:
        if v < q1:
            out.append(ramp(v, low, q1, 0.0, 0.15))
        elif v > q9:
            out.append(ramp(v, q9, high, 0.85, 1.0))
        else:
            out.append(ramp(v, q1, q9, 0.15, 0.85) if q9 - q1 > 1e-9 else 0.5)
    return out


def fit_to_frame(position: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Spread the layout over the unit square (see ``_axis``), each axis on its own."""
    if len(position) < 2:
        return dict.fromkeys(position, (0.5, 0.5))
    names = list(position)
    xs = _axis([position[v][0] for v in names])
    ys = _axis([position[v][1] for v in names])
    return {v: (x, y) for v, x, y in zip(names, xs, ys, strict=True)}


def labels_svg(chosen, xy, strength, biggest, number, labels, width) -> str:
    """Labels of the most central nodes ("1. France Travail"), each put where it overlaps
    neither an earlier label nor a labelled node: right, left, above or below."""
    taken: list[tuple[float, float, float, float]] = []
    for node in chosen:
        x, y = xy[node["id"]]
        r = 6 + 10 * math.sqrt(strength.get(node["id"], 0) / biggest)
        taken.append((x - r, y - r, x + r, y + r))
    out = []
    for node in chosen:
        x, y = xy[node["id"]]
        r = 6 + 10 * math.sqrt(strength.get(node["id"], 0) / biggest)
        text = f"{number[node['id']]}. {labels.get(node['network'], node['network'])}"
        w, h = 7.2 * len(text), 14
        options = [
            (x + r + 4, y + 4, "start", (x + r + 2, y - h / 2, x + r + 6 + w, y + h / 2)),
            (x - r - 4, y + 4, "end", (x - r - 6 - w, y - h / 2, x - r - 2, y + h / 2)),
            (x, y - r - 6, "middle", (x - w / 2, y - r - 6 - h, x + w / 2, y - r - 2)),
            (x, y + r + 15, "middle", (x - w / 2, y + r + 2, x + w / 2, y + r + 2 + h)),
        ]
        if x > width * 0.7:  # near the right edge: left first
            options[0], options[1] = options[1], options[0]
        own = (x - r, y - r, x + r, y + r)

        def overlap(box, own=own):
            area = sum(
                max(0.0, min(box[2], b[2]) - max(box[0], b[0]))
                * max(0.0, min(box[3], b[3]) - max(box[1], b[1]))
                for b in taken
                if b != own
            )
            outside = box[0] < 0 or box[2] > width
            return area + (1e6 if outside else 0)

        # the first free place, else the least covered one
        tx, ty, anchor, box = min(options, key=lambda o: overlap(o[3]))
        taken.append(box)
        common = f'x="{num(tx)}" y="{num(ty)}" text-anchor="{anchor}" font-size="12"'
        out.append(
            f'<text {common} stroke="#ffffff" stroke-width="4" fill="#ffffff" '
            f'aria-hidden="true">{escape(text)}</text>'
            f'<text {common} fill="#111111" font-weight="bold">{escape(text)}</text>'
        )
    return '<g class="etiquettes">' + "".join(out) + "</g>"
