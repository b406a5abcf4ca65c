"""A small hand-made release following docs/data-model.md, for the Linked Data, dumps and VoID tests.

It does not depend on the extractor: two articles (one with hostile markup in its title and text), a
reference graph with external links, one event reported by both articles, a quote, two bilateral
relations of Armenia and Türkiye, an office holding, and the ontology and shapes graphs.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from kg.ids import DEFAULT_BASE, DIP
from kg.publish import publish_atomically
from kg.terms import ONTOLOGY_FILE, PREFIXES, SHAPES_FILE

BASE = DEFAULT_BASE
BUILD_ID = "20240901T120000000000Z"
HOSTILE_TITLE = 'Fidan <script>alert("title")</script> meets <b>Bayramov</b> & friends'
HOSTILE_ARTICLE = "id/article/002-hostile"
QUIET_ARTICLE = "id/article/003-quiet"

REFERENCE = """
@prefix dip: <https://w3id.org/diplomacy-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<id/country/turkey> a dip:Country ; rdfs:label "Turkey"@en ; skos:altLabel "Türkiye"@en ;
    dip:demonym "Turkish"@en ; dip:capital <id/place/ankara> ; dip:inReference true ;
    owl:sameAs <http://www.wikidata.org/entity/Q43>, <http://dbpedia.org/resource/Turkey>,
        <https://sws.geonames.org/298795/> .
<id/country/azerbaijan> a dip:Country ; rdfs:label "Azerbaijan"@en ; skos:altLabel "Republic of Azerbaijan"@en ;
    dip:capital <id/place/baku> ; dip:inReference true ;
    owl:sameAs <http://www.wikidata.org/entity/Q227>, <http://dbpedia.org/resource/Azerbaijan>,
        <https://sws.geonames.org/587116/> .
<id/country/armenia> a dip:Country ; rdfs:label "Armenia"@en ; dip:inReference true ;
    owl:sameAs <http://www.wikidata.org/entity/Q399> .
<id/place/ankara> a dip:Place ; rdfs:label "Ankara"@en ; dip:locatedIn <id/country/turkey> ; dip:inReference true ;
    owl:sameAs <https://sws.geonames.org/323786/> .
<id/place/baku> a dip:Place ; rdfs:label "Baku"@en ; dip:locatedIn <id/country/azerbaijan> ; dip:inReference true .
<id/person/hakan-fidan> a dip:Person ; rdfs:label "Hakan Fidan"@en ; dip:inReference true ;
    owl:sameAs <http://www.wikidata.org/entity/Q1351237> .
<id/person/jeyhun-bayramov> a dip:Person ; rdfs:label "Jeyhun Bayramov"@en ; dip:inReference true ;
    owl:sameAs <http://www.wikidata.org/entity/Q61947316> .
<id/position/minister-of-foreign-affairs-of-turkey> a dip:Position ;
    rdfs:label "Minister of Foreign Affairs of Turkey"@en ; dip:jurisdiction <id/country/turkey> .
<id/holding/hakan-fidan-minister-of-foreign-affairs-of-turkey-2023-06-04> a dip:PositionHolding ;
    dip:holder <id/person/hakan-fidan> ; dip:position <id/position/minister-of-foreign-affairs-of-turkey> ;
    dip:startDate "2023-06-04"^^xsd:date .
