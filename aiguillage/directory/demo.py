"""Demo directory: sites of every network in the three demo régions, with their sectorisation.

``directory_demo_load`` is a step of ``core.demo.demo_load``. Concept map:

- **What** the directory holds (seats, quantities, sectorisation of every network) is planned in
  memory by ``synthetic.demo_plan._Plan``; the services and site details come from
  ``synthetic.catalogue`` and ``synthetic.sites``.
- **Idempotence**: structures, sites and services carry ``source="aiguillage-demo"`` and a
  deterministic ``id_source``; they are created, updated when they differ, or deleted when no
  longer generated (``_upsert``); dessertes, thématiques and publics are synchronised as sets
  (``_sync``). Everything is ``est_demo``; ``random.Random(2026)`` draws the details, dated from
  today.
- **A saved search** for the demo counsellor (young people in Chambéry, weekly alert), found
  again by its name (``_saved_search_write``).
"""

from __future__ import annotations

import random

from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from aiguillage.accounts.models import Role, User
from aiguillage.core.demo import DEMO_ACCOUNTS
from aiguillage.directory.models import (
    Desserte,
    FrequenceAlerte,
    RechercheSauvegardee,
    Service,
    ServicePublic,
    ServiceThematique,
    Site,
    Structure,
)
from aiguillage.directory.synthetic.catalogue import service_build, services_choose
from aiguillage.directory.synthetic.demo_plan import (
    DEMO_REGIONS,
    SEED,
    _Plan,
    _SiteSpec,
    _StructureSpec,
)
from aiguillage.directory.synthetic.sites import site_values

__all__ = ["DEMO_REGIONS", "SOURCE", "directory_demo_load"]

SOURCE = "aiguillage-demo"
SAVED_SEARCH = {
    "nom": "Jeunes à Chambéry",
    "criteres": {"code": "73065", "public": "jeunes"},
    "frequence": FrequenceAlerte.HEBDOMADAIRE,
}
EMAIL_DOMAIN = "demo.aiguillage.example"
BATCH = 500


# --- Writing ----------------------------------------------------------------------------------


def _upsert(model: type[models.Model], objects: list[models.Model], fields: list[str]) -> None:
    """Write ``objects`` keyed by ``(SOURCE, id_source)``: delete this source's other rows,
    update those that differ, create the new ones (in that order, so that keys are free).

    An object may come with its primary key (a named structure of core/demo.py, found by name):
    its row then takes the object's key, and no other object takes that row.
    """
    attnames = [model._meta.get_field(f).attname for f in fields]
    current = {
        row[0]: row[1:]
        for row in model.objects.filter(source=SOURCE).values_list("id_source", "pk", *attnames)
    }
    preset = {obj.pk for obj in objects if obj.pk is not None}
    for obj in objects:
        row = current.get(obj.id_source)
        if obj.pk is None and row and row[0] not in preset:
            obj.pk = row[0]
    owned = {obj.pk for obj in objects if obj.pk is not None}
    stale = [row[0] for row in current.values() if row[0] not in owned]
    changed = []
    for obj in objects:
        row = current.get(obj.id_source)
        if obj.pk is not None and (
            row is None or row[0] != obj.pk or tuple(getattr(obj, a) for a in attnames) != row[1:]
        ):
            changed.append(obj)
    for start in range(0, len(stale), BATCH):
        model.objects.filter(pk__in=stale[start : start + BATCH]).delete()
    model.objects.bulk_update(changed, [*fields, "source", "id_source"], batch_size=BATCH)
    model.objects.bulk_create([obj for obj in objects if obj.pk is None], batch_size=BATCH)


def _sync(model: type[models.Model], scope: models.Q, keys: tuple[str, ...], wanted: set) -> None:
    """Make the rows of ``model`` within ``scope`` exactly ``wanted`` (tuples of ``keys``)."""
    current = {row[1:]: row[0] for row in model.objects.filter(scope).values_list("pk", *keys)}
    missing = sorted(wanted - current.keys())
    model.objects.bulk_create([model(**dict(zip(keys, k, strict=True))) for k in missing], BATCH)
    stale = [pk for k, pk in current.items() if k not in wanted]
    for start in range(0, len(stale), BATCH):
        model.objects.filter(pk__in=stale[start : start + BATCH]).delete()


