"""``make bench``: run the benchmarks and print Markdown rows for docs/performance.md.

Each benchmark measures an operation of the product next to a baseline measured in the same run
(the bare query it relies on), because ratios hold on a noisy machine and absolute times do not.
Benchmarks run against SQLite (a temporary file) and, when ``BENCH_POSTGRES_URL`` is set or a
server answers on 127.0.0.1:5432, against a throwaway PostgreSQL database.

Usage: ``python benchmarks/run.py [--only NAME] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["territories_search", "directory_search", "orientation", "observatory", "referrals"]


def postgres_url() -> str | None:
    url = os.environ.get("BENCH_POSTGRES_URL")
    if url:
        return url
    probe = subprocess.run(
        ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], capture_output=True, check=False
    )
    return "postgres://postgres@127.0.0.1:5432/aiguillage_bench" if probe.returncode == 0 else None


def prepare_postgres(url: str) -> None:
    from urllib.parse import urlparse, urlunparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        cpu = model
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cœurs, {cpu}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=BENCHMARKS)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    print(f"Machine : {machine()}")
    targets: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        targets.append(("SQLite", f"sqlite:///{tmp}/bench.sqlite3"))
        pg = postgres_url()
        if pg:
            prepare_postgres(pg)
            targets.append(("PostgreSQL", pg))
        for name in [args.only] if args.only else BENCHMARKS:
            for label, url in targets:
                env = {
                    **os.environ,
                    "DATABASE_URL": url,
                    "DEBUG": "0",
                    "SECRET_KEY": "benchmark",
                    "AIGUILLAGE_VAR_DIR": tmp,
                    "DJANGO_SETTINGS_MODULE": "aiguillage.settings",
                    "BENCH_DATABASE_LABEL": label,
                }
                done = subprocess.run(
                    [sys.executable, str(HERE / f"bench_{name}.py"), "--repeat", str(args.repeat)],
                    env=env,
                    check=False,
                )
                if done.returncode:
                    return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
