"""People: their page, correcting their details, the access right (export), erasure, duplicates
and merge.

Every person is read through ``access.personne_get_for_member`` (404 and an audited view);
correcting needs nothing more, but only the fields the user's structures may see are shown and
written (``access.personne_champs_modifiables``); export needs a membership, erasure and merge a
manager's role, in one of the structures that answer for the person
(``rights.personne_get_for_rights``).
"""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from aiguillage.accounts.access import managed_structure_ids
from aiguillage.core.forms import erreurs_sur
from aiguillage.directory.models import Structure
from aiguillage.referrals import access, rights, services
from aiguillage.referrals.forms import PersonneForm
from aiguillage.referrals.models import (
    STATUTS_OUVERTS,
    DonneePartagee,
    Personne,
)
from aiguillage.referrals.services import DonneesInvalides
from aiguillage.referrals.views._commun import _personnes_visibles
from aiguillage.referrals.workflow import TransitionInterdite

CONFIRMATION = "confirmation"


def _donnees_partagees(personne: Personne, user) -> set[str] | None:
    return access.personne_donnees_partagees(personne=personne, user=user)


def _champs(personne: Personne, partage: set[str] | None) -> list[tuple[str, str]]:
    def ok(item) -> bool:
        return partage is None or item in partage

    champs = [("Prénom", personne.prenom)]
    if ok(DonneePartagee.IDENTITE):
        champs.append(("Nom", personne.nom or "—"))
    if ok(DonneePartagee.DATE_NAISSANCE):
        champs.append(
            (
                "Date de naissance",
                personne.date_naissance.strftime("%d/%m/%Y") if personne.date_naissance else "—",
            )
        )
    if ok(DonneePartagee.COMMUNE):
        champs.append(
            (
                "Commune de résidence",
                f"{personne.commune.nom} ({personne.commune.code})" if personne.commune else "—",
            )
        )
    if ok(DonneePartagee.COORDONNEES):
        preference = personne.get_preference_contact_display()
        if personne.contact_uniquement_ainsi:
            preference += " — uniquement de cette façon"
        champs += [
            ("Courriel", personne.courriel or "—"),
            ("Téléphone", personne.telephone or "—"),
            ("Préférence de contact", preference),
        ]
    return champs


def _titre(champs: list[tuple[str, str]]) -> str:
    noms = dict(champs)
    return f"{noms['Prénom']} {noms.get('Nom', '').strip('—')}".strip()


@require_GET
def personne(request, public_id):
    user = request.user
    fiche = access.personne_get_for_member(user=user, public_id=public_id, request=request)
    partage = _donnees_partagees(fiche, user)
    adressages = (
        access.adressages_for_member(user=user)
        .filter(personne=fiche)
        .select_related("emettrice", "destinataire")
        .order_by("-cree_le", "-pk")
    )
    accompagnements = access.accompagnements_for_member(user=user).filter(personne=fiche)
    peut_gerer = rights.peut_gerer(user=user, personne=fiche)
    responsables = Structure.objects.filter(pk__in=rights.structures_responsables(fiche))
    champs = _champs(fiche, partage)
    return render(
        request,
        "referrals/personne.html",
        {
            "personne": fiche,
            "titre": _titre(champs),
            "champs": champs,
            "partiel": partage is not None,
            "adressages": adressages,
            "accompagnements": accompagnements,
            "peut_modifier": bool(access.champs_du_partage(partage)),
            "peut_exporter": rights.peut_exporter(user=user, personne=fiche),
            "peut_gerer": peut_gerer,
            "doublons": _doublons_visibles(fiche, request) if peut_gerer else [],
            "responsables": responsables.order_by("nom"),
        },
    )


def _doublons_visibles(personne: Personne, request) -> list[Personne]:
    return _personnes_visibles(request, rights.doublons_de(personne=personne, user=request.user))


@require_http_methods(["GET", "POST"])
def modifier(request, public_id):
    """Correct the person's details (right to rectification): only the fields the user's
    structures may see are on the form, and only they are written."""
    user = request.user
    fiche = access.personne_get_for_member(user=user, public_id=public_id, request=request)
    partage = _donnees_partagees(fiche, user)
    champs = access.champs_du_partage(partage)
    if request.method == "POST":
        form = PersonneForm(request.POST, champs=champs)
    else:
        form = PersonneForm(initial=PersonneForm.initial_pour(fiche), champs=champs)
    status = 200
    if request.method == "POST" and champs:
        if form.is_valid():
            try:
                modifies = services.personne_modifier(
                    personne=fiche,
                    acting_user=user,
                    data=form.donnees(),
                    version=form.version_lue(),
                    request=request,
                )
            except DonneesInvalides as exc:
                erreurs_sur(form, exc.erreurs)
                status = 400
            except TransitionInterdite as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                if modifies:
                    libelles = ", ".join(services.CHAMPS_PERSONNE[c] for c in modifies)
                    messages.success(request, f"Fiche corrigée ({libelles}).")
                else:
                    messages.info(request, "Aucune modification : la fiche est inchangée.")
                return redirect("referrals:personne", public_id=fiche.public_id)
        else:
            status = 400
    elif request.method == "POST":
        status = 409  # nothing the structure may correct: the page says so
    return render(
        request,
        "referrals/personne_modifier.html",
        {
            "personne": fiche,
            "form": form,
            "titre": _titre(_champs(fiche, partage)),
            "partiel": partage is not None,
        },
        status=status,
    )


