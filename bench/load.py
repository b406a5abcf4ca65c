"""Load benchmark of /sparql on the seed graph: many ordinary clients, then the same with one runaway client.

Starts `make serve`'s gunicorn on loopback over a freshly built seed release and loads it for
`--warmup` seconds (unmeasured: the query workers load meanwhile). Each ordinary client is a
thread with its own kept-alive connection, sending the example queries (kg/queries) one after the
other for `--seconds`; it speaks through a trusted proxy (X-Forwarded-For, its own address), as clients
of a public deployment do. The second run adds one client that keeps `--runaway` cartesian-product
queries in flight. Prints, per run, requests, failures (any answer but 200, or no answer), p50/p99
latency and throughput of the ordinary clients, and checks the targets: no failure in either run, and
p99 with the runaway client at most 2x p99 without it.

    make bench-load        # or: .venv/bin/python bench/load.py --clients 64 --seconds 60
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from kg.web.testing import LiveServer
from kg.web.ui import examples

ROOT = Path(__file__).resolve().parent.parent
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ACCEPT = "application/sparql-results+json"


@dataclass
class Outcome:
    """The answers one group of clients got: latencies of the 200s, and everything else."""

    latencies: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float, status: int | str) -> None:
        """Count one answer."""
        with self.lock:
            if status == 200:
                self.latencies.append(seconds)
            else:
                self.failures[str(status)] = self.failures.get(str(status), 0) + 1


def client(port: int, address: str, queries: list[str], until: float, outcome: Outcome, timeout: float) -> None:
    """Send `queries` in turn over one kept-alive connection until `until`, recording each answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Accept": ACCEPT, "X-Forwarded-For": address, "Content-Type": "application/x-www-form-urlencoded"}
    number = 0
    while time.monotonic() < until:
        body = urllib.parse.urlencode({"query": queries[number % len(queries)]})
        number += 1
        started = time.monotonic()
        try:
            connection.request("POST", "/sparql", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status: int | str = response.status
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
            connection.close()
        outcome.record(time.monotonic() - started, status)


def run(port: int, clients: int, seconds: float, runaway: int) -> tuple[Outcome, Outcome]:
    """Run `clients` ordinary clients (and `runaway` runaway queries) for `seconds`; return both outcomes."""
    queries = [example.query for example in examples()]
    ordinary, wild = Outcome(), Outcome()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(port, f"10.0.{n // 250}.{n % 250 + 1}", queries, until, ordinary, 60))
        for n in range(clients)
    ]
    threads += [
        threading.Thread(target=client, args=(port, "10.99.0.1", [RUNAWAY], until, wild, 120)) for _ in range(runaway)
    ]
    for thread in threads[clients:] + threads[:clients]:  # the runaway queries first, as in the report
        thread.start()
    for thread in threads:
        thread.join()
    return ordinary, wild


def percentile(values: list[float], fraction: float) -> float:
    """Return the `fraction` quantile of `values` (nearest rank), 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(name: str, outcome: Outcome, seconds: float) -> None:
    """Print one run's figures."""
    done = outcome.latencies
    failed = sum(outcome.failures.values())
    print(
        f"{name:<34} requests {len(done) + failed:>6}  failed {failed:>5} {outcome.failures or ''}  "
        f"p50 {1000 * (statistics.median(done) if done else 0):7.1f} ms  p99 {1000 * percentile(done, 0.99):7.1f} ms  "
        f"{len(done) / seconds:7.1f} req/s"
    )


def build_seed_release(data_dir: Path) -> None:
    """Build the seed articles into `data_dir` with `kg build`."""
    env = {**os.environ, "KG_DATA_DIR": str(data_dir), "KG_SEEDS": str(ROOT / "seeds")}
    subprocess.run([str(Path(sys.executable).with_name("kg")), "build"], env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    """Run both load runs and print whether the targets hold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runaway", type=int, default=4, help="cartesian queries the runaway client keeps in flight")
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds of load before measuring (workers load)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-load-") as folder:
        build_seed_release(Path(folder))
        settings = {"DATA_DIR": folder, "TRUSTED_PROXIES": "127.0.0.1"}
        with LiveServer(settings, workers=2, threads=8) as server:
            port = server.port
            print(f"{args.clients} clients x {args.seconds:g} s of the example queries, seed graph, loopback")
            run(port, args.clients, args.warmup, 0)  # the query workers load while the first queries wait
            calm, _ = run(port, args.clients, args.seconds, 0)
            report("ordinary clients alone", calm, args.seconds)
            busy, wild = run(port, args.clients, args.seconds, args.runaway)
            report(f"ordinary, beside {args.runaway} runaway queries", busy, args.seconds)
            report("the runaway client", wild, args.seconds)
    ratio = percentile(busy.latencies, 0.99) / max(percentile(calm.latencies, 0.99), 1e-9)
    failed = sum(calm.failures.values()) + sum(busy.failures.values())
    print(f"p99 ratio (runaway / alone): {ratio:.2f}  (target <= 2.0)   failed ordinary requests: {failed} (target 0)")
    return 0 if failed == 0 and ratio <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
