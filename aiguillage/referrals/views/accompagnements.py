"""Co-accompaniment pages.

``accompagnements``, ``accompagnement_create``, ``accompagnement``, ``accompagnement_membre``,
``accompagnement_evenement``, ``accompagnement_clore``: co-accompaniment (members, roles, access
levels, shared timeline, closing by a referent or co-referent; a closed one is read-only, and a
change sent anyway gets 409).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from aiguillage.core.audit import audit_record
from aiguillage.core.forms import erreurs_sur
from aiguillage.core.models import AuditAction
from aiguillage.core.requetes import page_demandee, uuid_ou_404
from aiguillage.directory.models import Structure
from aiguillage.referrals import access, services
from aiguillage.referrals.forms import (
    AccompagnementForm,
    ClotureAccompagnementForm,
    EvenementForm,
    MembreForm,
    structure_choices,
)
from aiguillage.referrals.models import (
    Consentement,
    NiveauAcces,
    Notification,
    RoleAccompagnement,
)
from aiguillage.referrals.views._commun import (
    PER_PAGE,
    _member_structures,
    _region_ids,
    _require_member,
)
from aiguillage.referrals.workflow import TransitionInterdite


def accompagnements(request):
    user = request.user
    ids = _require_member(user)
    items = (
        access.accompagnements_for_member(user=user)
        .select_related("personne")
        .prefetch_related("membres__structure")
        .order_by("-ouvert_le", "-pk")
    )
    page = Paginator(items, PER_PAGE).get_page(page_demandee(request))
    rows = []
    for acc in page.object_list:
        membres = sorted(acc.membres.all(), key=lambda m: m.ajoute_le)
        niveaux = {m.niveau_acces for m in membres if m.structure_id in ids}
        rows.append(
            {
                "accompagnement": acc,
                "membres": membres,
                "niveau": NiveauAcces(
                    NiveauAcces.COMPLET if NiveauAcces.COMPLET in niveaux else NiveauAcces.PARCOURS
                ).label,
            }
        )
    if rows:
        audit_record(
            action=AuditAction.VIEW,
            actor=user,
            object_type="referrals.accompagnement",
            object_repr=f"Liste des co-accompagnements : {len(rows)} personne(s) affichée(s)",
            request=request,
            details={"accompagnements": [str(r["accompagnement"].public_id) for r in rows]},
        )
    return render(request, "referrals/accompagnements.html", {"page_obj": page, "rows": rows})


def _consentement_pour(personne, ids: set[int]) -> Consentement | None:
    """The person's latest active consent recorded by, or covering, one of ``ids``."""
    today = timezone.localdate()
    for consent in personne.consentements.filter(retire_le__isnull=True).order_by("-donne_le"):
        if not consent.actif(today):
            continue
        covered = {s.pk for s in consent.structures.all()}
        if consent.structure_id in ids or covered & ids:
            return consent
    return None


