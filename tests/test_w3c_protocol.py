"""The W3C SPARQL 1.1 Protocol test suite (tests/data/w3c), run against /sparql request by request.

data1–3 are published as named graphs (named by their `rdfs:label` IRIs). Query tests must pass as
written. This endpoint is read-only, so update tests must instead get its documented refusal (4xx)
and leave the data unchanged; the follow-up ASK of an update test, which checks the update's effect,
is therefore not expected to be true.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Namespace, URIRef

from kg.web import create_app
from kg.web.testing import publish_dataset

SUITE = Path(__file__).parent / "data" / "w3c" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

MANIFEST = Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=(SUITE / "manifest.ttl").as_uri())
ENTRIES = list(MANIFEST.items(next(MANIFEST.objects(None, MF.entries))))
RESULT_TYPES = {
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
    "tabular": (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ),
    "RDF": ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"),
}


def name(entry: URIRef) -> str:
    return str(entry).rsplit("#", 1)[1]


def is_update(entry: URIRef) -> bool:
    return name(entry).startswith(("update_", "bad_update_"))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """Publish data1–3 into a fresh release, each in the graph the manifest names it."""
    dataset = Dataset()
    for graph_data in MANIFEST.objects(None, UT.graphData):
        source = MANIFEST.value(graph_data, UT.graph)
        label = MANIFEST.value(graph_data, RDFS.label)
        dataset.graph(URIRef(str(label))).parse(Path(source.removeprefix("file://")), format="nt")
    folder = tmp_path_factory.mktemp("w3c-data")
    publish_dataset(folder, dataset)
    return folder


@pytest.fixture(scope="module")
def client(data_dir):
    app = create_app({"DATA_DIR": str(data_dir), "QUERY_TIMEOUT": 10})
    yield app.test_client()
    app.extensions["kg_query_pool"].close()


def requests_of(entry: URIRef) -> list:
    action = MANIFEST.value(entry, MF.action)
    return list(MANIFEST.items(MANIFEST.value(action, HT.requests)))


def send(client, request):
    """Send one ht:Request as written, with /sparql/ mapped to this server's /sparql."""
    path = str(MANIFEST.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    headers = {}
    for header in MANIFEST.items(MANIFEST.value(request, HT.headers)) if MANIFEST.value(request, HT.headers) else []:
        headers[str(MANIFEST.value(header, HT.fieldName))] = str(MANIFEST.value(header, HT.fieldValue))
    body = MANIFEST.value(request, HT.body)
    data = None
    if body is not None:
        encoding = str(MANIFEST.value(body, CNT.characterEncoding) or "UTF-8")
        data = str(MANIFEST.value(body, CNT.chars)).encode(encoding)
    method = str(MANIFEST.value(request, HT.methodName))
    content_type = headers.pop("content-type", None)
    return client.open(path, method=method, data=data, content_type=content_type, headers=headers)


def check(response, expectation) -> None:
    statuses = {str(s).removeprefix(HTS) for s in MANIFEST.objects(expectation, MF.expectedStatus)}
    assert f"{response.status_code // 100}xx" in statuses, (response.status_code, response.data[:300])
    expected_format = MANIFEST.value(expectation, MF.expectedFormat)
    if expected_format is not None:
        assert response.mimetype in RESULT_TYPES[str(expected_format)], response.mimetype
    expected_boolean = MANIFEST.value(expectation, MF.expectedBoolean)
    if expected_boolean is not None:
        assert response.get_json(force=True)["boolean"] is expected_boolean.toPython()


def quads(data_dir: Path) -> int:
    return len(ox.Store.read_only(str((data_dir / "current" / "store").resolve())))


def test_the_suite_is_all_there():
    assert len(ENTRIES) == 34
    assert sum(is_update(e) for e in ENTRIES) == 13


@pytest.mark.parametrize("entry", [e for e in ENTRIES if not is_update(e)], ids=name)
def test_query_side(client, entry):
    for request in requests_of(entry):
        check(send(client, request), MANIFEST.value(request, HT.resp))


@pytest.mark.parametrize("entry", [e for e in ENTRIES if is_update(e)], ids=name)
def test_update_side_gets_the_documented_refusal(client, data_dir, entry):
    before = quads(data_dir)
    update, *follow_ups = requests_of(entry)
    response = send(client, update)
    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/problem+json"
    for request in follow_ups:
        assert send(client, request).status_code == 200
    assert quads(data_dir) == before


def test_service_description_is_rdf_with_a_matching_endpoint(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    description = Graph().parse(data=response.data, format="turtle")
    endpoint = URIRef("http://localhost/sparql")
    service = description.value(predicate=SD.endpoint, object=endpoint)
    assert (service, RDF.type, SD.Service) in description
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in description
    assert (service, SD.feature, SD.UnionDefaultGraph) in description
    graphs = {description.value(n, SD.name) for n in description.objects(None, SD.namedGraph)}
    assert URIRef("http://kasei.us/2009/09/sparql/data/data1.rdf") in graphs


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/ld+json", None, "*/*"])
def test_service_description_makes_no_claim_it_cannot_keep(client, accept):
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype != "text/html"
    description = Graph().parse(data=response.data, format=response.mimetype)
    claimed = set(description.objects(None, SD.feature)) | set(description.objects(None, SD.entailmentRegime))
    assert SD.BasicFederatedQuery not in claimed
    assert SD.DereferencesURIs not in claimed
    assert not set(description.objects(None, SD.entailmentRegime))
    assert not set(description.objects(None, SD.defaultEntailmentRegime))
