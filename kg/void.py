"""VoID and DCAT description of a release, computed from its store and manifest at publishing time."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, VOID

from kg.ids import DEFAULT_BASE, DIP

VOID_FILE = "void.ttl"
SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = "https://www.iana.org/assignments/media-types/"

TITLE = "Diplomacy KG"
DESCRIPTION = (
    "A knowledge graph of diplomacy news: the countries, people and organisations articles name, the "
    "meetings, visits, talks, agreements and wars they report, quotations, and the state of bilateral "
    "relations, every fact tied to the sentence of the article that states it. One named graph per article."
)
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
PUBLISHER = "Diplomacy KG team"
ONTOLOGY = URIRef("https://w3id.org/diplomacy-kg/ontology")
SHAPES = URIRef("https://w3id.org/diplomacy-kg/shapes")

# External datasets the graph links to with owl:sameAs: key, title, home page, IRI space.
LINK_TARGETS = (
    ("wikidata", "Wikidata", "https://www.wikidata.org/", "http://www.wikidata.org/entity/"),
    ("dbpedia", "DBpedia", "https://www.dbpedia.org/", "http://dbpedia.org/resource/"),
    ("geonames", "GeoNames", "https://www.geonames.org/", "https://sws.geonames.org/"),
)

_CLASS_COUNTS = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"
_PROPERTY_COUNTS = "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } GROUP BY ?p"
_DISTINCT = "SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }"
#: The classes whose best-linked resource the description names as an example.
EXAMPLE_CLASSES = (DIP.Country, DIP.Person, DIP.Meeting, DIP.Article)
# The best-linked resource of a class is the one worth showing: the most statements point at it.
_EXAMPLE = """SELECT ?s ?class ?space (COUNT(?in) AS ?links) WHERE {
  ?s a ?class . FILTER(STRSTARTS(STR(?s), ?space)) OPTIONAL { ?in ?p ?s }
} GROUP BY ?s ?class ?space ORDER BY DESC(?links) ?s LIMIT 1"""


def base_of(store: ox.Store) -> str:
    """Return the base IRI of a release, read off its named graphs (`{base}graph/…`)."""
    for graph in store.named_graphs():
        head, sep, _ = graph.value.rpartition("/graph/")
        if sep:
            return head + "/"
    return DEFAULT_BASE


@dataclass(frozen=True)
class Statistics:
    """What the VoID description reads off a release's store (`statistics`)."""

    distinct_subjects: int
    distinct_objects: int
    examples: tuple[str, ...]  # the best-linked resource of each of EXAMPLE_CLASSES that has one
    classes: tuple[tuple[ox.Term, int], ...]  # every class and its instance count
    properties: tuple[tuple[str, int], ...]  # every property and its (distinct) statement count
    links: frozenset[tuple[ox.Term, str]]  # (subject, target IRI) of every owl:sameAs statement
    triples: int | None = None  # distinct statements, when the manifest does not give them


def statistics(store: ox.Store, base: str, count_triples: bool = False) -> Statistics:
    """Return what the VoID description of a release counts in `store` (the union of its graphs, or its named
    graphs): the queries run in pyoxigraph without Python's lock, so publishing gathers them on a thread while
    it writes the validation report."""
    row = next(iter(store.query(_DISTINCT, use_default_graph_as_union=True)))
    examples = (_example(store, ox.NamedNode(str(cls)), f"{base}id/") for cls in EXAMPLE_CLASSES)
    return Statistics(
        distinct_subjects=int(row["subjects"].value),
        distinct_objects=int(row["objects"].value),
        examples=tuple(example for example in examples if example),
        classes=tuple(
            (r["class"], int(r["n"].value)) for r in store.query(_CLASS_COUNTS, use_default_graph_as_union=True)
        ),
        properties=tuple(
            (r["p"].value, int(r["n"].value)) for r in store.query(_PROPERTY_COUNTS, use_default_graph_as_union=True)
        ),
        links=frozenset(
            (q.subject, q.object.value)
            for q in store.quads_for_pattern(None, ox.NamedNode(str(OWL.sameAs)), None)
            if isinstance(q.object, ox.NamedNode)
        ),
        triples=_count_union(store) if count_triples else None,
    )


