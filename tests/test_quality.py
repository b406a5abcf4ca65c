"""Extraction quality on the seed articles, scored against the human gold annotations.

The floors are those the product promises; they can rise, never slip back. The gold is
only read here, by the scorer — never by the extractor.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

GOLD = Path(__file__).resolve().parent / "gold"
# Floors: the product's promise (entities 0.90, events 0.75, quotes 0.90, dates 0.80, merges 12), raised to
# just under the level measured on the seeds so that gains cannot slip back. Dates have the least room: the
# gold dates each report at its own article's precision ("on Tuesday" in an undated article: 2024-08), while
# one node per real event carries the finest date any report gives (2024-08-27), so eight merged or
# cross-dated reports can never be exact.
FLOORS = {"entities_f1": 0.92, "events_f1": 0.94, "quotes_f1": 0.98, "dates_exact": 0.80}
MIN_MERGES = 16


@pytest.fixture(scope="module")
def summary(seed_release) -> dict[str, str]:
    result = subprocess.run(
        [
            sys.executable,
            str(GOLD / "kg_score.py"),
            "--kg",
            str(seed_release / "dumps" / "kg.trig"),
            "--gold",
            str(GOLD),
            "--entities",
            str(GOLD.parent / "data" / "reference-entities.tsv"),
            "--verbose",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    print(result.stdout)
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("SUMMARY"), result.stdout
    return dict(pair.split("=") for pair in line.split()[1:])


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_extraction_meets_its_floor(summary, figure):
    assert float(summary[figure]) >= FLOORS[figure], f"{figure}={summary[figure]} below {FLOORS[figure]}"


def test_same_events_across_articles_become_one_node(summary):
    merged, countable = map(int, summary["merges"].split("/"))
    assert countable >= 12 and merged >= MIN_MERGES


def test_no_wrong_external_link(summary):
    assert summary["links_wrong"] == "0"
    assert int(summary["links_right"]) > 0


def test_scorer_summary_is_complete(summary):
    assert re.fullmatch(r"\d+/\d+", summary["merges"])
