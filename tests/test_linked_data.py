"""Linked Data: every IRI under the base dereferences to HTML or RDF, by Accept or by suffix, on any host."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDFS

from kg.ids import DIP
from kg.web import conneg, create_app
from kg.web.describe import Labeller, about_document, describe
from tests.linked_data_fixture import BASE, EVENT, publish_fixture

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RDF_ACCEPTS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
SUFFIXES = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}
AZERBAIJAN = URIRef(BASE + "id/country/azerbaijan")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("ld")
    publish_fixture(data)
    return data


@pytest.fixture
def client(data_dir):
    return create_app({"DATA_DIR": str(data_dir)}).test_client()


def expected_description(data_dir, iri: str, suffix: str) -> Graph:
    """Return the description the store gives for `iri`, and the document's own triples, as an rdflib graph."""
    store = ox.Store.read_only(str(data_dir / "current" / "store"))
    node = ox.NamedNode(iri)
    dataset = BASE + ".well-known/void#dataset"
    triples = describe(store, node) + about_document(f"{iri}.{suffix}", node, dataset, Labeller(store).label(node))
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def assert_isomorphic(expected: Graph, got: Graph) -> None:
    if not isomorphic(expected, got):
        _, only_expected, only_got = graph_diff(to_isomorphic(expected), to_isomorphic(got))
        expected_only, got_only = only_expected.serialize(format="nt"), only_got.serialize(format="nt")
        pytest.fail(f"only expected:\n{expected_only}\nonly got:\n{got_only}")


