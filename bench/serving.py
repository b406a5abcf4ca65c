"""Serving benchmark: total server memory and example-query latency, per release size and query-store mode.

For the seed release and a large one (3,000 generated articles by default), starts `make serve`'s
gunicorn on loopback (2 server processes, each with its query workers) once per `KG_QUERY_STORE`
mode: `memory` (a private copy of the release in every query worker, the former default, the baseline)
and `disk` (one read-only copy on disk shared by every worker through the OS page cache). Once the
workers are loaded, one client sends the example queries (kg/queries) `--rounds` times each, one at a
time; then the memory of the server is summed over gunicorn and every process under it: RSS (what
each process holds, shared pages counted once per process) and PSS (shared pages divided among the
processes sharing them). Prints one line per run and the ratios disk/memory and large/seed.

    make bench                                   # part of it, or:
    .venv/bin/python bench/serving.py            # builds the releases under bench/.data the first time
    .venv/bin/python bench/serving.py --large /path/to/data-dir   # a data folder built already
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil
from load import build_seed_release, percentile  # bench/load.py

from kg.web.testing import LiveServer
from kg.web.ui import examples

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
SCALE_CORPUS = ROOT.parent / "shared" / "tools" / "scale_corpus.py"
SERVER_PROCESSES = 2  # as `make serve` (gunicorn_conf: KG_WEB_WORKERS)
QUERY_WORKERS = 2  # per server process (KG_QUERY_WORKERS), plus one spare
ACCEPT = "application/sparql-results+json"


@dataclass
class Run:
    """What one server start measured."""

    release: str
    mode: str
    triples: int
    processes: int
    rss_mb: float
    pss_mb: float
    p50_ms: float
    p95_ms: float


def build_large_release(data_dir: Path, articles: int) -> None:
    """Generate `articles` articles from the seed and development articles and build them into `data_dir`."""
    corpus = data_dir.parent / f"{data_dir.name}-articles"
    if not corpus.exists():
        sources = [str(ROOT / "seeds"), str(ROOT / "tests" / "dev" / "articles")]
        subprocess.run([sys.executable, str(SCALE_CORPUS), str(corpus), str(articles), *sources], check=True)
    print(f"building {articles} articles into {data_dir} (minutes)…", flush=True)
    kg = str(Path(sys.executable).with_name("kg"))
    result = subprocess.run([kg, "build", "--data-dir", str(data_dir), str(corpus)], stdout=subprocess.DEVNULL)
    if result.returncode not in (0, 3):  # 3: published, some articles held back
        raise SystemExit(f"kg build failed with exit status {result.returncode}")


def health(url: str) -> dict:
    """Return the /healthz report of one server process (a new connection: either process may answer)."""
    with urllib.request.urlopen(url + "/healthz", timeout=10) as response:
        return json.load(response)


def wait_until_loaded(url: str, timeout: float = 900.0) -> None:
    """Wait until /healthz says all query workers are loaded, ten times in a row (both processes answer it)."""
    deadline, in_a_row = time.monotonic() + timeout, 0
    while in_a_row < 10:
        if time.monotonic() > deadline:
            raise SystemExit("the query workers did not load in time")
        in_a_row = in_a_row + 1 if health(url)["queries"]["workers"] == QUERY_WORKERS else 0
        time.sleep(0.2)
    time.sleep(1.0)  # the spare workers finish loading too


def query_latencies(url: str, rounds: int) -> list[float]:
    """Send every example query `rounds` times, one at a time; return the seconds each took."""
    latencies = []
    for _ in range(rounds):
        for example in examples():
            request = urllib.request.Request(
                url + "/sparql",
                data=urllib.parse.urlencode({"query": example.query}).encode(),
                headers={"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"},
            )
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
            latencies.append(time.perf_counter() - started)
    return latencies


def server_memory(pid: int) -> tuple[int, float, float]:
    """Return the processes of the server (gunicorn and all under it) and their summed RSS and PSS, in MiB."""
    root = psutil.Process(pid)
    processes = [root, *root.children(recursive=True)]
    rss = pss = 0
    for process in processes:
        try:
            info = process.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        rss, pss = rss + info.rss, pss + info.pss
    return len(processes), rss / 2**20, pss / 2**20


def measure(name: str, data_dir: Path, mode: str, rounds: int) -> Run:
    """Start the server on `data_dir` with query store `mode`, wait for its workers, time the queries, sum memory."""
    settings = {"DATA_DIR": data_dir, "QUERY_STORE": mode, "QUERY_WORKERS": QUERY_WORKERS}
    quiet = {"GUNICORN_CMD_ARGS": "--log-level warning"}
    with LiveServer(settings, workers=SERVER_PROCESSES, threads=8, env=quiet) as server:
        wait_until_loaded(server.url)
        latencies = query_latencies(server.url, rounds)
        processes, rss, pss = server_memory(server.process.pid)
    manifest = json.loads(((data_dir / "current").resolve() / "dumps" / "manifest.json").read_text())
    return Run(
        name,
        mode,
        manifest["triples"],
        processes,
        rss,
        pss,
        1000 * statistics.median(latencies),
        1000 * percentile(latencies, 0.95),
    )


def report(runs: list[Run]) -> None:
    """Print the runs and their ratios."""
    columns = ("release", "triples", "mode", "procs", "RSS total", "PSS total", "p50", "p95")
    print("{:<8} {:>9} {:<7} {:>5} {:>10} {:>10} {:>8} {:>8}".format(*columns))
    for run in runs:
        print(
            f"{run.release:<8} {run.triples:>9,} {run.mode:<7} {run.processes:>5} {run.rss_mb:>7,.0f} MB "
            f"{run.pss_mb:>7,.0f} MB {run.p50_ms:>5.1f} ms {run.p95_ms:>5.1f} ms"
        )
    by = {(run.release, run.mode): run for run in runs}
    for release in dict.fromkeys(run.release for run in runs):
        disk, memory = by[(release, "disk")], by[(release, "memory")]
        print(
            f"{release}: disk/memory  RSS {disk.rss_mb / memory.rss_mb:.2f}x  PSS {disk.pss_mb / memory.pss_mb:.2f}x  "
            f"p50 {disk.p50_ms / memory.p50_ms:.2f}x  p95 {disk.p95_ms / memory.p95_ms:.2f}x"
        )
    large = [release for release in dict.fromkeys(run.release for run in runs) if release != "seed"]
    for release in large:
        for mode in ("memory", "disk"):
            big, seed = by[(release, mode)], by[("seed", mode)]
            print(
                f"{release}/seed ({mode}): triples {big.triples / seed.triples:.0f}x"
                f"  RSS {big.rss_mb / seed.rss_mb:.2f}x  p50 {big.p50_ms / seed.p50_ms:.2f}x"
                f"  p95 {big.p95_ms / seed.p95_ms:.2f}x"
            )


def main() -> int:
    """Build (once) or take the releases, measure each in both modes and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000, help="generated articles in the large release (0: none)")
    built = "default: built under bench/.data"
    parser.add_argument("--seed", type=Path, help=f"data folder of the seed release ({built})")
    parser.add_argument("--large", type=Path, help=f"data folder of the large release ({built})")
    parser.add_argument("--label", help="name of the large release in the figures (default: from --articles)")
    parser.add_argument("--rounds", type=int, default=20, help="times each example query is sent per run")
    args = parser.parse_args()
    seed = args.seed or DATA / "seed"
    large = args.large or DATA / f"large-{args.articles}"
    if not (seed / "current").exists():
        build_seed_release(seed)
    label = args.label or f"{args.articles / 1000:g}k"
    releases = [("seed", seed)] + ([(label, large)] if args.articles else [])
    if args.articles and not (large / "current").exists():
        build_large_release(large, args.articles)
    print(
        f"{SERVER_PROCESSES} server processes x ({QUERY_WORKERS} query workers + 1 spare), loopback, one client, "
        f"{len(examples())} example queries x {args.rounds}",
        flush=True,
    )
    runs = []
    for name, data_dir in releases:
        for mode in ("memory", "disk"):
            runs.append(measure(name, data_dir.resolve(), mode, args.rounds))
            print(f"  measured {name} {mode}", flush=True)
    report(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
