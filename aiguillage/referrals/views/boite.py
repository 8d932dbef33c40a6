"""The inbox and the notifications.

- ``inbox``: the user's referrals in three tabs (to act on, received, sent), filtered and paginated
  by ``selectors.inbox`` (a constant number of SQL queries); one audit event per page showing
  names.
- ``notifications``: the user's notifications; mark them all read.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.core.requetes import page_demandee
from aiguillage.referrals import selectors
from aiguillage.referrals.forms import InboxFilterForm
from aiguillage.referrals.models import Notification
from aiguillage.referrals.views._commun import (
    PER_PAGE,
    _member_structures,
    _require_member,
)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- Inbox ------------------------------------------------------------------------------------


def inbox(request):
    user = request.user
    _require_member(user)
    boite = request.GET.get("boite", "a_traiter")
    if boite not in selectors.BOITES:
        boite = "a_traiter"
    form = InboxFilterForm(request.GET or None, structures=_member_structures(user))
    statut, structure_id = "", None
    if form.is_bound and form.is_valid():
        statut = form.cleaned_data["statut"]
        structure_id = form.cleaned_data.get("structure")
    page = selectors.inbox(
        user=user,
        boite=boite,
        statut=statut,
        structure_id=structure_id,
        page=page_demandee(request),
    )
    now = timezone.now()
    shown = []
    for item in page.object_list:
        item.age_jours = (now - item.cree_le).days
        if item.nom_visible:
            shown.append(str(item.public_id))
    if shown:
        # One event per page, whatever its length: which referrals' people were listed.
        audit_record(
            action=AuditAction.VIEW,
            actor=user,
            object_type="referrals.adressage",
            object_repr=f"Liste des adressages « {selectors.BOITES[boite].label} » : "
            f"{len(shown)} personne(s) affichée(s)",
            structure_id=structure_id,
            request=request,
            details={"adressages": shown},
        )
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("boite", None)
    return render(
        request,
        "referrals/inbox.html",
        {
            "boites": selectors.BOITES.values(),
            "boite": selectors.BOITES[boite],
            "page_obj": page,
            "form": form,
            "filtres": params.urlencode(),
            "query_string": _without_page(request),
            "a_traiter": selectors.a_traiter_count(user=user),
            "mes_structures": _member_structures(user),
        },
    )


# --- Notifications ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notifications(request):
    user = request.user
    if request.method == "POST":
        lues = Notification.objects.filter(utilisateur=user, lue_le__isnull=True).update(
            lue_le=timezone.now()
        )
        messages.success(
            request,
            f"{lues} notification{'s' if lues > 1 else ''} marquée{'s' if lues > 1 else ''} "
            f"comme lue{'s' if lues > 1 else ''}.",
        )
        return redirect("referrals:notifications")
    items = Notification.objects.filter(utilisateur=user).select_related(
        "adressage", "accompagnement"
    )
    page = Paginator(items, PER_PAGE).get_page(page_demandee(request))
    return render(
        request,
        "referrals/notifications.html",
        {"page_obj": page, "non_lues": sum(1 for n in page.object_list if n.lue_le is None)},
    )
