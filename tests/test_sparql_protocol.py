"""The SPARQL 1.1 Protocol at /sparql: request forms, dataset parameters, content negotiation, errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.web import create_app
from kg.web.testing import publish_dataset

SAMPLE = Path(__file__).parent / "data" / "sparql" / "sample.trig"
DIP = "https://w3id.org/diplomacy-kg/ontology#"
GRAPH = "https://w3id.org/diplomacy-kg/graph/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def sample_dataset() -> Dataset:
    """Return the hand-made sample graph."""
    dataset = Dataset()
    dataset.parse(SAMPLE, format="trig")
    return dataset


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sparql-data")
    publish_dataset(folder, sample_dataset())
    return folder


@pytest.fixture(scope="module")
def app(data_dir):
    app = create_app({"DATA_DIR": str(data_dir), "QUERY_TIMEOUT": 10, "MAX_ROWS": 1000})
    yield app
    app.extensions["kg_query_pool"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def count(response) -> int:
    assert response.status_code == 200, response.data
    return int(response.get_json(force=True)["results"]["bindings"][0]["n"]["value"])


def test_get_query_uses_the_merge_of_the_named_graphs_as_default_graph(client):
    triples = {(s, p, o) for s, p, o, _ in sample_dataset().quads((None, None, None, None))}
    assert count(client.get("/sparql", query_string={"query": COUNT})) == len(triples)
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    assert count(client.get("/sparql", query_string={"query": distinct})) == len(triples)


def test_a_triple_two_graphs_hold_matches_once_in_the_default_graph(tmp_path):
    """Regression: pyoxigraph's union default graph matched a shared triple once per graph (310 rows
    for the README's Türkiye–Armenia query instead of 18)."""
    from rdflib import Literal, URIRef

    dataset = Dataset()
    for name in ("a", "b"):
        dataset.graph(URIRef(GRAPH + f"article/{name}")).add(
            (URIRef(DIP + "x"), URIRef(DIP + "label"), Literal("shared"))
        )
    folder = tmp_path / "data"
    publish_dataset(folder, dataset)
    app = create_app({"DATA_DIR": str(folder), "QUERY_WORKERS": 1})
    try:
        shared = app.test_client()
        assert count(shared.get("/sparql", query_string={"query": COUNT})) == 1
        per_graph = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        assert count(shared.get("/sparql", query_string={"query": per_graph})) == 2
    finally:
        app.extensions["kg_query_pool"].close()


def test_graph_variable_reaches_each_article_graph(client):
    query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?a a <{DIP}Article> }} }} ORDER BY ?g"
    rows = client.get("/sparql", query_string={"query": query}).get_json(force=True)["results"]["bindings"]
    assert [r["g"]["value"] for r in rows] == [GRAPH + "article/001-test", GRAPH + "article/002-test"]


def test_post_form_and_post_direct_give_the_same_answer(client):
    form = client.post("/sparql", data={"query": COUNT})
    direct = client.post("/sparql", data=COUNT.encode(), content_type="application/sparql-query")
    assert count(form) == count(direct) > 0


def test_default_graph_uri_selects_one_graph(client):
    graph = GRAPH + "article/002-test"
    response = client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": graph})
    assert count(response) == len(sample_dataset().graph(graph))


def test_named_graph_uri_limits_graph_variable(client):
    graph = GRAPH + "reference"
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(client.get("/sparql", query_string={"query": query, "named-graph-uri": graph})) == 1


def test_from_a_graph_of_this_dataset_is_allowed(client):
    graph = GRAPH + "article/002-test"
    query = f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"
    assert count(client.get("/sparql", query_string={"query": query})) == len(sample_dataset().graph(graph))


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ],
)
def test_select_content_negotiation(client, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": COUNT}, headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
    ],
)
def test_construct_content_negotiation_gives_the_same_graph(client, accept, rdflib_format):
    query = "CONSTRUCT WHERE { ?s a ?type }"
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": query}, headers=headers)
    assert response.status_code == 200, response.data
    got = Graph()
    if rdflib_format == "trig":
        dataset = Dataset()
        dataset.parse(data=response.data, format="trig")
        got = Graph()
        for s, p, o, _ in dataset.quads():
            got.add((s, p, o))
    else:
        got.parse(data=response.data, format=rdflib_format)
    expected = Graph()
    for s, p, o, _ in sample_dataset().quads((None, None, None, None)):
        if str(p) == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
            expected.add((s, p, o))
    assert isomorphic(got, expected)


