"""Abuse of /sparql, one test per safety promise: read-only, no outbound requests, no crash, bounded."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from kg.web import create_app, sparql
from kg.web.testing import publish_dataset
from kg.web.workers import LOWEST_PRIORITY, SPARE_WORKERS

SAMPLE = Path(__file__).parent / "data" / "sparql" / "sample.trig"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Five-way cartesian product of the sample (~10^10 rows): runs for hours, at flat memory.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
# The same product, sorted: the engine must hold every row, so memory runs away.
RUNAWAY_MEMORY = "SELECT ?a ?d ?g ?j ?m WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o } ORDER BY ?a ?d"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("safety-data")
    dataset = Dataset()
    dataset.parse(SAMPLE, format="trig")
    publish_dataset(folder, dataset)
    return folder


def make_app(data_dir: Path, **settings):
    defaults = {"DATA_DIR": str(data_dir), "QUERY_TIMEOUT": 2, "QUERY_MEMORY_MB": 1024, "MAX_QUERY_BYTES": 100_000}
    return create_app(defaults | settings)


@pytest.fixture(scope="module")
def app(data_dir):
    app = make_app(data_dir, MAX_ROWS=3)
    yield app
    app.extensions["kg_query_pool"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def count(response) -> int:
    assert response.status_code == 200, response.data
    return int(response.get_json(force=True)["results"]["bindings"][0]["n"]["value"])


def wait_until_loaded(app, workers: int | None = None) -> None:
    """Wait for loaded query workers (all by default): a query arriving when none is loaded waits for loading."""
    pool = app.extensions["kg_query_pool"]
    pool.warm()
    workers = pool.size + SPARE_WORKERS if workers is None else workers
    deadline = time.monotonic() + 30
    while pool.loaded < workers and time.monotonic() < deadline:
        time.sleep(0.05)


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/sparql"
        self.connections: list[tuple] = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                conn, peer = self.server.accept()
            except TimeoutError:
                continue
            self.connections.append(peer)
            conn.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


# --- 6. read-only ------------------------------------------------------------------------------


def store_quads(data_dir: Path) -> int:
    return len(ox.Store.read_only(str((data_dir / "current" / "store").resolve())))


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "POST", "data": {"update": "CLEAR ALL"}},
        {"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update"},
        {"method": "POST", "data": b"DROP ALL", "content_type": "application/sparql-update; charset=utf-8"},
        {"method": "GET", "query_string": {"update": "CLEAR ALL"}},
        {"method": "GET", "query_string": {"query": "CLEAR ALL"}},
        {"method": "GET", "query_string": {"query": "DROP GRAPH <https://w3id.org/diplomacy-kg/graph/reference>"}},
        {"method": "POST", "data": {"query": "INSERT DATA { <http://a> <http://b> <http://c> }"}},
        {"method": "POST", "data": b"DELETE WHERE { ?s ?p ?o }", "content_type": "application/sparql-query"},
        {"method": "GET", "query_string": {"query": "LOAD <http://example.org/data.ttl>"}},
        {"method": "POST", "data": {"query": "ASK {}", "update": "CLEAR ALL"}},
    ],
)
def test_updates_are_refused_and_the_store_is_unchanged(client, data_dir, request_args):
    before = store_quads(data_dir), count(client.get("/sparql", query_string={"query": COUNT}))
    response = client.open("/sparql", **request_args)
    assert response.status_code == 403
    assert response.get_json(force=True)["type"] == "update-refused"
    assert (store_quads(data_dir), count(client.get("/sparql", query_string={"query": COUNT}))) == before


# --- 7. never contacts another machine ---------------------------------------------------------

SERVICE_SPELLINGS = [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "select * where { service <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SeRvIcE SILENT <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <{url}> { ?s ?p ?o } }",
    "# a comment first\nSELECT * WHERE {\n  # SERVICE in a comment, then for real\n  SERVICE <{url}> { ?s ?p ?o }\n}",
    "SELECT * WHERE { SERV\\u0049CE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053\\u0045RVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?endpoint { <{url}> } SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <{url}> { ?s ?q ?r } } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE SILENT <{url}> { ?s ?p ?o } } }",
    "ASK { SERVICE <{url}> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "PREFIX ep: <{base}> SELECT * WHERE { SERVICE ep:sparql { ?s ?p ?o } }",
    "SELECT * FROM <{url}> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o }\nSERVICE <{url}> { }",
]


def test_service_and_remote_from_are_refused_without_any_connection(client, listener):
    base = listener.url.removesuffix("sparql")
    for template in SERVICE_SPELLINGS:
        query = template.replace("{url}", listener.url).replace("{base}", base)
        for response in (
            client.get("/sparql", query_string={"query": query}),
            client.post("/sparql", data={"query": query}),
            client.post("/sparql", data=query.encode(), content_type="application/sparql-query"),
        ):
            assert response.status_code == 400, (query, response.data)
            assert response.get_json(force=True)["type"] in ("service-refused", "remote-dataset", "query-syntax")
    time.sleep(0.5)
    assert listener.connections == []


def test_protocol_dataset_naming_another_server_is_never_fetched(client, listener):
    for name in ("default-graph-uri", "named-graph-uri"):
        response = client.get("/sparql", query_string={"query": COUNT, name: listener.url})
        assert count(response) == 0  # an unknown graph is an empty graph, never a download
    response = client.post("/sparql", data={"query": f"LOAD <{listener.url}>"})
    assert response.status_code == 403
    time.sleep(0.5)
    assert listener.connections == []


@pytest.mark.parametrize(
    "template",
    [
        "DESCRIBE <{url}>",
        "ASK { <{url}> ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?s = IRI('{url}')) }",
        "SELECT * WHERE { GRAPH <{url}> { ?s ?p ?o } }",
    ],
)
def test_queries_naming_another_server_run_without_fetching_it(client, listener, template):
    response = client.get("/sparql", query_string={"query": template.replace("{url}", listener.url)})
    assert response.status_code == 200, response.data
    time.sleep(0.2)
    assert listener.connections == []


# --- 8. queries that would crash the engine ----------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 10_000 + "?o" + ")" * 10_000 + ") }",
        "SELECT * WHERE { ?s " + "(" * 40_000 + "<http://p>" + ")" * 40_000 + " ?o }",
        "SELECT * WHERE { ?s ?p " + "[ <http://p> " * 3000 + "]" * 3000 + " }",
        "SELECT * WHERE " + "{ SELECT * WHERE " * 1500 + "{}" + "}" * 1500,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 90_000 + "?o) }",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "! " * 45_000 + "?o) }",
    ],
    ids=[
        "groups",
        "filter-parentheses",
        "path-parentheses",
        "blank-node-brackets",
        "subqueries",
        "negations",
        "spaced-negations",
    ],
)
def test_deep_nesting_is_refused_in_milliseconds_and_the_server_stays_up(client, query):
    started = time.monotonic()
    response = client.post("/sparql", data=query.encode(), content_type="application/sparql-query")
    assert response.status_code == 400
    assert response.get_json(force=True)["type"] == "too-deeply-nested"
    assert time.monotonic() - started < 0.5
    assert count(client.get("/sparql", query_string={"query": COUNT})) > 0


def test_moderate_nesting_still_runs(client):
    query = "SELECT (COUNT(*) AS ?n) WHERE " + "{" * 150 + " ?s ?p ?o " + "}" * 150
    assert count(client.get("/sparql", query_string={"query": query})) > 0


def test_a_long_chain_of_negations_is_refused_where_it_starts(client):
    # Regression: 90,000 `!` crashed the engine (SIGSEGV); brackets were the only nesting counted.
    query = "SELECT * WHERE {\n  ?s ?p ?o FILTER(" + "!" * 300 + "?o)\n}"
    problem = client.get("/sparql", query_string={"query": query}).get_json(force=True)
    assert (problem["type"], problem["line"], problem["column"]) == ("too-deeply-nested", 2, 19)


def test_negations_and_inequality_below_the_limit_still_run(client):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(" + "!" * 10 + "(?s != <urn:x:none>)) }"
    everything = count(client.get("/sparql", query_string={"query": COUNT}))
    assert count(client.get("/sparql", query_string={"query": query})) == everything


# --- 9. time and memory limits -----------------------------------------------------------------


def test_query_past_the_time_limit_is_stopped_and_others_still_answer(app):
    client = app.test_client()
    wait_until_loaded(app, 2)
    outcome = {}

    def run_cartesian():
        started = time.monotonic()
        outcome["response"] = client.get("/sparql", query_string={"query": CARTESIAN})
        outcome["seconds"] = time.monotonic() - started

    slow = threading.Thread(target=run_cartesian)
    slow.start()
    time.sleep(0.3)
    answered = time.monotonic()
    other_client = {"REMOTE_ADDR": "192.0.2.7"}
    assert count(app.test_client().get("/sparql", query_string={"query": COUNT}, environ_base=other_client)) > 0
    assert time.monotonic() - answered < 1.0
    slow.join()
    assert outcome["response"].status_code == 503
    assert outcome["response"].get_json(force=True)["type"] == "query-timeout"
    assert outcome["seconds"] < 3.0


def test_lower_timeout_parameter_is_honoured(app, client):
    wait_until_loaded(app)
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": CARTESIAN, "timeout": "0.5"})
    assert response.status_code == 503
    assert time.monotonic() - started < 1.5


def test_higher_timeout_parameter_does_not_lift_the_limit(app, client):
    wait_until_loaded(app)
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": CARTESIAN, "timeout": "600"})
    assert response.status_code == 503
    assert time.monotonic() - started < 3.0


def test_stopped_query_releases_its_cpu(app):
    pool = app.extensions["kg_query_pool"]
    wait_until_loaded(app)  # a replacement loading now would take the query instead
    before = {w.process.pid for w in pool.idle()}
    response = app.test_client().get("/sparql", query_string={"query": CARTESIAN, "timeout": "0.5"})
    assert response.status_code == 503
    time.sleep(0.2)
    gone = [pid for pid in before if not Path(f"/proc/{pid}").exists() or _is_zombie(pid)]
    assert gone, "the worker that ran the query should have been killed"


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_runaway_memory_query_is_stopped_without_taking_the_server_down(data_dir):
    app = make_app(data_dir, QUERY_TIMEOUT=30, QUERY_MEMORY_MB=1024, QUERY_WORKERS=1)
    try:
        client = app.test_client()
        started = time.monotonic()
        response = client.get("/sparql", query_string={"query": RUNAWAY_MEMORY})
        assert response.status_code == 503
        assert response.get_json(force=True)["type"] == "query-aborted"
        assert time.monotonic() - started < 30
        assert count(client.get("/sparql", query_string={"query": COUNT})) > 0
    finally:
        app.extensions["kg_query_pool"].close()


# --- 10. result size cap -----------------------------------------------------------------------

SELECT_ALL = "SELECT ?s WHERE { ?s ?p ?o }"


def test_truncated_json_says_so_in_header_and_body(client):
    response = client.get("/sparql", query_string={"query": SELECT_ALL})
    body = response.get_json(force=True)
    assert response.headers["X-KG-Truncated"] == "true"
    assert response.headers["X-KG-Max-Rows"] == "3"
    assert len(body["results"]["bindings"]) == 3
    assert body["head"]["link"] == ["urn:x-diplomacy-kg:truncated:max-rows=3"]


def test_truncated_xml_carries_a_link(client):
    response = client.get("/sparql", query_string={"query": SELECT_ALL, "format": "xml"})
    parsed = ox.parse_query_results(response.data, ox.QueryResultsFormat.XML)
    assert len(list(parsed)) == 3
    assert b'<link href="urn:x-diplomacy-kg:truncated:max-rows=3"/>' in response.data


@pytest.mark.parametrize("name", ["csv", "tsv"])
def test_truncated_csv_and_tsv_are_flagged_in_the_header(client, name):
    response = client.get("/sparql", query_string={"query": SELECT_ALL, "format": name})
    assert response.headers["X-KG-Truncated"] == "true"
    assert len(response.data.decode().strip().splitlines()) == 4  # header + 3 rows


def test_truncated_turtle_says_so_in_a_comment(client):
    response = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert response.headers["X-KG-Truncated"] == "true"
    assert response.data.startswith(b"# truncated")
    assert len(list(ox.parse(response.data, ox.RdfFormat.TURTLE))) == 3


def test_answer_within_the_cap_is_not_flagged(client):
    response = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"})
    assert "X-KG-Truncated" not in response.headers
    assert "link" not in response.get_json(force=True)["head"]


# --- 11. request limits ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_app(data_dir):
    app = make_app(data_dir, MAX_QUERY_BYTES=2000, MAX_CONCURRENT_QUERIES=1, QUERY_WORKERS=1, QUERY_QUEUE_WAIT=0.3)
    yield app
    app.extensions["kg_query_pool"].close()


def padded(size: int) -> str:
    return "ASK {}" + " " * size


def test_body_over_the_limit_is_413(small_app):
    client = small_app.test_client()
    direct = client.post("/sparql", data=padded(5000).encode(), content_type="application/sparql-query")
    form = client.post("/sparql", data={"query": padded(5000)})
    assert direct.status_code == form.status_code == 413
    for response in (direct, form):
        problem = response.get_json(force=True)
        assert problem["type"] == "query-too-large"
        assert "2000 bytes" in problem["detail"]


def test_query_string_over_the_limit_is_414(small_app):
    response = small_app.test_client().get("/sparql", query_string={"query": padded(5000)})
    assert response.status_code == 414


def run_in_background(app, query: str, address: str = "127.0.0.1", **params) -> threading.Thread:
    """Send a query from `address` in a thread of its own, and give it time to be admitted."""
    environ = {"REMOTE_ADDR": address}
    query_string = {"query": query, **params}
    thread = threading.Thread(
        target=lambda: app.test_client().get("/sparql", query_string=query_string, environ_base=environ)
    )
    thread.start()
    time.sleep(0.3)
    return thread


def test_too_many_queries_in_flight_get_503_with_retry_after_once_the_wait_is_over(small_app):
    slow = run_in_background(small_app, CARTESIAN, timeout="1.5")
    response = small_app.test_client().get(
        "/sparql", query_string={"query": COUNT}, environ_base={"REMOTE_ADDR": "192.0.2.1"}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.get_json(force=True)["type"] == "too-many-queries"
    slow.join()


def test_a_query_waits_for_a_slot_rather_than_getting_503_at_once(data_dir):
    app = make_app(data_dir, MAX_CONCURRENT_QUERIES=1, QUERY_WORKERS=1, QUERY_QUEUE_WAIT=5)
    try:
        wait_until_loaded(app)
        slow = run_in_background(app, CARTESIAN, timeout="1")
        assert (
            count(
                app.test_client().get(
                    "/sparql", query_string={"query": COUNT}, environ_base={"REMOTE_ADDR": "192.0.2.1"}
                )
            )
            > 0
        )
        slow.join()
    finally:
        app.extensions["kg_query_pool"].close()


def test_one_client_cannot_hold_more_than_its_share_of_the_workers(data_dir):
    app = make_app(
        data_dir, QUERY_TIMEOUT=3, MAX_CLIENT_QUERIES=1, QUERY_WORKERS=2, QUERY_QUEUE_WAIT=0.5, QUERY_SLOW_AFTER=9
    )
    try:
        wait_until_loaded(app, 2)
        runaway = run_in_background(app, CARTESIAN, address="192.0.2.66")
        second = app.test_client().get(
            "/sparql", query_string={"query": CARTESIAN}, environ_base={"REMOTE_ADDR": "192.0.2.66"}
        )
        assert second.status_code == 503
        assert "share" in second.get_json(force=True)["detail"]
        other = app.test_client().get(
            "/sparql", query_string={"query": COUNT}, environ_base={"REMOTE_ADDR": "192.0.2.1"}
        )
        assert count(other) > 0
        assert app.extensions["kg_query_pool"].load().in_flight == 1  # only the runaway's first query
        runaway.join()
    finally:
        app.extensions["kg_query_pool"].close()


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(data_dir):
    app = make_app(data_dir, TRUSTED_PROXIES="127.0.0.1, 10.0.0.1")
    with app.test_request_context(
        "/sparql",
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.0.0.1"},
    ):
        assert sparql.client_address() == "203.0.113.9"
    with app.test_request_context(
        "/sparql", environ_base={"REMOTE_ADDR": "198.51.100.4"}, headers={"X-Forwarded-For": "203.0.113.9"}
    ):
        assert sparql.client_address() == "198.51.100.4"  # not a trusted proxy: its header is ignored
    app.extensions["kg_query_pool"].close()


def test_a_long_query_is_demoted_and_set_aside_for_short_ones(data_dir):
    app = make_app(
        data_dir, QUERY_TIMEOUT=3, QUERY_SLOW_AFTER=0.2, QUERY_WORKERS=1, MAX_CONCURRENT_QUERIES=1, QUERY_QUEUE_WAIT=0.5
    )
    try:
        wait_until_loaded(app)
        pool = app.extensions["kg_query_pool"]
        runaway = run_in_background(app, CARTESIAN, address="192.0.2.66")
        deadline = time.monotonic() + 2
        while not any(w.demoted for w in pool.busy()) and time.monotonic() < deadline:
            time.sleep(0.05)
        (worker,) = pool.busy()
        assert {os.getpriority(os.PRIO_PROCESS, thread) for thread in worker.threads()} == {LOWEST_PRIORITY}
        assert pool.load().in_flight == 0  # its slot went back to the line: the only slot of this pool
        other = {"REMOTE_ADDR": "192.0.2.1"}
        assert count(app.test_client().get("/sparql", query_string={"query": COUNT}, environ_base=other)) > 0
        again = app.test_client().get(
            "/sparql", query_string={"query": COUNT}, environ_base={"REMOTE_ADDR": "192.0.2.66"}
        )
        assert again.status_code == 503  # the runaway still holds its client's share
        runaway.join()
        wait_until_loaded(app)
        assert {os.getpriority(os.PRIO_PROCESS, w.process.pid) for w in pool.idle()} == {os.getpriority(0, 0)}
    finally:
        app.extensions["kg_query_pool"].close()


# --- 12. errors are short and typed ------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["SELECT * WHERE { ?s ?p }", "SELECT * WHERE { ?s ?p ?o } GROUP BY", "PREFIX x: SELECT", "}"]
)
def test_errors_carry_no_stack_trace_or_path(client, data_dir, query):
    response = client.get("/sparql", query_string={"query": query})
    text = response.data.decode()
    assert response.status_code == 400
    assert len(text) < 600
    for leak in ("Traceback", 'File "', str(data_dir), os.getcwd(), "site-packages"):
        assert leak not in text


def test_no_release_published_is_a_503(tmp_path):
    app = make_app(tmp_path)
    response = app.test_client().get("/sparql", query_string={"query": COUNT})
    assert response.status_code == 503
    assert response.get_json(force=True)["type"] == "no-data"
    app.extensions["kg_query_pool"].close()


# --- 13. CORS ----------------------------------------------------------------------------------


def test_reads_are_open_to_any_origin(client):
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-KG-Truncated" in response.headers["Access-Control-Expose-Headers"]


def test_preflight_is_answered(client):
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