@require_GET
def export(request, public_id):
    fiche = rights.personne_get_for_rights(user=request.user, public_id=public_id, request=request)
    document = rights.personne_export(personne=fiche, acting_user=request.user, request=request)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    nom = f"aiguillage-personne-{fiche.public_id}-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{nom}"'
    return response


@require_http_methods(["GET", "POST"])
def effacer(request, public_id):
    fiche = rights.personne_get_for_rights(
        user=request.user, public_id=public_id, request=request, gestion=True
    )
    erreurs = {}
    if request.method == "POST":
        if request.POST.get(CONFIRMATION) != "oui":
            erreurs[CONFIRMATION] = (
                "Cochez la case « Je confirme l'effacement » pour effacer cette personne."
            )
        else:
            try:
                bilan = rights.personne_effacer(
                    personne=fiche, acting_user=request.user, request=request
                )
            except DonneesInvalides as exc:
                erreurs = exc.erreurs
            else:
                messages.success(
                    request,
                    "Les données de la personne ont été effacées : "
                    f"{bilan.adressages_clos} adressage(s) en cours clos, "
                    f"{bilan.adressages_anonymises} adressage(s) anonymisé(s). Les structures "
                    "concernées ont été prévenues.",
                )
                return redirect("referrals:inbox")
    ouverts = fiche.adressages.filter(statut__in=[str(s) for s in STATUTS_OUVERTS])
    return render(
        request,
        "referrals/personne_effacer.html",
        {
            "personne": fiche,
            "erreurs": erreurs,
            "adressages_ouverts": ouverts.count(),
            "consentements_actifs": fiche.consentements.filter(retire_le__isnull=True).count(),
            "accompagnements_ouverts": fiche.accompagnements.filter(clos_le__isnull=True).count(),
        },
        status=400 if erreurs else 200,
    )


def _uuid(value: str | None):
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def fusionner(request, public_id):
    user = request.user
    garder = rights.personne_get_for_rights(
        user=user, public_id=public_id, request=request, gestion=True
    )
    champ = "doublon" if request.method == "POST" else "avec"
    brut = request.POST.get("doublon") if request.method == "POST" else request.GET.get("avec")
    erreurs = {}
    doublon = None
    if brut:
        autre = _uuid(brut)
        if autre is None:
            erreurs[champ] = "Le champ « fiche à fusionner » n'est pas un identifiant valable."
        else:
            doublon = rights.personne_get_for_rights(
                user=user, public_id=autre, request=request, gestion=True
            )
            if doublon.pk == garder.pk:
                erreurs[champ] = "Choisissez deux fiches différentes."
                doublon = None
    elif request.method == "POST":
        erreurs[champ] = "Choisissez la fiche à fusionner dans celle-ci."
    if request.method == "POST" and doublon is not None and not erreurs:
        if request.POST.get(CONFIRMATION) != "oui":
            erreurs[CONFIRMATION] = "Cochez la case « Je confirme la fusion » pour fusionner."
        else:
            try:
                rights.personnes_fusionner(
                    garder=garder, doublon=doublon, acting_user=user, request=request
                )
            except DonneesInvalides as exc:
                erreurs = exc.erreurs
            else:
                messages.success(
                    request,
                    "Les deux fiches ont été fusionnées : adressages, consentements et "
                    "co-accompagnements sont maintenant rattachés à cette fiche.",
                )
                return redirect("referrals:personne", public_id=garder.public_id)
    return render(
        request,
        "referrals/personne_fusionner.html",
        {
            "personne": garder,
            "doublon": doublon,
            "candidats": [] if doublon else _doublons_visibles(garder, request),
            "erreurs": erreurs,
            "lignes": _comparaison(garder, doublon) if doublon else [],
        },
        status=400 if erreurs else 200,
    )


def _comparaison(a: Personne, b: Personne) -> list[tuple[str, str, str]]:
    def valeurs(p: Personne) -> dict[str, str]:
        return dict(_champs(p, None))

    va, vb = valeurs(a), valeurs(b)
    lignes = [(label, va[label], vb.get(label, "—")) for label in va]
    lignes.append(("Adressages", str(a.adressages.count()), str(b.adressages.count())))
    lignes.append(
        ("Co-accompagnements", str(a.accompagnements.count()), str(b.accompagnements.count()))
    )
    lignes.append(
        (
            "Fiche créée le",
            f"{timezone.localtime(a.cree_le):%d/%m/%Y}",
            f"{timezone.localtime(b.cree_le):%d/%m/%Y}",
        )
    )
    return lignes


@require_GET
def doublons(request):
    if not managed_structure_ids(request.user):
        raise Http404("Page introuvable.")
    paires = rights.doublons_pour(user=request.user, request=request)
    return render(request, "referrals/doublons.html", {"paires": paires})
