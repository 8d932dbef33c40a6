"""Orientation engine: in-process evaluations, and the API under concurrent load next to a
trivial JSON endpoint of the same app served the same way (gunicorn, same workers, same client).

The load client is ``wrk`` (C, epoll) when it is installed, or can be installed from Debian's
packages (as root); otherwise a Python thread client. Both are bounded (``wrk`` for a fixed
duration, the Python client for a fixed number of requests) and stop by themselves. ``wrk`` is the
more faithful: it needs about 0.09 ms of CPU per request, the Python client about 0.23 ms, on the
same two cores as the server, and a client's cost, the same for both endpoints, brings their
ratio closer to 1. ``BENCH_CLIENT=python`` forces the Python client.

The server runs with the product's gunicorn configuration (``aiguillage/gunicorn_conf.py``). The
API is measured under two loads: situations asked again and again (a worker evaluates each once
and answers the next ones from what it keeps, ADR 0003) and situations that are all different
(every request evaluates the rules). The endpoints alternate for ``--rounds`` rounds and the
median ratio is kept. After the server's graceful stop, the benchmark checks that every answered
API request left its diagnostic in the database (written in the background, see ADR 0002).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
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


def situations(n: int, seed: int, communes: list[str], *, dated: bool = False) -> list[dict]:
    """``n`` generated situations; ``dated``: each at a date of 2020–2026 drawn at random, so that
    they differ from one another (with their other facts) and from those the server keeps."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        activite = rng.choice(ACTIVITES)
        s: dict = {"age": rng.randint(15 if activite == "eleve" else 16, 66), "activite": activite}
        if dated:
            day = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(2557))
            s["date"] = day.isoformat()
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


def wait_until_ready(port: int, seconds: float = 60) -> None:
    """Until both workers answer: the socket is open before they have loaded the app."""
    deadline = time.monotonic() + seconds
    answered = 0
    while answered < 10:
        if time.monotonic() > deadline:
            raise SystemExit("Le serveur ne répond pas.")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/sante/")
            answered += conn.getresponse().status == 200
            conn.close()
        except OSError:
            time.sleep(0.2)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (Linux ``/proc``), 0 for those gone."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(master: int) -> list[int]:
    """gunicorn's master and workers, and the database server's processes for this database."""
    from django.db import connection

    pids = [master]
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry.name))
            except (OSError, ValueError):
                continue
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids += [pid for (pid,) in cursor.fetchall()]
    return pids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(port: int, method: str, path: str, bodies: list[bytes], clients: int, per_client: int):
    """Python client: ``clients`` keep-alive connections, each sending ``per_client`` requests.

    Returns (req/s, p95 in ms, answered requests)."""
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
    total = clients * per_client
    return total / elapsed, latencies[int(len(latencies) * 0.95) - 1] * 1000, total


WRK_SCRIPT = """
local bodies, i = {}, 0
init = function(args)
  if args[1] then
    for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  end
end
request = function()
  if #bodies == 0 then return wrk.format("GET") end
  i = i % #bodies + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.status, e.connect, e.read, e.write, e.timeout, latency:percentile(95)))
end
"""


def wrk_available() -> str | None:
    """``wrk``'s path, installing Debian's package first when possible (root, apt-get)."""
    if os.environ.get("BENCH_CLIENT") == "python":
        return None
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for update_first in (False, True):
        if update_first:
            subprocess.run(["apt-get", "update", "-qq"], env=apt, capture_output=True, check=False)
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        subprocess.run(install, env=apt, capture_output=True, check=False)
        if shutil.which("wrk"):
            break
    return shutil.which("wrk")


