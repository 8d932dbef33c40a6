"""Directory pages: public search and site pages; managers' editing; coverage gaps; a user's
saved searches (save, list, re-run, rename or change the alert, delete)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from aiguillage.accounts import access
from aiguillage.core.forms import erreurs_sur
from aiguillage.core.requetes import page_demandee
from aiguillage.directory import referentials, selectors, services
from aiguillage.directory.forms import SavedSearchForm, SearchForm, ServiceForm, SiteForm
from aiguillage.directory.models import Niveau
from aiguillage.directory.reseaux import Reseau
from aiguillage.territories.maps import svg_map
from aiguillage.territories.models import Commune
from aiguillage.territories.search import commune_search


@login_not_required
def search(request):
    form = SearchForm(request.GET or None)
    context = {"form": form, "resultats": None, "autres_communes": []}
    if form.is_valid() and (form.cleaned_data["commune"] or form.cleaned_data["code"]):
        data = form.cleaned_data
        code = data["code"]
        if not code:
            candidates = commune_search(data["commune"], limit=6)
            if candidates:
                code = candidates[0].code
                context["autres_communes"] = candidates[1:]
            else:
                form.add_error("commune", "Aucune commune ne correspond à cette saisie.")
        if code:
            criteres = selectors.search_criteria(
                code=code,
                public=data["public"],
                thematique=data["thematique"],
                reseau=data["reseau"],
                accueille=data["accueille"],
            )
            context["resultats"] = selectors.site_search(
                **selectors.search_arguments(criteres), page=page_demandee(request)
            )
            context["query_string"] = _without_page(request)
            context["criteres_query"] = selectors.criteria_query(criteres)
    template = "directory/_results.html" if request.htmx else "directory/search.html"
    return render(request, template, context)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_not_required
def commune_suggestions(request):
    """Options of the commune field's datalist (htmx)."""
    query = request.GET.get("commune", "")
    return render(
        request, "directory/_commune_options.html", {"communes": commune_search(query, limit=8)}
    )


@login_not_required
def site_detail(request, site_id: int):
    site = selectors.site_detail(site_id=site_id)
    if site is None:
        raise Http404("Site introuvable.")
    departement = site.commune.departement
    carte = (
        svg_map(
            [(departement.code, departement.nom, departement.contour, "#eef3f9")],
            markers=[(site.latitude, site.longitude, site.nom)],
            width=320,
        )
        if departement
        else None
    )
    return render(
        request,
        "directory/site_detail.html",
        {
            "site": site,
            "carte": carte,
            "perime": site.confirme_le is None or site.confirme_le < selectors.freshness_limit(),
            "peut_modifier": request.user.is_authenticated
            and access.can_manage_structure(request.user, site.structure_id),
            "dessertes": _dessertes_display(site),
            "tuiles": settings.AIGUILLAGE_TUILES_URL,
            "tuiles_attribution": settings.AIGUILLAGE_TUILES_ATTRIBUTION,
        },
    )


def _dessertes_display(site) -> list[tuple[str, str, str]]:
    """(level, territory name, public) for each territory the site serves."""
    labels = {}
    for niveau, model in services.LEVEL_MODELS.items():
        codes = [d.code for d in site.dessertes.all() if d.niveau == niveau]
        if codes:
            labels.update({(niveau, o.pk): o.nom for o in model.objects.filter(pk__in=codes)})
    return [
        (
            Niveau(d.niveau).label,
            labels.get((d.niveau, d.code), d.code),
            referentials.PUBLICS.get(d.public, "tous publics"),
        )
        for d in sorted(site.dessertes.all(), key=lambda d: (d.niveau, d.code, d.public))
    ]


