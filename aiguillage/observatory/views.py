"""Observatory pages (aggregates only): simulated régions, their territories, the evidence."""

from __future__ import annotations

from collections import Counter

from django.http import Http404
from django.shortcuts import render

from aiguillage.accounts import access
from aiguillage.observatory import selectors


def _allowed(user) -> None:
    scope = access.analysed_region_codes(user)
    if scope is not access.ALL_REGIONS and not scope:
        raise Http404("Page introuvable.")


def index(request):
    _allowed(request.user)
    regions = []
    for region in selectors.SIMULATED:
        analysis = selectors.region_analysis(region)
        counts = Counter(t["configuration"] for t in analysis["territoires"])
        regions.append((region, analysis, sorted(counts.items())))
    return render(
        request, "observatory/index.html", {"regions": regions, "labels": selectors.LABELS}
    )


def region(request, slug: str):
    _allowed(request.user)
    found = selectors.BY_SLUG.get(slug)
    if found is None:
        raise Http404("Région introuvable.")
    analysis = selectors.region_analysis(found)
    return render(
        request,
        "observatory/region.html",
        {"region": found, "analysis": analysis, "labels": selectors.LABELS},
    )


def territoire(request, slug: str, code: str):
    _allowed(request.user)
    found = selectors.BY_SLUG.get(slug)
    if found is None:
        raise Http404("Région introuvable.")
    analysis = selectors.region_analysis(found)
    territory = next((t for t in analysis["territoires"] if t["territoire"] == code), None)
    if territory is None:
        raise Http404("Territoire introuvable.")
    return render(
        request,
        "observatory/territoire.html",
        {
            "region": found,
            "analysis": analysis,
            "t": territory,
            "label": selectors.LABELS[territory["configuration"]],
            "labels": selectors.LABELS,
            "rows": selectors.indicator_rows(territory),
        },
    )