def test_browsers_get_the_entity_page(client):
    response = client.get("/id/country/azerbaijan", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.vary
    page = response.get_data(as_text=True)
    assert "<h1>Azerbaijan</h1>" in page
    assert 'href="http://www.wikidata.org/entity/Q227"' in page
    assert 'href="http://dbpedia.org/resource/Azerbaijan"' in page
    assert 'href="https://sws.geonames.org/587116/"' in page
    assert '</id/country/azerbaijan.ttl>; rel="alternate"; type="text/turtle"' in response.headers["Link"]
    assert f'<{BASE}id/country/azerbaijan>; rel="canonical"' in response.headers["Link"]


@pytest.mark.parametrize("accept", RDF_ACCEPTS)
def test_rdf_clients_get_the_description_by_accept(client, data_dir, accept):
    response = client.get("/id/country/azerbaijan", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    assert "Accept" in response.vary
    got = Graph().parse(data=response.data, format=RDF_ACCEPTS[accept])
    suffix = conneg.by_name(conneg.RDF_FORMATS, accept).suffix
    assert_isomorphic(expected_description(data_dir, str(AZERBAIJAN), suffix), got)
    assert (AZERBAIJAN, RDFS.label, Literal("Azerbaijan", lang="en")) in got
    assert (URIRef(BASE + "id/article/002-hostile"), DIP.mentions, AZERBAIJAN) in got  # incoming
    assert (URIRef(BASE + "id/place/baku"), RDFS.label, Literal("Baku", lang="en")) in got  # label of a neighbour


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_suffix_forms_give_the_same_description(client, data_dir, suffix):
    response = client.get(f"/id/person/hakan-fidan.{suffix}", headers={"Accept": BROWSER})
    assert response.status_code == 200
    got = Graph().parse(data=response.data, format=SUFFIXES[suffix])
    canonical = conneg.by_name(conneg.RDF_FORMATS, suffix).suffix
    assert_isomorphic(expected_description(data_dir, BASE + "id/person/hakan-fidan", canonical), got)


def test_event_description_carries_reports_and_evidence(client):
    got = Graph().parse(data=client.get(f"/{EVENT}", headers={"Accept": "text/turtle"}).data, format="turtle")
    reports = set(got.objects(URIRef(BASE + EVENT), DIP.report))
    assert len(reports) == 2  # one per article reporting the meeting
    evidence = {str(got.value(r, DIP.evidenceText)) for r in reports}
    assert "held talks with Fidan on regional peace on 27 August" in evidence
    assert all(got.value(r, DIP.beginIndex) is not None for r in reports)


def test_quote_description_carries_its_report(client):
    got = Graph().parse(data=client.get("/id/quote/002-hostile-1.ttl").data, format="turtle")
    report = got.value(URIRef(BASE + "id/quote/002-hostile-1"), DIP.report)
    assert str(got.value(report, DIP.evidenceText)).startswith('"Our brotherhood is eternal,"')


def test_head_answers_like_get_without_a_body(client):
    get = client.get("/id/country/azerbaijan", headers={"Accept": "text/turtle"})
    head = client.head("/id/country/azerbaijan", headers={"Accept": "text/turtle"})
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert "Accept" in head.vary


@pytest.mark.parametrize(
    "path",
    [
        "/id/country/atlantis",
        "/id/country/atlantis.ttl",
        "/id/person/hakan-fidan.exe",
        "/id/event",  # the list is /id/event/
        "/id/%00",
        "/id/%3Cscript%3E",
        "/id/a%20b",
        "/id/country/azerbaijan/..%2f..%2fetc",
        "/id/" + "x" * 5000,
        "/graph/nowhere",
        "/graph/article/002-hostile.docx",
        "/ontology/NoSuchTerm",
        "/ontology.exe",
        "/shapes.pdf",
    ],
)
@pytest.mark.parametrize("accept", [BROWSER, "text/turtle"])
def test_unknown_iris_get_404_never_500(client, path, accept):
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 404, response.get_data(as_text=True)[:300]


def test_unknown_iri_page_for_browsers_and_text_for_rdf_clients(client):
    page = client.get("/id/country/atlantis", headers={"Accept": BROWSER})
    assert page.mimetype == "text/html" and "Nothing here" in page.get_data(as_text=True)
    text = client.get("/id/country/atlantis", headers={"Accept": "text/turtle"})
    assert text.mimetype == "text/plain"
    assert "Accept" in text.vary


def test_unacceptable_media_type_gets_406(client):
    response = client.get("/id/country/azerbaijan", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "Accept" in response.vary


def test_any_host_dereferences_and_pages_link_to_it(data_dir):
    client = create_app({"DATA_DIR": str(data_dir)}).test_client()
    response = client.get("/id/country/turkey", base_url="http://kg.example.test:8080", headers={"Accept": BROWSER})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/id/place/ankara"' in page  # root-relative: the server that answered, whatever its name
    assert f'href="{BASE}id/' not in page  # data IRIs are shown but linked to the answering server
    turtle = client.get("/id/country/turkey", base_url="http://kg.example.test:8080", headers={"Accept": "text/turtle"})
    assert f"<{BASE}id/country/turkey>" in turtle.get_data(as_text=True)  # RDF keeps the canonical IRIs


@pytest.mark.parametrize("host", ["", 'a"b', "x<y>", "[::1]:8080", "kg.example.test:8080"])
def test_links_hold_with_a_malformed_or_missing_host_header(client, host):
    response = client.get("/id/country/turkey", headers={"Accept": BROWSER, "Host": host})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'href="/id/place/ankara"' in page
    assert 'href="http:///' not in page and "<y>" not in page
    assert '</id/country/turkey.ttl>; rel="alternate"' in response.headers["Link"]


def test_mounted_below_a_path_links_stay_under_it(client):
    response = client.get("/id/country/turkey", headers={"Accept": BROWSER}, environ_overrides={"SCRIPT_NAME": "/kg"})
    page = response.get_data(as_text=True)
    assert 'href="/kg/id/place/ankara"' in page
    assert 'href="/kg/static/site.css"' in page and 'href="/kg/query"' in page


def test_a_deployment_base_maps_request_paths_onto_its_own_iris(tmp_path):
    from kg.publish import publish_atomically
    from tests.linked_data_fixture import BUILD_ID, linked_data_dataset

    other = "http://data.example.org/kg/"
    dataset = linked_data_dataset()
    moved = type(dataset)()
    for s, p, o, g in dataset.quads():
        moved.add(tuple(URIRef(str(t).replace(BASE, other)) if isinstance(t, URIRef) else t for t in (s, p, o, g)))
    publish_atomically(tmp_path, BUILD_ID, moved, Graph(), "Conforms: True")
    client = create_app({"DATA_DIR": str(tmp_path), "BASE_IRI": other}).test_client()
    response = client.get("/id/country/azerbaijan", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "<http://data.example.org/kg/id/country/azerbaijan>" in response.get_data(as_text=True)
    page = client.get("/id/country/turkey", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert 'href="/id/place/ankara"' in page


def test_graph_iri_gives_the_named_graph(client, data_dir):
    store = ox.Store.read_only(str(data_dir / "current" / "store"))
    graph = ox.NamedNode(BASE + "graph/article/002-hostile")
    in_store = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)}
    response = client.get("/graph/article/002-hostile", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    got = {q.triple for q in ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES)}
    assert in_store <= got
    page = client.get("/graph/article/002-hostile", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Named graph" in page and 'href="/id/article/002-hostile"' in page
    assert client.get("/graph/reference.ttl").status_code == 200


def test_the_server_answers_503_with_no_release(tmp_path):
    client = create_app({"DATA_DIR": str(tmp_path)}).test_client()
    assert client.get("/id/country/azerbaijan").status_code == 503
    assert client.get("/").status_code == 200
