"""The example queries of the UI answer their question on the seed graph."""

from __future__ import annotations

import json

import pytest

from kg.publish import QueryStores, load_query_stores
from kg.web import evaluate, ui
from kg.web.workers import Job

EXAMPLES = {example.name: example for example in ui.examples()}


def test_the_questions_are_there():
    assert len(EXAMPLES) == 7
    assert all(example.title and example.description for example in EXAMPLES.values())


@pytest.fixture(scope="module")
def seed_store(seed_release):
    return load_query_stores(seed_release)  # what the query workers hold


def answer(store: QueryStores, name: str) -> list[dict[str, str]]:
    """Run example `name` through the guard and the engine as /sparql does; return its rows as plain values."""
    job = Job(query=EXAMPLES[name].query, result_format="application/sparql-results+json")
    body = json.loads(evaluate.evaluate(store, frozenset(), job).body)
    return [{var: cell["value"] for var, cell in row.items()} for row in body["results"]["bindings"]]


def test_meetings_between_turkiye_and_azerbaijan(seed_store):
    rows = answer(seed_store, "1-meetings-between-two-countries")
    meetings = [row for row in rows if "Meeting" in row["kinds"]]
    assert any(row["date"] == "2024-08-27" and row.get("place") == "Ankara" for row in meetings), rows
    assert all(row["sources"] for row in rows)


def test_everything_an_article_supports_carries_its_evidence(seed_store):
    rows = answer(seed_store, "2-what-an-article-supports")
    kinds = {kind for row in rows for kind in row["kinds"].split(", ")}
    assert {"Meeting", "Quote"} <= kinds, rows
    for row in rows:
        assert row["evidence"] and int(row["begin"]) < int(row["end"])


def test_each_source_words_the_2023_operation_its_own_way(seed_store):
    rows = answer(seed_store, "3-karabakh-2023-wording")
    assert len({row["article"] for row in rows}) >= 2, rows
    wordings = " | ".join(row["wording"] for row in rows)
    assert "liberating Karabakh" in wordings and "counterterrorism operation" in wordings


def test_who_held_an_office_on_a_date(seed_store):
    rows = answer(seed_store, "4-office-holders-on-a-date")
    held = {(row["office"], row["holder"]) for row in rows}
    assert ("Minister of Foreign Affairs of Turkey", "Hakan Fidan") in held, rows
    assert ("Minister of Foreign Affairs of Azerbaijan", "Jeyhun Bayramov") in held


def test_turkiye_armenia_relations_over_time(seed_store):
    rows = answer(seed_store, "5-relations-between-two-countries")
    assert {"normalization process", "border closed"} <= {row["status"] for row in rows}, rows
    assert all(row["evidence"] for row in rows)


def test_examples_follow_the_configured_base_iri():
    moved = ui.examples("https://example.org/kg/")
    assert all("https://w3id.org/diplomacy-kg/id/" not in example.query for example in moved)
    assert any("https://example.org/kg/id/country/" in example.query for example in moved)


def test_what_one_person_took_part_in(seed_store):
    rows = answer(seed_store, "6-events-of-a-person")
    assert any(row["date"] == "2024-08-27" and "Meeting" in row["kinds"] for row in rows), rows
    assert all("participant" in row["roles"] or "host" in row["roles"] for row in rows)


def test_events_of_one_kind(seed_store):
    rows = answer(seed_store, "7-events-of-a-kind")
    assert any("Azerbaijan" in row["countries"] and "Turkey" in row["countries"] for row in rows), rows
