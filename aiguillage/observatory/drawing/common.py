"""Shared by the drawings: colours, shapes and patterns (never colour alone), French numbers,
and what the région's two maps (tiles, boundaries) have in common: their pattern <defs>, their
legend and what they return (``RegionMap``)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from aiguillage.observatory.engine.schema import EMPLOYEE_SIDE, INSERTION, REGION_ANIMATION

# Every colour keeps a contrast ≥ 4.5:1 with white (WCAG 1.4.11 asks 3:1 for graphics), so the
# white numbers inside the nodes stay readable. Shapes tell the groups apart without colour.
NETWORK_COLOURS = {
    "france_travail": "#1f4e8c",
    "mission_locale": "#0f766e",
    "cap_emploi": "#7b3294",
    "apec": "#b93b0b",
    "cep_actifs_occupes": "#a3195b",
    "transitions_pro": "#7c4a0e",
    "region": "#15713a",
    "cite_des_metiers": "#4d6b0f",
    "carif_oref": "#0e6585",
}
OTHER_COLOUR = "#5f6672"
SHAPES = {
    **dict.fromkeys(INSERTION, "cercle"),
    **dict.fromkeys(EMPLOYEE_SIDE, "carré"),
    **dict.fromkeys(REGION_ANIMATION, "losange"),
}
GROUP_NAMES = {
    "cercle": "insertion",
    "carré": "côté salariés",
    "losange": "Région et son animateur",
    "triangle": "autres membres du SPRO",
}
# configuration → (colour, pattern name, how the pattern reads in words)
CONFIGURATION_STYLES = {
    "1": ("#1f4e8c", "aplat", "aplat bleu"),
    "2": ("#a34a06", "hachures", "hachures orangées"),
    "3": ("#15713a", "points", "points verts"),
    "mixte": ("#5f6672", "quadrillage", "quadrillage gris"),
}


def fr(value, digits: int = 2) -> str:
    """French decimal writing ("0,82"), "—" for a missing value."""
    if value is None:
        return "—"
    if isinstance(value, int) or float(value).is_integer():
        text = f"{int(value)}"
    else:
        text = f"{value:.{digits}f}".replace(".", ",")
    return text.replace("-", "−")


def num(value: float) -> str:
    return f"{value:.1f}"


def colour_of(network: str) -> str:
    return NETWORK_COLOURS.get(network, OTHER_COLOUR)


def shape_svg(network: str, x: float, y: float, r: float, fill: str, extra: str = "") -> str:
    kind = SHAPES.get(network, "triangle")
    attrs = f'fill="{fill}" stroke="#ffffff" stroke-width="1.5"{extra}'
    if kind == "cercle":
        return f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" {attrs}/>'
    if kind == "carré":
        s = r * 0.9
        return f'<rect x="{num(x - s)}" y="{num(y - s)}" width="{num(2 * s)}" height="{num(2 * s)}" {attrs}/>'  # noqa: E501
    if kind == "losange":
        s = r * 1.2
        points = f"{num(x)},{num(y - s)} {num(x + s)},{num(y)} {num(x)},{num(y + s)} {num(x - s)},{num(y)}"  # noqa: E501
        return f'<polygon points="{points}" {attrs}/>'
    s = r * 1.25
    points = f"{num(x)},{num(y - s)} {num(x + s * 0.95)},{num(y + s * 0.7)} {num(x - s * 0.95)},{num(y + s * 0.7)}"  # noqa: E501
    return f'<polygon points="{points}" {attrs}/>'


def network_swatch(network: str) -> str:
    shape = shape_svg(network, 10, 10, 7, colour_of(network))
    return (
        '<svg class="obs-swatch" width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" '
        f'focusable="false">{shape}</svg>'
    )


def network_order(network: str) -> int:
    order = [*INSERTION, *EMPLOYEE_SIDE, *REGION_ANIMATION]
    return order.index(network) if network in order else len(order)


def pattern_svg(configuration: str, pid: str) -> str:
    colour, kind, _ = CONFIGURATION_STYLES[configuration]
    head = f'<pattern id="{pid}" patternUnits="userSpaceOnUse"'
    if kind == "aplat":
        return f'{head} width="8" height="8"><rect width="8" height="8" fill="{colour}"/></pattern>'
    if kind == "hachures":
        return (
            f'{head} width="10" height="10"><rect width="10" height="10" fill="#ffffff"/>'
            f'<path d="M-2,2 L2,-2 M0,10 L10,0 M8,12 L12,8" stroke="{colour}" '
            'stroke-width="3.5"/></pattern>'
        )
    if kind == "points":
        return (
            f'{head} width="10" height="10"><rect width="10" height="10" fill="#ffffff"/>'
            f'<circle cx="5" cy="5" r="3" fill="{colour}"/></pattern>'
        )
    return (
        f'{head} width="10" height="10"><rect width="10" height="10" fill="#ffffff"/>'
        f'<path d="M0,5 H10 M5,0 V10" stroke="{colour}" stroke-width="2.5"/></pattern>'
    )


def configuration_swatch(configuration: str, pid: str) -> str:
    """A 36 × 24 aria-hidden swatch with the configuration's pattern (its own <defs>)."""
    return (
        '<svg class="obs-swatch" width="36" height="24" viewBox="0 0 36 24" aria-hidden="true" '
        f'focusable="false"><defs>{pattern_svg(configuration, pid)}</defs>'
        f'<rect x="1" y="1" width="34" height="22" fill="url(#{pid})" stroke="#222222"/></svg>'
    )