def void_graph(store: ox.Store, manifest: dict, base: str, counted: Statistics | None = None) -> Graph:
    """Return the VoID + DCAT description of a release: counts, partitions, dumps, linksets, endpoint; the
    counts are `counted` if given, else read off `store`."""
    if counted is None:
        counted = statistics(store, base, count_triples=not manifest.get("triples"))
    doc = URIRef(f"{base}.well-known/void")
    dataset = URIRef(f"{doc}#dataset")
    graph = Graph()
    for prefix, namespace in (
        ("void", VOID),
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("spdx", SPDX),
        ("dip", DIP),
        ("owl", OWL),
        ("xsd", XSD),
    ):
        graph.bind(prefix, namespace)
    _describe_dataset(graph, dataset, doc, counted, manifest, base)
    _add_partitions(graph, dataset, counted)
    _add_distributions(graph, dataset, doc, manifest, base)
    _add_linksets(graph, dataset, doc, counted)
    return graph


def _describe_dataset(graph: Graph, dataset: URIRef, doc: URIRef, counted: Statistics, manifest: dict, base: str):
    created = _created(manifest.get("build", ""))
    publisher = URIRef(f"{doc}#publisher")
    service = URIRef(f"{doc}#sparql-service")
    endpoint = URIRef(f"{base}sparql")
    graph.add((doc, RDF.type, VOID.DatasetDescription))
    graph.add((doc, DCTERMS.title, Literal(f"VoID and DCAT description of {TITLE}", lang="en")))
    graph.add((doc, FOAF.primaryTopic, dataset))
    for cls in (VOID.Dataset, DCAT.Dataset):
        graph.add((dataset, RDF.type, cls))
    for predicate, value in (
        (DCTERMS.title, Literal(TITLE, lang="en")),
        (DCTERMS.description, Literal(DESCRIPTION, lang="en")),
        (DCTERMS.license, LICENSE),
        (DCTERMS.publisher, publisher),
        (DCTERMS.created, Literal(created, datatype=XSD.dateTime)),
        (DCTERMS.issued, Literal(created, datatype=XSD.dateTime)),
        (DCTERMS.modified, Literal(created, datatype=XSD.dateTime)),
        (DCTERMS.conformsTo, SHAPES),
        (DCAT.landingPage, URIRef(base)),
        (FOAF.homepage, URIRef(base)),
        (VOID.sparqlEndpoint, endpoint),
        (VOID.uriSpace, Literal(f"{base}id/")),
        (VOID.vocabulary, URIRef(str(DIP))),
        (VOID.triples, Literal(int(manifest.get("triples") or counted.triples or 0))),
        (VOID.feature, URIRef("http://www.w3.org/ns/formats/Turtle")),
        (VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Triples")),
        (VOID.feature, URIRef("http://www.w3.org/ns/formats/TriG")),
        (VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Quads")),
        (VOID.feature, URIRef("http://www.w3.org/ns/formats/JSON-LD")),
    ):
        graph.add((dataset, predicate, value))
    graph.add((dataset, VOID.distinctSubjects, Literal(counted.distinct_subjects)))
    graph.add((dataset, VOID.distinctObjects, Literal(counted.distinct_objects)))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(PUBLISHER)))
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCAT.endpointURL, endpoint))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    graph.add((dataset, DCAT.accessService, service))
    for example in counted.examples:
        graph.add((dataset, VOID.exampleResource, URIRef(example)))


