"""Real clients against gunicorn: rdflib dereferences an IRI, a dump downloads and re-parses, raw paths stay inside."""

from __future__ import annotations

import http.client
import json

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.web.testing import LiveServer
from tests.linked_data_fixture import BASE, publish_fixture

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("ld-live")
    return data_dir, publish_fixture(data_dir)


@pytest.fixture(scope="module")
def server(release):
    with LiveServer({"DATA_DIR": release[0]}) as live:
        yield live


def test_rdflib_dereferences_an_entity_iri(server):
    graph = Graph().parse(f"{server.url}/id/country/azerbaijan")
    azerbaijan = URIRef(BASE + "id/country/azerbaijan")
    assert (azerbaijan, RDFS.label, Literal("Azerbaijan", lang="en")) in graph
    assert (
        azerbaijan,
        URIRef("http://www.w3.org/2002/07/owl#sameAs"),
        URIRef("http://www.wikidata.org/entity/Q227"),
    ) in graph


def test_a_turtle_dump_downloaded_over_http_reparses_to_the_store_count(server, release):
    response = requests.get(f"{server.url}/dumps/kg.ttl", timeout=30)
    assert response.status_code == 200
    store = ox.Store.read_only(str(release[1] / "store"))
    union = {q.triple for q in store}
    assert len(Graph().parse(data=response.content, format="turtle")) == len(union)
    manifest = json.loads(requests.get(f"{server.url}/dumps/manifest.json", timeout=10).content)
    assert manifest["triples"] == len(union)


def test_head_and_vary_over_http(server):
    response = requests.head(f"{server.url}/id/person/hakan-fidan", headers={"Accept": "text/turtle"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/../../../../etc/passwd",
        "/dumps/..%2f..%2fstore",
        "/dumps/%2e%2e/%2e%2e/current",
        "/dumps//etc/passwd",
        "/id/../dumps/../../etc/passwd",
        "/dumps/..\\..\\etc\\passwd",
    ],
)
def test_raw_paths_cannot_leave_the_dump_folder(server, path):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", path)  # sent as written: no client-side normalisation of `..`
    response = connection.getresponse()
    body = response.read()
    assert response.status == 404, (path, response.status)
    assert b"root:" not in body
