"""Home page per role, audit log, static information pages."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from aiguillage.accounts import access, selectors
from aiguillage.accounts.models import Role
from aiguillage.core.models import AuditAction


@login_not_required
def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "core/home_public.html")
    grants = access.grants_for(user)
    scope = access.analysed_region_codes(user)
    regions = selectors.regions_in_scope(scope) if (scope is None or scope) else []
    context = {
        "member_grants": [g for g in grants if g.role in access.MEMBER_ROLES],
        "is_manager": access.has_role(user, Role.RESPONSABLE_STRUCTURE),
        "is_coordinateur": access.has_role(user, Role.COORDINATEUR_REGIONAL),
        "is_analyste": access.has_role(user, Role.ANALYSTE),
        "is_administrateur": access.is_administrateur(user),
        "regions": regions,
        "roles": access.user_display_roles(user),
    }
    return render(request, "core/home.html", context)


def audit_log(request):
    events = access.audit_events_for_user(user=request.user)
    filters = {
        "action": request.GET.get("action", ""),
        "acteur": request.GET.get("acteur", "").strip(),
        "objet": request.GET.get("objet", "").strip(),
        "du": request.GET.get("du", ""),
        "au": request.GET.get("au", ""),
    }
    if filters["action"] in AuditAction.values:
        events = events.filter(action=filters["action"])
    if filters["acteur"]:
        events = events.filter(actor_label__icontains=filters["acteur"])
    if filters["objet"]:
        events = events.filter(object_type__icontains=filters["objet"])
    tz = timezone.get_current_timezone()
    if start := parse_date(filters["du"] or ""):
        events = events.filter(at__gte=datetime.combine(start, time.min, tzinfo=tz))
    if end := parse_date(filters["au"] or ""):
        events = events.filter(at__lte=datetime.combine(end, time.max, tzinfo=tz))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    template = "core/_audit_rows.html" if request.htmx else "core/audit_log.html"
    return render(
        request,
        template,
        {"page": page, "filters": filters, "actions": AuditAction.choices},
    )


@login_not_required
def accessibility(request):
    return render(request, "core/accessibility.html")


@login_not_required
def legal(request):
    return render(request, "core/legal.html")


@login_not_required
def healthz(request):
    return JsonResponse({"status": "ok"})