@require_http_methods(["GET", "POST"])
def site_edit(request, site_id: int | None = None, structure_id: int | None = None):
    if site_id is not None:
        site = access.site_get_for_manager(user=request.user, site_id=site_id)
        prefetch_related_objects([site], "dessertes")  # read once for the form and the save
        structure = site.structure
        initial = SiteForm.initial_for(site)
    else:
        site = None
        structure = access.structure_get_for_manager(user=request.user, structure_id=structure_id)
        initial = {"capacite": "accueille"}
    form = SiteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("dessertes_")}
        keep = (
            [(d.niveau, d.code, d.public) for d in site.dessertes.all() if d.public] if site else []
        )
        try:
            site = services.site_save(
                acting_user=request.user,
                data=data,
                site=site,
                structure=structure,
                dessertes=form.dessertes() + keep,
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = "dessertes_commune" if field == "dessertes" else field
                form.add_error(target if target in form.fields else None, errors)
        else:
            messages.success(request, "Le site a été enregistré et ses informations confirmées.")
            return redirect("directory:site_detail", site_id=site.pk)
    return render(
        request, "directory/site_form.html", {"form": form, "site": site, "structure": structure}
    )


@require_POST
def site_confirm(request, site_id: int):
    site = access.site_get_for_manager(user=request.user, site_id=site_id)
    services.site_confirm(site=site, acting_user=request.user, request=request)
    messages.success(request, "Merci : les informations du site sont confirmées à jour.")
    return redirect("directory:site_detail", site_id=site.pk)


@require_http_methods(["GET", "POST"])
def service_edit(request, service_id: int | None = None, site_id: int | None = None):
    if service_id is not None:
        service = access.service_get_for_manager(user=request.user, service_id=service_id)
        site = service.site
        initial = ServiceForm.initial_for(service)
    else:
        service = None
        site = access.site_get_for_manager(user=request.user, site_id=site_id)
        initial = {}
    form = ServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        thematiques, publics = data.pop("thematiques"), data.pop("publics")
        try:
            services.service_save(
                acting_user=request.user,
                data=data,
                thematiques=thematiques,
                publics=publics,
                service=service,
                site=site,
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Le service a été enregistré.")
            return redirect("directory:site_detail", site_id=site.pk)
    return render(
        request, "directory/service_form.html", {"form": form, "site": site, "service": service}
    )


def coverage(request, code: str):
    """Communes of the région that no site of a network serves, for a public or all."""
    region = access.region_get_for_dashboard(user=request.user, region_code=code)
    reseau = request.GET.get("reseau") or Reseau.MISSION_LOCALE
    if reseau not in Reseau.values:
        reseau = Reseau.MISSION_LOCALE
    public = request.GET.get("public") or ""
    if public and public not in referentials.PUBLICS:
        public = ""
    gaps = selectors.coverage_gaps(region_code=region.code, reseau=reseau, public=public or None)
    total = Commune.objects.filter(region=region, type="commune-actuelle").count()
    by_departement: dict[str, list[Commune]] = {}
    for commune in gaps:
        by_departement.setdefault(str(commune.departement), []).append(commune)
    carte = svg_map(
        [(d.code, d.nom, d.contour, "#eef3f9") for d in region.departements.all()],
        markers=[(c.latitude, c.longitude, c.nom) for c in gaps],
        width=560,
    )
    return render(
        request,
        "directory/coverage.html",
        {
            "region": region,
            "reseau": reseau,
            "reseau_label": Reseau(reseau).label,
            "public": public,
            "reseaux": Reseau.choices,
            "publics": referentials.PUBLICS.items(),
            "gaps": gaps,
            "par_departement": sorted(by_departement.items()),
            "total": total,
            "carte": carte,
        },
    )


# --- Saved searches ---------------------------------------------------------------------------


def saved_searches(request):
    """The user's saved searches: re-run, change, delete."""
    rows = selectors.saved_searches_for_owner(user=request.user)
    return render(
        request,
        "directory/saved_searches.html",
        {"rows": rows, "maximum": services.SAVED_SEARCHES_MAX},
    )


def _criteria_from(params) -> dict:
    """The criteria sent by the search page's "save" link (then by the form's hidden fields)."""
    return selectors.search_criteria(
        code=params.get("code", "").strip(),
        public=params.get("public", ""),
        thematique=params.get("thematique", ""),
        reseau=params.get("reseau", ""),
        accueille=params.get("accueille", "") in ("on", "true", "1"),
    )


def _commune_nom(criteres: dict) -> str:
    code = criteres.get("code")
    return Commune.objects.filter(code=code).values_list("nom", flat=True).first() or ""


@require_http_methods(["GET", "POST"])
def saved_search_create(request):
    """Name the search just made on the search page, and choose its alert."""
    criteres = _criteria_from(request.POST if request.method == "POST" else request.GET)
    try:
        criteres = selectors.search_criteria_validate(criteres)
    except ValidationError as exc:
        erreurs_criteres = exc.messages
    else:
        erreurs_criteres = []
    commune_nom = _commune_nom(criteres) if not erreurs_criteres else ""
    labels = selectors.criteria_labels(criteres, commune_nom=commune_nom)
    form = SavedSearchForm(request.POST or None, initial={"nom": " — ".join(labels)[:100]})
    if request.method == "POST" and form.is_valid():
        try:
            recherche = services.saved_search_create(
                owner=request.user,
                nom=form.cleaned_data["nom"],
                criteres=criteres,
                frequence=form.cleaned_data["frequence"],
                request=request,
            )
        except ValidationError as exc:
            erreurs_sur(form, exc.message_dict)
        else:
            messages.success(request, f"La recherche « {recherche.nom} » est sauvegardée.")
            return redirect("directory:saved_searches")
    complet = selectors.saved_search_count(user=request.user) >= services.SAVED_SEARCHES_MAX
    return render(
        request,
        "directory/saved_search_form.html",
        {
            "form": form,
            "recherche": None,
            "criteres": labels,
            "erreurs_criteres": erreurs_criteres,
            "champs_criteres": [
                (name, "on" if value is True else value) for name, value in criteres.items()
            ],
            "url_recherche": selectors.search_url(criteres, commune_nom=commune_nom),
            "complet": complet and request.method == "GET",
            "maximum": services.SAVED_SEARCHES_MAX,
        },
    )


def saved_search_run(request, saved_search_id: int):
    """Run a saved search again: the search page with its criteria."""
    recherche = selectors.saved_search_get_for_owner(
        user=request.user, saved_search_id=saved_search_id
    )
    criteres = recherche.criteres
    return redirect(selectors.search_url(criteres, commune_nom=_commune_nom(criteres)))


@require_http_methods(["GET", "POST"])
def saved_search_edit(request, saved_search_id: int):
    """Rename a saved search, or change or stop its alert."""
    recherche = selectors.saved_search_get_for_owner(
        user=request.user, saved_search_id=saved_search_id
    )
    form = SavedSearchForm(
        request.POST or None, initial={"nom": recherche.nom, "frequence": recherche.frequence}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.saved_search_update(
                recherche=recherche,
                nom=form.cleaned_data["nom"],
                frequence=form.cleaned_data["frequence"],
                request=request,
            )
        except ValidationError as exc:
            erreurs_sur(form, exc.message_dict)
        else:
            messages.success(request, f"La recherche « {recherche.nom} » est enregistrée.")
            return redirect("directory:saved_searches")
    commune_nom = _commune_nom(recherche.criteres)
    return render(
        request,
        "directory/saved_search_form.html",
        {
            "form": form,
            "recherche": recherche,
            "criteres": selectors.criteria_labels(recherche.criteres, commune_nom=commune_nom),
            "url_recherche": selectors.search_url(recherche.criteres, commune_nom=commune_nom),
        },
    )


@require_POST
def saved_search_delete(request, saved_search_id: int):
    recherche = selectors.saved_search_get_for_owner(
        user=request.user, saved_search_id=saved_search_id
    )
    nom = recherche.nom
    services.saved_search_delete(recherche=recherche, request=request)
    messages.success(request, f"La recherche « {nom} » est supprimée.")
    return redirect("directory:saved_searches")
