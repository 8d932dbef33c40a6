"""Commune autocomplete: ``commune_search`` versus the bare indexed prefix query it relies on."""

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
    args = parser.parse_args()
    setup_django()
    from aiguillage.territories.models import CodePostal, Commune
    from aiguillage.territories.search import commune_search, normalise
    from aiguillage.territories.services import reference_load

    reference_load()
    database = os.environ.get("BENCH_DATABASE_LABEL", "?")
    size = f"{fr(Commune.objects.count())} communes"
    rng = random.Random(42)
    names = list(Commune.objects.values_list("nom", flat=True))
    queries = [normalise(n)[: rng.randint(3, 8)] for n in rng.sample(names, 200)]
    postcodes = rng.sample(list(CodePostal.objects.values_list("code", flat=True)), 200)
    it = iter(range(10**9))

    def pick(values):
        return values[next(it) % len(values)]

    bare_name = measure(
        lambda: list(
            Commune.objects.filter(nom_normalise__prefix=pick(queries)).values_list("code")[:10]
        ),
        args.repeat,
    )
    by_name = measure(lambda: commune_search(pick(queries)), args.repeat)
    bare_postal = measure(
        lambda: list(
            CodePostal.objects.filter(code__prefix=pick(postcodes)).values_list("commune_id")
        ),
        args.repeat,
    )
    by_postal = measure(lambda: commune_search(pick(postcodes)), args.repeat)
    print(row(database, "Requête indexée nue (préfixe du nom)", size, bare_name))
    print(row(database, "`commune_search` par nom (3 à 8 lettres)", size, by_name, bare_name))
    print(row(database, "Requête indexée nue (préfixe de code postal)", size, bare_postal))
    print(row(database, "`commune_search` par code postal", size, by_postal, bare_postal))


if __name__ == "__main__":
    main()