"""

HOSTILE_TEXT = (
    "Turkish Foreign Minister Hakan Fidan met his Azerbaijani counterpart Jeyhun Bayramov in Ankara on Tuesday.\n\n"
    '<script>alert("body")</script> <img src=x onerror=alert(1)> <b>Bold claims</b> & more.\n\n'
    '"Our brotherhood is eternal," Fidan said after the meeting.\n\n'
    "The border between Armenia and Turkey has been closed since 1993."
)
QUIET_TEXT = "Bayramov travelled to Ankara, where he held talks with Fidan on regional peace on 27 August."

EVENT = "id/event/2024-08-27-meeting-ankara-bayramov-fidan"


def _iri(path: str) -> URIRef:
    return URIRef(BASE + path)


def _article(graph: Graph, path: str, title: str, text: str, issued: str, mentions: list[str]) -> URIRef:
    node = _iri(path)
    graph.add((node, RDF.type, DIP.Article))
    graph.add((node, DCTERMS.identifier, Literal(path.rsplit("/", 1)[-1])))
    graph.add((node, DCTERMS.title, Literal(title, lang="en")))
    graph.add((node, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    graph.add((node, DCTERMS.publisher, Literal("Example News <i>Agency</i>")))
    graph.add((node, DCTERMS.language, Literal("en")))
    graph.add((node, URIRef("https://schema.org/url"), URIRef(f"https://news.example/{path.rsplit('/', 1)[-1]}")))
    graph.add((node, DIP.articleText, Literal(text, lang="en")))
    graph.add((node, DIP.wordCount, Literal(len(text.split()))))
    for entity in mentions:
        graph.add((node, DIP.mentions, _iri(entity)))
    return node


def _report(graph: Graph, fact: URIRef, article: URIRef, text: str, evidence: str, name: str, wording=None) -> None:
    report = _iri(f"id/report/{name}")
    begin = text.index(evidence)
    graph.add((fact, DIP.report, report))
    graph.add((fact, DIP.reportedIn, article))
    graph.add((report, RDF.type, DIP.Report))
    graph.add((report, DIP.reportedIn, article))
    graph.add((report, DIP.evidenceText, Literal(evidence)))
    graph.add((report, DIP.beginIndex, Literal(begin, datatype=XSD.nonNegativeInteger)))
    graph.add((report, DIP.endIndex, Literal(begin + len(evidence), datatype=XSD.nonNegativeInteger)))
    if wording:
        graph.add((report, DIP.wording, Literal(wording, lang="en")))


def _event(graph: Graph) -> URIRef:
    event = _iri(EVENT)
    graph.add((event, RDF.type, DIP.Meeting))
    graph.add((event, RDFS.label, Literal("Meeting of Hakan Fidan and Jeyhun Bayramov in Ankara", lang="en")))
    for person in ("id/person/hakan-fidan", "id/person/jeyhun-bayramov"):
        graph.add((event, DIP.participant, _iri(person)))
    graph.add((event, DIP.place, _iri("id/place/ankara")))
    graph.add((event, DIP.date, Literal("2024-08-27", datatype=XSD.date)))
    graph.add((event, DIP.eventStatus, URIRef("https://w3id.org/diplomacy-kg/ontology/status#happened")))
    return event


def _relation(graph: Graph, status: str, since: str | None) -> URIRef:
    relation = _iri(f"id/relation/armenia-turkey-{status}")
    graph.add((relation, RDF.type, DIP.BilateralRelation))
    graph.add((relation, DIP.party, _iri("id/country/armenia")))
    graph.add((relation, DIP.party, _iri("id/country/turkey")))
    graph.add((relation, DIP.status, URIRef(f"https://w3id.org/diplomacy-kg/ontology/status#{status}")))
    if since:
        graph.add((relation, DIP.since, Literal(since, datatype=XSD.gYear)))
    return relation


def linked_data_dataset() -> Dataset:
    """Return the hand-made dataset: reference, two article graphs, ontology, shapes and build graphs."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    dataset.graph(_iri("graph/reference")).parse(data=REFERENCE, format="turtle", publicID=BASE)
    dataset.graph(_iri("graph/ontology")).parse(ONTOLOGY_FILE, format="turtle")
    dataset.graph(_iri("graph/shapes")).parse(SHAPES_FILE, format="turtle")

    hostile = dataset.graph(_iri("graph/article/002-hostile"))
    people = ["id/person/hakan-fidan", "id/person/jeyhun-bayramov", "id/place/ankara"]
    article = _article(
        hostile,
        HOSTILE_ARTICLE,
        HOSTILE_TITLE,
        HOSTILE_TEXT,
        "2024-08-28",
        [*people, "id/country/turkey", "id/country/azerbaijan", "id/country/armenia"],
    )
    event = _event(hostile)
    _report(hostile, event, article, HOSTILE_TEXT, HOSTILE_TEXT.split("\n\n")[0], "002-hostile-1", "met")
    quote = _iri("id/quote/002-hostile-1")
    hostile.add((quote, RDF.type, DIP.Quote))
    hostile.add((quote, DIP.quoteText, Literal("Our brotherhood is eternal", lang="en")))
    hostile.add((quote, DIP.speaker, _iri("id/person/hakan-fidan")))
    hostile.add((quote, DIP.saidAt, event))
    _report(hostile, quote, article, HOSTILE_TEXT, '"Our brotherhood is eternal," Fidan said', "002-hostile-2")
    closed = _relation(hostile, "border-closed", "1993")
    _report(
        hostile,
        closed,
        article,
        HOSTILE_TEXT,
        "The border between Armenia and Turkey has been closed since 1993",
        "002-hostile-3",
        "closed",
    )

    quiet = dataset.graph(_iri("graph/article/003-quiet"))
    article = _article(quiet, QUIET_ARTICLE, "Bayramov in Ankara for talks", QUIET_TEXT, "2024-08-29", people)
    event = _event(quiet)
    _report(
        quiet,
        event,
        article,
        QUIET_TEXT,
        "held talks with Fidan on regional peace on 27 August",
        "003-quiet-1",
        "held talks",
    )
    normal = _relation(quiet, "normalization-process", "2021")
    _report(quiet, normal, article, QUIET_TEXT, "regional peace", "003-quiet-2", "regional peace")
    return dataset


def publish_fixture(data_dir: Path) -> Path:
    """Publish the hand-made dataset into `data_dir`; return the release folder."""
    report = Graph()
    report.parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        [] a sh:ValidationReport ; sh:conforms true .""",
        format="turtle",
    )
    return publish_atomically(
        data_dir,
        BUILD_ID,
        linked_data_dataset(),
        report,
        "Validation Report\nConforms: True\n",
        prefixes={k: str(v) for k, v in PREFIXES.items()},
    )
