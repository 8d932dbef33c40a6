"""Orientation pages: the public self-diagnosis (portal), the counsellor's page, the result with
the nearest sites and the contact request (a referral without a sending structure, received in
the structure's inbox: ``referrals.services.demande_portail_create``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from aiguillage.accounts import access
from aiguillage.directory.models import Site
from aiguillage.orientation import questionnaire, services
from aiguillage.orientation.forms import ContactForm, SituationForm
from aiguillage.orientation.forms_financement import adresse_depuis_situation
from aiguillage.orientation.models import Canal, Diagnostic
from aiguillage.referrals import services as referrals_services
from aiguillage.territories.models import Commune
from aiguillage.territories.search import commune_search, normalise


def _question_context(answers: dict, *, question=None, error: str = "", candidates=()) -> dict:
    question = question or questionnaire.next_question(answers)
    step, total = questionnaire.progress(answers)
    previous = questionnaire.previous_answers(answers) if answers else None
    hidden = {k: v for k, v in answers.items() if question is None or k != question.key}
    return {
        "question": question,
        "answers": hidden,
        "step": step,
        "total": total,
        "previous": previous,
        "error": error,
        "candidates": candidates,
        "value": answers.get(question.key, "") if question else "",
    }


@login_not_required
def portail(request):
    """One question per screen; the answers so far travel in the query string."""
    answers = questionnaire.clean_answers(request.GET)
    submitted = {k for k in request.GET if k in questionnaire.BY_KEY}
    question = questionnaire.next_question(answers)
    error = ""
    if question is not None and question.key in submitted:
        error = (
            "Merci de choisir une réponse." if question.kind == "choice" else "Réponse invalide."
        )
        if question.kind == "age":
            error = "Indiquez un âge en années, entre 14 et 100 ans."
    return render(request, "orientation/question.html", _question_context(answers, error=error))


def _resolve_commune(text: str, code: str) -> tuple[Commune | None, list[Commune]]:
    if code:
        return Commune.objects.filter(code=code).first(), []
    candidates = commune_search(text, limit=6)
    if not candidates:
        return None, []
    first = candidates[0]
    exact = [c for c in candidates if c.nom_normalise == first.nom_normalise]
    postal = text.strip().isdigit() and len(text.strip()) == 5
    if (len(exact) == 1 and first.nom_normalise == normalise(text)) or postal:
        return first, []
    return None, candidates


@login_not_required
@require_POST
def portail_resultat(request):
    """Last screen: resolve the commune, evaluate, keep the diagnostic, show its result."""
    answers = questionnaire.clean_answers(request.POST)
    missing = questionnaire.next_question(answers)
    if missing is not None and missing.key != "commune":
        return redirect(reverse("orientation:portail") + "?" + urlencode(answers))
    commune, candidates = _resolve_commune(
        request.POST.get("commune", ""), request.POST.get("commune_code", "")
    )
    if commune is None:
        question = questionnaire.BY_KEY["commune"]
        error = (
            "Plusieurs communes correspondent : choisissez la vôtre."
            if candidates
            else "Aucune commune ne correspond : vérifiez l'orthographe ou indiquez le code postal."
        )
        context = _question_context(answers, question=question, error=error, candidates=candidates)
        return render(request, "orientation/question.html", context, status=200)
    situation = questionnaire.situation_from(answers, commune_code=commune.code)
    diagnostic = services.diagnostic_create(situation=situation, canal=Canal.PORTAIL)
    return redirect("orientation:resultat", public_id=diagnostic.public_id)


@login_not_required
def resultat(request, public_id):
    """The decision, in plain French, with the nearest sites (no personal data on this page)."""
    diagnostic = get_object_or_404(
        Diagnostic.objects.select_related("reponse"), public_id=public_id
    )
    return render(
        request,
        "orientation/resultat.html",
        {"diagnostic": diagnostic, "decision": diagnostic.decision, "conseiller": False},
    )


def _sites_of(decision: dict) -> set[int]:
    return {
        site["id"]
        for entry in [*decision.get("operateurs", []), *decision.get("hors_cep", [])]
        for site in entry.get("sites", [])
    }


@login_not_required
@require_http_methods(["GET", "POST"])
def contact(request, public_id, site_id: int):
    """Ask one of the proposed sites' structure to call back, with explicit consent."""
    diagnostic = get_object_or_404(
        Diagnostic.objects.select_related("reponse"), public_id=public_id
    )
    if site_id not in _sites_of(diagnostic.decision):
        raise Http404("Ce site ne fait pas partie des propositions.")
    site = get_object_or_404(Site.objects.select_related("structure", "commune"), pk=site_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referrals_services.demande_portail_create(
            diagnostic=diagnostic, site=site, data=form.cleaned_data, request=request
        )
        return redirect("orientation:demande_envoyee", public_id=diagnostic.public_id)
    return render(
        request,
        "orientation/contact.html",
        {
            "diagnostic": diagnostic,
            "site": site,
            "form": form,
            "consentement": referrals_services.consentement_portail_texte([site.structure]),
        },
    )


@login_not_required
def demande_envoyee(request, public_id):
    diagnostic = get_object_or_404(Diagnostic, public_id=public_id)
    return render(request, "orientation/demande_envoyee.html", {"diagnostic": diagnostic})


@require_http_methods(["GET", "POST"])
def conseiller(request):
    """A counsellor enters the whole situation on one page and sees the decision with its trace,
    and a link to the funding helper pre-filled with the same situation."""
    if not access.member_structure_ids(request.user) and not access.is_administrateur(request.user):
        raise Http404("Page réservée aux conseillers.")
    form = SituationForm(request.POST or None)
    decision = None
    if request.method == "POST" and form.is_valid():
        try:
            structures = access.structures_for_member(user=request.user)
            diagnostic = services.diagnostic_create(
                situation=form.situation(),
                canal=Canal.CONSEILLER,
                auteur=request.user,
                structure=structures[0] if structures else None,
            )
        except services.SituationInvalide as exc:
            for message in getattr(exc, "erreurs", None) or [str(exc)]:
                form.add_error(None, message)
        else:
            decision = diagnostic.decision_complete
            return render(
                request,
                "orientation/resultat.html",
                {
                    "diagnostic": diagnostic,
                    "decision": decision,
                    "conseiller": True,
                    "form": form,
                    "adresse_financement": adresse_depuis_situation(diagnostic.situation),
                },
            )
    return render(request, "orientation/conseiller.html", {"form": form})


def demandes(request):
    """The former list of contact requests: they are now in the referrals inbox."""
    return redirect("referrals:inbox")
