"""Cross-article event matching by blocking keys and signatures gives the clusters of comparing every pair."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from kg.articles import read_articles
from kg.extract import coreference
from tests.conftest import ROOT, SEEDS

SCALE_CORPUS = ROOT / "tests" / "data" / "scale_corpus.py"  # a copy of ../shared/tools/scale_corpus.py


def every_pair(extractions, named: set[str], stands_for) -> list[list]:
    """Cluster as the definition says: each report joins the first cluster it fits in every report of."""
    clusters: list[list] = []
    for article, event in sorted(coreference._reports(extractions), key=coreference._report_order):
        if event.key in named:
            continue
        for cluster in clusters:
            if all(a != article and coreference._compatible(event, e, stands_for) for a, e in cluster):
                cluster.append((article, event))
                break
        else:
            clusters.append([(article, event)])
    return clusters


def synthetic(count: int) -> list:
    # the bench script by its path: bench/ on sys.path would shadow installed packages of the same names
    spec = importlib.util.spec_from_file_location("bench_extraction", ROOT / "bench" / "extraction.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_corpus(count, 3)


def generated(folder: Path, count: int) -> list:
    sources = [str(SEEDS), str(ROOT / "tests" / "dev" / "articles")]
    subprocess.run([sys.executable, str(SCALE_CORPUS), str(folder), str(count), *sources], check=True)
    return read_articles([folder]).articles


@pytest.mark.parametrize("corpus", ["seeds", "generated from the seeds and development articles", "synthetic"])
def test_blocked_clustering_finds_the_clusters_of_comparing_every_pair(extractor, tmp_path, corpus):
    articles = {
        "seeds": lambda: read_articles([SEEDS]).articles,
        "generated from the seeds and development articles": lambda: generated(tmp_path / "corpus", 150),
        "synthetic": lambda: synthetic(60),
    }[corpus]()
    extractions = list(extractor.pipe(articles))
    stands_for = coreference._countries_of_people(extractor.gazetteer)
    named = {k.partition("/")[2] for k in extractor.gazetteer.entities if k.startswith("event/")}
    blocked = [c for c in coreference._cluster(extractions, named, stands_for) if c[0][1].key not in named]
    expected = every_pair(extractions, named, stands_for)
    assert [[id(e) for _, e in c] for c in blocked] == [[id(e) for _, e in c] for c in expected]
    assert any(len(c) > 1 for c in blocked)
    if corpus.startswith("generated"):  # reports of each kind the blocks treat apart: dated, undated with/without hint
        reports = [e for _, e in coreference._reports(extractions)]
        assert any(e.date and len(e.date.value) == 10 for e in reports)
        assert any(not e.date and coreference._hint(e.time_expression) for e in reports)
        assert any(not e.date and not e.time_expression and coreference._exact(e) for e in reports)


def test_matching_reports_its_progress(extractor):
    extractions = list(extractor.pipe(synthetic(30)))
    seen = []
    coreference.resolve_events(extractions, progress=lambda *step: seen.append(step))
    reports = len(coreference._reports(extractions))
    assert seen and seen[-1] == ("matching", reports, reports)
