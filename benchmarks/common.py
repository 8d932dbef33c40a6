"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--noinput", verbosity=0)


def measure(fn: Callable[[], object], repeat: int, warmup: int = 20) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[max(0, int(len(samples) * 0.95) - 1)],
        "n": repeat,
    }


def row(database: str, name: str, size: str, result: dict, baseline: dict | None = None) -> str:
    ratio = f"{result['median_ms'] / baseline['median_ms']:.1f}×" if baseline else "—"
    return (
        f"| {name} | {database} | {size} | {result['median_ms']:.2f} | {result['p95_ms']:.2f} "
        f"| {ratio} |"
    )


def fr(n: int) -> str:
    """A count in French typography: 20000 → "20 000"."""
    return f"{n:,}".replace(",", "\u202f")