@pytest.mark.parametrize(("name", "media_type"), [("csv", "text/csv"), ("xml", "application/sparql-results+xml")])
def test_format_parameter_overrides_accept(client, name, media_type):
    response = client.get("/sparql", query_string={"query": COUNT, "format": name}, headers={"Accept": "text/turtle"})
    assert response.headers["Content-Type"].startswith(media_type)


def test_ask_answers_a_boolean(client):
    response = client.get("/sparql", query_string={"query": f"ASK {{ ?s a <{DIP}Meeting> }}"})
    assert response.get_json(force=True)["boolean"] is True


def test_unacceptable_format_is_406(client):
    response = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["Content-Type"] == "application/problem+json"


def test_accept_fitting_only_the_other_query_form_gets_its_default(client):
    select = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/turtle"})
    assert select.mimetype == "application/sparql-results+json"
    construct = client.get(
        "/sparql",
        query_string={"query": "CONSTRUCT WHERE { ?s a ?t }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert construct.mimetype == "text/turtle"


def test_syntax_error_says_line_and_column(client):
    response = client.get("/sparql", query_string={"query": "SELECT *\nWHERE {\n  ?s ?p \n}"})
    problem = response.get_json(force=True)
    assert response.status_code == 400
    assert problem["type"] == "query-syntax"
    assert (problem["line"], problem["column"]) == (4, 2)
    assert problem["detail"].startswith("syntax error at line 4, column 2")


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT * WHERE { ?s nope:label ?o }", "undeclared prefix nope:"),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1 LIMIT 2", "expected one of OFFSET, VALUES"),
        ("SELECT (1 AS ?x) (2 AS ?x) {}", "duplicated variable name in SELECT"),
        ("SELECT * WHERE { ?s <not an iri> ?o }", "IRI parsing failed"),
    ],
)
def test_syntax_errors_say_what_is_wrong_without_parser_internals(client, query, reason):
    # Regression: the engine's raw message listed Unicode character classes ('\u{00B7}'..) and ran to 300+ characters.
    problem = client.get("/sparql", query_string={"query": query}).get_json(force=True)
    assert problem["type"] == "query-syntax"
    assert problem["detail"].endswith(reason)
    assert "\\u{" not in problem["detail"] and "[" not in problem["detail"].split(": ", 1)[1]


@pytest.mark.parametrize(
    "params",
    [
        [("query", "ASK {}"), ("query", "ASK {}")],
        [("query", "ASK {}"), ("timeout", "soon")],
        [("query", "ASK {}"), ("timeout", "-1")],
        [("query", "   ")],
        [("query", "ASK {}"), ("default-graph-uri", "")],
        [("query", "ASK {}"), ("named-graph-uri", "relative/graph")],
    ],
)
def test_bad_parameters_are_400(client, params):
    response = client.get("/sparql", query_string=params)
    assert response.status_code == 400
    assert set(response.get_json(force=True)) >= {"type", "title", "status", "detail"}


