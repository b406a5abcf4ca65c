"""The endpoint under gunicorn (as `make serve` runs it), with real SPARQL clients and real abuse."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import requests
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

from kg.web.testing import LiveServer, publish_dataset

SAMPLE = Path(__file__).parent / "data" / "sparql" / "sample.trig"
DIP = "https://w3id.org/diplomacy-kg/ontology#"
ID = "https://w3id.org/diplomacy-kg/id/"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

pytestmark = pytest.mark.live


def sample() -> Dataset:
    dataset = Dataset()
    dataset.parse(SAMPLE, format="trig")
    return dataset


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("live-data")
    publish_dataset(folder, sample(), build_id="20260101T000000000000Z")
    return folder


@pytest.fixture(scope="module")
def server(data_dir):
    settings = {
        "DATA_DIR": data_dir,
        "QUERY_TIMEOUT": 2,
        "MAX_CONCURRENT_QUERIES": 2,
        "MAX_CLIENT_QUERIES": 2,
        "QUERY_QUEUE_WAIT": 0.2,
        "QUERY_WORKERS": 2,
    }
    with LiveServer(settings, workers=1, threads=8, env={"FLASK_DEBUG": "1"}) as live:
        yield live


@pytest.fixture(scope="module")
def endpoint(server) -> str:
    return server.url + "/sparql"


# --- real clients ------------------------------------------------------------------------------


def test_sparqlwrapper_select(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setQuery(
        f"SELECT ?label WHERE {{ ?e a <{DIP}Meeting> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
    )
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == ["Fidan and Bayramov meet in Ankara"]


def test_sparqlwrapper_select_as_xml_by_post(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setMethod("POST")
    client.setQuery(COUNT)
    client.setReturnFormat(XML)
    document = client.query().convert()
    triples = {(s, p, o) for s, p, o, _ in sample().quads()}  # the default graph merges the named graphs
    assert document.getElementsByTagName("literal")[0].firstChild.data == str(len(triples))


def test_sparqlwrapper_ask(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setQuery(f"ASK {{ <{ID}country/turkey> a <{DIP}Country> }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_sparqlwrapper_construct(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setQuery(f"CONSTRUCT {{ ?c a <{DIP}Country> }} WHERE {{ ?c a <{DIP}Country> }}")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert set(graph.subjects()) == {URIRef(f"{ID}country/{c}") for c in ("turkey", "azerbaijan", "armenia")}


def test_rdflib_sparqlstore_select_ask_construct(endpoint):
    store = SPARQLStore(endpoint, returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query(f"SELECT ?w WHERE {{ ?r a <{DIP}Report> ; <{DIP}wording> ?w }} ORDER BY ?w"))
    assert [str(r.w) for r in rows] == ["counterterrorism operation", "met", "one-day offensive"]
    assert graph.query(f"ASK {{ ?e a <{DIP}MilitaryOperation> }}").askAnswer is True
    built = graph.query(f"CONSTRUCT {{ ?p <{DIP}holds> ?o }} WHERE {{ ?h <{DIP}holder> ?p ; <{DIP}position> ?o }}")
    assert len(built.graph) == 1
    assert (None, URIRef(f"{DIP}holds"), None) in built.graph


def test_rdflib_sparqlstore_xml_results(endpoint):
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="xml"))
    rows = list(graph.query(f"SELECT ?since WHERE {{ ?r <{DIP}since> ?since }} ORDER BY ?since"))
    assert [r.since for r in rows] == [
        Literal("1993", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear")),
        Literal("2021-12", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYearMonth")),
    ]


# --- abuse, under gunicorn ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 90_000 + "?o) }",
    ],
    ids=["groups", "negations"],
)
def test_deep_nesting_gets_400_and_gunicorn_stays_up(endpoint, server, query):
    response = requests.post(endpoint, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert requests.get(server.url + "/healthz", timeout=2).ok
    assert requests.get(endpoint, params={"query": COUNT}, timeout=5).ok


def wait_for_loaded_workers(server, count: int = 2) -> None:
    """Wait until /healthz says the query workers are loaded (a query arriving before waits for them)."""
    deadline = time.monotonic() + 60
    while requests.get(server.url + "/healthz", timeout=5).json()["queries"]["workers"] < count:
        assert time.monotonic() < deadline, "the query workers did not load"
        time.sleep(0.2)


def test_timeout_503_and_healthz_answers_while_queries_run(endpoint, server):
    wait_for_loaded_workers(server)
    results = {}

    def slow(name):
        started = time.monotonic()
        results[name] = (requests.get(endpoint, params={"query": CARTESIAN}, timeout=10), time.monotonic() - started)

    threads = [threading.Thread(target=slow, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    health = requests.get(server.url + "/healthz", timeout=2)
    assert time.monotonic() - started < 0.5
    assert health.json()["status"] == "saturated"  # Regression: /healthz said "ok" while every worker was busy
    busy = requests.get(endpoint, params={"query": COUNT}, timeout=2)  # two in flight = the cap
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "1"
    for thread in threads:
        thread.join()
    for response, seconds in results.values():
        assert response.status_code == 503
        assert response.json()["type"] == "query-timeout"
        assert seconds < 5.0  # stopped at the 2 s limit, not the 30 s default (on a busy machine)


def test_uri_too_long_is_414(endpoint):
    response = requests.get(endpoint, params={"query": "ASK {}" + " " * 120_000})
    assert response.status_code == 414


def test_debugger_is_never_on(endpoint):
    response = requests.get(endpoint, params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "Werkzeug" not in response.text and "Traceback" not in response.text
    assert requests.get(endpoint.replace("/sparql", "/console")).status_code == 404


def test_new_release_is_picked_up(endpoint, data_dir):
    before = int(requests.get(endpoint, params={"query": COUNT}).json()["results"]["bindings"][0]["n"]["value"])
    bigger = sample()
    bigger.graph(URIRef("https://w3id.org/diplomacy-kg/graph/extra")).add(
        (URIRef(f"{ID}country/georgia"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Georgia"))
    )
    publish_dataset(data_dir, bigger, build_id="20260102T000000000000Z")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        body = requests.get(endpoint, params={"query": COUNT}).json()
        if int(body["results"]["bindings"][0]["n"]["value"]) == before + 1:
            return
        time.sleep(0.2)
    pytest.fail("the server kept answering from the old release")