def load_wrk(wrk: str, port: int, path: str, bodies: list[bytes], clients: int, seconds: float):
    """``wrk``: ``clients`` keep-alive connections on 2 threads for ``seconds``; POST with the
    bodies in turn when there are any. Returns (req/s, p95 in ms, answered requests)."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp, "bench.lua")
        script.write_text(WRK_SCRIPT)
        command = [
            wrk,
            "--threads",
            "2",
            "--connections",
            str(clients),
            "--duration",
            f"{seconds:g}s",
            "--timeout",
            "10s",
            "--script",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ]
        if bodies:
            body_file = Path(tmp, "bodies.jsonl")
            body_file.write_bytes(b"\n".join(bodies) + b"\n")
            command += ["--", str(body_file)]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^WRK ((?:\d+ ){7}\d+)$", out, re.MULTILINE)
    if not match:
        raise SystemExit(f"Sortie de wrk illisible :\n{out}")
    requests, duration_us, status, connect, read, write, timeout, p95_us = map(
        int, match.group(1).split()
    )
    if status or connect or read or write or timeout:
        raise SystemExit(
            f"{path} : {requests} réponses dont {status} en erreur ; erreurs de connexion "
            f"{connect}, de lecture {read}, d'écriture {write}, délais dépassés {timeout}"
        )
    return requests / (duration_us / 1e6), p95_us / 1000, requests


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=250, help="per client (Python client)")
    parser.add_argument("--seconds", type=float, default=3, help="per round (wrk)")
    parser.add_argument("--rounds", type=int, default=5, help="alternate rounds, median kept")
    args = parser.parse_args()
    setup_django()
    from aiguillage import rules
    from aiguillage.core.demo import demo_load
    from aiguillage.orientation.buffer import INTERVAL
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
            # The product's own configuration (preloaded app, frozen garbage collector), with
            # the bench's address and workers.
            "--config",
            "python:aiguillage.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    wrk = wrk_available()
    api_path = "/api/v1/orientation/decisions"
    # Two loads for the API: 500 situations asked again and again (each evaluated once by each
    # worker, then answered from what it keeps), and 20,000 situations at dates drawn at random,
    # which the workers' 2,048 kept answers never hold (every request evaluates the rules).
    loads = {
        "repetees": [json.dumps(s).encode() for s in situations(500, 3, [])],
        "nouvelles": [json.dumps(s).encode() for s in situations(20_000, 4, [], dated=True)],
    }
    answered = 0
    runs: dict[str, list[tuple]] = {name: [] for name in loads}
    try:
        wait_until_ready(port)
        if wrk:
            client = f"{args.clients} connexions wrk"

            def run(path: str, bodies: list[bytes], seconds: float):
                return load_wrk(wrk, port, path, bodies, args.clients, seconds)

            warmup, timed = (2,), (args.seconds,)
        else:
            client = f"{args.clients} clients Python"

            def run(path: str, bodies: list[bytes], count: int):
                return load(
                    port, "GET" if not bodies else "POST", path, bodies, args.clients, count
                )

            warmup, timed = (50 // args.clients + 1,), (args.requests,)
        answered += run(api_path, loads["repetees"], *warmup)[2]
        run("/sante/", [], *warmup)
        # Alternate the endpoints and keep the median ratio: another process's burst on the
        # machine then hits one round, not one endpoint.
        for _ in range(args.rounds):
            pids = server_pids(server.pid)
            start = cpu_seconds(pids)
            trivial, trivial_p95, n_trivial = run("/sante/", [], *timed)
            cpu_trivial = (cpu_seconds(pids) - start) / n_trivial * 1000
            for name, bodies in loads.items():
                start = cpu_seconds(pids)
                api, api_p95, n_api = run(api_path, bodies, *timed)
                answered += n_api
                # The workers write the round's last diagnostics (at most INTERVAL's worth) now
                # rather than during the next measure; the CPU count includes them.
                time.sleep(2 * INTERVAL)
                cpu = (cpu_trivial, (cpu_seconds(pids) - start) / n_api * 1000)
                runs[name].append(
                    (api / trivial, trivial, api, trivial_p95, api_p95, n_trivial, n_api, cpu)
                )
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    from aiguillage.orientation.models import Canal, Diagnostic

    written = Diagnostic.objects.filter(canal=Canal.API).count()
    if written < answered:
        raise SystemExit(f"{answered - written} diagnostics de l'API perdus sur {answered}")
    labels = {
        "repetees": "500 situations redemandées",
        "nouvelles": "20 000 situations toutes différentes",
    }
    for index, (name, rounds) in enumerate(runs.items()):
        rounds.sort()
        ratio, trivial, api, trivial_p95, api_p95, n_trivial, n_api, _ = rounds[len(rounds) // 2]
        cpu_trivial = statistics.median(r[7][0] for r in rounds)
        cpu_api = statistics.median(r[7][1] for r in rounds)
        if index == 0:
            print(
                f"| Point d'API trivial `GET /sante/` (gunicorn, 2 workers, {client}) "
                f"| {database} | {fr(n_trivial)} requêtes | — | {trivial_p95:.1f} "
                f"| {trivial:.0f} req/s |"
            )
        print(
            f"| `POST /api/v1/orientation/decisions` (idem, diagnostic enregistré), "
            f"{labels[name]} | {database} | {fr(n_api)} requêtes | — | {api_p95:.1f} "
            f"| {api:.0f} req/s = {ratio:.0%} du point trivial |"
        )
        cpu = (
            f"CPU du serveur par requête (gunicorn et base) : {cpu_trivial:.2f} ms pour /sante/, "
            f"{cpu_api:.2f} ms pour l'API, rapport {cpu_trivial / cpu_api:.0%}"
            if cpu_api
            else "CPU non mesuré (pas de /proc)"
        )
        print(
            f"<!-- {database}, {client}, {labels[name]} : rapports des {len(rounds)} manches "
            + ", ".join(f"{r[0]:.0%}" for r in rounds)
            + f" ; {cpu} -->"
        )
    print(
        f"<!-- {database} : {fr(written)} diagnostics de l'API écrits pour {fr(answered)} "
        "réponses -->"
    )


if __name__ == "__main__":
    main()
