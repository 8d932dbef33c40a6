"""The counsellor's funding page: the facts on one form, the answer grouped eligible / to check /
not eligible, each scheme with why, amounts, who decides and the sources. A plain POST form:
it works without JavaScript. Nothing is stored (see ``orientation.financement``)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from aiguillage.accounts import access
from aiguillage.orientation.financement import SituationInvalide, financement_pour
from aiguillage.orientation.forms_financement import FinancementForm, initial_depuis


@require_http_methods(["GET", "POST"])
def financement(request):
    """GET shows the form (pre-filled from the query string, e.g. from the orientation page);
    POST evaluates and shows the answer above the same form."""
    if not access.member_structure_ids(request.user) and not access.is_administrateur(request.user):
        raise Http404("Page réservée aux conseillers.")
    if request.method == "POST":
        form = FinancementForm(request.POST)
    else:
        form = FinancementForm(initial=initial_depuis(request.GET))
    reponse = None
    if request.method == "POST" and form.is_valid():
        try:
            reponse = financement_pour(form.demande())
        except SituationInvalide as exc:
            form.add_rules_errors(exc.par_champ)
    groupes = []
    if reponse is not None:
        groupes = [
            ("eligibles", "Éligibles", reponse["eligibles"]),
            ("a-verifier", "À vérifier", reponse["a_verifier"]),
            ("non-eligibles", "Non éligibles", reponse["non_eligibles"]),
        ]
    status = 422 if request.method == "POST" and reponse is None else 200
    return render(
        request,
        "orientation/financement.html",
        {"form": form, "reponse": reponse, "groupes": groupes},
        status=status,
    )
