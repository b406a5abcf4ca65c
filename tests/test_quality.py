"""Extraction quality, scored against human gold annotations by the shared scorer.

Two sets: the five seed articles (tests/gold) and sixteen articles of sixteen outlets and several regions
that the rules were never written against (tests/dev, copied from the shared development set with its gold).
The floors can rise, never slip back. The gold is only read here, by the scorer — never by the extractor.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg import config

TESTS = Path(__file__).resolve().parent
SCORER = TESTS / "gold" / "kg_score.py"
ENTITIES = TESTS / "data" / "reference-entities.tsv"
DEV = TESTS / "dev"

# Seeds: at or above the figures the product promises (entities 0.90, events 0.85, quotes 0.95, all 16 merges),
# raised to just under the level measured. Dates have the least room: the gold dates each report at its own
# article's precision, while one node per real event carries the finest date any report gives.
SEED_FLOORS = {"entities_f1": 0.90, "events_f1": 0.90, "quotes_f1": 0.98, "dates_exact": 0.80}
MIN_MERGES = 16
# Development set, all sixteen articles published: floors at the level measured now. The figures the product
# aims for (entities 0.85, events 0.70, quotes 0.80, dates 0.75) are reached but for dates (see CHANGELOG).
DEV_FLOORS = {"entities_f1": 0.85, "events_f1": 0.74, "quotes_f1": 0.85, "dates_exact": 0.42}


def _score(release: Path, gold: Path) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, str(SCORER), "--kg", str(release / "dumps" / "kg.trig"), "--gold", str(gold)]
        + ["--entities", str(ENTITIES), "--verbose"],
        capture_output=True,
        text=True,
        check=True,
    )
    print(result.stdout)
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("SUMMARY"), result.stdout
    figures = dict(pair.split("=") for pair in line.split()[1:])
    figures["articles_missing"] = str(result.stdout.count("article not found"))
    return figures


@pytest.fixture(scope="module")
def summary(seed_release) -> dict[str, str]:
    return _score(seed_release, TESTS / "gold")


@pytest.fixture(scope="module")
def dev_summary(tmp_path_factory) -> dict[str, str]:
    from kg.build import run_build

    data_dir = tmp_path_factory.mktemp("dev-data")
    outcome = run_build([DEV / "articles"], config.load({"DATA_DIR": str(data_dir)}, environ={}))
    assert outcome.exit_code == 0, outcome.validation.text if outcome.validation else outcome.errors
    return _score((data_dir / "current").resolve(), DEV / "gold")


@pytest.mark.parametrize("figure", sorted(SEED_FLOORS))
def test_extraction_meets_its_floor(summary, figure):
    assert float(summary[figure]) >= SEED_FLOORS[figure], f"{figure}={summary[figure]} below {SEED_FLOORS[figure]}"


@pytest.mark.parametrize("figure", sorted(DEV_FLOORS))
def test_extraction_on_unseen_outlets_meets_its_floor(dev_summary, figure):
    value = float(dev_summary[figure])
    assert value >= DEV_FLOORS[figure], f"{figure}={value} below {DEV_FLOORS[figure]}"


def test_every_development_article_publishes(dev_summary):
    assert dev_summary["articles_missing"] == "0"


def test_same_events_across_articles_become_one_node(summary):
    merged, countable = map(int, summary["merges"].split("/"))
    assert countable >= 12 and merged >= MIN_MERGES


@pytest.mark.parametrize("which", ["seeds", "dev"])
def test_no_wrong_external_link(request, which):
    figures = request.getfixturevalue("summary" if which == "seeds" else "dev_summary")
    assert figures["links_wrong"] == "0"
    assert int(figures["links_right"]) > 0


def test_scorer_summary_is_complete(summary):
    assert re.fullmatch(r"\d+/\d+", summary["merges"])
