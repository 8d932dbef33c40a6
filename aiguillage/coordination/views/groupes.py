"""Working groups: the list, one group's page with its sessions, create, change, close and
reopen (coordination of the région, managers of the animating structure)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from aiguillage.coordination import access, selectors, services
from aiguillage.coordination.forms import Choix, GroupeForm, structures_cochees
from aiguillage.coordination.selectors import Periode
from aiguillage.coordination.views._commun import soumettre
from aiguillage.coordination.workflow import ActionInterdite
from aiguillage.core.forms import erreurs_sur


def groupes(request):
    user = request.user
    access.require_access(user)
    items = list(selectors.groupes_annotes(access.groupes_for_user(user=user)))
    return render(
        request,
        "coordination/groupes.html",
        {"groupes": items, "peut_creer": access.peut_creer(user)},
    )


def _contexte_groupe(request, groupe, **extra) -> dict:
    user = request.user
    visibles = access.rencontres_for_user(user=user)
    return {
        "groupe": groupe,
        "membres": list(groupe.membres.order_by("nom")),
        "departements": list(groupe.departements.order_by("code")),
        "a_venir": list(
            selectors.rencontres_filtrees(visibles, groupe=groupe, periode=Periode.A_VENIR)
        ),
        "passees": list(
            selectors.rencontres_filtrees(visibles, groupe=groupe, periode=Periode.PASSEES)[:50]
        ),
        "gerer": access.peut_gerer_groupe(user, groupe),
        "peut_creer": access.peut_creer(user),
        "demo": groupe.animatrice.est_demo,
        **extra,
    }


def groupe(request, public_id):
    item = access.groupe_get_for_user(user=request.user, public_id=public_id)
    return render(request, "coordination/groupe.html", _contexte_groupe(request, item))


def _form_context(form, choix, **extra) -> dict:
    groupes_structures, cochees = structures_cochees(form, "membres", choix)
    return {"form": form, "groupes_structures": groupes_structures, "cochees": cochees, **extra}


@require_http_methods(["GET", "POST"])
def groupe_creer(request):
    user = request.user
    if not access.peut_creer(user):
        raise Http404("Page réservée à la coordination et aux responsables de structure.")
    choix = Choix.pour(user)
    initial = {"animatrice": choix.organisables[0].pk} if len(choix.organisables) == 1 else {}
    form = GroupeForm(
        request.POST if request.method == "POST" else None, choix=choix, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.groupe_create(champs=form.champs(), acting_user=user, request=request)
        except services.DonneesInvalides as exc:
            erreurs_sur(form, exc.erreurs)
        else:
            messages.success(request, "Groupe de travail créé.")
            return redirect("coordination:groupe", public_id=item.public_id)
    return render(
        request,
        "coordination/groupe_form.html",
        _form_context(form, choix, groupe=None),
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def groupe_modifier(request, public_id):
    user = request.user
    item = access.groupe_get_for_manager(user=user, public_id=public_id)
    if not item.actif and request.method == "GET":
        messages.error(request, "Ce groupe de travail est clos : rouvrez-le pour le modifier.")
        return redirect("coordination:groupe", public_id=item.public_id)
    membres = tuple(item.membres.values_list("pk", flat=True))
    choix = Choix.pour(user, en_plus=membres, organisatrice=item.animatrice)
    form = GroupeForm(
        request.POST if request.method == "POST" else None,
        choix=choix,
        initial=GroupeForm.initial_de(item) if request.method == "GET" else None,
    )
    status, erreur = 200, ""
    if request.method == "POST":
        status, erreur, fait = soumettre(
            form,
            lambda: services.groupe_modifier(
                groupe=item, champs=form.champs(), acting_user=user, request=request
            ),
        )
        if fait:
            messages.success(request, "Groupe de travail modifié.")
            return redirect("coordination:groupe", public_id=item.public_id)
    return render(
        request,
        "coordination/groupe_form.html",
        _form_context(form, choix, groupe=item, erreur=erreur),
        status=status,
    )


def _groupe_changer(request, public_id, service, succes: str):
    user = request.user
    item = access.groupe_get_for_manager(user=user, public_id=public_id)
    try:
        service(groupe=item, acting_user=user, request=request)
    except ActionInterdite as exc:
        item.refresh_from_db()
        context = _contexte_groupe(request, item, erreur=str(exc))
        return render(request, "coordination/groupe.html", context, status=409)
    messages.success(request, succes)
    return redirect("coordination:groupe", public_id=item.public_id)


@require_POST
def groupe_clore(request, public_id):
    return _groupe_changer(
        request,
        public_id,
        services.groupe_clore,
        "Groupe de travail clos : son historique reste consultable.",
    )


@require_POST
def groupe_rouvrir(request, public_id):
    return _groupe_changer(
        request, public_id, services.groupe_rouvrir, "Groupe de travail rouvert."
    )
