"""`kg build` in one process against a local Dask cluster: wall time, CPU time and the speed-up, same run.

For each size a corpus is generated from the seed and development articles (scale_corpus.py: perturbed copies,
so many near-duplicate reports of the same events), then built and published twice into fresh data folders:
with extraction in the `kg` process (KG_DASK_SCHEDULER=none, the baseline) and on a LocalCluster of one
single-threaded worker process per core (KG_DASK_SCHEDULER=local). CPU time is the build's and all its
workers'; RSS is the largest single process. Every build is bounded by --timeout.

    python bench/dask_build.py --scale-tool ../shared/tools/scale_corpus.py [--articles 300,1000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCES = ["seeds", "tests/dev/articles"]
MODES = {"in-process": "none", "dask local": "local"}


def generate(tool: Path, folder: Path, count: int) -> None:
    """Write `count` generated articles into `folder`."""
    subprocess.run([sys.executable, str(tool), str(folder), str(count), *SOURCES], check=True, capture_output=True)


def timed_build(corpus: Path, data_dir: Path, scheduler: str, timeout: float) -> dict:
    """Run `kg build` on `corpus`; return its wall and CPU seconds (with its workers'), largest RSS and exit code."""
    kg = Path(sys.executable).with_name("kg")
    env = {**os.environ, "KG_DASK_SCHEDULER": scheduler}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(kg), "build", str(corpus), "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.2)
    wall = time.perf_counter() - started
    # wait4 counts the process and every descendant it waited for: the nannies and the worker processes.
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "code": os.waitstatus_to_exitcode(status),
        "timed_out": wall >= timeout,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale-tool", type=Path, required=True, help="path of scale_corpus.py")
    parser.add_argument("--articles", default="300,1000", help="comma-separated corpus sizes")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds one build may take")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"kg build, in-process vs local Dask cluster ({os.cpu_count()} workers); load average {load:.1f}")
    print(f"{'articles':>8} {'mode':12} {'wall s':>8} {'CPU s':>8} {'max RSS MB':>10} {'exit':>4} {'speed-up':>9}")
    with tempfile.TemporaryDirectory(prefix="kg-bench-dask-") as scratch:
        for count in (int(n) for n in args.articles.split(",")):
            corpus = Path(scratch) / f"corpus-{count}"
            generate(args.scale_tool, corpus, count)
            baseline = None
            for mode, scheduler in MODES.items():
                run = timed_build(corpus, Path(scratch) / f"data-{count}-{scheduler}", scheduler, args.timeout)
                baseline = baseline or run["wall"]
                ratio = "timeout" if run["timed_out"] else f"{baseline / run['wall']:.2f}x"
                print(
                    f"{count:>8} {mode:12} {run['wall']:8.1f} {run['cpu']:8.1f} {run['rss_mb']:10.0f} "
                    f"{run['code']:>4} {ratio:>9}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
