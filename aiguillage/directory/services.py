"""Writes to the directory: each user-visible change is one atomic, audited function."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from aiguillage.accounts.models import Membership, Role, User
from aiguillage.core.audit import audit_record
from aiguillage.core.models import AuditAction
from aiguillage.directory.models import (
    Desserte,
    FrequenceAlerte,
    Niveau,
    RechercheSauvegardee,
    Service,
    ServicePublic,
    ServiceThematique,
    Site,
    Structure,
)
from aiguillage.directory.selectors import search_criteria_validate, stale_q
from aiguillage.territories.models import Bassin, Commune, Departement, Epci, Region

SITE_FIELDS = (
    "nom",
    "description",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "latitude",
    "longitude",
    "horaires_accueil",
    "accessibilite_lieu",
    "accessible_pmr",
    "telephone",
    "courriel",
    "site_web",
    "lien_rdv",
    "capacite",
    "delai_typique_jours",
)
LEVEL_MODELS = {
    Niveau.COMMUNE: Commune,
    Niveau.EPCI: Epci,
    Niveau.DEPARTEMENT: Departement,
    Niveau.REGION: Region,
    Niveau.BASSIN: Bassin,
}


def _apply(obj, data: dict, fields) -> list[str]:
    changed = []
    for name in fields:
        if name in data and getattr(obj, name, None) != data[name]:
            setattr(obj, name, data[name])
            changed.append(name)
    return changed


def _place(site: Site) -> None:
    """Without an explicit point, a site sits at its commune's point (approximate)."""
    if site.latitude is None or site.longitude is None:
        site.latitude, site.longitude = site.commune.latitude, site.commune.longitude
        site.precision = "approchee" if site.latitude is not None else "absente"
    elif site.precision == "absente":
        site.precision = "exacte"


def dessertes_validate(entries: list[tuple[str, str, str]]) -> list[str]:
    """French errors for unknown territory codes in (niveau, code, public) entries."""
    errors = []
    wanted: dict[str, set[str]] = defaultdict(set)
    for niveau, code, _public in entries:
        if niveau not in LEVEL_MODELS:
            errors.append(f"Niveau de territoire « {niveau} » inconnu.")
        else:
            wanted[niveau].add(code)
    for niveau, codes in wanted.items():
        model = LEVEL_MODELS[niveau]
        known = set(model.objects.filter(pk__in=codes).values_list("pk", flat=True))
        for code in sorted(codes - known):
            errors.append(f"{Niveau(niveau).label} : code « {code} » inconnu.")
    return errors


def _dessertes_replace(site: Site, entries: list[tuple[str, str, str]]) -> bool:
    current = set(site.dessertes.values_list("niveau", "code", "public"))
    wanted = set(entries)
    if current == wanted:
        return False
    for niveau, code, public in current - wanted:
        site.dessertes.filter(niveau=niveau, code=code, public=public).delete()
    Desserte.objects.bulk_create(
        [Desserte(site=site, niveau=n, code=c, public=p) for n, c, p in sorted(wanted - current)]
    )
    return True


@transaction.atomic
def site_save(
    *,
    acting_user: User,
    data: dict,
    site: Site | None = None,
    structure: Structure | None = None,
    dessertes: list[tuple[str, str, str]] | None = None,
    request: HttpRequest | None = None,
) -> Site:
    """Create a site for ``structure`` or update ``site``; optionally replace its sectorisation.

    Saving through this form counts as confirming the data (freshness).
    """
    created = site is None
    if created:
        site = Site(structure=structure)
    changed = _apply(site, data, SITE_FIELDS)
    if "latitude" in changed or "longitude" in changed:
        site.precision = "absente"
    _place(site)
    if dessertes is not None:
        errors = dessertes_validate(dessertes)
        if errors:
            raise ValidationError({"dessertes": errors})
    site.confirme_le = timezone.now()
    site.confirme_par = acting_user
    site.date_maj = timezone.localdate()
    site.full_clean(exclude=["structure", "confirme_par"])
    site.save()
    if dessertes is not None and _dessertes_replace(site, dessertes):
        changed.append("dessertes")
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=acting_user,
        obj=site,
        structure_id=site.structure_id,
        request=request,
        details={"champs": sorted(changed)},
    )
    return site


