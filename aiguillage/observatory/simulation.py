"""Simulated régions in the open import format, for the demo, the tests and the benchmarks.

Concept map::

    PROFILES["1" | "2" | "3"]  generative parameters drawn from the Céreq signals (DOMAIN.md §2)
    region_simulate(configuration, territories, organisations_per_territory, seed, …)
        └─ per territory: organisations (CEP operators + SPRO members) and a year of interactions
           drawn from its profile; "mixte" territories draw each interaction from one of two
           profiles (pair chosen by the seed), so they carry the signals of both
        └─ writes organisations.csv, interactions.csv, resources.csv, context.csv and
           verite.csv (the configuration each territory was generated from)

Everything is labelled as simulated (names, région, a SIMULATION.txt file). Deterministic for a
given seed. Pure Python (``random``), no Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from aiguillage.observatory.engine.schema import NETWORK_LABELS as LABELS

__all__ = ["MIXED_PAIRS", "PAST_VOLUME", "PROFILES", "region_simulate"]

# p_referral: share of referrals; p_cross: a referral or bilateral exchange crosses the
# insertion / employee-side divide; cross_pairs: "all" or only France Travail ↔ Apec (the one
# national agreement that survives in siloed territories); p_multi: a joint activity gathers ≥ 3
# organisations; open_multi: multilateral settings mix both sides; p_region: the Région or its
# animator organises a multilateral setting; p_theme: joint activity on the local theme;
# theme_region: the Région organises the themed activity; theme_multi (default 1): the themed
# activity is multilateral; resources: active collective resources.
PROFILES: dict[str, dict] = {
    "1": dict(  # noqa: C408 (keywords read as a table)
        p_referral=0.55, p_cross=0.35, cross_pairs="all", p_multi=0.7, open_multi=True,
        p_region=0.85, p_theme=0.0, theme_region=0.8, resources=(4, 5), p_answer=0.85,
        delay=(2, 10), rural=False, mountain=False, unemployment=(5.5, 7.5), seasonal=(0.02, 0.08),
    ),
    "2": dict(  # noqa: C408 (keywords read as a table)
        p_referral=0.65, p_cross=0.05, cross_pairs="ft_apec", p_multi=0.1, open_multi=False,
        p_region=0.05, p_theme=0.0, theme_region=0.0, resources=(0, 1), p_answer=0.55,
        delay=(7, 35), rural=True, mountain=False, unemployment=(9.0, 12.5), seasonal=(0.03, 0.1),
    ),
    "3": dict(  # noqa: C408 (keywords read as a table)
        p_referral=0.55, p_cross=0.45, cross_pairs="all", p_multi=0.55, open_multi=True,
        p_region=0.1, p_theme=0.75, theme_region=0.05, resources=(1, 2), p_answer=0.8,
        delay=(3, 14), rural=True, mountain=True, unemployment=(6.0, 8.5), seasonal=(0.2, 0.4),
    ),
    # Mixed territories: the signal families of two configurations side by side.
    # 1+3: the Région animates open settings with its resources, and operators also run a
    # federating local theme across the divide.
    "1+3": dict(  # noqa: C408 (keywords read as a table)
        p_referral=0.55, p_cross=0.4, cross_pairs="all", p_multi=0.65, open_multi=True,
        p_region=0.85, p_theme=0.45, theme_region=0.05, resources=(3, 3), p_answer=0.8,
        delay=(3, 12), rural=True, mountain=True, unemployment=(6.0, 8.0), seasonal=(0.15, 0.35),
    ),
    # 2+3: a fragmented, siloed territory where operators nevertheless gather on a local theme,
    # each side on its own.
    "2+3": dict(  # noqa: C408 (keywords read as a table)
        p_referral=0.65, p_cross=0.05, cross_pairs="ft_apec", p_multi=0.1, open_multi=False,
        p_region=0.05, p_theme=0.5, theme_region=0.05, resources=(0, 1), p_answer=0.6,
        theme_multi=0.4, delay=(5, 30), rural=True, mountain=True, unemployment=(8.0, 11.0),
        seasonal=(0.2, 0.4),
    ),
    # 1+2: the Région animates multilateral settings, but each side of the divide attends its
    # own and the collective resources are not running.
    "1+2": dict(  # noqa: C408 (keywords read as a table)
        p_referral=0.6, p_cross=0.05, cross_pairs="ft_apec", p_multi=0.35, open_multi=False,
        p_region=0.85, p_theme=0.0, theme_region=0.8, resources=(0, 1), p_answer=0.7,
        delay=(4, 20), rural=False, mountain=False, unemployment=(7.5, 10.0), seasonal=(0.03, 0.1),
    ),
}  # fmt: skip
MIXED_PAIRS = ("1+3", "2+3", "1+2")
PAST_VOLUME = 0.8  # earlier years: 80 % of the last year's interactions (activity grows)
LOCAL_THEME = "saisonniers"
OTHER_THEMES = ("numerique", "vae", "handicap", "jeunes", "reconversion", "creation", None, None)
BASE_NETWORKS = (
    "france_travail", "mission_locale", "cap_emploi", "apec", "cep_actifs_occupes",
    "transitions_pro", "region", "cite_des_metiers", "france_travail", "carif_oref", "cio",
    "info_jeunes", "plie", "maison_emploi", "chambre_consulaire", "afpa", "scuio",
    "employeur_public",
)  # fmt: skip
EXTRA_NETWORKS = ("france_travail", "mission_locale", "info_jeunes", "cio", "autre")
INSERTION = ("france_travail", "cap_emploi", "mission_locale")
EMPLOYEE = ("apec", "cep_actifs_occupes", "transitions_pro")
ANIMATION = ("region", "cite_des_metiers", "carif_oref")
JOINT_KINDS = (
    "joint_followup", "meeting", "cross_training", "working_group", "agreement",
    "information_exchange",
)  # fmt: skip
RESOURCES = (
    "phone_platform", "portal", "territorial_statistics", "cross_training",
    "financial_engineering_group",
)  # fmt: skip


class _Territory:
    def __init__(self, code: str, networks: list[str]):
        self.code = code
        self.ids = [f"{code}-{i:03d}" for i in range(len(networks))]
        self.network = dict(zip(self.ids, networks, strict=True))
        by = lambda group: [i for i in self.ids if self.network[i] in group]  # noqa: E731
        self.insertion, self.employee, self.animation = by(INSERTION), by(EMPLOYEE), by(ANIMATION)
        self.operators = self.insertion + self.employee
        self.others = [i for i in self.ids if i not in self.operators and i not in self.animation]
        self.ft = by(("france_travail",))
        self.apec = by(("apec",))

    def partner(self, rng: random.Random, org: str, profile: dict) -> str:
        """A bilateral partner of ``org``: across the divide with probability p_cross."""
        own = self.insertion if org in self.insertion else self.employee
        if rng.random() < profile["p_cross"]:
            if profile["cross_pairs"] == "ft_apec":
                return rng.choice(self.apec if org in self.insertion else self.ft)
            return rng.choice(self.employee if own is self.insertion else self.insertion)
        pool = [i for i in own if i != org]
        if not pool or rng.random() < 0.2:
            pool = self.others
        return rng.choice(pool)


def _gathering(rng, territory: _Territory, profile: dict, organiser: str, low: int, high: int):
    """Guests of a multilateral setting: open to all, or one side of the divide only."""
    if profile["open_multi"]:
        pool = territory.operators + territory.others
    else:
        side = territory.employee if organiser in territory.employee else territory.insertion
        if organiser not in territory.operators and rng.random() < 0.3:
            side = territory.employee
        pool = side + territory.others[:3]
    pool = [p for p in pool if p != organiser]
    return rng.sample(pool, min(len(pool), rng.randint(low, high)))


def _interaction(rng, territory: _Territory, profile: dict, day: str, number: str) -> list:
    outcome = days = ""
    theme = ""
    if rng.random() < profile["p_referral"]:
        sender = rng.choice(territory.operators + territory.ft)
        people = [sender, territory.partner(rng, sender, profile)]
        kind, organiser = "referral", sender
        roll = rng.random()
        if roll < profile["p_answer"]:
            outcome = "accepted" if rng.random() < 0.8 else "refused"
            days = str(rng.randint(*profile["delay"]))
        else:
            outcome = "no_response" if roll < 0.97 else "pending"
        return [number, day, kind, territory.code, organiser, people, theme, outcome, days]
    kind = rng.choice(JOINT_KINDS)
    if rng.random() < profile["p_theme"]:
        theme = LOCAL_THEME
        if rng.random() < profile["theme_region"]:
            organiser = rng.choice(territory.animation)
        else:
            organiser = rng.choice(territory.employee[:2] * 2 + territory.insertion)
        if rng.random() < profile.get("theme_multi", 1.0):
            people = [organiser, *_gathering(rng, territory, profile, organiser, 2, 5)]
        else:
            people = [organiser, territory.partner(rng, organiser, profile)]
        return [number, day, kind, territory.code, organiser, people, theme, outcome, days]
    theme = rng.choice(OTHER_THEMES) or ""
    if rng.random() < profile["p_multi"]:
        if rng.random() < profile["p_region"]:
            organiser = rng.choice(territory.animation)
        else:
            organiser = rng.choice(territory.operators)
        people = [organiser, *_gathering(rng, territory, profile, organiser, 2, 6)]
    else:
        organiser = rng.choice(territory.operators)
        people = [organiser, territory.partner(rng, organiser, profile)]
    return [number, day, kind, territory.code, organiser, people, theme, outcome, days]


def region_simulate(
    *,
    configuration: str,
    folder: str | Path,
    territories: int = 6,
    organisations_per_territory: int = 18,
    interactions_per_territory: int = 400,
    seed: int = 0,
    end: dt.date = dt.date(2025, 12, 31),
    prefix: str = "SIM",
    years: int = 1,
) -> dict[str, str]:
    """Write a simulated région to ``folder``; return territory code → generating configuration
    (``"mixte:1+3"`` for a mixed one).

    ``configuration`` is "1", "2", "3" or "mixte"; ``organisations_per_territory`` ≥ 12 (every
    CEP operator, Transitions Pro and the Région's animation are always present). ``years`` > 1
    adds earlier years (same profile, ``PAST_VOLUME`` of the volume, drawn from a second random
    stream so that the last year is the same whatever ``years``): the pages then show trends.
    """
    if configuration not in ("1", "2", "3", "mixte"):
        raise ValueError(f"Configuration inconnue : {configuration} (1, 2, 3 ou mixte).")
    if organisations_per_territory < 12:
        raise ValueError("Au moins 12 organisations par territoire.")
    if years < 1:
        raise ValueError("Au moins une année d'interactions.")
    rng = random.Random(seed)
    drawn: list[tuple[_Territory, dict]] = []
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    truth: dict[str, str] = {}
    region = f"Région simulée {prefix}"
    start = end - dt.timedelta(days=364)
    with (
        open(folder / "organisations.csv", "w", newline="", encoding="utf-8") as o,
        open(folder / "interactions.csv", "w", newline="", encoding="utf-8") as i,
        open(folder / "resources.csv", "w", newline="", encoding="utf-8") as r,
        open(folder / "context.csv", "w", newline="", encoding="utf-8") as c,
    ):
        orgs, inter, res, ctx = (csv.writer(f, lineterminator="\n") for f in (o, i, r, c))
        orgs.writerow(["id", "name", "network", "territory"])
        inter.writerow(
            ["id", "date", "kind", "territory", "organiser", "participants", "theme", "outcome",
             "response_days"]
        )  # fmt: skip
        res.writerow(["territory", "resource", "active"])
        ctx.writerow(
            ["territory", "region", "unemployment_rate", "seasonal_employment_share", "rural",
             "mountain"]
        )  # fmt: skip
        days = [(start + dt.timedelta(days=d)).isoformat() for d in range(365)]
        number = 0
        for t in range(territories):
            code = f"{prefix}-{t + 1:03d}"
            networks = list(BASE_NETWORKS[:organisations_per_territory])
            networks += [
                rng.choice(EXTRA_NETWORKS)
                for _ in range(organisations_per_territory - len(networks))
            ]
            territory = _Territory(code, networks)
            for org in territory.ids:
                label = LABELS[territory.network[org]]
                orgs.writerow([org, f"{label} (simulé) {org}", territory.network[org], code])
            kind = rng.choice(MIXED_PAIRS) if configuration == "mixte" else configuration
            truth[code] = f"mixte:{kind}" if configuration == "mixte" else configuration
            profile = PROFILES[kind]
            drawn.append((territory, profile))
            for _ in range(interactions_per_territory):
                number += 1
                row = _interaction(rng, territory, profile, rng.choice(days), f"{prefix}-{number}")
                row[5] = ";".join(row[5])
                inter.writerow(row)
            low, high = profile["resources"]
            for resource in rng.sample(RESOURCES, rng.randint(low, high)):
                res.writerow([code, resource, "1"])
            p = profile
            ctx.writerow(
                [code, region, round(rng.uniform(*p["unemployment"]), 1),
                 round(rng.uniform(*p["seasonal"]), 3), int(p["rural"]), int(p["mountain"])]
            )  # fmt: skip
        past = random.Random(seed * 7919 + 1)
        for year in range(1, years):
            shift = dt.timedelta(days=365 * year)
            earlier = [(dt.date.fromisoformat(d) - shift).isoformat() for d in days]
            for territory, profile in drawn:
                for _ in range(round(interactions_per_territory * PAST_VOLUME)):
                    number += 1
                    row = _interaction(
                        past, territory, profile, past.choice(earlier), f"{prefix}-{number}"
                    )
                    row[5] = ";".join(row[5])
                    inter.writerow(row)
    with open(folder / "verite.csv", "w", newline="", encoding="utf-8") as v:
        writer = csv.writer(v, lineterminator="\n")
        writer.writerow(["territory", "configuration_simulee"])
        writer.writerows(sorted(truth.items()))
    (folder / "SIMULATION.txt").write_text(
        f"Données SIMULÉES par aiguillage.observatory.simulation (configuration {configuration}, "
        f"graine {seed}, {years} an(s)) : aucune organisation ni interaction réelle.\n",
        encoding="utf-8",
    )
    return truth
