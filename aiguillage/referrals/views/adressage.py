"""Referring a person, and one referral's page with what is done from it.

- ``create``: refer a person (new, a probable duplicate the structure already knows, or
  ``?personne=<uuid>``) to one structure or several (fan-out), with the consent block. The text
  read to the person is the text stored: the page refreshes it (htmx) as the choices change, and
  refuses the submission when what was shown differs from what would be stored.
- ``detail``: one referral through ``access.adressage_get_for_member`` (404 for anybody not
  involved). A member of the receiving structure opening an ``envoyee`` referral marks it
  ``recue``. The page shows only what ``access.donnees_visibles`` allows, the consent, the
  timeline (status changes, messages, attachments) and the moves ``workflow.allowed_from``
  allows the user's side.
- ``transition``, ``rediriger``, ``message``, ``consentement_retirer``: POST only; a refused move
  renders the page again with the French message and HTTP 409 (400 for invalid input), nothing
  changed.
- ``piece_jointe``: downloads through ``access.piece_jointe_get_for_member``, never from a public
  URL.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from aiguillage.core.audit import audit_view
from aiguillage.core.forms import erreurs_sur
from aiguillage.core.requetes import uuid_ou_404
from aiguillage.directory.models import Structure
from aiguillage.referrals import access, services, workflow
from aiguillage.referrals.forms import (
    ACCORD_LABEL,
    DONNEES_OPTIONNELLES,
    AdressageForm,
    MessageForm,
    RedirigerForm,
    RetraitForm,
    commune_resolve,
    structure_choices,
    transition_form,
)
from aiguillage.referrals.models import (
    DONNEES_MINIMALES,
    Adressage,
    Canal,
    DonneePartagee,
    MotifAnnulation,
    MotifRefus,
    Notification,
    Resultat,
    Statut,
)
from aiguillage.referrals.views._commun import (
    _member_structures,
    _personnes_visibles,
    _region_ids,
    _require_member,
)
from aiguillage.referrals.workflow import Side, TransitionInterdite


def _detail_url(adressage: Adressage, anchor: str = "") -> str:
    return reverse("referrals:detail", args=[adressage.public_id]) + anchor


# --- Create -----------------------------------------------------------------------------------


def _texte_consentement(raw, destinations) -> str:
    """The exact consent text for the raw choices of the form ("" until a structure is chosen)."""
    ids: list[int] = []
    for value in [raw.get("destinataire"), *raw.getlist("autres_destinataires")]:
        with contextlib.suppress(TypeError, ValueError):
            pk = int(value)
            if pk in destinations.structures and pk not in ids:
                ids.append(pk)
    if not ids:
        return ""
    chosen = set(raw.getlist("donnees"))
    donnees = [*DONNEES_MINIMALES, *(d for d, _ in DONNEES_OPTIONNELLES if d in chosen)]
    return services.consentement_texte(
        donnees=donnees,
        structures=[destinations.structures[pk] for pk in ids],
        fin=services.consentement_fin(),
    )


def _doublons_accessibles(form: AdressageForm, request) -> list:
    """Probable duplicates the user's structures may see (each display is audited). People known
    only to other structures are not revealed: managers merge duplicates (views.personnes)."""
    data = form.cleaned_data
    commune = data.get("commune")
    candidates = services.personne_doublons(
        prenom=data.get("prenom") or "",
        nom=data.get("nom") or "",
        date_naissance=data.get("date_naissance"),
        commune_id=commune.pk if commune else None,
    ).select_related("commune")[:10]
    return _personnes_visibles(request, candidates)


def _create_context(request, form, destinations, personne, *, doublons=(), texte=None) -> dict:
    return {
        "form": form,
        "personne": personne,
        "doublons": doublons,
        "texte": _texte_consentement(request.POST, destinations) if texte is None else texte,
        "suggestion": destinations.suggestion_label,
        "donnees_minimales": [DonneePartagee(d).label for d in DONNEES_MINIMALES],
        "accord_label": ACCORD_LABEL,
        "accord_coche": form.is_bound and form.data.get("accord") == "on",
        "duree_mois": settings.AIGUILLAGE_CONSENTEMENT_DUREE_MOIS,
    }


def _sans_accord(form: AdressageForm, texte: str, **kwargs) -> AdressageForm:
    data = form.data.copy()
    data.pop("accord", None)
    data["texte_affiche"] = texte
    return AdressageForm(data, **kwargs)


@require_http_methods(["GET", "POST"])
def create(request):
    user = request.user
    ids = _require_member(user)
    personne = None
    if request.GET.get("personne"):
        personne = access.personne_get_for_member(
            user=user, public_id=uuid_ou_404(request.GET["personne"]), request=request
        )
    raw = request.POST if request.method == "POST" else request.GET
    commune = personne.commune if personne is not None else None
    if raw.get("commune"):
        commune = commune_resolve(raw["commune"])[0] or commune
    destinations = structure_choices(
        region_ids=_region_ids(user), exclude=ids if len(ids) == 1 else (), commune=commune
    )
    form_kwargs = {
        "emettrices": _member_structures(user),
        "destinations": destinations,
        "personne": personne,
    }
    partial = request.GET.get("partial")
    if partial == "destinations":
        # htmx: the commune changed, structures serving it come first; choices are kept.
        initial = {
            "destinataire": request.GET.get("destinataire"),
            "autres_destinataires": request.GET.getlist("autres_destinataires"),
        }
        form = AdressageForm(initial=initial, **form_kwargs)
        return render(
            request,
            "referrals/_destinations.html",
            {"form": form, "suggestion": destinations.suggestion_label},
        )
    if partial == "consentement" and request.method == "POST":
        # htmx: the choices changed; show the new text, and untick the agreement if it changed.
        texte = _texte_consentement(request.POST, destinations)
        change = texte != request.POST.get("texte_affiche", "")
        return render(
            request,
            "referrals/_consentement.html",
            {
                "texte": texte,
                "oob_accord": change and request.POST.get("accord") == "on",
                "accord_label": ACCORD_LABEL,
                "duree_mois": settings.AIGUILLAGE_CONSENTEMENT_DUREE_MOIS,
            },
        )

    form = AdressageForm(request.POST or None, **form_kwargs)
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "referrals/create.html",
            _create_context(request, form, destinations, personne),
            status=status,
        )
    texte = _texte_consentement(request.POST, destinations)
    if texte != form.cleaned_data["texte_affiche"]:
        form = _sans_accord(form, texte, **form_kwargs)
        form.is_valid()
        form.errors["accord"] = form.error_class(
            [
                "Le texte de l'accord a changé avec vos choix : relisez-le à la personne, puis "
                "cochez de nouveau la case si elle est d'accord."
            ]
        )
        context = _create_context(request, form, destinations, personne, texte=texte)
        return render(request, "referrals/create.html", context, status=400)
    existante = personne
    if existante is None:
        choix = form.cleaned_data["personne_choix"]
        doublons = [] if choix == "nouvelle" else _doublons_accessibles(form, request)
        existante = next((d for d in doublons if str(d.public_id) == choix), None)
        if doublons and existante is None:
            context = _create_context(request, form, destinations, None, doublons=doublons)
            return render(request, "referrals/create.html", context)
    emettrice = Structure.objects.get(pk=form.cleaned_data["emettrice"])
    try:
        with transaction.atomic():
            cible = existante or services.personne_create(
                data=form.personne_data(), structure=emettrice, acting_user=user, request=request
            )
            consentement = services.consentement_create(
                personne=cible,
                structures=form.destinataires(),
                donnees=form.donnees_partagees(),
                mode=form.cleaned_data["mode"],
                recueilli_par=user,
                structure=emettrice,
                texte=texte,
            )
            created = services.adressage_create(
                personne=cible,
                consentement=consentement,
                destinataires=form.destinataires(),
                motif=form.cleaned_data["motif"],
                note=form.cleaned_data["note"],
                canal=Canal.CONSEILLER,
                emettrice=emettrice,
                emis_par=user,
                request=request,
            )
    except services.DonneesInvalides as exc:
        aliases = {"destinataires": "destinataire", "structures": "destinataire"}
        erreurs_sur(form, exc.erreurs, aliases)
        context = _create_context(request, form, destinations, personne)
        return render(request, "referrals/create.html", context, status=400)
    noms = ", ".join(a.destinataire.nom for a in created)
    if len(created) > 1:
        messages.success(
            request,
            f"Demande diffusée à {noms} : la première structure qui l'accepte la prend en charge.",
        )
    else:
        messages.success(request, f"Adressage envoyé à {noms}.")
    return redirect(_detail_url(created[0]))


# --- One referral -----------------------------------------------------------------------------

ACTION_LABELS = {
    Statut.ACCEPTEE: "Accepter",
    Statut.PREMIER_CONTACT: "Premier contact établi",
    Statut.EN_COURS: "Accompagnement en cours",
    Statut.REFUSEE: "Refuser",
    Statut.TERMINEE: "Clôturer avec un résultat",
    Statut.ANNULEE: "Annuler l'adressage",
}
# Moves made elsewhere: ``recue`` when the receiver opens the page, ``redirigee`` by its own form.
HORS_BOUTONS = {Statut.RECUE, Statut.REDIRIGEE}
MOTIFS = {
    Statut.REFUSEE: dict(MotifRefus.choices),
    Statut.TERMINEE: dict(Resultat.choices),
    Statut.ANNULEE: dict(MotifAnnulation.choices),
}


@dataclass
class Evenement:
    """One line of a referral's timeline."""

    le: datetime
    type: str  # "statut", "message" or "piece"
    titre: str
    qui: str
    texte: str = ""
    motif: str = ""
    statut: str = ""
    pieces: list = field(default_factory=list)


