"""Load and validate a folder in the open import format (docs/observatory.md).

Concept map: ``dataset_load(folder)`` reads each CSV as text (polars, no type guessing), runs
vectorised checks (one boolean expression per rule, never a Python loop over rows) and either
returns a typed ``Dataset`` or raises ``ImportErrors`` carrying **every** per-row error, in French,
naming the file, the line (the header is line 1) and the column. On any error nothing is analysed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from aiguillage.observatory.engine.schema import (
    FALSE_VALUES,
    FILES,
    KINDS,
    NETWORKS,
    OPTIONAL_FILES,
    OUTCOMES,
    RESOURCES,
    TRUE_VALUES,
)

__all__ = ["Dataset", "ImportErrors", "dataset_load"]


class ImportErrors(Exception):
    """Every error found in the folder; ``errors`` is a list of French messages."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} erreur(s)")
        self.errors = errors


@dataclass(frozen=True)
class Dataset:
    organisations: pl.DataFrame  # id, name, network, territory
    interactions: pl.DataFrame  # id, date, kind, territory, organiser, participants (list), …
    resources: pl.DataFrame | None  # territory, resource, active (bool)
    context: pl.DataFrame | None  # territory, region, unemployment_rate, …


def _listing(values) -> str:
    return ", ".join(values)


def _read(path: Path, name: str, errors: list[str]) -> pl.DataFrame | None:
    required, optional = FILES[name]
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy", low_memory=True)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, OSError) as exc:
        errors.append(f"{name} : fichier illisible ({str(exc).splitlines()[0]}).")
        return None
    frame = frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns})
    missing = [c for c in required if c not in frame.columns]
    if missing:
        errors.append(f"{name}, ligne 1 : colonne(s) manquante(s) : {_listing(missing)}.")
        return None
    unknown = [c for c in frame.columns if c not in required + optional]
    if unknown:
        errors.append(f"{name}, ligne 1 : colonne(s) inconnue(s) : {_listing(unknown)}.")
        return None
    for column in optional:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    return frame.with_columns(pl.col(pl.String).str.strip_chars()).with_row_index("_ligne", 2)


def _check(frame, errors: list[str], name: str, column: str, bad: pl.Expr, message: pl.Expr):
    """Append ``"{name}, ligne N, colonne « column » : message"`` for every row where ``bad``."""
    prefix = pl.lit(f"{name}, ligne ") + pl.col("_ligne").cast(pl.String)
    found = frame.filter(bad).select(
        pl.col("_ligne"), (prefix + pl.lit(f", colonne « {column} » : ") + message).alias("m")
    )
    errors.extend(found.get_column("m").to_list())


def _value(column: str) -> pl.Expr:
    return pl.lit("« ") + pl.col(column) + pl.lit(" »")


def _required(frame, errors, name, columns):
    for column in columns:
        _check(frame, errors, name, column, pl.col(column).is_null(), pl.lit("valeur manquante."))


def _choice(frame, errors, name, column, allowed):
    """A null is reported by ``_required`` when the column is required."""
    bad = pl.col(column).is_not_null() & ~pl.col(column).is_in(list(allowed))
    hint = f" inconnue (valeurs possibles : {_listing(allowed)})."
    _check(frame, errors, name, column, bad, _value(column) + pl.lit(hint))


def _unique(frame, errors, name, column):
    bad = pl.col(column).is_not_null() & ~pl.col(column).is_first_distinct()
    _check(frame, errors, name, column, bad, _value(column) + pl.lit(" est déjà utilisé."))


def _number(frame, errors, name, column, low, high, *, integer=False):
    cast = pl.col(column).str.replace(",", ".").cast(pl.Float64, strict=False)
    bad = pl.col(column).is_not_null() & (cast.is_null() | (cast < low) | (cast > high))
    if integer:
        bad = bad | (pl.col(column).is_not_null() & ~pl.col(column).str.contains(r"^\d+$"))
    kind = "un entier" if integer else "un nombre"
    hint = f" n'est pas {kind} entre {low} et {high}."
    _check(frame, errors, name, column, bad, _value(column) + pl.lit(hint))


def _boolean(frame, errors, name, column):
    bad = ~pl.col(column).str.to_lowercase().is_in(list(TRUE_VALUES + FALSE_VALUES))
    _check(
        frame,
        errors,
        name,
        column,
        pl.col(column).is_not_null() & bad,
        _value(column) + pl.lit(" n'est pas une valeur oui/non (1/0, oui/non, true/false)."),
    )


def _organisations(frame, errors):
    name = "organisations.csv"
    _required(frame, errors, name, ("id", "name", "network", "territory"))
    _unique(frame, errors, name, "id")
    _choice(frame, errors, name, "network", NETWORKS)


