"""Directory search with ≥ 20,000 sites and every commune loaded.

Measures ``site_search`` (sectorisation lookup, filters, distance ordering, one page with its
services) next to the bare indexed query it relies on: the ``Desserte`` lookup by territory
codes, measured in the same run on the same data.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import fr, measure, row, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--sites", type=int, default=20_000)
    args = parser.parse_args()
    setup_django()
    from aiguillage.directory.models import Desserte, Site
    from aiguillage.directory.selectors import site_search, territory_filter
    from aiguillage.directory.simulation import directory_synthetic_load
    from aiguillage.territories.models import Commune
    from aiguillage.territories.services import reference_load

    reference_load()
    directory_synthetic_load(sites=args.sites, seed=0)
    database = os.environ.get("BENCH_DATABASE_LABEL", "?")
    n_sites = Site.objects.count()
    size = f"{fr(n_sites)} sites, {fr(Commune.objects.count())} communes"
    rng = random.Random(7)
    communes = list(
        Commune.objects.filter(type="commune-actuelle", sites__isnull=False)
        .distinct()
        .values_list("code", flat=True)
    ) or list(Commune.objects.values_list("code", flat=True))
    sample = [Commune.objects.get(code=c) for c in rng.sample(communes, min(200, len(communes)))]
    it = iter(range(10**9))

    def pick():
        return sample[next(it) % len(sample)]

    def bare():
        commune = pick()
        return list(
            Desserte.objects.filter(territory_filter(commune, [])).values_list("site_id")[:10]
        )

    baseline = measure(bare, args.repeat)
    full = measure(lambda: site_search(commune=pick().code), args.repeat)
    filtered = measure(
        lambda: site_search(commune=pick().code, public="jeunes", accueille=True), args.repeat
    )
    print(row(database, "Requête indexée nue (dessertes d'une commune)", size, baseline))
    print(row(database, "`site_search` (1re page, 10 sites)", size, full, baseline))
    print(row(database, "`site_search` filtré (public, capacité)", size, filtered, baseline))


if __name__ == "__main__":
    main()