@require_http_methods(["GET", "POST"])
def accompagnement_create(request):
    user = request.user
    ids = _require_member(user)
    adressage = personne = consent = autre = None
    structures = _member_structures(user)
    erreur = ""
    if request.GET.get("adressage"):
        adressage = access.adressage_get_for_member(
            user=user, public_id=uuid_ou_404(request.GET["adressage"]), request=request
        )
        if access.donnees_visibles(adressage=adressage, user=user) is None:
            raise Http404("Adressage introuvable.")
        personne, consent = adressage.personne, adressage.consentement
        involved = {adressage.destinataire_id, adressage.emettrice_id}
        structures = [s for s in structures if s[0] in involved]
        autres = [s for s in (adressage.emettrice, adressage.destinataire) if s and s.pk not in ids]
        autre = autres[0] if autres else None
    elif request.GET.get("personne"):
        personne = access.personne_get_for_member(
            user=user, public_id=uuid_ou_404(request.GET["personne"]), request=request
        )
        consent = _consentement_pour(personne, ids)
        if consent is None:
            erreur = (
                "Aucun consentement actif de cette personne ne concerne votre structure : "
                "adressez-la d'abord (le consentement est recueilli à cette occasion)."
            )
    form = AccompagnementForm(request.POST or None, structures=structures, autre=autre)
    autre_couverte = autre is not None and consent.structures.filter(pk=autre.pk).exists()
    if autre is not None:
        form.fields["associer"].label += (
            " (accès complet)"
            if autre_couverte
            else " (accès « parcours » : le consentement de la personne ne la couvre pas)"
        )
    if (
        request.method == "POST"
        and personne is not None
        and consent is not None
        and form.is_valid()
    ):
        structure = Structure.objects.get(pk=form.cleaned_data["structure"])
        try:
            with transaction.atomic():
                acc = services.accompagnement_create(
                    personne=personne,
                    consentement=consent,
                    intitule=form.cleaned_data["intitule"],
                    theme=form.cleaned_data["theme"],
                    structure=structure,
                    acting_user=user,
                    adressage=adressage,
                    request=request,
                )
                if autre is not None and form.cleaned_data.get("associer"):
                    services.accompagnement_membre_add(
                        accompagnement=acc,
                        structure=autre,
                        role=RoleAccompagnement.CO_REFERENT,
                        niveau_acces=NiveauAcces.COMPLET
                        if autre_couverte
                        else NiveauAcces.PARCOURS,
                        acting_user=user,
                    )
        except services.DonneesInvalides as exc:
            erreurs_sur(form, exc.erreurs)
        except TransitionInterdite as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Co-accompagnement ouvert.")
            return redirect("referrals:accompagnement", public_id=acc.public_id)
    return render(
        request,
        "referrals/accompagnement_create.html",
        {
            "form": form,
            "adressage": adressage,
            "personne": personne,
            "consentement": consent,
            "erreur": erreur,
            "autre": autre,
            "query": request.GET.urlencode(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _render_accompagnement(request, acc, niveau, *, status=200, erreur="", **forms):
    user = request.user
    membres = list(acc.membres.select_related("structure").order_by("ajoute_le", "pk"))
    consent = acc.consentement
    personne = acc.personne
    complet = (
        niveau == NiveauAcces.COMPLET
        and personne.anonymisee_le is None
        and consent.actif(timezone.localdate())
    )
    ouvert = acc.clos_le is None
    context = {
        "accompagnement": acc,
        "niveau": NiveauAcces(niveau),
        "complet": complet,
        "personne": personne,
        "partage": set(consent.donnees_partagees),
        "consentement": consent,
        "membres": membres,
        "demo": all(m.structure.est_demo for m in membres),
        "evenements": list(acc.evenements.select_related("structure", "auteur")),
        "ouvert": ouvert,
        "evenement_form": (forms.get("evenement") or EvenementForm()) if ouvert else None,
        "membre_form": (
            forms.get("membre")
            or MembreForm(
                destinations=structure_choices(
                    region_ids=_region_ids(user), exclude={m.structure_id for m in membres}
                )
            )
        )
        if ouvert
        else None,
        "peut_clore": services.accompagnement_peut_clore(accompagnement=acc, user=user),
        "cloture_form": forms.get("cloture") or ClotureAccompagnementForm(),
        "erreur": erreur,
        "adressage_lie": (
            access.adressages_for_member(user=user).filter(pk=acc.adressage_id).first()
            if acc.adressage_id
            else None
        ),
    }
    return render(request, "referrals/accompagnement.html", context, status=status)


def accompagnement(request, public_id):
    acc, niveau = access.accompagnement_get_for_member(
        user=request.user, public_id=public_id, request=request
    )
    Notification.objects.filter(
        utilisateur=request.user, accompagnement=acc, lue_le__isnull=True
    ).update(lue_le=timezone.now())
    return _render_accompagnement(request, acc, niveau)


@require_POST
def accompagnement_membre(request, public_id):
    user = request.user
    acc, niveau = access.accompagnement_get_for_member(
        user=user, public_id=public_id, request=request
    )
    existing = set(acc.membres.values_list("structure_id", flat=True))
    form = MembreForm(
        request.POST,
        destinations=structure_choices(region_ids=_region_ids(user), exclude=existing),
    )
    if form.is_valid():
        try:
            services.accompagnement_membre_add(
                accompagnement=acc,
                structure=form.structure_choisie(),
                role=form.cleaned_data["role"],
                niveau_acces=form.cleaned_data["niveau_acces"],
                acting_user=user,
            )
        except services.DonneesInvalides as exc:
            erreurs_sur(form, exc.erreurs)
        except TransitionInterdite as exc:
            return _render_accompagnement(request, acc, niveau, status=409, erreur=str(exc))
        else:
            nom = form.structure_choisie().nom
            messages.success(request, f"{nom} rejoint le co-accompagnement.")
            return redirect("referrals:accompagnement", public_id=acc.public_id)
    erreurs = " ".join(e for errors in form.errors.values() for e in errors)
    return _render_accompagnement(request, acc, niveau, status=400, erreur=erreurs, membre=form)


@require_POST
def accompagnement_evenement(request, public_id):
    user = request.user
    acc, niveau = access.accompagnement_get_for_member(
        user=user, public_id=public_id, request=request
    )
    form = EvenementForm(request.POST)
    if form.is_valid():
        try:
            services.accompagnement_evenement_add(
                accompagnement=acc,
                acting_user=user,
                type=form.cleaned_data["type"],
                texte=form.cleaned_data["texte"],
                date_evenement=form.cleaned_data["date"],
            )
        except services.DonneesInvalides as exc:
            erreurs_sur(form, exc.erreurs)
        except TransitionInterdite as exc:
            return _render_accompagnement(request, acc, niveau, status=409, erreur=str(exc))
        else:
            messages.success(request, "Ajouté au parcours partagé.")
            return redirect(reverse("referrals:accompagnement", args=[acc.public_id]) + "#parcours")
    erreurs = " ".join(e for errors in form.errors.values() for e in errors)
    return _render_accompagnement(request, acc, niveau, status=400, erreur=erreurs, evenement=form)


@require_POST
def accompagnement_clore(request, public_id):
    user = request.user
    acc, niveau = access.accompagnement_get_for_member(
        user=user, public_id=public_id, request=request
    )
    form = ClotureAccompagnementForm(request.POST)
    if form.is_valid():
        try:
            services.accompagnement_clore(
                accompagnement=acc,
                auteur=user,
                motif=form.cleaned_data["motif"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except services.DonneesInvalides as exc:
            erreurs_sur(form, exc.erreurs)
        except TransitionInterdite as exc:
            acc.refresh_from_db()
            return _render_accompagnement(
                request, acc, niveau, status=409, erreur=str(exc), cloture=form
            )
        else:
            messages.success(
                request,
                "Co-accompagnement clos : les autres structures membres sont prévenues. Le "
                "parcours reste consultable.",
            )
            return redirect("referrals:accompagnement", public_id=acc.public_id)
    erreurs = " ".join(e for errors in form.errors.values() for e in errors)
    return _render_accompagnement(request, acc, niveau, status=400, erreur=erreurs, cloture=form)
