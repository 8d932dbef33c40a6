"""The platform's own activity, written in the observatory's open import format.

``platform_folder_write(folder, region_code=…)`` turns what Aiguillage records into the four
files a Région would otherwise export from its own tools (docs/observatory.md), so that the
platform's data go through exactly the same validation, indicators and classification
(``engine.folder_analyse``) as an imported folder:

- ``organisations.csv``: the directory's structures (``S<id>``), network slug, territory = the
  structure's département (``FR`` for a national structure);
- ``interactions.csv``: referrals between two structures (``referral``, sender;receiver, with
  ``outcome`` and ``response_days`` from the referral's lifecycle; requests made by a person on
  the portal are not ties between organisations and are left out), co-accompaniments
  (``joint_followup``, every member structure, organised by the referent) and agreements
  (``agreement``, every party, organised by the carrier);
- ``resources.csv``: the collective resources declared per département
  (``coordination.RessourceCollective``), plus the portal and the phone platform when
  diagnostics were made through them in the département over the last 12 months;
- ``context.csv``: each territory's région (labour-market columns left empty).

Only aggregates leave this module: no person, no name of a person, no free text.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.db.models import Min
from django.utils import timezone

from aiguillage.coordination.models import Accord, RessourceCollective
from aiguillage.directory.models import Structure
from aiguillage.observatory.engine.schema import NETWORKS
from aiguillage.orientation.models import Canal, Diagnostic
from aiguillage.referrals.models import Accompagnement, Adressage, MembreAccompagnement, Statut

__all__ = ["NATIONAL", "platform_folder_write"]

NATIONAL = "FR"
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
            code = dep or commune_dep or NATIONAL
            territory[pk] = code
            if region and code != NATIONAL:
                region_of[code] = region
            network = reseau if reseau in NETWORKS else "autre"
            writer.writerow([f"S{pk}", nom, network, code])
        counts["organisations"] = len(territory)

    def place(*pks) -> str:
        for pk in pks:
            code = territory.get(pk)
            if code and code != NATIONAL:
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
        counts["interactions"] = n

    end = end or timezone.localdate()
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
    codes = sorted(set(territory.values()) - {NATIONAL})
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
