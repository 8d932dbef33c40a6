"""Orientation engine: in-process evaluations, and the API under concurrent load next to a
trivial JSON endpoint of the same app served the same way (gunicorn, same workers, same client).

The load client is bounded (a fixed number of requests on loopback) and stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import fr, measure, setup_django

ACTIVITES = [
    "salarie",
    "independant",
    "agent_public",
    "demandeur_emploi",
    "eleve",
    "etudiant",
    "retraite",
    "inactif",
]
CONTRATS = ["cdi", "cdd", "cdd_saisonnier", "interim", "apprentissage", "professionnalisation"]


def situations(n: int, seed: int, communes: list[str]) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        activite = rng.choice(ACTIVITES)
        s: dict = {"age": rng.randint(15 if activite == "eleve" else 16, 66), "activite": activite}
        if activite == "salarie":
            s["contrat"] = rng.choice(CONTRATS)
        for flag in ("cadre", "rqth", "inscrit_france_travail"):
            if rng.random() < 0.6:
                s[flag] = rng.random() < 0.3
        if activite in ("etudiant", "retraite"):
            s["exerce_un_emploi"] = rng.random() < 0.4
        if communes:
            s["commune"] = rng.choice(communes)
        out.append(s)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(port: int, method: str, path: str, bodies: list[bytes], clients: int, per_client: int):
    """``clients`` keep-alive connections, each sending ``per_client`` requests; returns req/s."""
    errors: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local = []
        for i in range(per_client):
            body = bodies[(index * per_client + i) % len(bodies)] if bodies else None
            start = time.perf_counter()
            conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            local.append(time.perf_counter() - start)
            if response.status != 200:
                errors.append(f"{response.status} {path}")
        conn.close()
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"{len(errors)} erreurs, par exemple {errors[0]}")
    latencies.sort()
    return clients * per_client / elapsed, latencies[int(len(latencies) * 0.95) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=250, help="per client")
    args = parser.parse_args()
    setup_django()
    from aiguillage import rules
    from aiguillage.core.demo import demo_load
    from aiguillage.orientation.services import decision_for
    from aiguillage.territories.services import reference_load

    database = os.environ.get("BENCH_DATABASE_LABEL", "?")
    reference_load()
    demo_load()
    pool = situations(500, 1, [])
    it = iter(range(10**9))
    engine = measure(lambda: rules.evaluer(pool[next(it) % len(pool)]), args.repeat)
    with_sites_pool = situations(200, 2, ["73065", "42218", "02691", "44109", "59350"])
    with_sites = measure(lambda: decision_for(with_sites_pool[next(it) % 200]), args.repeat // 4)
    print(
        f"| Évaluation en mémoire (`rules.evaluer`) | {database} | 500 situations | "
        f"{engine['median_ms']:.3f} | {engine['p95_ms']:.3f} | "
        f"{fr(int(1000 / engine['median_ms']))} évaluations/s (1 cœur) |"
    )
    print(
        f"| Décision avec sites proches (`decision_for`) | {database} | 5 communes, démo | "
        f"{with_sites['median_ms']:.2f} | {with_sites['p95_ms']:.2f} | — |"
    )

    port = free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "aiguillage.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        bodies = [json.dumps(s).encode() for s in situations(500, 3, [])]
        load(port, "GET", "/sante/", [], 2, 50)  # warm-up
        load(port, "POST", "/api/v1/orientation/decisions", bodies, 2, 50)
        trivial, trivial_p95 = load(port, "GET", "/sante/", [], args.clients, args.requests)
        api, api_p95 = load(
            port, "POST", "/api/v1/orientation/decisions", bodies, args.clients, args.requests
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    total = args.clients * args.requests
    print(
        f"| Point d'API trivial `GET /sante/` (gunicorn, 2 workers, {args.clients} clients) "
        f"| {database} | {fr(total)} requêtes | — | {trivial_p95:.1f} | {trivial:.0f} req/s |"
    )
    print(
        f"| `POST /api/v1/orientation/decisions` (idem, diagnostic enregistré) | {database} "
        f"| {fr(total)} requêtes | — | {api_p95:.1f} | {api:.0f} req/s = {api / trivial:.0%} "
        "du point trivial |"
    )


if __name__ == "__main__":
    main()
