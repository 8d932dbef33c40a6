"""Structures' calendars: the list of the calendars offered to the user, one structure's calendar
page (download, subscription), and its secret link — make or replace it, revoke it.

The pages are for those who may read the structure's calendar (``access.structure_get_for_agenda``);
the link is managed by its managers, the coordination of its région and administrators
(``access.structure_get_for_abonnement``): 404 for anybody else, a counsellor of the structure
included. The link appears once, in the answer to the POST that made it (never stored, never
put in a redirect, a message or the session), with ``Cache-Control: no-store``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aiguillage.coordination import access, services
from aiguillage.coordination.models import LienAgenda
from aiguillage.coordination.views._commun import PAR_PAGE
from aiguillage.coordination.workflow import ActionInterdite
from aiguillage.core.requetes import page_demandee


def agendas(request):
    user = request.user
    access.require_access(user)
    structures = (
        access.structures_agendas(user)
        .select_related("departement", "lien_agenda")
        .order_by("nom", "pk")
    )
    page = Paginator(structures, PAR_PAGE).get_page(page_demandee(request))
    return render(request, "coordination/agendas.html", {"page_obj": page, "query_string": ""})


def _contexte_agenda(request, structure, **extra) -> dict:
    return {
        "structure": structure,
        "lien": LienAgenda.objects.filter(structure=structure).select_related("cree_par").first(),
        "gerer": access.peut_gerer_abonnement(request.user, structure),
        **extra,
    }


def agenda(request, structure_id: int):
    structure = access.structure_get_for_agenda(user=request.user, structure_id=structure_id)
    return render(request, "coordination/agenda.html", _contexte_agenda(request, structure))


@require_POST
def agenda_lien_creer(request, structure_id: int):
    user = request.user
    structure = access.structure_get_for_abonnement(user=user, structure_id=structure_id)
    _lien, jeton = services.lien_agenda_creer(
        structure=structure, acting_user=user, request=request
    )
    url = request.build_absolute_uri(reverse("coordination:abonnement_ics", args=[jeton]))
    context = _contexte_agenda(
        request,
        structure,
        url_abonnement=url,
        url_webcal="webcal://" + url.split("://", 1)[1],
    )
    response = render(request, "coordination/agenda.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def agenda_lien_revoquer(request, structure_id: int):
    user = request.user
    structure = access.structure_get_for_abonnement(user=user, structure_id=structure_id)
    try:
        services.lien_agenda_revoquer(structure=structure, acting_user=user, request=request)
    except ActionInterdite as exc:
        context = _contexte_agenda(request, structure, erreur=str(exc))
        return render(request, "coordination/agenda.html", context, status=409)
    messages.success(
        request,
        "Lien d'abonnement révoqué : les agendas abonnés ne reçoivent plus les rencontres.",
    )
    return redirect("coordination:agenda", structure_id=structure.pk)
