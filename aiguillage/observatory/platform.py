"""The platform's own activity, written in the observatory's open import format.

``platform_folder_write(folder, region_code=…)`` turns what Aiguillage records into the four
files a Région would otherwise export from its own tools (docs/observatory.md), so that the
platform's data go through exactly the same validation, indicators and classification
(``engine.folder_analyse``) as an imported folder:

- ``organisations.csv``: the directory's structures (``S<id>``), network slug, territory = the
  structure's département (``R<code>`` for a structure of régional scope without a département,
  ``FR`` for a national one: they take part in the départements' networks, and their own
  pseudo-territories are left out of the pages, see ``is_analysis_unit``);
- ``interactions.csv``: referrals between two structures (``referral``, sender;receiver, with
  ``outcome`` and ``response_days`` from the referral's lifecycle; requests made by a person on
  the portal are not ties between organisations and are left out), co-accompaniments
  (``joint_followup``, every member structure, organised by the referent) and agreements
  (``agreement``, every party, organised by the carrier) and the coordination's held sessions
  (``meeting``, ``cross_training``, ``working_group``, ``information_exchange``: the organiser
  and the structures recorded present, ``coordination.selectors.rencontres_interactions``);
- ``resources.csv``: the collective resources declared per département
  (``coordination.RessourceCollective``), plus the portal and the phone platform when
  diagnostics were made through them in the département over the last 12 months;
- ``context.csv``: each territory's région (labour-market columns left empty).

Only aggregates leave this module: no person, no name of a person, no free text.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import F, Min
from django.utils import timezone

from aiguillage.accounts import access
from aiguillage.coordination.models import Accord, RessourceCollective
from aiguillage.coordination.selectors import rencontres_interactions
from aiguillage.directory.models import Structure
from aiguillage.observatory.engine.schema import NETWORKS
from aiguillage.orientation.models import Canal, Diagnostic
from aiguillage.referrals.models import Accompagnement, Adressage, MembreAccompagnement, Statut
from aiguillage.territories.models import Region

__all__ = [
    "NATIONAL",
    "PlatformRegion",
    "is_analysis_unit",
    "platform_folder_write",
    "platform_region_ensure",
    "platform_region_get",
    "platform_regions_for",
]

NATIONAL = "FR"


def is_analysis_unit(code: str) -> bool:
    """A département code, not the pseudo-territory of a régional or national structure."""
    return code != NATIONAL and not code.startswith("R")


ANSWERED_ACCEPTED = (Statut.ACCEPTEE, Statut.PREMIER_CONTACT, Statut.EN_COURS, Statut.TERMINEE)
ANSWERED_REFUSED = (Statut.REFUSEE, Statut.REDIRIGEE)


def _outcome(statut: str, acceptee_le) -> str:
    if statut in ANSWERED_ACCEPTED or acceptee_le is not None:
        return "accepted"
    if statut in ANSWERED_REFUSED:
        return "refused"
    if statut == Statut.EXPIREE:
        return "no_response"
    if statut == Statut.ANNULEE:
        return ""  # withdrawn before an answer: the loop is neither closed nor broken
    return "pending"


def _response_days(row: dict) -> str:
    answered = row["acceptee_le"]
    if answered is None and row["statut"] in ANSWERED_REFUSED:
        answered = row["cloturee_le"]
    if answered is None:
        return ""
    return str(max(0, (answered - row["cree_le"]).days))


def platform_folder_write(
    folder: str | Path, *, region_code: str | None = None, end: dt.date | None = None
) -> dict[str, int]:
    """Write the four files into ``folder``; return the number of rows of each."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    end = end or timezone.localdate()
    structures = Structure.objects.all()
    if region_code:
        structures = structures.filter(region_id=region_code)
    territory: dict[int, str] = {}
    region_of: dict[str, str] = {}
    counts: dict[str, int] = {}
    with (folder / "organisations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "network", "territory"])
        rows = structures.values_list(
            "pk", "nom", "reseau", "departement_id", "commune__departement_id", "region_id"
        ).order_by("pk")
        for pk, nom, reseau, dep, commune_dep, region in rows.iterator(chunk_size=2000):
            code = dep or commune_dep or (f"R{region}" if region else NATIONAL)
            territory[pk] = code
            if region and is_analysis_unit(code):
                region_of[code] = region
            network = reseau if reseau in NETWORKS else "autre"
            writer.writerow([f"S{pk}", nom, network, code])
        counts["organisations"] = len(territory)

    def place(*pks) -> str:
        for pk in pks:
            code = territory.get(pk)
            if code and is_analysis_unit(code):
                return code
        return territory[pks[0]]

    with (folder / "interactions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["id", "date", "kind", "territory", "organiser", "participants", "theme", "outcome",
             "response_days"]
        )  # fmt: skip
        n = 0
        referrals = (
            Adressage.objects.filter(
                emettrice_id__in=territory.keys(), destinataire_id__in=territory.keys()
            )
            .values("pk", "cree_le", "emettrice_id", "destinataire_id", "statut", "acceptee_le",
                    "cloturee_le")
            .order_by("pk")
        )  # fmt: skip
        for row in referrals.iterator(chunk_size=5000):
            sender, receiver = row["emettrice_id"], row["destinataire_id"]
            writer.writerow(
                [
                    f"R{row['pk']}",
                    timezone.localtime(row["cree_le"]).date().isoformat(),
                    "referral",
                    place(sender, receiver),
                    f"S{sender}",
                    f"S{sender};S{receiver}",
                    "",
                    _outcome(row["statut"], row["acceptee_le"]),
                    _response_days(row),
                ]
            )
            n += 1
        members: dict[int, list[tuple[int, str]]] = {}
        for acc_id, structure_id, role in MembreAccompagnement.objects.values_list(
            "accompagnement_id", "structure_id", "role"
        ).order_by("accompagnement_id", "pk"):
            members.setdefault(acc_id, []).append((structure_id, role))
        for acc in Accompagnement.objects.values("pk", "ouvert_le", "theme").order_by("pk"):
            parties = [s for s, _ in members.get(acc["pk"], []) if s in territory]
            if len(parties) < 2:
                continue
            referent = next((s for s, r in members[acc["pk"]] if r == "referent"), parties[0])
            referent = referent if referent in parties else parties[0]
            writer.writerow(
                [
                    f"A{acc['pk']}",
                    timezone.localtime(acc["ouvert_le"]).date().isoformat(),
                    "joint_followup",
                    place(referent),
                    f"S{referent}",
                    ";".join(f"S{s}" for s in parties),
                    acc["theme"],
                    "",
                    "",
                ]
            )
            n += 1
        for accord in Accord.objects.prefetch_related("structures").order_by("pk"):
            parties = [s.pk for s in accord.structures.all() if s.pk in territory]
            if accord.porteur_id not in parties or len(parties) < 2:
                continue
            writer.writerow(
                [
                    f"C{accord.pk}",
                    accord.date_debut.isoformat(),
                    "agreement",
                    place(accord.porteur_id),
                    f"S{accord.porteur_id}",
                    ";".join(f"S{s}" for s in parties),
                    accord.theme,
                    "",
                    "",
                ]
            )
            n += 1
        for item in rencontres_interactions(structure_ids=territory.keys(), fin=end):
            writer.writerow(
                [
                    item.id,
                    item.date.isoformat(),
                    item.kind,
                    place(*item.participants),
                    f"S{item.organiser}",
                    ";".join(f"S{s}" for s in item.participants),
                    item.theme,
                    "",
                    "",
                ]
            )
            n += 1
        counts["interactions"] = n

    active: set[tuple[str, str]] = set()
    declared = RessourceCollective.objects.filter(active=True, depuis__lte=end)
    for dep, ressource in declared.values_list("departement_id", "ressource"):
        active.add((dep, ressource))
    since = end - dt.timedelta(days=365)
    used = (
        Diagnostic.objects.filter(
            cree_le__date__gt=since, canal__in=[Canal.PORTAIL, Canal.TELEPHONE]
        )
        .values("commune__departement_id", "canal")
        .annotate(first=Min("cree_le"))
    )
    resource_of = {Canal.PORTAIL: "portal", Canal.TELEPHONE: "phone_platform"}
    for row in used:
        if row["commune__departement_id"]:
            active.add((row["commune__departement_id"], resource_of[row["canal"]]))
    codes = sorted(c for c in set(territory.values()) if is_analysis_unit(c))
    with (folder / "resources.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["territory", "resource", "active"])
        rows = sorted((dep, res) for dep, res in active if dep in set(codes))
        writer.writerows([dep, res, "oui"] for dep, res in rows)
        counts["resources"] = len(rows)
    with (folder / "context.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        # Labour-market context is not the platform's to know (the statistics capability will
        # fill it): the columns are left empty.
        writer.writerow(
            ["territory", "region", "unemployment_rate", "seasonal_employment_share", "rural",
             "mountain"]
        )  # fmt: skip
        writer.writerows([code, region_of.get(code, ""), "", "", "", ""] for code in codes)
        counts["context"] = len(codes)
    return counts


# --- The platform as a source of the observatory's pages ----------------------------------


@dataclass(frozen=True)
class PlatformRegion:
    """A real région analysed from the platform's own activity (``observatory.platform``);
    ``demo`` when its structures are demo data (then labelled as fictitious everywhere)."""

    slug: str
    nom: str
    region_code: str
    demo: bool
    simulee = False
    configuration = None


PLATFORM_PREFIX = "plateforme-"
# The platform's folder is written again when older than this (the pages stay fast; an analysis
# is at most an hour behind the platform's activity).
PLATFORM_MAX_AGE_SECONDS = 3600


def platform_region_get(code: str) -> PlatformRegion | None:
    region = Region.objects.filter(code=code).first()
    if region is None:
        return None
    demo = Structure.objects.filter(region_id=code, est_demo=True).exists()
    return PlatformRegion(f"{PLATFORM_PREFIX}{code}", region.nom, code, demo)


def platform_regions_for(user) -> list[PlatformRegion]:
    """The real régions whose platform activity ``user`` may read, when they have some
    (a referral between two of their structures)."""
    scope = access.analysed_region_codes(user)
    referrals = Adressage.objects.filter(emettrice__region_id=F("destinataire__region_id"))
    if scope is not access.ALL_REGIONS:
        referrals = referrals.filter(destinataire__region_id__in=scope)
    # No ordering: the model's would enter the DISTINCT and repeat a région per referral.
    codes = referrals.order_by().values_list("destinataire__region_id", flat=True).distinct()
    found = [platform_region_get(code) for code in sorted(c for c in codes if c)]
    return [r for r in found if r is not None]


def platform_region_ensure(region: PlatformRegion) -> Path:
    folder = Path(settings.VAR_DIR) / "observatoire" / region.slug
    marker = folder / "interactions.csv"
    if not marker.exists() or time.time() - marker.stat().st_mtime > PLATFORM_MAX_AGE_SECONDS:
        platform_folder_write(folder, region_code=region.region_code)
    return folder
