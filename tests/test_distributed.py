"""Extraction on Dask: the same graph as in one process, on real worker processes, with per-article failures."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg import config
from kg.articles import Article
from kg.distributed import Failure, extract_partition, scheduler_address, worker_extractor
from kg.errors import ConfigError
from kg.ids import slugify

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [ROOT / "seeds", ROOT / "tests" / "dev" / "articles"]


def _build(data_dir: Path, scheduler: str, paths=CORPUS, keep_going: bool = False):
    from kg.build import run_build

    settings = config.load({"DATA_DIR": str(data_dir), "DASK_SCHEDULER": scheduler}, environ={})
    return run_build(paths, settings, keep_going=keep_going)


def _dump(outcome) -> Dataset:
    dataset = Dataset()
    dataset.parse(outcome.release / "dumps" / "kg.nq", format="nquads")
    return dataset


def _assert_same_graphs(expected: Dataset, actual: Dataset) -> None:
    """Compare two releases graph by graph, leaving out the build graph (its times and identifier differ)."""
    names = {g.identifier for g in expected.graphs()} | {g.identifier for g in actual.graphs()}
    compared = sorted(n for n in names if isinstance(n, URIRef) and not str(n).endswith("/graph/build"))
    assert len(compared) > 20
    for name in compared:
        left, right = expected.graph(name), actual.graph(name)
        if not isomorphic(left, right):
            _, only_left, only_right = graph_diff(to_isomorphic(left), to_isomorphic(right))
            pytest.fail(
                f"{name} differs\nin-process only:\n{only_left.serialize(format='nt')}\n"
                f"Dask only:\n{only_right.serialize(format='nt')}"
            )


@pytest.fixture(scope="module")
def in_process(tmp_path_factory):
    """The seeds and the development articles built and published with extraction in this process."""
    outcome = _build(tmp_path_factory.mktemp("in-process"), "none")
    assert outcome.release is not None, outcome.errors
    return outcome


def test_local_cluster_build_gives_the_in_process_graph(in_process, tmp_path):
    outcome = _build(tmp_path, "local")
    assert outcome.exit_code == in_process.exit_code
    assert not outcome.errors
    assert outcome.held_back.entries() == in_process.held_back.entries()
    _assert_same_graphs(_dump(in_process), _dump(outcome))


def test_scheduler_address_runs_on_separate_worker_processes(in_process, tmp_path):
    from distributed import Client, LocalCluster, get_task_stream

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        ) as cluster,
        Client(cluster) as client,
    ):
        with get_task_stream(client) as tasks:
            outcome = _build(tmp_path, cluster.scheduler_address)
        pids = client.run(os.getpid)
        loaded = client.run(lambda: worker_extractor.cache_info().currsize)
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
    ran = {(task["key"] if isinstance(task["key"], str) else task["key"][0]).split("-")[0] for task in tasks.data}
    # extraction, then the SHACL check of the article graphs, ran as tasks on the workers
    assert {"extract_partition", "check_batch_on_worker"} <= ran
    assert sum(loaded.values()) == 0  # and the workers let go of the trained pipeline between the two
    assert outcome.release is not None and not outcome.errors
    assert outcome.held_back.entries() == in_process.held_back.entries()
    assert outcome.validation.text == in_process.validation.text
    _assert_same_graphs(_dump(in_process), _dump(outcome))


def test_an_article_that_fails_extraction_is_reported_and_the_others_kept(tmp_path):
    seeds = tmp_path / "articles"
    shutil.copytree(ROOT / "seeds", seeds)
    too_long = seeds / "too-long.txt"
    too_long.write_text("Talks were held. " * 62_000, encoding="utf-8")  # over spaCy's 1,000,000 characters
    outcome = _build(tmp_path / "data", "local", paths=[seeds], keep_going=True)
    assert [e.source for e in outcome.errors] == [str(too_long)]
    assert outcome.release is not None and outcome.exit_code == 2
    published = {str(g.identifier).rsplit("/", 1)[-1] for g in _dump(outcome).graphs()}
    assert {slugify(p.stem) for p in (ROOT / "seeds").glob("*.txt")} <= published and "too-long" not in published


def test_a_partition_returns_a_failure_for_the_article_that_fails_and_extracts_the_rest():
    good = Article("talks", "Turkey and Armenia held talks in Vienna on Monday.", "talks.txt")
    huge = Article("huge", "Talks were held. " * 62_000, "huge.txt")
    settings = config.load(environ={})
    results = extract_partition([good, huge, good], settings["SPACY_MODEL"], settings["BASE_IRI"])
    assert [type(r).__name__ for r in results] == ["Extraction", "Failure", "Extraction"]
    assert results[1] == Failure("huge.txt", results[1].reason) and "E088" in results[1].reason
    assert results[0].events


@pytest.mark.parametrize(
    ("value", "count", "expected"),
    [
        ("none", 10_000, None),
        ("local", 1, "local"),
        ("auto", 99, None),
        ("auto", 100, "local"),
        ("tcp://10.0.0.5:8786", 1, "tcp://10.0.0.5:8786"),
    ],
)
def test_where_extraction_runs(value, count, expected, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    settings = config.load({"DASK_SCHEDULER": value}, environ={})
    assert scheduler_address(settings, count) == expected


def test_auto_stays_in_process_on_one_core(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert scheduler_address(config.load(environ={}), 10_000) is None


@pytest.mark.parametrize("value", ["yes", "8786", "http://host:8786", ""])
def test_a_bad_scheduler_setting_is_refused_by_name(value):
    with pytest.raises(ConfigError, match="KG_DASK_SCHEDULER"):
        config.load(environ={"KG_DASK_SCHEDULER": value})


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    from kg.distributed import extract_on_dask

    settings = config.load({"DATA_DIR": str(tmp_path)}, environ={})
    article = Article("talks", "Turkey and Armenia held talks in Vienna on Monday.", "talks.txt")
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler"):
        extract_on_dask([article], settings, "tcp://127.0.0.1:9")
