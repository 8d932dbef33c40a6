"""Directory API: public search and reads; writes for the structure's managers (session auth).

A value the rules refuse (outside a referential, a service's ``ValidationError``) is **422**
``RequeteInvalide`` (``api/erreurs.py``), each field named as the client sends it.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import django_auth

from aiguillage.accounts import access
from aiguillage.api.erreurs import RequeteInvalide, messages_django
from aiguillage.directory import referentials, selectors, services
from aiguillage.directory.models import Capacite, Site
from aiguillage.directory.reseaux import Reseau
from aiguillage.territories.models import Commune

router = Router(tags=["annuaire"])


class ServiceOut(Schema):
    id: int
    nom: str
    description: str
    type: str
    frais: str
    thematiques: list[str]
    publics: list[str]
    modes_accueil: list[str]
    conditions_acces: str

    @staticmethod
    def resolve_thematiques(obj) -> list[str]:
        return sorted(t.thematique for t in obj.thematiques.all())

    @staticmethod
    def resolve_publics(obj) -> list[str]:
        return sorted(p.public for p in obj.publics.all())


class DesserteOut(Schema):
    niveau: str
    code: str
    public: str


class SiteSummary(Schema):
    id: int
    nom: str
    structure_id: int
    structure: str = Field(..., alias="structure.nom")
    reseau: str = Field(..., alias="structure.reseau")
    adresse: str
    code_postal: str
    commune: str = Field(..., alias="commune_id")
    latitude: float | None
    longitude: float | None
    telephone: str
    courriel: str
    capacite: str
    delai_typique_jours: int | None
    delai_reponse_median_jours: float | None
    confirme_le: datetime | None
    est_demo: bool


class SiteOut(SiteSummary):
    description: str
    complement_adresse: str
    horaires_accueil: str
    accessibilite_lieu: str
    accessible_pmr: bool | None
    site_web: str
    lien_rdv: str
    date_maj: date | None
    services: list[ServiceOut]
    dessertes: list[DesserteOut]

    @staticmethod
    def resolve_services(obj) -> list:
        return list(obj.services.all())

    @staticmethod
    def resolve_dessertes(obj) -> list:
        return list(obj.dessertes.all())


class ResultOut(Schema):
    site: SiteSummary
    distance_km: float | None
    perime: bool


class SearchOut(Schema):
    commune: str | None
    total: int
    plafonne: bool
    page: int
    pages: int
    resultats: list[ResultOut]


class SearchQuery(Schema):
    commune: str | None = Field(None, description="Code INSEE de la commune")
    latitude: float | None = None
    longitude: float | None = None
    public: str | None = Field(None, description="Slug d'un public (data·inclusion étendu)")
    thematique: str | None = None
    reseau: str | None = None
    accueille: bool = False
    page: int = 1
    par_page: int = Field(selectors.PER_PAGE, ge=1, le=selectors.MAX_RESULTS)


def _invalide(exc: ValidationError, schema: type[Schema]) -> RequeteInvalide:
    """A service's ``ValidationError`` as a 422; a model field that ``schema`` does not take
    (the service sets it: ``latitude``, ``precision``…) is no field of the client's."""
    erreurs = messages_django(exc)
    etrangers = {k: None for k in erreurs if k and k not in schema.model_fields}
    return RequeteInvalide(erreurs, champs=etrangers)


def _check_choices(
    choix: list[tuple[str, str | list[str] | None, Container[str]]], *, emplacement: str = "body"
) -> None:
    """422 naming each field whose value is outside its referential (``choix``: field, value or
    list of values, allowed values), all at once. In a list, the first unknown value is named
    with its index for the client (``thematiques[1]``, as pydantic does); ``detail`` keeps the
    field (« thematiques : valeur « x » inconnue. »)."""
    erreurs: dict[str, str] = {}
    champs: dict[str, str] = {}
    for champ, valeur, allowed in choix:
        valeurs = valeur if isinstance(valeur, list) else [valeur]
        for rang, une in enumerate(valeurs):
            if une and une not in allowed:
                erreurs[champ] = f"valeur « {une} » inconnue."
                if isinstance(valeur, list):
                    champs[champ] = f"{champ}[{rang}]"
                break
    if erreurs:
        raise RequeteInvalide(erreurs, emplacement=emplacement, champs=champs)


@router.get("/sites", response=SearchOut, summary="Chercher les sites qui desservent une commune")
def search(request, filters: Query[SearchQuery]):
    """Les sites qui desservent la commune (ou le point), du plus proche au plus lointain.

    La liste est bornée à 50 sites ; `plafonne` indique que d'autres sites desservent aussi la
    commune."""
    _check_choices(
        [
            ("public", filters.public, referentials.PUBLICS),
            ("thematique", filters.thematique, referentials.THEMATIQUES),
            ("reseau", filters.reseau, Reseau.values),
        ],
        emplacement="query",
    )
    if not filters.commune and (filters.latitude is None or filters.longitude is None):
        raise RequeteInvalide(
            {None: "Indiquez une commune (code INSEE) ou un point (latitude, longitude)."},
            emplacement="query",
        )
    if filters.commune and not Commune.objects.filter(code=filters.commune).exists():
        raise HttpError(404, f"Commune « {filters.commune} » inconnue.")
    page = selectors.site_search(
        commune=filters.commune,
        latitude=filters.latitude,
        longitude=filters.longitude,
        public=filters.public,
        thematique=filters.thematique,
        reseau=filters.reseau,
        accueille=filters.accueille,
        page=filters.page,
        per_page=filters.par_page,
    )
    return {
        "commune": page.origine.code if page.origine else None,
        "total": page.total,
        "plafonne": page.plafonne,
        "page": page.page,
        "pages": page.pages,
        "resultats": page.results,
    }


