"""Demo data: structures of three régions and one account per role, all labelled as demo.

``demo_load`` is idempotent: structures are found by (source, id), users by email, and
running it again changes nothing but resets the demo passwords. Later capabilities append their
own step to ``DEMO_STEPS`` (a callable, or its dotted path).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.text import slugify

from aiguillage.accounts.models import Role, User
from aiguillage.accounts.services import membership_grant
from aiguillage.directory.models import Reseau, Structure
from aiguillage.territories.models import Commune

DEMO_PASSWORD = "demo-aiguillage-2026"
# Not the directory demo's source: that step replaces every row of its own source.
DEMO_SOURCE = "aiguillage-demo-socle"
DEMO_DOMAIN = "demo.aiguillage.example"

# (network, name, commune INSEE code): real communes, invented structures.
DEMO_STRUCTURES: list[tuple[str, str, str]] = [
    # Auvergne-Rhône-Alpes: Savoie and Loire
    (Reseau.REGION, "Région Auvergne-Rhône-Alpes — service orientation", "69123"),
    (Reseau.CARIF_OREF, "Via Compétences (Carif-Oref)", "69123"),
    (Reseau.MISSION_LOCALE, "Mission locale de Chambéry", "73065"),
    (Reseau.FRANCE_TRAVAIL, "France Travail Chambéry", "73065"),
    (Reseau.CAP_EMPLOI, "Cap emploi Savoie", "73065"),
    (Reseau.APEC, "Apec Chambéry", "73065"),
    (Reseau.CEP_ACTIFS_OCCUPES, "Opérateur régional CEP — antenne d'Albertville", "73011"),
    (Reseau.TRANSITIONS_PRO, "Transitions Pro Auvergne-Rhône-Alpes", "69123"),
    (Reseau.MISSION_LOCALE, "Mission locale de Saint-Étienne", "42218"),
    (Reseau.FRANCE_TRAVAIL, "France Travail Saint-Étienne Centre", "42218"),
    (Reseau.CIO, "CIO de Saint-Étienne", "42218"),
    (Reseau.INFO_JEUNES, "Point Info Jeunes de Moûtiers", "73181"),
    # Hauts-de-France: Aisne and Nord
    (Reseau.REGION, "Région Hauts-de-France — direction de l'orientation", "59350"),
    (Reseau.MISSION_LOCALE, "Mission locale de Saint-Quentin", "02691"),
    (Reseau.FRANCE_TRAVAIL, "France Travail Saint-Quentin", "02691"),
    (Reseau.CAP_EMPLOI, "Cap emploi Aisne", "02408"),
    (Reseau.CEP_ACTIFS_OCCUPES, "Opérateur régional CEP — Lille", "59350"),
    (Reseau.APEC, "Apec Lille", "59350"),
    # Pays de la Loire: Loire-Atlantique
    (Reseau.REGION, "Région Pays de la Loire — orientation", "44109"),
    (Reseau.CITE_DES_METIERS, "Cité des métiers de Nantes", "44109"),
    (Reseau.MISSION_LOCALE, "Mission locale de Nantes", "44109"),
    (Reseau.FRANCE_TRAVAIL, "France Travail Nantes Est", "44109"),
    (Reseau.CAP_EMPLOI, "Cap emploi Loire-Atlantique", "44109"),
    (Reseau.APEC, "Apec Nantes", "44109"),
    (Reseau.CEP_ACTIFS_OCCUPES, "Opérateur régional CEP — Saint-Nazaire", "44184"),
]

PLATFORM_STRUCTURE = (Reseau.AUTRE, "Équipe de la plateforme Aiguillage")


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str
    structure: str  # the structure's name


DEMO_ACCOUNTS = [
    DemoAccount(
        f"conseiller@{DEMO_DOMAIN}",
        "Camille",
        "Martin",
        Role.CONSEILLER,
        "Mission locale de Chambéry",
    ),
    DemoAccount(
        f"conseillere.ft@{DEMO_DOMAIN}",
        "Inès",
        "Bernard",
        Role.CONSEILLER,
        "France Travail Chambéry",
    ),
    DemoAccount(
        f"responsable@{DEMO_DOMAIN}",
        "Louis",
        "Petit",
        Role.RESPONSABLE_STRUCTURE,
        "Mission locale de Chambéry",
    ),
    DemoAccount(
        f"coordination@{DEMO_DOMAIN}",
        "Nadia",
        "Robert",
        Role.COORDINATEUR_REGIONAL,
        "Région Auvergne-Rhône-Alpes — service orientation",
    ),
    DemoAccount(
        f"analyste@{DEMO_DOMAIN}",
        "Hugo",
        "Richard",
        Role.ANALYSTE,
        "Via Compétences (Carif-Oref)",
    ),
    DemoAccount(
        f"admin@{DEMO_DOMAIN}", "Alex", "Durand", Role.ADMINISTRATEUR, PLATFORM_STRUCTURE[1]
    ),
]


def _structures() -> dict[str, Structure]:
    codes = {code for _, _, code in DEMO_STRUCTURES}
    communes = {c.code: c for c in Commune.objects.filter(code__in=codes)}
    missing = codes - set(communes)
    if missing:
        raise RuntimeError(
            "Référentiel des territoires absent ou incomplet "
            f"(communes {', '.join(sorted(missing))}) : lancez « aiguillage territoires charger »."
        )
    result: dict[str, Structure] = {}
    for reseau, nom, code in DEMO_STRUCTURES:
        commune = communes[code]
        structure, _ = Structure.objects.update_or_create(
            source=DEMO_SOURCE,
            id_source=f"structure-{slugify(nom)}",
            defaults={
                "nom": nom,
                "reseau": reseau,
                "commune": commune,
                "departement_id": commune.departement_id,
                "region_id": commune.region_id,
                "est_demo": True,
            },
        )
        result[nom] = structure
    platform, _ = Structure.objects.update_or_create(
        source=DEMO_SOURCE,
        id_source="structure-plateforme",
        defaults={"nom": PLATFORM_STRUCTURE[1], "reseau": PLATFORM_STRUCTURE[0], "est_demo": True},
    )
    result[platform.nom] = platform
    return result


def _accounts(structures: dict[str, Structure]) -> list[DemoAccount]:
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email__iexact=account.email).first()
        if user is None:
            user = User.objects.create_user(
                email=account.email, first_name=account.first_name, last_name=account.last_name
            )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        membership_grant(user=user, structure=structures[account.structure], role=account.role)
    return DEMO_ACCOUNTS


DemoStep = Callable[[dict[str, Structure]], None]
#: Run in order after the structures and accounts. A dotted path is imported only when the demo
#: runs, so that core never imports the capabilities at module load (no import cycle).
DEMO_STEPS: list[DemoStep | str] = [
    "aiguillage.directory.demo.directory_demo_load",
    "aiguillage.orientation.demo.orientation_demo_load",
    "aiguillage.referrals.demo.referrals_demo_load",
    "aiguillage.coordination.demo.coordination_demo_load",
]


@transaction.atomic
def demo_load() -> list[DemoAccount]:
    structures = _structures()
    accounts = _accounts(structures)
    for step in DEMO_STEPS:
        (import_string(step) if isinstance(step, str) else step)(structures)
    return accounts
