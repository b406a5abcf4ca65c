"""HTTP as the standards write it on every surface: security headers, CORS, validators and 304s, compression,
one charset, Range per RFC 9110, absolute URLs from the configured public URL, and the site's own error pages."""

from __future__ import annotations

import gzip

import pytest
from rdflib import Graph, URIRef

from kg.web import create_app
from tests.linked_data_fixture import publish_fixture

SD = "http://www.w3.org/ns/sparql-service-description#"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
READ_SURFACES = [
    "/",
    "/id/country/turkey",
    "/id/country/turkey.ttl",
    "/graph/reference",
    "/ontology",
    "/ontology.ttl",
    "/shapes",
    "/.well-known/void",
    "/dumps/",
    "/dumps/kg.trig",
    "/query",
    f"/sparql?query={COUNT}",
]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    data = tmp_path_factory.mktemp("http")
    publish_fixture(data)
    app = create_app({"DATA_DIR": str(data), "PUBLIC_URL": "https://kg.example.org/public/"})
    yield app
    app.extensions["kg_query_pool"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize("path", [*READ_SURFACES, "/static/site.css", "/nowhere", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", READ_SURFACES)
def test_every_read_surface_is_readable_cross_origin_and_revalidates_to_304(client, path):
    first = client.get(path, headers={"Origin": "https://elsewhere.example"})
    assert first.status_code == 200
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in first.headers["Access-Control-Expose-Headers"]
    assert first.headers["Last-Modified"] and first.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304 or path.startswith("/static")


@pytest.mark.parametrize("path", ["/sparql", "/id/country/turkey", "/dumps/kg.trig", "/.well-known/void"])
def test_a_preflight_allows_what_the_client_asks_to_send(client, path):
    asked = "Authorization, X-Requested-With, Content-Type"
    response = client.options(
        path, headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST", **_asking(asked)}
    )
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Headers"] == asked
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def _asking(headers: str) -> dict:
    return {"Access-Control-Request-Headers": headers}


@pytest.mark.parametrize(
    ("path", "accept"),
    [(f"/sparql?query={COUNT}", "application/sparql-results+json"), ("/id/country/turkey", "text/html")],
)
def test_text_answers_are_gzipped_when_the_client_accepts_only_gzip(client, path, accept):
    plain = client.get(path, headers={"Accept": accept})
    packed = client.get(path, headers={"Accept": accept, "Accept-Encoding": "gzip"})
    if len(plain.data) < 500:  # below Flask-Compress's minimum size nothing is compressed
        assert "Content-Encoding" not in packed.headers
        return
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert "Accept-Encoding" in packed.headers["Vary"]


def test_the_query_ui_script_is_compressed(client):
    response = client.get("/static/yasgui/yasgui.min.js", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"
    raw = client.get("/static/yasgui/yasgui.min.js")
    assert len(response.get_data()) < len(raw.get_data()) / 3


def test_dumps_are_not_recompressed_and_keep_their_ranges(client):
    response = client.get("/dumps/kg.trig", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert len(response.data) == 10


def test_a_dump_has_one_charset(client):
    content_type = client.get("/dumps/kg.ttl").headers["Content-Type"]
    assert content_type.lower().count("charset") == 1


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "bytes=x-y", "bytes=9-3", "lines=0-4"])
def test_a_range_the_server_does_not_serve_gets_the_whole_file(client, header):
    whole = client.get("/dumps/kg.trig").data
    response = client.get("/dumps/kg.trig", headers={"Range": header})
    assert (response.status_code, response.data) == (200, whole)


def test_the_service_description_names_the_public_url_whatever_the_host(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle", "Host": "attacker.example"})
    graph = Graph().parse(data=response.data, format="turtle")
    endpoints = set(graph.objects(None, URIRef(SD + "endpoint")))
    assert endpoints == {URIRef("https://kg.example.org/public/sparql")}


def test_the_public_url_defaults_to_the_base_iri(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "BASE_IRI": "https://data.example.org/kg"})
    assert app.config["PUBLIC_URL"] == "https://data.example.org/kg/"
    app.extensions["kg_query_pool"].close()


def test_healthz_reports_how_busy_the_query_workers_are(client):
    report = client.get("/healthz").get_json()
    assert report["status"] == "ok"
    assert set(report["queries"]) >= {"in_flight", "max_in_flight", "waiting", "workers", "busy_workers", "saturated"}
    assert report["queries"]["saturated"] is False


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/nowhere", 404), ("GET", "/static/nothing.js", 404), ("DELETE", "/dumps/", 405), ("POST", "/", 405)],
)
def test_errors_are_the_site_s_own_pages_with_its_navigation(client, method, path, status):
    response = client.open(path, method=method, headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert 'nav aria-label="Site"' in page
    if status == 405:
        assert "GET" in response.headers["Allow"]


def test_errors_are_one_line_of_text_for_clients_that_want_rdf(client):
    response = client.get("/nowhere", headers={"Accept": "text/turtle"})
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("404 Not Found")


def test_a_server_failure_is_the_site_s_500_page_without_a_traceback(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})

    @app.get("/fails")
    def fails():
        raise RuntimeError("a bug with a secret path /srv/kg")

    response = app.test_client().get("/fails", headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert 'nav aria-label="Site"' in page
    assert "Traceback" not in page and "/srv/kg" not in page
    app.extensions["kg_query_pool"].close()


def test_the_query_page_keeps_the_site_navigation(client):
    page = client.get("/query").get_data(as_text=True)
    assert 'nav aria-label="Site"' in page
    assert "<script>" not in page  # no inline script: the policy allows scripts from this server only


def test_healthz_is_never_answered_from_a_cache(client):
    response = client.get("/healthz")
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
