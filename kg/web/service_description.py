"""The SPARQL 1.1 Service Description: a Turtle template plus the live release's graphs."""

from __future__ import annotations

from importlib import resources

import pyoxigraph as ox

from kg.web.conneg import Format
from kg.web.release import Release

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
MERGE_NOTE = (
    "the merge of all named graphs: a triple several graphs hold is in it once; in a query that also uses "
    "GRAPH or FROM, the union of the named graphs, where such a triple matches once per graph"
)
UNION_NOTE = "the union of all named graphs; a triple held by several graphs matches once per graph"
PREFIXES = {
    "sd": SD,
    "void": VOID,
    "formats": "http://www.w3.org/ns/formats/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


def sd(name: str) -> ox.NamedNode:
    """Return a term of the Service Description vocabulary."""
    return ox.NamedNode(SD + name)


def describe(endpoint: str, live: Release | None, merged: bool = True) -> list[ox.Triple]:
    """Return the description of the endpoint at URL `endpoint` serving `live`."""
    template = resources.files("kg.web").joinpath("service_description.ttl").read_bytes()
    triples = [q.triple for q in ox.parse(template, ox.RdfFormat.TURTLE, base_iri=endpoint)]
    if live is not None:
        service, dataset = ox.NamedNode(endpoint + "#service"), ox.NamedNode(endpoint + "#dataset")
        triples += describe_dataset(service, dataset, live, merged)
    return triples


def describe_dataset(
    service: ox.NamedNode, dataset: ox.NamedNode, live: Release, merged: bool = True
) -> list[ox.Triple]:
    """Describe the default dataset: the union default graph and each named graph with its size."""
    default = ox.BlankNode()
    triples = [
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
        ox.Triple(default, RDFS_COMMENT, ox.Literal(MERGE_NOTE if merged else UNION_NOTE, language="en")),
    ]
    if "triples" in live.manifest:
        triples.append(ox.Triple(default, ox.NamedNode(VOID + "triples"), _count(live.manifest["triples"])))
    for name, size in sorted(live.manifest.get("graphs", {}).items()):
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(name)),
            ox.Triple(named, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), _count(size)),
        ]
    return triples


def serialize(endpoint: str, live: Release | None, fmt: Format, merged: bool = True) -> bytes:
    """Return the description serialized in `fmt`."""
    statements = describe(endpoint, live, merged)
    if fmt.writer in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        statements = [ox.Quad(t.subject, t.predicate, t.object) for t in statements]
    return ox.serialize(statements, format=fmt.writer, prefixes=PREFIXES)


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
