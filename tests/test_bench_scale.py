"""bench/scale.py: a small run prints every row and ratio; the process-tree accounting counts grandchildren."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "scale.py"
SCALE_TOOL = ROOT / "tests" / "data" / "scale_corpus.py"  # a verbatim copy of the shared generator


@pytest.fixture(scope="module")
def scale():
    """bench/scale.py as a module (bench/ on sys.path only while it imports its neighbours load.py, serving.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location("bench_scale", SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_scale"] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "bench"))
        for name in ("load", "serving"):  # the bench's own modules, not to shadow anything later
            sys.modules.pop(name, None)
    yield module
    sys.modules.pop("bench_scale", None)


def test_small_run_prints_every_size_the_ratio_and_the_targets(tmp_path):
    figures = tmp_path / "figures.json"
    command = [sys.executable, str(SCRIPT), "--scale-tool", str(SCALE_TOOL), "--articles", "5,10"]
    command += ["--skip-add", "--skip-serving", "--skip-virtuoso", "--json", str(figures), "--keep", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    rows = {int(m[1]): m[0] for m in re.finditer(r"^\s+(5|10)\s+\d+\.\d.*$", out, re.M)}
    assert sorted(rows) == [5, 10], out
    for line in rows.values():
        # wall, CPU, processes, largest RSS, tree RSS, exit, pipeline 1 core, pipeline CPU/2, non-pipeline share
        assert re.search(r"\d+\.\d +\d+\.\d +\d+ +\d+ MB +\d+ MB +[03] +\d+\.\d +\d+\.\d +\d+%$", line), line
    assert re.search(r"wall 10/5: \d+\.\d\dx for 2\.0x the articles \(target <= 2\.2x, linear \+10 %\)", out), out
    assert "5: peak RSS (tree)" in out and "10: peak RSS (tree)" in out
    assert "descendants counted" in out
    assert "Virtuoso beside the embedded store: skipped: --skip-virtuoso" in out
    data = json.loads(figures.read_text())
    assert [row["articles"] for row in data["sizes"]] == [5, 10]
    for row in data["sizes"]:
        assert row["read"] == row["articles"] and row["words"] > 100 * row["articles"]
        assert row["build"]["code"] == 0 and row["build"]["wall"] > 0 and row["build"]["cpu"] > 0
        assert row["build"]["largest_rss_mb"] > 100  # the trained pipeline alone is bigger than that
        assert row["pipeline_cpu"] > 0 and row["pipeline_cores"] == pytest.approx(row["pipeline_cpu"] / data["cores"])
        assert row["non_pipeline"] == pytest.approx(
            max(0.0, row["build"]["wall"] - row["pipeline_cores"]) / row["build"]["wall"]
        )
    (ratio,) = data["ratios"]
    assert ratio["wall"] == pytest.approx(data["sizes"][1]["build"]["wall"] / data["sizes"][0]["build"]["wall"])
    assert ratio["target"] == pytest.approx(2.2)
    assert data["add"] is None and data["serving"] is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus-10", "corpus-5", "data-10", "data-5", "figures.json"]


def test_bad_sizes_are_refused_by_name(tmp_path):
    for articles in ("1000,lots", "3000,1000", "0,10"):
        command = [sys.executable, str(SCRIPT), "--scale-tool", str(SCALE_TOOL), "--articles", articles]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 2 and "--articles" in result.stderr, result.stderr


# A parent that starts a child that starts a grandchild; each holds memory and burns CPU, each waits for its own.
TREE = textwrap.dedent(
    """
    import subprocess, sys, time
    depth = int(sys.argv[1])
    ballast = bytearray(60 * 2**20)
    for page in range(0, len(ballast), 4096):
        ballast[page] = 1
    child = subprocess.Popen([sys.executable, __file__, str(depth - 1)]) if depth else None
    spent = time.process_time()
    while time.process_time() - spent < 0.8:
        pass
    if child:
        child.wait()
    """
)


def test_the_cpu_and_memory_of_grandchildren_are_counted(scale, tmp_path):
    script = tmp_path / "tree.py"
    script.write_text(TREE)
    run = scale.run_measured([sys.executable, str(script), "2"], timeout=60)
    assert run.code == 0 and not run.timed_out
    assert run.processes == 3  # the parent, the child, the grandchild
    assert run.cpu >= 3 * 0.8 and run.cpu >= 0.95 * run.cpu_sampled
    assert 60 <= run.largest_rss_mb < run.total_rss_mb
    assert run.total_rss_mb >= 2 * 60  # at least two of the three held their ballast at the same time


def test_a_process_over_its_time_is_stopped_with_its_children(scale, tmp_path):
    script = tmp_path / "sleeper.py"
    script.write_text(
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "time.sleep(60)\n"
    )
    run = scale.run_measured([sys.executable, str(script)], timeout=1.5)
    assert run.timed_out and run.code != 0 and run.wall < 10


def test_the_added_article_is_new_and_differs_from_its_seed(scale, tmp_path):
    path = scale.added_article(tmp_path)
    seed = ROOT / "seeds" / path.name.removeprefix("bench-added-")
    assert seed.is_file() and path.stem not in {p.stem for p in (ROOT / "seeds").iterdir()}
    new, old = path.read_text().splitlines(), seed.read_text().splitlines()
    assert new[0] == "Update: " + old[0] and new[1:] == old[1:]


@pytest.mark.live
def test_kg_add_and_serving_sections_on_the_seed_release(scale, seed_data_dir, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(seed_data_dir, data_dir, symlinks=True)
    args = type("Args", (), {"timeout": 300.0, "log": None})()
    add = scale.measure_add(data_dir, tmp_path, args)
    assert add["code"] == 0 and add["wall"] > 0 and add["largest_rss_mb"] > 100
    served = scale.measure_serving(data_dir, rounds=2)
    from kg.web.ui import examples

    assert [q["name"] for q in served["queries"]] == [e.name for e in examples()]
    for query in served["queries"]:
        assert query["statuses"] == {200: 2} and 0 < query["p50_ms"] <= query["p95_ms"]
    assert served["processes"] >= 1 + 2 * 2  # gunicorn, 2 server processes, their query workers
    assert served["rss_mb"] > served["pss_mb"] > 0
    manifest = json.loads(((data_dir / "current").resolve() / "dumps" / "manifest.json").read_text())
    assert served["triples"] == manifest["triples"]
    articles = [g for g in manifest["graphs"] if "/graph/article/" in g]
    assert len(articles) == 6 and any("/article/bench-added-" in g for g in articles)  # the seeds + the added one
