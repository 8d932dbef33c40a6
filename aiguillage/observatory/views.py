"""Observatory pages (aggregates only): simulated régions, their territories, the evidence,
the reports (HTML, PDF) and the exports (CSV, JSON). Same access rule everywhere:
``selectors.reader_allowed`` (coordination, analysts, administrators), 404 otherwise."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from aiguillage.observatory import platform, report, selectors


def _allowed(user) -> None:
    if not selectors.reader_allowed(user):
        raise Http404("Page introuvable.")


def _region(request, slug: str) -> selectors.SimulatedRegion | platform.PlatformRegion:
    _allowed(request.user)
    found = selectors.region_for(request.user, slug)
    if found is None:
        raise Http404("Région introuvable.")
    return found


def _territory(request, slug: str, code: str) -> tuple[selectors.SimulatedRegion, dict]:
    found = _region(request, slug)
    territory = selectors.territory_get(found, code)
    if territory is None:
        raise Http404("Territoire introuvable.")
    return found, territory


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def index(request):
    _allowed(request.user)
    regions = []
    for region in selectors.SIMULATED:
        analysis = selectors.region_analysis(region)
        counts = selectors.region_summary(region)["configurations"]
        regions.append((region, analysis, sorted(counts.items())))
    from_platform = []
    for region in platform.platform_regions_for(request.user):
        analysis = selectors.region_analysis(region)
        counts = selectors.region_summary(region)["configurations"]
        from_platform.append((region, analysis, sorted(counts.items())))
    return render(
        request,
        "observatory/index.html",
        {"regions": regions, "platform": from_platform, "labels": selectors.LABELS},
    )


def region(request, slug: str):
    found = _region(request, slug)
    return render(request, "observatory/region.html", report.region_context(found))


def territoire(request, slug: str, code: str):
    found, territory = _territory(request, slug, code)
    return render(
        request, "observatory/territoire.html", report.territory_context(found, territory)
    )


def _report(context: dict, template: str, fmt: str, filename: str) -> HttpResponse:
    if fmt == "html":
        return HttpResponse(report.report_html(template, context))
    if fmt == "pdf":
        pdf = report.report_pdf(report.report_html(template, context, pdf=True))
        return _download(pdf, "application/pdf", f"{filename}.pdf")
    raise Http404("Format inconnu.")


def region_report(request, slug: str, fmt: str):
    found = _region(request, slug)
    context = {
        **report.region_context(found),
        "pdf_url": reverse("observatory:region_report", args=[slug, "pdf"]),
    }
    return _report(context, "observatory/rapport_region.html", fmt, f"observatoire-{slug}")


def territory_report(request, slug: str, code: str, fmt: str):
    found, territory = _territory(request, slug, code)
    context = {
        **report.territory_context(found, territory),
        "pdf_url": reverse("observatory:territory_report", args=[slug, code, "pdf"]),
    }
    filename = f"observatoire-{slug}-{code}"
    return _report(context, "observatory/rapport_territoire.html", fmt, filename)


def _json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2)


def region_export(request, slug: str, fmt: str):
    found = _region(request, slug)
    name = f"observatoire-{slug}"
    if fmt == "csv":
        return _download(report.region_csv(found), "text/csv; charset=utf-8", f"{name}.csv")
    if fmt == "json":
        payload = _json(selectors.region_payload(found))
        return _download(payload, "application/json", f"{name}.json")
    raise Http404("Format inconnu.")


def territory_export(request, slug: str, code: str, fmt: str):
    found, territory = _territory(request, slug, code)
    name = f"observatoire-{slug}-{code}"
    if fmt == "csv":
        content = report.territory_csv(found, territory)
        return _download(content, "text/csv; charset=utf-8", f"{name}.csv")
    if fmt == "json":
        payload = _json(selectors.territory_payload(found, code))
        return _download(payload, "application/json", f"{name}.json")
    raise Http404("Format inconnu.")