def _qui(user, structure) -> str:
    if user is None and structure is None:
        return "Aiguillage (automatique)"
    nom = (user.get_full_name() or "Un membre") if user is not None else "La structure"
    return f"{nom} ({structure.nom})" if structure is not None else nom


def _timeline(adressage: Adressage, *, echanges: bool) -> list[Evenement]:
    """Status changes, and (when the user may see them) messages and attachments, by date."""
    events = [
        Evenement(
            le=t.le,
            type="statut",
            titre=Statut(t.vers).label,
            qui=_qui(t.par, t.structure),
            texte=t.commentaire,
            motif=MOTIFS.get(t.vers, {}).get(t.motif, ""),
            statut=t.vers,
        )
        for t in adressage.transitions.select_related("par", "structure")
    ]
    if echanges:
        for m in adressage.messages.select_related("auteur", "structure").prefetch_related(
            "pieces_jointes"
        ):
            events.append(
                Evenement(
                    le=m.cree_le,
                    type="message",
                    titre="Message",
                    qui=_qui(m.auteur, m.structure),
                    texte=m.texte,
                    pieces=list(m.pieces_jointes.all()),
                )
            )
        for p in adressage.pieces_jointes.filter(message__isnull=True).select_related(
            "ajoutee_par", "structure"
        ):
            events.append(
                Evenement(
                    le=p.cree_le,
                    type="piece",
                    titre="Pièce jointe",
                    qui=_qui(p.ajoutee_par, p.structure),
                    pieces=[p],
                )
            )
    return sorted(events, key=lambda e: e.le)