def _interactions(frame: pl.DataFrame, org_ids: pl.Series, errors: list[str]) -> pl.DataFrame:
    name = "interactions.csv"
    _required(frame, errors, name, ("id", "date", "kind", "territory", "organiser", "participants"))
    _unique(frame, errors, name, "id")
    _choice(frame, errors, name, "kind", KINDS)
    frame = frame.with_columns(
        pl.col("date").str.to_date("%Y-%m-%d", strict=False).alias("_date"),
        pl.col("participants")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
        .alias("_p"),
    )
    _check(
        frame,
        errors,
        name,
        "date",
        pl.col("date").is_not_null() & pl.col("_date").is_null(),
        _value("date") + pl.lit(" n'est pas une date AAAA-MM-JJ."),
    )
    known = pl.col("organiser").is_in(org_ids.implode())
    _check(
        frame,
        errors,
        name,
        "organiser",
        pl.col("organiser").is_not_null() & ~known,
        _value("organiser") + pl.lit(" n'est pas un identifiant de organisations.csv."),
    )
    unknown = (
        frame.select("_ligne", "_p")
        .explode("_p")
        .filter(pl.col("_p").is_not_null() & ~pl.col("_p").is_in(org_ids.implode()))
        .group_by("_ligne", maintain_order=True)
        .agg(pl.col("_p").str.join(", "))
    )
    _check(
        unknown,
        errors,
        name,
        "participants",
        pl.lit(True),
        pl.lit("identifiant(s) absent(s) de organisations.csv : ") + pl.col("_p") + pl.lit("."),
    )
    count = pl.col("_p").list.len()
    present = pl.col("participants").is_not_null()
    _check(
        frame,
        errors,
        name,
        "participants",
        present & (count != pl.col("_p").list.n_unique()),
        pl.lit("une organisation y figure deux fois."),
    )
    _check(
        frame,
        errors,
        name,
        "participants",
        present & (count < 2),
        pl.lit("au moins deux organisations séparées par « ; » sont attendues."),
    )
    referral = pl.col("kind") == "referral"
    _check(
        frame,
        errors,
        name,
        "participants",
        present & referral & (count > 2),
        pl.lit(
            "une orientation (referral) relie exactement deux organisations : "
            "émetteur;destinataire."
        ),
    )
    inside = pl.col("_p").list.contains(pl.col("organiser"))
    _check(
        frame,
        errors,
        name,
        "organiser",
        present & pl.col("organiser").is_not_null() & ~inside,
        _value("organiser") + pl.lit(" ne figure pas parmi les participants."),
    )
    sender = pl.col("_p").list.first() != pl.col("organiser")
    _check(
        frame,
        errors,
        name,
        "organiser",
        present & referral & (count == 2) & sender,
        pl.lit("pour une orientation, l'organisateur est l'émetteur (premier participant)."),
    )
    _choice(frame, errors, name, "outcome", OUTCOMES)
    _number(frame, errors, name, "response_days", 0, 3650, integer=True)
    for column in ("outcome", "response_days"):
        _check(
            frame,
            errors,
            name,
            column,
            pl.col(column).is_not_null() & ~referral,
            pl.lit("renseigné seulement pour une orientation (kind = referral)."),
        )
    return frame.select(
        "id",
        pl.col("_date").alias("date"),
        "kind",
        "territory",
        "organiser",
        pl.col("_p").alias("participants"),
        "theme",
        "outcome",
        pl.col("response_days").cast(pl.Int32, strict=False),
    )


def _resources(frame, errors):
    name = "resources.csv"
    _required(frame, errors, name, ("territory", "resource", "active"))
    _choice(frame, errors, name, "resource", RESOURCES)
    _boolean(frame, errors, name, "active")
    return frame.select(
        "territory",
        "resource",
        pl.col("active").str.to_lowercase().is_in(list(TRUE_VALUES)).alias("active"),
    )


def _context(frame, errors):
    name = "context.csv"
    _required(frame, errors, name, ("territory",))
    _unique(frame, errors, name, "territory")
    _number(frame, errors, name, "unemployment_rate", 0, 100)
    _number(frame, errors, name, "seasonal_employment_share", 0, 1)
    for column in ("rural", "mountain"):
        _boolean(frame, errors, name, column)
    number = {"unemployment_rate", "seasonal_employment_share"}
    return frame.select(
        "territory",
        "region",
        *[pl.col(c).str.replace(",", ".").cast(pl.Float64, strict=False) for c in sorted(number)],
        *[pl.col(c).str.to_lowercase().is_in(list(TRUE_VALUES)) for c in ("rural", "mountain")],
    )


def dataset_load(folder: str | Path) -> Dataset:
    """Read and validate ``folder``; raise ``ImportErrors`` with every error found."""
    folder = Path(folder)
    errors: list[str] = []
    if not folder.is_dir():
        raise ImportErrors([f"Dossier introuvable : {folder}"])
    frames: dict[str, pl.DataFrame | None] = {}
    for name in FILES:
        path = folder / name
        if not path.exists():
            if name not in OPTIONAL_FILES:
                errors.append(f"{name} : fichier obligatoire absent du dossier.")
            frames[name] = None
            continue
        frames[name] = _read(path, name, errors)
    organisations, interactions = frames["organisations.csv"], frames["interactions.csv"]
    if organisations is None or interactions is None:
        raise ImportErrors(errors)
    _organisations(organisations, errors)
    org_ids = organisations.get_column("id").drop_nulls()
    interactions = _interactions(interactions, org_ids, errors)
    resources = frames["resources.csv"]
    resources = _resources(resources, errors) if resources is not None else None
    context = frames["context.csv"]
    context = _context(context, errors) if context is not None else None
    if errors:
        raise ImportErrors(errors)
    return Dataset(
        organisations=organisations.select("id", "name", "network", "territory"),
        interactions=interactions,
        resources=resources,
        context=context,
    )
