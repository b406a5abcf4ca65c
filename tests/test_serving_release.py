"""Serving releases: one shared read-only copy, a release the workers cannot load, a switch between releases."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef

from kg.publish import UNION_STORE, load_query_stores
from kg.web import create_app
from kg.web.testing import publish_dataset

SAMPLE = Path(__file__).parent / "data" / "sparql" / "sample.trig"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
MARKER = "SELECT ?build WHERE { <urn:x:release> <urn:x:built> ?build }"
FIRST, SECOND = "20260101T000000000000Z", "20260102T000000000000Z"


def sample(build_id: str) -> Dataset:
    """The SPARQL sample, plus a triple naming the build it is published as, in a graph of its own."""
    dataset = Dataset()
    dataset.parse(SAMPLE, format="trig")
    marker = dataset.graph(URIRef("urn:x:graph:release"))
    marker.add((URIRef("urn:x:release"), URIRef("urn:x:built"), Literal(build_id)))
    return dataset


def make_app(data_dir: Path, **settings):
    return create_app({"DATA_DIR": str(data_dir), "QUERY_TIMEOUT": 5, "QUERY_WORKERS": 1} | settings)


@pytest.fixture
def apps():
    """Apps made by a test, their query workers stopped afterwards."""
    made = []
    yield made
    for app in made:
        app.extensions["kg_query_pool"].close()


def wait_for(condition, seconds: float = 30.0, step: float = 0.05) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(step)


def healthz(app):
    response = app.test_client().get("/healthz")
    return response.status_code, response.get_json(), response.headers


# --- one shared copy ---------------------------------------------------------------------------


def test_release_has_an_on_disk_union_store_with_each_triple_once(tmp_path):
    dataset = sample(FIRST)
    dataset.graph(URIRef("urn:x:graph:again")).add((URIRef("urn:x:release"), URIRef("urn:x:built"), Literal(FIRST)))
    release = publish_dataset(tmp_path, dataset, FIRST)
    assert (release / UNION_STORE).is_dir()
    stores = load_query_stores(release, "disk")
    store, arguments = stores.for_query(MARKER)
    assert store is stores.merge and not arguments
    assert len(list(store.query(MARKER))) == 1  # two graphs state it; the merge holds it once


def test_disk_and_memory_modes_give_the_same_answers(tmp_path, apps):
    publish_dataset(tmp_path, sample(FIRST), FIRST)
    answers = {}
    for mode in ("disk", "memory"):
        app = make_app(tmp_path, QUERY_STORE=mode)
        apps.append(app)
        response = app.test_client().get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"})
        assert response.status_code == 200, response.data
        answers[mode] = response.data
    assert answers["disk"] == answers["memory"]


# --- a release the workers cannot load ---------------------------------------------------------


def test_damaged_store_makes_healthz_unavailable_and_sparql_503_at_once(tmp_path, apps):
    release = publish_dataset(tmp_path, sample(FIRST), FIRST)
    (release / "store" / "CURRENT").write_text("not a manifest name\n")
    app = make_app(tmp_path)
    apps.append(app)
    status, report, headers = healthz(app)
    assert status == 503
    assert report["status"] == "unavailable" and report["release"] == FIRST
    assert "corrupt" in report["reason"].lower()
    assert int(headers["Retry-After"]) >= 1
    started = time.monotonic()
    response = app.test_client().get("/sparql", query_string={"query": COUNT})
    assert time.monotonic() - started < 1.0
    assert response.status_code == 503
    assert response.get_json(force=True)["type"] == "release-unavailable"
    assert int(response.headers["Retry-After"]) >= 1


def test_damaged_union_store_is_reported_by_the_query_workers(tmp_path, apps):
    release = publish_dataset(tmp_path, sample(FIRST), FIRST)
    (release / UNION_STORE / "CURRENT").unlink()
    app = make_app(tmp_path)
    apps.append(app)
    assert healthz(app)[0] == 200  # the pages' store opens; the workers have not tried yet
    response = app.test_client().get("/sparql", query_string={"query": COUNT})
    assert response.status_code == 503
    problem = response.get_json(force=True)
    assert problem["type"] == "release-unavailable"
    assert FIRST in problem["detail"] and "store could not be opened" in problem["detail"]
    status, report, headers = healthz(app)
    assert status == 503 and "store could not be opened" in report["reason"]
    assert report["queries"]["unavailable"] == report["reason"]
    started = time.monotonic()
    again = app.test_client().get("/sparql", query_string={"query": COUNT})
    assert again.status_code == 503 and time.monotonic() - started < 0.5


def test_memory_limit_too_small_gives_503_with_the_reason_not_a_hang(tmp_path, apps):
    publish_dataset(tmp_path, sample(FIRST), FIRST)
    app = make_app(tmp_path, QUERY_MEMORY_MB=64)
    apps.append(app)
    started = time.monotonic()
    response = app.test_client().get("/sparql", query_string={"query": COUNT})
    assert response.status_code == 503
    assert time.monotonic() - started < 20  # one load attempt, not LOAD_TIMEOUT
    assert "KG_QUERY_MEMORY_MB=64" in response.get_json(force=True)["detail"]
    status, report, _ = healthz(app)
    assert status == 503 and "KG_QUERY_MEMORY_MB=64" in report["reason"]


def test_failed_release_is_retried_and_recovers(tmp_path, apps):
    release = publish_dataset(tmp_path, sample(FIRST), FIRST)
    current = release / UNION_STORE / "CURRENT"
    saved = current.read_bytes()
    current.unlink()
    app = make_app(tmp_path)
    apps.append(app)
    pool = app.extensions["kg_query_pool"]
    pool.retry_load_after = 0.5
    assert app.test_client().get("/sparql", query_string={"query": COUNT}).status_code == 503
    current.write_bytes(saved)
    time.sleep(0.6)
    pool.warm()  # the watcher retries too; this makes the retry happen now
    wait_for(lambda: pool.loaded > 0)
    assert app.test_client().get("/sparql", query_string={"query": COUNT}).status_code == 200
    assert healthz(app)[0] == 200


# --- switching releases ------------------------------------------------------------------------


def test_query_after_a_switch_is_never_answered_by_a_worker_of_the_old_release(tmp_path, apps):
    publish_dataset(tmp_path, sample(FIRST), FIRST)
    app = make_app(tmp_path, QUERY_WORKERS=2)
    apps.append(app)
    pool = app.extensions["kg_query_pool"]
    pool.warm()
    wait_for(lambda: pool.loaded == 3)
    client = app.test_client()
    first = client.get("/sparql", query_string={"query": MARKER}, headers={"Accept": "text/csv"})
    assert first.headers["X-KG-Release"] == FIRST and FIRST in first.text
    processes = {worker.process.pid for worker in pool.idle()}
    publish_dataset(tmp_path, sample(SECOND), SECOND)  # old workers are loaded and idle right now
    second = client.get("/sparql", query_string={"query": MARKER}, headers={"Accept": "text/csv"})
    assert second.status_code == 200
    assert second.headers["X-KG-Release"] == SECOND and SECOND in second.text
    wait_for(lambda: len(pool.idle()) == 3)
    assert {worker.release.name for worker in pool.idle()} == {SECOND}
    assert {worker.process.pid for worker in pool.idle()} == processes  # reopened, not restarted
    assert healthz(app)[1]["queries"]["release"] == SECOND


def test_answer_validators_come_from_the_release_that_answered(tmp_path, apps):
    publish_dataset(tmp_path, sample(FIRST), FIRST)
    app = make_app(tmp_path)
    apps.append(app)
    response = app.test_client().get("/sparql", query_string={"query": MARKER})
    assert response.status_code == 200
    assert response.headers["X-KG-Release"] == FIRST
    assert response.headers["ETag"].strip('W/"').startswith(FIRST)
    assert "X-KG-Release" in response.headers["Access-Control-Expose-Headers"]
