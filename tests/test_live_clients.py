"""Real SPARQL clients against the endpoint under gunicorn: every SPARQLWrapper return format, rdflib's SPARQLStore."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import SPARQLWrapper
from SPARQLWrapper.Wrapper import _allowedFormats

from kg.web.testing import LiveServer, publish_dataset

SAMPLE = Path(__file__).parent / "data" / "sparql" / "sample.trig"
DIP = "https://w3id.org/diplomacy-kg/ontology#"
ID = "https://w3id.org/diplomacy-kg/id/"
TURKEY = f"{ID}country/turkey"
COUNTRIES = {URIRef(f"{ID}country/{c}") for c in ("turkey", "azerbaijan", "armenia")}
QUERIES = {
    "SELECT": f"SELECT ?c WHERE {{ ?c a <{DIP}Country> }}",
    "ASK": f"ASK {{ <{TURKEY}> a <{DIP}Country> }}",
    "CONSTRUCT": f"CONSTRUCT {{ ?c a <{DIP}Country> }} WHERE {{ ?c a <{DIP}Country> }}",
    "DESCRIBE": f"DESCRIBE <{TURKEY}>",
}

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("client-data")
    dataset = Dataset()
    dataset.parse(SAMPLE, format="trig")
    publish_dataset(folder, dataset)
    with LiveServer({"DATA_DIR": folder, "QUERY_TIMEOUT": 10}, workers=1, threads=8) as live:
        yield live.url + "/sparql"


def client(endpoint: str, form: str, return_format: str, method: str) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(QUERIES[form])
    wrapper.setReturnFormat(return_format)
    wrapper.setMethod(method)
    return wrapper


def check_answer(form: str, media_type: str, body: bytes) -> None:
    """Check the answer of `form` whatever format the server chose for it."""
    if media_type == "text/csv":  # lossy (no term types), so no parser reads it back: compare the text
        lines = body.decode().split("\r\n")
        expected = {"ASK": ["true"], "SELECT": ["c", *sorted(map(str, COUNTRIES))]}[form]
        assert [lines[0], *sorted(line for line in lines[1:] if line)] == expected
        return
    if form in ("SELECT", "ASK"):
        result = ox.parse_query_results(body, ox.QueryResultsFormat.from_media_type(media_type))
        if form == "ASK":
            assert bool(result) is True
        else:
            assert {URIRef(row["c"].value) for row in result} == COUNTRIES
        return
    triples = {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in ox.parse(body, ox.RdfFormat.from_media_type(media_type))
    }
    if form == "CONSTRUCT":
        assert {s for s, _, _ in triples} == {str(c) for c in COUNTRIES}
    else:
        assert (TURKEY, "http://www.w3.org/2000/01/rdf-schema#label", "Türkiye") in triples


@pytest.mark.filterwarnings("ignore:Sending Accept header:RuntimeWarning")
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("form", list(QUERIES))
@pytest.mark.parametrize("return_format", _allowedFormats)
def test_sparqlwrapper_every_return_format(endpoint, form, return_format, method):
    converted = client(endpoint, form, return_format, method).query().convert()
    assert converted is not None
    raw = client(endpoint, form, return_format, method).query()
    media_type = raw.info()["content-type"].split(";")[0]
    check_answer(form, media_type, raw.response.read())


@pytest.mark.parametrize("return_format", ["json", "xml"])
def test_rdflib_sparqlstore_reads_every_query_form(endpoint, return_format):
    graph = Graph(store=SPARQLStore(endpoint, returnFormat=return_format))
    assert {row.c for row in graph.query(QUERIES["SELECT"])} == COUNTRIES
    assert graph.query(QUERIES["ASK"]).askAnswer is True
    assert set(graph.query(QUERIES["CONSTRUCT"]).graph.subjects()) == COUNTRIES
    described = graph.query(QUERIES["DESCRIBE"]).graph
    assert (URIRef(TURKEY), URIRef(f"{DIP}inReference"), None) in described