def _acces_perdu(adressage: Adressage) -> str:
    """Why the receiver no longer sees the person's data."""
    consent = adressage.consentement
    if adressage.personne.anonymisee_le is not None:
        return "Les données de cette personne ont été anonymisées."
    if consent.retire_le is not None:
        return (
            f"La personne a retiré son consentement le {consent.retire_le:%d/%m/%Y} : votre "
            "structure n'a plus accès à ses données."
        )
    if adressage.statut == Statut.ANNULEE:
        return "Adressage annulé : votre structure n'a plus accès aux données de la personne."
    if adressage.statut == Statut.EXPIREE:
        return "Adressage expiré : votre structure n'a plus accès aux données de la personne."
    if not consent.actif(timezone.localdate()):
        return (
            f"Le consentement de la personne a pris fin le {consent.valable_jusqu_au:%d/%m/%Y} : "
            "votre structure n'a plus accès à ses données."
        )
    return "Le consentement de la personne ne couvre pas votre structure."


def _render_detail(request, adressage: Adressage, *, status: int = 200, erreur: str = "", **forms):
    user = request.user
    sides = access.sides_for(adressage=adressage, user=user)
    vue = access.donnees_visibles(adressage=adressage, user=user)
    actions = []
    for side in (Side.DESTINATAIRE, Side.EMETTRICE):
        if side not in sides:
            continue
        for vers in workflow.allowed_from(adressage.statut, side):
            if vers in HORS_BOUTONS or any(a["vers"] == vers for a in actions):
                continue
            actions.append(
                {
                    "vers": vers,
                    "label": ACTION_LABELS.get(vers, Statut(vers).label),
                    "form": forms.get(vers) or transition_form(vers),
                    "avec_motif": vers in MOTIFS,
                }
            )
    peut_rediriger = (
        Side.DESTINATAIRE in sides
        and vue is not None
        and Statut.REDIRIGEE in workflow.allowed_from(adressage.statut, Side.DESTINATAIRE)
    )
    rediriger_form = None
    if peut_rediriger:
        rediriger_form = forms.get("rediriger") or RedirigerForm(
            destinations=structure_choices(
                region_ids=_region_ids(user),
                exclude={adressage.destinataire_id, adressage.emettrice_id},
                commune=vue.commune,
            )
        )
    consent = adressage.consentement
    mine = access.adressages_for_member(user=user)
    context = {
        "adressage": adressage,
        "personne": vue,
        "acces_perdu": "" if vue is not None else _acces_perdu(adressage),
        "emetteur": Side.EMETTRICE in sides,
        "destinataire": Side.DESTINATAIRE in sides,
        "fhir": workflow.FHIR_TASK_STATUS[adressage.statut],
        "consentement": consent,
        "consentement_actif": consent.actif(timezone.localdate()),
        # The sender collected the data itself; the receiver sees what the consent lists.
        "partage": set(DonneePartagee.values)
        if Side.EMETTRICE in sides
        else set(consent.donnees_partagees),
        "consentement_donnees": [DonneePartagee(d).label for d in consent.donnees_partagees],
        "consentement_structures": list(consent.structures.all()),
        "timeline": _timeline(adressage, echanges=vue is not None),
        "actions": actions,
        "rediriger_form": rediriger_form,
        "message_form": forms.get("message") or MessageForm(),
        "retrait_form": forms.get("retrait") or RetraitForm(),
        "erreur": erreur,
        "motif_cloture": MOTIFS.get(adressage.statut, {}).get(
            adressage.resultat or adressage.motif_refus or adressage.motif_annulation, ""
        ),
        "diffusion": (
            list(mine.filter(diffusion_id=adressage.diffusion_id).select_related("destinataire"))
            if adressage.diffusion_id and Side.EMETTRICE in sides
            else []
        ),
        "origine": mine.filter(pk=adressage.origine_id).first() if adressage.origine_id else None,
        "suites": list(mine.filter(origine=adressage).select_related("destinataire")),
        "accompagnements": list(
            access.accompagnements_for_member(user=user).filter(adressage=adressage)
        ),
        "demo": bool(
            adressage.destinataire.est_demo
            and (adressage.emettrice is None or adressage.emettrice.est_demo)
        ),
    }
    if request.htmx and status >= 400:
        return render(request, "referrals/_erreur.html", context, status=status)
    return render(request, "referrals/detail.html", context, status=status)


