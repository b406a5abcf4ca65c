"""VoID and DCAT: what /.well-known/void and dumps/void.ttl say about the release, checked against its store."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, OWL, VOID

from kg.ids import DIP
from kg.web import create_app
from tests.linked_data_fixture import BASE, publish_fixture

SPDX = Namespace("http://spdx.org/rdf/terms#")
DATASET = URIRef(f"{BASE}.well-known/void#dataset")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("void")
    publish_fixture(data)
    return data


@pytest.fixture(scope="module")
def manifest(data_dir):
    return json.loads((data_dir / "current" / "dumps" / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def void(data_dir):
    client = create_app({"DATA_DIR": str(data_dir)}).test_client()
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    return Graph().parse(data=response.data, format="turtle")


def test_dataset_metadata(void, manifest):
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.publisher, DCTERMS.created):
        assert void.value(DATASET, predicate) is not None, predicate
    assert (DATASET, RDF.type, VOID.Dataset) in void and (DATASET, RDF.type, DCAT.Dataset) in void
    assert void.value(DATASET, DCTERMS.created) == Literal(
        "2024-09-01T12:00:00+00:00", datatype=URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
    )
    assert int(void.value(DATASET, VOID.triples)) == manifest["triples"]
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{BASE}sparql")
    assert str(void.value(DATASET, VOID.uriSpace)) == f"{BASE}id/"
    examples = {str(e) for e in void.objects(DATASET, VOID.exampleResource)}
    # the best-linked resource of each class: Turkey (capital, office, relations) rather than the first by name
    assert examples == {
        f"{BASE}id/country/turkey",
        f"{BASE}id/person/hakan-fidan",
        f"{BASE}id/event/2024-08-27-meeting-ankara-bayramov-fidan",
        f"{BASE}id/article/002-hostile",
    }


def test_class_and_property_partitions_match_the_store(void, data_dir):
    store = ox.Store.read_only(str(data_dir / "current" / "store"))
    union = {q.triple for q in store}
    countries = {t.subject for t in union if t.predicate.value == str(RDF.type) and t.object.value == str(DIP.Country)}
    partitions = {
        void.value(p, VOID["class"]): int(void.value(p, VOID.entities))
        for p in void.objects(DATASET, VOID.classPartition)
    }
    assert partitions[DIP.Country] == len(countries) == 3
    properties = {
        void.value(p, VOID.property): int(void.value(p, VOID.triples))
        for p in void.objects(DATASET, VOID.propertyPartition)
    }
    assert properties[OWL.sameAs] == sum(1 for t in union if t.predicate.value == str(OWL.sameAs))
    assert sum(properties.values()) == len(union)


def test_a_data_dump_and_a_distribution_for_every_dump_file(void, manifest):
    dumps = [f for f in manifest["files"] if f.get("format")]
    assert {str(u) for u in void.objects(DATASET, VOID.dataDump)} == {f"{BASE}dumps/{f['name']}" for f in dumps}
    distributions = {void.value(d, DCAT.downloadURL): d for d in void.objects(DATASET, DCAT.distribution)}
    for entry in dumps:
        dist = distributions[URIRef(f"{BASE}dumps/{entry['name']}")]
        assert str(void.value(dist, DCAT.mediaType)).endswith(entry["mediaType"])
        assert int(void.value(dist, DCAT.byteSize)) == entry["bytes"]
        checksum = void.value(dist, SPDX.checksum)
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(void.value(checksum, SPDX.checksumValue)) == entry["sha256"]


def test_one_linkset_per_external_target_with_its_link_count(void):
    counts = {}
    for linkset in void.subjects(RDF.type, VOID.Linkset):
        assert void.value(linkset, VOID.subjectsTarget) == DATASET
        assert void.value(linkset, VOID.linkPredicate) == OWL.sameAs
        target = void.value(linkset, VOID.objectsTarget)
        counts[str(void.value(target, DCTERMS.title))] = int(void.value(linkset, VOID.triples))
    assert counts == {"Wikidata": 5, "DBpedia": 2, "GeoNames": 3}


def test_void_is_in_the_dumps_and_answers_every_rdf_format(data_dir, void):
    from_dumps = Graph().parse(data_dir / "current" / "dumps" / "void.ttl", format="turtle")
    assert isomorphic(from_dumps, void)
    client = create_app({"DATA_DIR": str(data_dir)}).test_client()
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=jsonld.data, format="json-ld"), void)
    assert "Accept" in jsonld.vary
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406
    browser = client.get("/.well-known/void", headers={"Accept": "text/html,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.mimetype == "text/html"  # a page for people (tests/test_views.py), the RDF by negotiation
    assert "void.ttl" in browser.get_data(as_text=True)