def _add_partitions(graph: Graph, dataset: URIRef, counted: Statistics) -> None:
    graph.add((dataset, VOID.classes, Literal(len(counted.classes))))
    graph.add((dataset, VOID.properties, Literal(len(counted.properties))))
    for cls, count in counted.classes:
        if isinstance(cls, ox.NamedNode):
            part = BNode()
            graph.add((dataset, VOID.classPartition, part))
            graph.add((part, VOID["class"], URIRef(cls.value)))
            graph.add((part, VOID.entities, Literal(count)))
    for prop, count in counted.properties:
        part = BNode()
        graph.add((dataset, VOID.propertyPartition, part))
        graph.add((part, VOID.property, URIRef(prop)))
        graph.add((part, VOID.triples, Literal(count)))


def _add_distributions(graph: Graph, dataset: URIRef, doc: URIRef, manifest: dict, base: str) -> None:
    for entry in manifest.get("files", []):
        if not entry.get("format"):
            continue
        url = URIRef(f"{base}dumps/{entry['name']}")
        dist = URIRef(f"{doc}#dump-{entry['name']}")
        graph.add((dataset, VOID.dataDump, url))
        graph.add((dataset, DCAT.distribution, dist))
        graph.add((dist, RDF.type, DCAT.Distribution))
        title = entry["format"] + (" (gzip)" if entry.get("encoding") == "gzip" else "")
        graph.add((dist, DCTERMS.title, Literal(title, lang="en")))
        graph.add((dist, DCAT.downloadURL, url))
        graph.add((dist, DCAT.accessURL, URIRef(f"{base}dumps/")))
        graph.add((dist, DCAT.mediaType, URIRef(IANA + entry["mediaType"])))
        if entry.get("encoding") == "gzip":
            graph.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
        graph.add((dist, DCAT.byteSize, Literal(entry["bytes"], datatype=XSD.nonNegativeInteger)))
        graph.add((dist, DCTERMS.license, LICENSE))
        checksum = BNode()
        graph.add((dist, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(entry["sha256"], datatype=XSD.hexBinary)))


def _add_linksets(graph: Graph, dataset: URIRef, doc: URIRef, counted: Statistics) -> None:
    links = counted.links
    for key, title, homepage, space in LINK_TARGETS:
        linkset = URIRef(f"{doc}#linkset-{key}")
        target = URIRef(f"{doc}#{key}")
        graph.add((dataset, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, DCTERMS.title, Literal(f"{TITLE} → {title} identity links", lang="en")))
        graph.add((linkset, VOID.linkPredicate, OWL.sameAs))
        graph.add((linkset, VOID.subjectsTarget, dataset))
        graph.add((linkset, VOID.objectsTarget, target))
        graph.add((linkset, VOID.triples, Literal(sum(1 for _, o in links if o.startswith(space)))))
        graph.add((target, RDF.type, VOID.Dataset))
        graph.add((target, DCTERMS.title, Literal(title)))
        graph.add((target, FOAF.homepage, URIRef(homepage)))
        graph.add((target, VOID.uriSpace, Literal(space)))


def _example(store: ox.Store, cls: ox.NamedNode, space: str) -> str | None:
    rows = store.query(
        _EXAMPLE,
        use_default_graph_as_union=True,
        substitutions={ox.Variable("class"): cls, ox.Variable("space"): ox.Literal(space)},
    )
    row = next(iter(rows), None)
    return row["s"].value if row else None


def _count_union(store: ox.Store) -> int:
    return len({(q.subject, q.predicate, q.object) for q in store})


def _created(build_id: str) -> str:
    """Return the build time as xsd:dateTime, read off the build id (`20240827T101500123456Z`)."""
    try:
        return dt.datetime.strptime(build_id, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC).isoformat()
    except ValueError:
        return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def add_void(
    dumps: Path, store: ox.Store, manifest: dict, base: str | None = None, counted: Statistics | None = None
) -> None:
    """Write `void.ttl` into a release's dump folder and list it in the manifest (with the `counted` statistics
    of `store`, if gathered already)."""
    path = dumps / VOID_FILE
    void_graph(store, manifest, base or base_of(store), counted).serialize(path, format="turtle")
    manifest["files"].append(
        {"name": VOID_FILE, "bytes": path.stat().st_size, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    )