def detail(request, public_id):
    user = request.user
    adressage = access.adressage_get_for_member(user=user, public_id=public_id, request=request)
    adressage = services.adressage_ouvrir(adressage=adressage, user=user, request=request)
    Notification.objects.filter(utilisateur=user, adressage=adressage, lue_le__isnull=True).update(
        lue_le=timezone.now()
    )
    return _render_detail(request, adressage)


def _echec(request, public_id, erreur: str, status: int, **forms):
    """The referral's page again, with the French message of what was refused."""
    adressage = access.adressage_get_for_member(
        user=request.user, public_id=public_id, request=request
    )
    return _render_detail(request, adressage, status=status, erreur=erreur, **forms)


def _get_for_post(request, public_id) -> Adressage:
    # No view is audited here: nothing is displayed unless the page is shown again (_echec).
    return access.adressage_get_for_member(
        user=request.user, public_id=public_id, request=request, audit=False
    )


@require_POST
def transition(request, public_id):
    adressage = _get_for_post(request, public_id)
    vers = request.POST.get("vers", "")
    if vers not in Statut.values:
        return _echec(request, public_id, "Statut demandé inconnu.", 400)
    if vers == Statut.REDIRIGEE:
        return _echec(
            request,
            public_id,
            "Pour rediriger la personne, utilisez le formulaire « Rediriger vers une autre "
            "structure ».",
            400,
        )
    form = transition_form(vers, request.POST)
    if not form.is_valid():
        erreurs = " ".join(e for errors in form.errors.values() for e in errors)
        return _echec(request, public_id, erreurs, 400, **{vers: form})
    try:
        services.adressage_transition(
            adressage=adressage,
            vers=vers,
            acting_user=request.user,
            motif=form.motif(),
            commentaire=form.cleaned_data["commentaire"],
            request=request,
        )
    except TransitionInterdite as exc:
        return _echec(request, public_id, str(exc), 409, **{vers: form})
    messages.success(request, f"Nouveau statut de l'adressage : {Statut(vers).label}.")
    return redirect(_detail_url(adressage))