def pattern_id(configuration: str, id_prefix: str) -> str:
    return f"{id_prefix}-motif-{configuration}"


def pattern_fill(configuration: str, id_prefix: str) -> str:
    """The SVG fill of a territory in ``configuration``: ``url(#<prefix>-motif-<configuration>)``
    (defined by ``pattern_defs`` with the same prefix)."""
    return f"url(#{pattern_id(configuration, id_prefix)})"


def configurations_present(configurations) -> list[str]:
    """The configurations among ``configurations``, in the legend's order (1, 2, 3, mixte)."""
    return sorted(set(configurations), key=list(CONFIGURATION_STYLES).index)


def pattern_defs(configurations, id_prefix: str) -> str:
    """``<defs>`` with one pattern per configuration present (ids as in ``pattern_fill``)."""
    present = configurations_present(configurations)
    return "<defs>" + "".join(pattern_svg(c, pattern_id(c, id_prefix)) for c in present) + "</defs>"


def configurations_counted(configurations) -> str:
    """For a drawing's <desc>: « 2 en configuration 1, 1 en configuration mixte »."""
    configurations = list(configurations)
    return ", ".join(
        f"{configurations.count(c)} en configuration {c}"
        for c in configurations_present(configurations)
    )


def region_map_open(
    width: float,
    height: float,
    *,
    title: str,
    desc: str,
    id_prefix: str,
    configurations,
    css_class: str = "obs-carte",
) -> str:
    """A région map's opening: ``<svg role="img">`` named by its <title> and <desc>, and the
    patterns of the configurations present."""
    return (
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{id_prefix}-titre {id_prefix}-desc" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{id_prefix}-titre">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(desc)}</desc>'
        + pattern_defs(configurations, id_prefix)
    )


@dataclass(frozen=True)
class RegionMap:
    """A région's map, as tiles (``schematic``) or on the territories' real boundaries."""

    svg: str
    legend: list[tuple[str, str, str, str]]  # (configuration, label, pattern in words, swatch)
    counts: list[tuple[str, int]]  # (configuration, territories), configurations present
    schematic: bool = True
    unanalysed: int = 0  # territories drawn for context only (no structure, not analysed)
    unanalysed_swatch: str = ""


def region_map_legend(labels: dict[str, str], id_prefix: str) -> list[tuple[str, str, str, str]]:
    """The four configurations, each with its label, its pattern in words and a swatch."""
    return [
        (
            c,
            labels.get(c, c),
            CONFIGURATION_STYLES[c][2],
            configuration_swatch(c, f"{id_prefix}-legende-{c}"),
        )
        for c in CONFIGURATION_STYLES
    ]


def region_map_counts(configurations) -> list[tuple[str, int]]:
    configurations = list(configurations)
    return [(c, configurations.count(c)) for c in configurations_present(configurations)]