@router.get("/sites/{site_id}", response=SiteOut, summary="Un site")
def site(request, site_id: int):
    found = selectors.site_detail(site_id=site_id)
    if found is None:
        raise Http404("Site introuvable.")
    return found


class SiteIn(Schema):
    nom: str | None = None
    description: str | None = None
    adresse: str | None = None
    complement_adresse: str | None = None
    code_postal: str | None = None
    horaires_accueil: str | None = None
    telephone: str | None = None
    courriel: str | None = None
    site_web: str | None = None
    lien_rdv: str | None = None
    accessibilite_lieu: str | None = None
    accessible_pmr: bool | None = None
    capacite: Capacite | None = None
    delai_typique_jours: int | None = Field(None, ge=0, le=365)


def _save_site(request, *, site: Site, payload: SiteIn) -> Site:
    data = payload.dict(exclude_unset=True)
    try:
        return services.site_save(acting_user=request.user, data=data, site=site, request=request)
    except ValidationError as exc:
        raise _invalide(exc, SiteIn) from exc


@router.patch("/sites/{site_id}", response=SiteOut, auth=django_auth, summary="Modifier un site")
def site_update(request, site_id: int, payload: SiteIn):
    """Réservé aux responsables de la structure du site (404 sinon)."""
    target = access.site_get_for_manager(user=request.user, site_id=site_id)
    _save_site(request, site=target, payload=payload)
    return selectors.site_detail(site_id=site_id)


@router.post(
    "/sites/{site_id}/confirmation",
    response=SiteOut,
    auth=django_auth,
    summary="Confirmer que les informations d'un site sont à jour",
)
def site_confirm(request, site_id: int):
    target = access.site_get_for_manager(user=request.user, site_id=site_id)
    services.site_confirm(site=target, acting_user=request.user, request=request)
    return selectors.site_detail(site_id=site_id)


class SiteCreateIn(SiteIn):
    nom: str
    commune: str = Field(..., description="Code INSEE de la commune du site")
    dessertes: list[DesserteOut] = Field(default_factory=list)


@router.post(
    "/structures/{structure_id}/sites",
    response={201: SiteOut},
    auth=django_auth,
    summary="Ajouter un site à une structure",
)
def site_create(request, structure_id: int, payload: SiteCreateIn):
    """Réservé aux responsables de la structure (404 sinon)."""
    structure = access.structure_get_for_manager(user=request.user, structure_id=structure_id)
    data = payload.dict(exclude_unset=True, exclude={"dessertes"})
    commune = Commune.objects.filter(code=data.pop("commune")).first()
    if commune is None:
        raise RequeteInvalide({"commune": f"« {payload.commune} » inconnue."})
    data["commune"] = commune
    try:
        created = services.site_save(
            acting_user=request.user,
            data=data,
            structure=structure,
            dessertes=[(d.niveau, d.code, d.public) for d in payload.dessertes],
            request=request,
        )
    except ValidationError as exc:
        raise _invalide(exc, SiteCreateIn) from exc
    return Status(201, selectors.site_detail(site_id=created.pk))


class ServiceIn(Schema):
    nom: str = Field(..., min_length=3, max_length=150)
    description: str
    type: str = ""
    frais: str = ""
    conditions_acces: str = ""
    thematiques: list[str] = Field(default_factory=list)
    publics: list[str] = Field(default_factory=list)
    modes_accueil: list[str] = Field(default_factory=list)


def _service_data(payload: ServiceIn) -> tuple[dict, list[str], list[str]]:
    _check_choices(
        [
            ("thematiques", payload.thematiques, referentials.THEMATIQUES),
            ("publics", payload.publics, referentials.PUBLICS),
            ("modes_accueil", payload.modes_accueil, referentials.MODES_ACCUEIL),
        ]
    )
    data = payload.dict(exclude={"thematiques", "publics"})
    return data, payload.thematiques, payload.publics


def _save_service(request, **kwargs):
    try:
        return services.service_save(acting_user=request.user, request=request, **kwargs)
    except ValidationError as exc:
        raise _invalide(exc, ServiceIn) from exc


@router.post(
    "/sites/{site_id}/services",
    response={201: ServiceOut},
    auth=django_auth,
    summary="Ajouter un service à un site",
)
def service_create(request, site_id: int, payload: ServiceIn):
    target = access.site_get_for_manager(user=request.user, site_id=site_id)
    data, thematiques, publics = _service_data(payload)
    service = _save_service(
        request, data=data, thematiques=thematiques, publics=publics, site=target
    )
    return Status(201, service)


@router.put(
    "/services/{service_id}", response=ServiceOut, auth=django_auth, summary="Remplacer un service"
)
def service_update(request, service_id: int, payload: ServiceIn):
    target = access.service_get_for_manager(user=request.user, service_id=service_id)
    data, thematiques, publics = _service_data(payload)
    return _save_service(
        request, data=data, thematiques=thematiques, publics=publics, service=target
    )