@pytest.mark.parametrize(
    ("formats", "accept", "media_type"),
    [
        (["pdf"], "text/csv", "text/csv"),
        (["tsv", "text/tab-separated-values"], "text/tab-separated-values", "text/tab-separated-values"),
        (["n3"], "text/turtle, application/n-triples", "application/sparql-results+json"),
        (
            ["json-ld", "application/ld+json,application/x-json+ld"],
            "application/ld+json",
            "application/sparql-results+json",
        ),
    ],
)
def test_format_values_clients_send_are_understood_or_left_to_accept(client, formats, accept, media_type):
    """Regression: SPARQLWrapper's own `format` values (`n3`, `json-ld`, a media type, the parameter twice) got 400."""
    params = [("query", COUNT)] + [("format", value) for value in formats]
    response = client.get("/sparql", query_string=params, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type


def test_wrong_media_type_is_415(client):
    response = client.post("/sparql", data=b"ASK {}", content_type="text/plain")
    assert response.status_code == 415


def test_missing_media_type_is_415(client):
    response = client.post("/sparql", data=b"query=ASK%20%7B%7D")
    assert response.status_code == 415


def test_charset_other_than_utf8_is_415(client):
    body = "ASK {}".encode("utf-16")
    response = client.post("/sparql", data=body, content_type="application/sparql-query; charset=UTF-16")
    assert response.status_code == 415


def test_non_utf8_body_is_400(client):
    body = "SELECT * WHERE { ?s ?p 'Türkiye' }".encode("latin-1")
    response = client.post("/sparql", data=body, content_type="application/sparql-query")
    assert response.status_code == 400
    assert response.get_json(force=True)["type"] == "not-utf-8"


def test_non_utf8_percent_encoding_is_400(client):
    response = client.post("/sparql", data=b"query=ASK%20%7B%7D%FF", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_other_methods_are_405(client):
    assert client.put("/sparql", query_string={"query": "ASK {}"}).status_code == 405
    assert client.delete("/sparql").status_code == 405


def test_the_word_from_outside_a_dataset_clause_is_harmless(client):
    # Regression: such a query takes the guard's full parse, which once misread a missing FROM.
    query = "# rows from every graph\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o != 'from') }"
    assert count(client.get("/sparql", query_string={"query": query})) > 0


# --- client mistakes found by the fuzzer (tests/test_fuzz_live.py): each a typed 4xx, never a 500 -------------


@pytest.mark.parametrize(
    ("query", "kind", "detail"),
    [
        ("SELECT * WHERE { ?s ?p ?o FILTER(<urn:f>(?o)) }", "query-not-evaluable", "custom function <urn:f>"),
        ("PREFIX bif: <bif:> ASK { ?s ?p ?o FILTER(bif:contains(?o, 'x')) }", "query-not-evaluable", "bif:contains"),
        ('SELECT * WHERE { ?s ?p "\\U00110000" }', "query-syntax", "00110000"),
        ("SELECT * FROM <urn:g> WHERE { -4 <urn:p> -58184961010484.0 }", "query-unverifiable", "not run"),
        ("# a query that is only a comment", "query-syntax", "syntax error"),
    ],
    ids=["unknown-function", "virtuoso-function", "code-point-past-unicode", "rdflib-parser-failure", "only-a-comment"],
)
def test_query_mistakes_are_typed_400s(client, query, kind, detail):
    response = client.get("/sparql", query_string={"query": query})
    problem = response.get_json(force=True)
    assert (response.status_code, problem["type"]) == (400, kind)
    assert detail in problem["detail"]


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("value", ["", "relative/graph", "http://exa mple.org/"])
def test_protocol_dataset_iris_must_be_absolute(client, name, value):
    problem = client.get("/sparql", query_string={"query": COUNT, name: value}).get_json(force=True)
    assert (problem["status"], problem["type"]) == (400, "bad-graph-iri")
    assert name in problem["detail"]


@pytest.mark.parametrize("content_type", ["application/sparql-query", "application/x-www-form-urlencoded"])
def test_chunked_body_over_the_limit_is_413_not_cut(data_dir, content_type):
    """Regression: a chunked body over the limit was cut at it and run (`LIMIT 1000` became `LIMIT 1`)."""
    app = create_app({"DATA_DIR": str(data_dir), "MAX_QUERY_BYTES": 60})
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1000".rjust(61)
    body = query.encode() if content_type.endswith("query") else f"query={query}".encode()
    environ = {"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"}
    try:
        response = app.test_client().post("/sparql", environ_overrides=environ, content_type=content_type)
        assert response.status_code == 413
        assert environ["wsgi.input"].read() == b""  # read to its end, so that the client reads the answer
    finally:
        app.extensions["kg_query_pool"].close()
