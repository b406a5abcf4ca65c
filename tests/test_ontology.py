"""The ontology file: parses, keeps every contract term, and documents every term it defines."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, OWL, SKOS

from kg.ids import DIP, DIPST

ONTOLOGY_FILE = Path(__file__).resolve().parent.parent / "ontology" / "diplomacy.ttl"
ONTOLOGY = URIRef("https://w3id.org/diplomacy-kg/ontology")
VANN = "http://purl.org/vocab/vann/"
CAMEO = "https://www.gdeltproject.org/data/cameo#"
PLOVER = "https://w3id.org/plover#"

# The public contract (DESIGN.md "Ontology core", docs/data-model.md): terms may be added, never lost.
CONTRACT_CLASSES = [
    "Article",
    "Country",
    "Person",
    "Organization",
    "Place",
    "Position",
    "PositionHolding",
    "Event",
    "Agreement",
    "Quote",
    "BilateralRelation",
    "InfrastructureProject",
    "Report",
]
EVENT_CLASSES = [
    "Meeting",
    "Visit",
    "PressConference",
    "PhoneCall",
    "Talks",
    "Statement",
    "AgreementSigning",
    "Appointment",
    "Election",
    "MilitaryOperation",
    "War",
    "BorderClosure",
    "BorderOpening",
    "DiplomaticRelationsEstablished",
    "RelationsSevered",
    "Recognition",
    "Summit",
    "Investment",
    "MilitaryExercise",
]
CONTRACT_PROPERTIES = [
    "mentions",
    "participant",
    "host",
    "mediator",
    "place",
    "date",
    "startDate",
    "endDate",
    "topic",
    "reportedIn",
    "report",
    "speaker",
    "quoteText",
    "saidAt",
    "party",
    "signatory",
    "signingDate",
    "connects",
    "jurisdiction",
    "holder",
    "position",
    "status",
    "since",
    "until",
    "evidenceText",
    "beginIndex",
    "endIndex",
    "wording",
    "dateText",
    "eventStatus",
    "demonym",
    "capital",
    "locatedIn",
    "role",
    "inReference",
    "wordCount",
]
RELATION_STATUSES = [
    "diplomatic-relations",
    "alliance",
    "normalization-process",
    "severed",
    "border-closed",
    "no-diplomatic-relations",
    "strategic-partnership",
    "hostile",
]
REUSE_AXIOMS = [
    (DIP.Article, RDFS.subClassOf, URIRef("https://schema.org/NewsArticle")),
    (DIP.Article, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")),
    (DIP.Event, RDFS.subClassOf, URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/Event")),
    (DIP.Event, RDFS.subClassOf, URIRef("https://schema.org/Event")),
    (DIP.Person, RDFS.subClassOf, URIRef("http://xmlns.com/foaf/0.1/Person")),
    (DIP.Position, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Post")),
    (DIP.participant, RDFS.subPropertyOf, URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/hasActor")),
    (DIP.place, RDFS.subPropertyOf, URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/hasPlace")),
    (DIP.mentions, RDFS.subPropertyOf, URIRef("https://schema.org/mentions")),
    (
        DIP.evidenceText,
        RDFS.subPropertyOf,
        URIRef("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf"),
    ),
]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """Parse the ontology once; tests only read it."""
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def _defined_terms(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(DIP))}


def test_every_dip_term_is_labelled_defined_and_owned(ontology: Graph) -> None:
    terms = _defined_terms(ontology)
    assert len(terms) >= len(CONTRACT_CLASSES) + len(EVENT_CLASSES) + len(CONTRACT_PROPERTIES)
    for term in terms:
        label, definition = ontology.value(term, RDFS.label), ontology.value(term, SKOS.definition)
        assert isinstance(label, Literal) and label.language == "en", term
        assert isinstance(definition, Literal) and definition.language == "en", term
        assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY, term


def test_header_has_the_required_metadata(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef("https://w3id.org/diplomacy-kg/ontology/0.1.0")
    assert str(ontology.value(ONTOLOGY, OWL.versionInfo)) == "0.1.0"
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.creator):
        assert ontology.value(ONTOLOGY, predicate), predicate
    assert ontology.value(ONTOLOGY, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert ontology.value(ONTOLOGY, DCTERMS.issued).toPython().isoformat() == "2026-11-22"
    assert str(ontology.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix"))) == "dip"
    assert str(ontology.value(ONTOLOGY, URIRef(VANN + "preferredNamespaceUri"))) == str(DIP)


@pytest.mark.parametrize("name", CONTRACT_CLASSES + EVENT_CLASSES)
def test_contract_class_is_defined(ontology: Graph, name: str) -> None:
    assert (DIP[name], RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", CONTRACT_PROPERTIES)
def test_contract_property_is_defined(ontology: Graph, name: str) -> None:
    types = set(ontology.objects(DIP[name], RDF.type))
    assert types & {OWL.ObjectProperty, OWL.DatatypeProperty}, name


def test_event_classes_are_subclasses_of_event(ontology: Graph) -> None:
    assert set(ontology.subjects(RDFS.subClassOf, DIP.Event)) == {DIP[name] for name in EVENT_CLASSES}


@pytest.mark.parametrize("name", EVENT_CLASSES)
def test_event_class_is_aligned_or_says_why_not(ontology: Graph, name: str) -> None:
    matches = list(ontology.objects(DIP[name], SKOS.closeMatch))
    note = ontology.value(DIP[name], SKOS.scopeNote)
    assert matches or (note and "match" in note.lower()), name
    for match in matches:
        assert str(match).startswith((CAMEO, PLOVER)), match


def test_reuse_axioms_are_stated(ontology: Graph) -> None:
    for triple in REUSE_AXIOMS:
        assert triple in ontology, triple


def test_status_concepts_are_complete(ontology: Graph) -> None:
    schemes = {
        DIPST.RelationStatusScheme: {DIPST[name] for name in RELATION_STATUSES},
        DIPST.EventStatusScheme: {DIPST.happened, DIPST.planned, DIPST.announced, DIPST.denied},
    }
    for scheme, concepts in schemes.items():
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
        assert set(ontology.subjects(SKOS.inScheme, scheme)) == concepts
        for concept in concepts:
            assert (concept, RDF.type, SKOS.Concept) in ontology
            assert ontology.value(concept, SKOS.prefLabel).language == "en", concept
            assert ontology.value(concept, SKOS.definition).language == "en", concept


def test_ontology_imports_nothing(ontology: Graph) -> None:
    assert not list(ontology.triples((None, OWL.imports, None)))


def test_ontology_round_trips_through_turtle(ontology: Graph) -> None:
    again = Graph().parse(data=ontology.serialize(format="turtle"), format="turtle")
    if not isomorphic(ontology, again):
        missing = to_isomorphic(ontology) - to_isomorphic(again)
        pytest.fail("lost in round trip:\n" + missing.serialize(format="nt"))
