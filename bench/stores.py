"""The example queries through Virtuoso (KG_STORE=sparql) and through the embedded store, side by side.

Starts a throwaway Virtuoso on loopback (Debian's `virtuoso-opensource`), builds the articles
(default: the seeds) into it with `kg build` and KG_STORE=sparql (the same build also fills the
embedded release), then asks /sparql for each example query `--repeat` times through each backend,
one request at a time, and prints p50 / p95 latency in ms and their ratio. Bounded: `--repeat` runs
per query and backend, `--budget` seconds of querying at most.

    .venv/bin/python bench/stores.py [--articles DIR] [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import config  # noqa: E402
from kg.web import create_app, ui  # noqa: E402
from tests.virtuoso_server import running  # noqa: E402

ACCEPT = {"Accept": "application/sparql-results+json"}


def main() -> None:
    """Run the comparison and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=ROOT / "seeds", help="articles to build (default: seeds/)")
    parser.add_argument("--repeat", type=int, default=20, help="runs of each query per backend (default 20)")
    parser.add_argument("--budget", type=float, default=300.0, help="seconds of querying at most (default 300)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-stores-") as folder, running(Path(folder) / "virtuoso") as server:
        settings = config.load({"DATA_DIR": str(Path(folder) / "data"), **server.settings()}, environ={})
        backends = build(args.articles, settings)
        deadline = time.monotonic() + args.budget
        print(f"{'query':<36} {'virtuoso p50/p95 ms':>20} {'embedded p50/p95 ms':>20} {'p50 ratio':>10}")
        for example in ui.examples():
            timings = {name: timed(client, example.query, args.repeat, deadline) for name, client in backends.items()}
            cells = [f"{p50:8.1f} / {p95:7.1f}" + note for p50, p95, note in timings.values()]
            ratio = timings["virtuoso"][0] / timings["embedded"][0]
            print(f"{example.name:<36} {cells[0]:>20} {cells[1]:>20} {ratio:>9.1f}×")


def build(articles: Path, settings: dict) -> dict:
    """Build `articles` into Virtuoso and the data folder; return a test client of the app on each store."""
    from kg.build import run_build

    started = time.perf_counter()
    outcome = run_build([articles], settings, keep_going=True)
    print(f"build into Virtuoso and the data folder: {time.perf_counter() - started:.1f} s, exit {outcome.exit_code}")
    return {
        "virtuoso": create_app(settings).test_client(),
        "embedded": create_app({"DATA_DIR": settings["DATA_DIR"]}).test_client(),
    }


def timed(client, query: str, repeat: int, deadline: float) -> tuple[float, float, str]:
    """Return p50 and p95 (ms) of `repeat` sequential requests (fewer past `deadline`), and a note on errors."""
    client.post("/sparql", data={"query": query}, headers=ACCEPT)  # warm-up: workers load, caches fill
    times, statuses = [], set()
    for _ in range(repeat):
        if time.monotonic() > deadline:
            break
        tick = time.perf_counter()
        statuses.add(client.post("/sparql", data={"query": query}, headers=ACCEPT).status_code)
        times.append((time.perf_counter() - tick) * 1000)
    p50 = statistics.median(times) if times else float("nan")
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else float("nan")
    errors = sorted(statuses - {200})
    return p50, p95, f" ({'/'.join(map(str, errors))})" if errors else ""


if __name__ == "__main__":
    main()