@transaction.atomic
def site_confirm(*, site: Site, acting_user: User, request: HttpRequest | None = None) -> Site:
    """The structure's manager states that the site's information is current."""
    site.confirme_le = timezone.now()
    site.confirme_par = acting_user
    site.save(update_fields=["confirme_le", "confirme_par", "modifie_le"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        obj=site,
        structure_id=site.structure_id,
        request=request,
        details={"confirmation": True},
    )
    return site


SERVICE_FIELDS = (
    "nom",
    "description",
    "type",
    "frais",
    "frais_precisions",
    "publics_precisions",
    "conditions_acces",
    "modes_accueil",
    "modes_mobilisation",
    "lien_mobilisation",
)


@transaction.atomic
def service_save(
    *,
    acting_user: User,
    data: dict,
    thematiques: list[str],
    publics: list[str],
    service: Service | None = None,
    site: Site | None = None,
    request: HttpRequest | None = None,
) -> Service:
    created = service is None
    if created:
        service = Service(site=site)
    changed = _apply(service, data, SERVICE_FIELDS)
    service.date_maj = timezone.localdate()
    service.full_clean(exclude=["site"])
    service.save()
    for model, attr, values in (
        (ServiceThematique, "thematique", thematiques),
        (ServicePublic, "public", publics),
    ):
        current = set(model.objects.filter(service=service).values_list(attr, flat=True))
        if current != set(values):
            model.objects.filter(service=service).exclude(**{f"{attr}__in": values}).delete()
            model.objects.bulk_create(
                [model(service=service, **{attr: v}) for v in sorted(set(values) - current)]
            )
            changed.append(attr + "s")
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=acting_user,
        obj=service,
        structure_id=service.site.structure_id,
        request=request,
        details={"champs": sorted(changed)},
    )
    return service


def freshness_reminders_send(*, now=None) -> int:
    """Email each structure's managers the list of their sites not confirmed for too long.

    A structure is reminded at most once per ``AIGUILLAGE_ANNUAIRE_RELANCE_JOURS`` (30 days).
    Returns the number of emails sent. Run daily from cron or a systemd timer:
    ``aiguillage annuaire relancer``.
    """
    now = now or timezone.now()
    every = timedelta(days=settings.AIGUILLAGE_ANNUAIRE_RELANCE_JOURS)
    stale = Site.objects.filter(stale_q()).exclude(relance_le__gte=now - every)
    by_structure: dict[int, list[Site]] = defaultdict(list)
    for site in stale.select_related("structure").order_by("structure_id", "nom"):
        by_structure[site.structure_id].append(site)
    managers: dict[int, list[str]] = defaultdict(list)
    for structure_id, email in Membership.objects.filter(
        structure_id__in=by_structure, role=Role.RESPONSABLE_STRUCTURE, user__is_active=True
    ).values_list("structure_id", "user__email"):
        managers[structure_id].append(email)
    sent = 0
    for structure_id, sites in by_structure.items():
        if not managers[structure_id]:
            continue
        lines = "\n".join(f"- {s.nom} ({s.commune_id})" for s in sites)
        send_mail(
            subject="Annuaire : des informations sont à confirmer",
            message=(
                f"Bonjour,\n\nLes informations des sites suivants de {sites[0].structure.nom} "
                f"n'ont pas été confirmées depuis longtemps :\n{lines}\n\n"
                "Connectez-vous pour les vérifier et les confirmer.\n"
            ),
            from_email=None,
            recipient_list=managers[structure_id],
        )
        Site.objects.filter(pk__in=[s.pk for s in sites]).update(relance_le=now)
        sent += 1
    return sent


# --- Saved searches ---------------------------------------------------------------------------

