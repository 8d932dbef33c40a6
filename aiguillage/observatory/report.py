"""Downloadable reports (HTML and PDF) and exports (CSV, JSON) of a région or a territory.

Concept map::

    region_context / territory_context ──► the same template context as the pages
    report_html(template, context, pdf=False) ──► a standalone, print-friendly page (inline CSS
        and SVG: nothing to fetch)
    report_pdf(html) ──► WeasyPrint (A4, page numbers); nothing is fetched over the network
    region_csv / territory_csv ──► engine.result_csv (one row per territory)

Only aggregates: organisations and counts of interactions, never a person.
"""

from __future__ import annotations

import datetime as dt
import warnings

from django.template.loader import render_to_string

from aiguillage.observatory import selectors
from aiguillage.observatory.engine.analysis import result_csv
from aiguillage.observatory.engine.indicators import INDICATORS

__all__ = [
    "region_context",
    "region_csv",
    "report_html",
    "report_pdf",
    "territory_context",
    "territory_csv",
]


def _definition(name: str) -> str:
    if name == "indice_ei_pondere":  # "the same index, weighted": say which index
        return f"{INDICATORS['indice_ei']} {INDICATORS[name]}"
    return INDICATORS[name]


def region_context(region: selectors.SimulatedRegion) -> dict:
    analysis = selectors.region_analysis(region)
    return {
        "region": region,
        "analysis": analysis,
        "labels": selectors.LABELS,
        "carte": selectors.region_map(region),
        "comparaison": selectors.comparison_rows(region),
        "key_indicators": selectors.KEY_INDICATORS,
        "definitions": [(label, _definition(name)) for name, label in selectors.KEY_INDICATORS],
    }


def territory_context(region: selectors.SimulatedRegion, territory: dict) -> dict:
    _, _, network = selectors.territory_network(region, territory["territoire"])
    return {
        "region": region,
        "analysis": selectors.region_analysis(region),
        "t": territory,
        "label": selectors.LABELS[territory["configuration"]],
        "labels": selectors.LABELS,
        "rows": selectors.indicator_rows(territory),
        "tendances": selectors.trend_rows(territory),
        "reseau": network,
        "precedente": selectors.previous_configuration(region, territory["territoire"]),
    }


def report_html(template: str, context: dict, *, pdf: bool = False) -> str:
    return render_to_string(
        template, {**context, "pdf": pdf, "genere_le": dt.date.today().isoformat()}
    )


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"Le rapport n'inclut aucune ressource externe ({url}).")


def report_pdf(html: str) -> bytes:
    """The report as PDF (WeasyPrint); every style and drawing is inline."""
    with warnings.catch_warnings():
        # Without libharfbuzz-subset WeasyPrint warns at import that a future version will need
        # it; fonts are then subset with fontTools, which is fine for these reports.
        warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
        from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def region_csv(region: selectors.SimulatedRegion) -> str:
    return result_csv(selectors.region_analysis(region))


def territory_csv(region: selectors.SimulatedRegion, territory: dict) -> str:
    return result_csv({"territoires": [territory]})
