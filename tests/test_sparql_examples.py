"""The example queries of the UI answer their question on the seed graph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.web import evaluate, ui
from kg.web.workers import Job

EXAMPLES = {example.name: example for example in ui.examples()}


def test_the_five_questions_are_there():
    assert len(EXAMPLES) == 5
    assert all(example.title and example.description for example in EXAMPLES.values())


@pytest.fixture(scope="module")
def seed_store(seed_release):
    store = ox.Store()
    store.bulk_load(path=str(seed_release / "dumps" / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_runs_through_the_guard_and_finds_answers_on_the_seeds(seed_store, name):
    job = Job(query=EXAMPLES[name].query, result_format="text/tab-separated-values")
    answer = evaluate.evaluate(seed_store, frozenset(), job)
    rows = answer.body.decode().strip().splitlines()[1:]
    assert rows, f"{name} found nothing on the seed graph"


def test_examples_follow_the_configured_base_iri():
    moved = ui.examples("https://example.org/kg/")
    assert all("https://w3id.org/diplomacy-kg/id/" not in example.query for example in moved)
    assert any("https://example.org/kg/id/country/" in example.query for example in moved)