#: How many searches one user may keep: enough for a counsellor's territories and publics, few
#: enough that each alert run stays cheap.
SAVED_SEARCHES_MAX = 20
NOM_MAX = RechercheSauvegardee._meta.get_field("nom").max_length


def _saved_search_errors(
    *, owner: User, nom: str, frequence: str, exclude_pk: int | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    if not nom:
        errors["nom"].append("Donnez un nom à cette recherche.")
    elif len(nom) > NOM_MAX:
        errors["nom"].append(f"Le nom compte au plus {NOM_MAX} caractères.")
    elif nom.casefold() in {
        # Compared here rather than with ``nom__iexact``: SQLite folds the case of ASCII only.
        other.casefold()
        for other in RechercheSauvegardee.objects.filter(proprietaire=owner)
        .exclude(pk=exclude_pk)
        .values_list("nom", flat=True)
    }:
        errors["nom"].append(
            f"Vous avez déjà une recherche nommée « {nom} » : choisissez un autre nom."
        )
    if frequence not in FrequenceAlerte.values:
        errors["frequence"].append(f"Fréquence d'alerte « {frequence} » inconnue.")
    return errors


@transaction.atomic
def saved_search_create(
    *,
    owner: User,
    nom: str,
    criteres: dict,
    frequence: str = FrequenceAlerte.AUCUNE,
    request: HttpRequest | None = None,
) -> RechercheSauvegardee:
    """Keep a search of the directory under a name, with an optional e-mail alert.

    A user keeps at most ``SAVED_SEARCHES_MAX`` searches, with different names (whatever the
    case). Raises ``ValidationError`` (keys ``nom``, ``frequence``, ``criteres`` or the form's
    non-field key) with French messages, and writes nothing then.
    """
    # Lock the owner's row (PostgreSQL) so that two saves at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=owner.pk).exists()
    nom = nom.strip()
    errors = _saved_search_errors(owner=owner, nom=nom, frequence=frequence)
    if RechercheSauvegardee.objects.filter(proprietaire=owner).count() >= SAVED_SEARCHES_MAX:
        errors[NON_FIELD_ERRORS].append(
            f"Vous avez déjà {SAVED_SEARCHES_MAX} recherches sauvegardées, le maximum : "
            "supprimez-en une pour enregistrer celle-ci."
        )
    try:
        criteres = search_criteria_validate(criteres)
    except ValidationError as exc:
        errors["criteres"].extend(exc.messages)
    if errors:
        raise ValidationError(dict(errors))
    recherche = RechercheSauvegardee.objects.create(
        proprietaire=owner, nom=nom, criteres=criteres, frequence=frequence
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=owner,
        obj=recherche,
        request=request,
        details={"criteres": criteres, "frequence": frequence},
    )
    return recherche


@transaction.atomic
def saved_search_update(
    *,
    recherche: RechercheSauvegardee,
    nom: str,
    frequence: str,
    request: HttpRequest | None = None,
) -> RechercheSauvegardee:
    """Rename a saved search or change its alert (``FrequenceAlerte.AUCUNE`` turns it off)."""
    nom = nom.strip()
    errors = _saved_search_errors(
        owner=recherche.proprietaire, nom=nom, frequence=frequence, exclude_pk=recherche.pk
    )
    if errors:
        raise ValidationError(dict(errors))
    changed = _apply(recherche, {"nom": nom, "frequence": frequence}, ("nom", "frequence"))
    if changed:
        recherche.save(update_fields=changed)
        audit_record(
            action=AuditAction.UPDATE,
            actor=recherche.proprietaire,
            obj=recherche,
            request=request,
            details={"champs": sorted(changed), "frequence": recherche.frequence},
        )
    return recherche


@transaction.atomic
def saved_search_delete(
    *, recherche: RechercheSauvegardee, request: HttpRequest | None = None
) -> None:
    """Delete a saved search (and so its alert)."""
    audit_record(
        action=AuditAction.DELETE, actor=recherche.proprietaire, obj=recherche, request=request
    )
    recherche.delete()