@require_POST
def rediriger(request, public_id):
    user = request.user
    adressage = _get_for_post(request, public_id)
    if Side.DESTINATAIRE not in access.sides_for(adressage=adressage, user=user):
        return _echec(
            request, public_id, "Seule la structure destinataire peut rediriger la personne.", 409
        )
    vue = access.donnees_visibles(adressage=adressage, user=user)
    form = RedirigerForm(
        request.POST,
        destinations=structure_choices(
            region_ids=_region_ids(user),
            exclude={adressage.destinataire_id, adressage.emettrice_id},
            commune=vue.commune if vue else None,
        ),
    )
    if not form.is_valid():
        return _echec(
            request, public_id, "Le formulaire de redirection est incomplet.", 400, rediriger=form
        )
    try:
        nouveau = services.adressage_rediriger(
            adressage=adressage,
            vers_structure=form.structure_choisie(),
            acting_user=user,
            commentaire=form.cleaned_data["commentaire"],
            consentement_mode=form.cleaned_data["mode"],
            request=request,
        )
    except TransitionInterdite as exc:
        return _echec(request, public_id, str(exc), 409, rediriger=form)
    except services.DonneesInvalides as exc:
        return _echec(request, public_id, " ".join(exc.erreurs.values()), 400, rediriger=form)
    messages.success(request, f"Personne redirigée vers {nouveau.destinataire.nom}.")
    return redirect(_detail_url(nouveau))


@require_POST
def message(request, public_id):
    user = request.user
    adressage = _get_for_post(request, public_id)
    form = MessageForm(request.POST, request.FILES)
    if access.donnees_visibles(adressage=adressage, user=user) is None:
        return _echec(
            request,
            public_id,
            "Votre structure n'a plus accès aux données de cette personne : les échanges sont "
            "fermés.",
            409,
        )
    if not form.is_valid():
        erreurs = " ".join(e for errors in form.errors.values() for e in errors)
        return _echec(request, public_id, erreurs, 400, message=form)
    fichier = form.cleaned_data.get("fichier")
    try:
        services.message_create(
            adressage=adressage,
            auteur=user,
            texte=form.cleaned_data["texte"],
            fichiers=[fichier] if fichier else [],
            request=request,
        )
    except services.DonneesInvalides as exc:
        erreurs_sur(form, exc.erreurs)
        return _echec(request, public_id, " ".join(exc.erreurs.values()), 400, message=form)
    except TransitionInterdite as exc:
        return _echec(request, public_id, str(exc), 409, message=form)
    messages.success(request, "Message envoyé.")
    return redirect(_detail_url(adressage, "#echanges"))


@require_POST
def consentement_retirer(request, public_id):
    adressage = _get_for_post(request, public_id)
    form = RetraitForm(request.POST)
    if not form.is_valid():
        return _echec(request, public_id, form.errors["confirmation"][0], 400, retrait=form)
    try:
        clos = services.consentement_retirer(
            consentement=adressage.consentement, acting_user=request.user, request=request
        )
    except TransitionInterdite as exc:
        return _echec(request, public_id, str(exc), 409, retrait=form)
    messages.success(
        request,
        "Consentement retiré : les structures destinataires n'ont plus accès aux données de la "
        f"personne ({clos} adressage{'s' if clos > 1 else ''} ouvert{'s' if clos > 1 else ''} "
        f"annulé{'s' if clos > 1 else ''}).",
    )
    return redirect(_detail_url(adressage))


def piece_jointe(request, public_id):
    piece = access.piece_jointe_get_for_member(
        user=request.user, public_id=public_id, request=request
    )
    try:
        handle = piece.fichier.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Fichier introuvable.") from exc
    audit_view(
        actor=request.user,
        obj=piece,
        request=request,
        structure_id=piece.structure_id,
        object_repr=f"Pièce jointe {piece.public_id} (téléchargement)",
    )
    response = FileResponse(
        handle, as_attachment=True, filename=piece.nom, content_type=piece.type_mime
    )
    response["Cache-Control"] = "private, no-store"
    return response
