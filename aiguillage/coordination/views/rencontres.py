"""Sessions: the list (upcoming or past, filtered), one session's page, plan, change, cancel,
record attendance.

The list and the page are for those who see the session (``access.rencontres_for_user``); the
other pages for those who manage it (``access.rencontre_get_for_manager``): 404 for anybody else.
A service's refusal comes back on the form (400) or, when the session's status forbids the
action, as an alert (409).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from aiguillage.coordination import access, selectors, services
from aiguillage.coordination.forms import (
    AnnulationForm,
    Choix,
    FiltresForm,
    PresencesForm,
    RencontreForm,
    structures_cochees,
)
from aiguillage.coordination.models import StatutRencontre
from aiguillage.coordination.views._commun import (
    PAR_PAGE,
    departements_du_perimetre,
    soumettre,
    structures_membre,
)
from aiguillage.coordination.workflow import Action, ActionInterdite, action_verifier
from aiguillage.core.forms import erreurs_sur
from aiguillage.core.requetes import page_demandee, uuid_ou_404


def rencontres(request):
    user = request.user
    access.require_access(user)
    groupes = list(access.groupes_for_user(user=user).only("public_id", "nom").order_by("nom"))
    form = FiltresForm(
        request.GET or None, departements=departements_du_perimetre(user), groupes=groupes
    )
    filtres = form.filtres()
    items = selectors.rencontres_filtrees(access.rencontres_for_user(user=user), **filtres)
    page = Paginator(items, PAR_PAGE).get_page(page_demandee(request))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "periode": filtres["periode"],
        "page_obj": page,
        "query_string": query.urlencode(),
        "peut_creer": access.peut_creer(user),
        "mes_structures": structures_membre(user),
        "maintenant": timezone.now(),
    }
    template = "coordination/_rencontres.html" if request.htmx else "coordination/rencontres.html"
    return render(request, template, context)


def _contexte_rencontre(request, rencontre, **extra) -> dict:
    user = request.user
    invitations = list(rencontre.invitations.select_related("structure").order_by("structure__nom"))
    gerer = access.peut_gerer_rencontre(user, rencontre)
    maintenant = timezone.now()
    statut = rencontre.statut
    return {
        "rencontre": rencontre,
        "invitations": invitations,
        "presentes": [i for i in invitations if i.presence == "presente"],
        "gerer": gerer,
        "peut_modifier": gerer and statut == StatutRencontre.PREVUE,
        "peut_annuler": gerer and statut == StatutRencontre.PREVUE,
        "peut_saisir": (
            gerer and statut != StatutRencontre.ANNULEE and rencontre.debut <= maintenant
        ),
        "presences_a_saisir": statut == StatutRencontre.PREVUE and rencontre.fin < maintenant,
        "annulation_form": extra.pop("annulation_form", None) or AnnulationForm(),
        "demo": rencontre.organisatrice.est_demo,
        **extra,
    }


def rencontre(request, public_id):
    item = access.rencontre_get_for_user(user=request.user, public_id=public_id)
    return render(request, "coordination/rencontre.html", _contexte_rencontre(request, item))


def _form_context(form, choix, **extra) -> dict:
    groupes_structures, cochees = structures_cochees(form, "invitees", choix)
    return {
        "form": form,
        "groupes_structures": groupes_structures,
        "cochees": cochees,
        **extra,
    }


@require_http_methods(["GET", "POST"])
def rencontre_creer(request):
    user = request.user
    if not access.peut_creer(user):
        raise Http404("Page réservée à la coordination et aux responsables de structure.")
    groupe = None
    if request.GET.get("groupe"):
        groupe = access.groupe_get_for_user(user=user, public_id=uuid_ou_404(request.GET["groupe"]))
    choix = Choix.pour(user)
    initial: dict = {}
    if groupe is not None and groupe.actif:
        initial["groupe"] = str(groupe.public_id)
        initial["inviter_membres_groupe"] = True
        if any(s.pk == groupe.animatrice_id for s in choix.organisables):
            initial["organisatrice"] = groupe.animatrice_id
    if "organisatrice" not in initial and len(choix.organisables) == 1:
        initial["organisatrice"] = choix.organisables[0].pk
    form = RencontreForm(
        request.POST if request.method == "POST" else None, choix=choix, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.rencontre_create(
                champs=form.champs(), acting_user=user, request=request
            )
        except services.DonneesInvalides as exc:
            erreurs_sur(form, exc.erreurs)
        else:
            messages.success(request, "Rencontre programmée : les structures invitées la voient.")
            return redirect("coordination:rencontre", public_id=item.public_id)
    return render(
        request,
        "coordination/rencontre_form.html",
        _form_context(form, choix, rencontre=None),
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def rencontre_modifier(request, public_id):
    user = request.user
    item = access.rencontre_get_for_manager(user=user, public_id=public_id)
    if item.statut != StatutRencontre.PREVUE and request.method == "GET":
        messages.error(request, "Cette rencontre ne se modifie plus.")
        return redirect("coordination:rencontre", public_id=item.public_id)
    invitees = tuple(item.invitations.values_list("structure_id", flat=True))
    choix = Choix.pour(
        user, groupe_courant=item.groupe, en_plus=invitees, organisatrice=item.organisatrice
    )
    form = RencontreForm(
        request.POST if request.method == "POST" else None,
        choix=choix,
        initial=RencontreForm.initial_de(item) if request.method == "GET" else None,
    )
    status, erreur = 200, ""
    if request.method == "POST":
        status, erreur, fait = soumettre(
            form,
            lambda: services.rencontre_modifier(
                rencontre=item, champs=form.champs(), acting_user=user, request=request
            ),
        )
        if fait:
            messages.success(request, "Rencontre modifiée.")
            return redirect("coordination:rencontre", public_id=item.public_id)
    return render(
        request,
        "coordination/rencontre_form.html",
        _form_context(form, choix, rencontre=item, erreur=erreur),
        status=status,
    )


@require_POST
def rencontre_annuler(request, public_id):
    user = request.user
    item = access.rencontre_get_for_manager(user=user, public_id=public_id)
    form = AnnulationForm(request.POST)
    if form.is_valid():
        try:
            services.rencontre_annuler(
                rencontre=item,
                acting_user=user,
                motif=form.cleaned_data["motif"],
                request=request,
            )
        except services.DonneesInvalides as exc:
            erreurs_sur(form, exc.erreurs)
        except ActionInterdite as exc:
            item.refresh_from_db()
            context = _contexte_rencontre(request, item, erreur=str(exc), annulation_form=form)
            return render(request, "coordination/rencontre.html", context, status=409)
        else:
            messages.success(
                request,
                "Rencontre annulée : elle reste affichée comme annulée, et les agendas "
                "abonnés la marquent annulée.",
            )
            return redirect("coordination:rencontre", public_id=item.public_id)
    context = _contexte_rencontre(request, item, annulation_form=form, annulation_ouverte=True)
    return render(request, "coordination/rencontre.html", context, status=400)


@require_http_methods(["GET", "POST"])
def rencontre_presences(request, public_id):
    user = request.user
    item = access.rencontre_get_for_manager(user=user, public_id=public_id)
    invitations = list(item.invitations.select_related("structure").order_by("structure__nom"))
    form = PresencesForm(
        request.POST if request.method == "POST" else None, invitations=invitations
    )
    status, erreur = 200, ""
    try:
        action_verifier(Action.PRESENCES, item.statut)
    except ActionInterdite as exc:
        status, erreur = 409, str(exc)
    if request.method == "POST" and not erreur:
        status, erreur, fait = soumettre(
            form,
            lambda: services.rencontre_presences_enregistrer(
                rencontre=item, presences=form.presences(), acting_user=user, request=request
            ),
        )
        if fait:
            messages.success(request, "Présences enregistrées.")
            return redirect("coordination:rencontre", public_id=item.public_id)
    return render(
        request,
        "coordination/presences.html",
        {
            "rencontre": item,
            "form": form,
            "erreur": erreur,
            "pas_encore": item.debut > timezone.now(),
            "demo": item.organisatrice.est_demo,
        },
        status=status,
    )