def _structures_write(specs: list[_StructureSpec]) -> dict[str, int]:
    """Write the structures, then the antennas' parents; returns key → primary key."""
    objects: dict[str, Structure] = {}
    for spec in specs:
        obj = spec.existing or Structure()
        obj.nom = spec.nom
        obj.reseau = spec.reseau
        obj.region_id = spec.place.region
        obj.departement_id = spec.place.departement  # the seat's, as core/demo.py sets it
        obj.commune_id = spec.place.code
        if spec.existing is None:
            obj.source, obj.id_source = SOURCE, spec.key
        # A named structure of core/demo.py keeps its own key: core finds it again by that key.
        obj.est_demo = True
        objects[spec.key] = obj
    # Parents are set afterwards: a stale structure cannot be deleted while an antenna points to it.
    Structure.objects.filter(source=SOURCE, parent__isnull=False).update(parent=None)
    fields = ["nom", "reseau", "region", "departement", "commune", "est_demo"]
    _upsert(Structure, list(objects.values()), fields)
    pks = {key: obj.pk for key, obj in objects.items()}
    antennas = [objects[spec.key] for spec in specs if spec.parent]
    for spec in specs:
        if spec.parent:
            objects[spec.key].parent_id = pks[spec.parent]
    Structure.objects.bulk_update(antennas, ["parent"])
    return pks


def _saved_search_write() -> None:
    """The demo counsellor's saved search (when the demo accounts exist)."""
    email = next(a.email for a in DEMO_ACCOUNTS if a.role == Role.CONSEILLER)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return
    RechercheSauvegardee.objects.update_or_create(
        proprietaire=user,
        nom=SAVED_SEARCH["nom"],
        defaults={"criteres": SAVED_SEARCH["criteres"], "frequence": SAVED_SEARCH["frequence"]},
    )


def directory_demo_load(structures: dict[str, Structure]) -> None:
    """Create or refresh the demo directory of the three demo régions (idempotent)."""
    specs = _Plan(structures).build()
    structure_pks = _structures_write(specs)
    rng = random.Random(SEED)
    today = timezone.localdate()
    sites: list[tuple[Site, _SiteSpec, str]] = []
    for spec in specs:
        for site in spec.sites:
            values = site_values(
                rng,
                reseau=spec.reseau,
                place=site.place,
                email=f"{slugify(site.nom)[:60]}@{EMAIL_DOMAIN}",
                today=today,
                point=site.point,
            )
            obj = Site(structure_id=structure_pks[spec.key], nom=site.nom, source=SOURCE,
                       id_source=site.key, **values)  # fmt: skip
            sites.append((obj, site, spec.reseau))
    fields = ["structure", "nom", *(k.removesuffix("_id") for k in values)]
    _upsert(Site, [obj for obj, _, _ in sites], fields)
    site_pks = dict(Site.objects.filter(source=SOURCE).values_list("id_source", "pk"))
    _sync(
        Desserte,
        models.Q(site__source=SOURCE),
        ("site_id", "niveau", "code", "public"),
        {(site_pks[s.key], *d) for _, s, _ in sites for d in s.dessertes},
    )
    services = [
        (
            service_build(
                template,
                site_id=site_pks[s.key],
                date_maj=obj.date_maj,
                source=SOURCE,
                id_source=f"{s.key}--{template.key}",
            ),
            template,
        )
        for obj, s, reseau in sites
        for template in services_choose(rng, reseau)
    ]
    fields = ["site", "nom", "description", "type", "frais", "modes_accueil"]
    fields += ["modes_mobilisation", "date_maj", "est_demo"]
    _upsert(Service, [obj for obj, _ in services], fields)
    service_pks = dict(Service.objects.filter(source=SOURCE).values_list("id_source", "pk"))
    scope = models.Q(service__source=SOURCE)
    _sync(
        ServiceThematique,
        scope,
        ("service_id", "thematique"),
        {(service_pks[o.id_source], t) for o, tpl in services for t in tpl.thematiques},
    )
    _sync(
        ServicePublic,
        scope,
        ("service_id", "public"),
        {(service_pks[o.id_source], p) for o, tpl in services for p in tpl.publics},
    )
    _saved_search_write()
