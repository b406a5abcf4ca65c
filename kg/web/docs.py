"""Human documentation of the ontology and the shapes, generated from their Turtle files.

pyLODE was tried first: its 3.4 release fails at import time when installed from PyPI (it reads a
`pyproject.toml` that the wheel does not ship), so the pages are built here from the graphs instead.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, SKOS

from kg import terms
from kg.terms import SCHEMA

SH = Namespace("http://www.w3.org/ns/shacl#")
VANN = Namespace("http://purl.org/vocab/vann/")
_ALIGNMENTS = (
    SKOS.closeMatch,
    SKOS.exactMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    OWL.equivalentClass,
    OWL.equivalentProperty,
)


@dataclass
class TermDoc:
    """One class, property or concept as the documentation shows it."""

    iri: str
    anchor: str
    label: str
    definition: str | None
    comment: str | None
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (what, IRIs or literals)


@dataclass
class ShapeDoc:
    """One shape: what it targets and what each of its constraints checks."""

    iri: str
    anchor: str
    label: str
    description: str | None
    targets: list[tuple[str, str]]
    severity: str
    checks: list[dict]


def ontology_file() -> Path:
    """Return the path of the ontology's Turtle file."""
    return terms.ONTOLOGY_FILE


def shapes_file() -> Path:
    """Return the path of the shapes' Turtle file."""
    return terms.SHAPES_FILE


@functools.lru_cache(maxsize=4)
def _parsed(path: Path, mtime: float) -> Graph:
    return Graph().parse(path, format="turtle")


def load(path: Path) -> Graph:
    """Return the parsed graph of a Turtle file, reparsed only when the file changes."""
    return _parsed(path, path.stat().st_mtime)


@functools.lru_cache(maxsize=4)
def _vocabulary(path: Path, mtime: float) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def vocabulary() -> ox.Store | None:
    """Return the ontology as a store, for labels of classes, properties and statuses; None if absent."""
    path = ontology_file()
    return _vocabulary(path, path.stat().st_mtime) if path.exists() else None


def anchor(iri: str) -> str:
    """Return the HTML id of a term: its local name."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _text(graph: Graph, node, *predicates) -> str | None:
    for predicate in predicates:
        values = [o for o in graph.objects(node, predicate) if isinstance(o, Literal)]
        english = [v for v in values if v.language in ("en", None)]
        if english or values:
            return str((english or values)[0])
    return None


def _term(graph: Graph, node: URIRef, relations: list[tuple[str, tuple]]) -> TermDoc:
    rows = []
    for what, predicates in relations:
        values = sorted({str(o) for p in predicates for o in graph.objects(node, p) if not isinstance(o, BNode)})
        if values:
            rows.append((what, values))
    return TermDoc(
        iri=str(node),
        anchor=anchor(str(node)),
        label=_text(graph, node, RDFS.label, SKOS.prefLabel) or anchor(str(node)),
        definition=_text(graph, node, SKOS.definition, RDFS.comment),
        comment=_text(graph, node, RDFS.comment) if (node, SKOS.definition, None) in graph else None,
        rows=rows,
    )


def ontology_doc(graph: Graph) -> dict:
    """Return the documentation of an ontology: header, classes, properties and concept schemes."""
    header = next(graph.subjects(RDF.type, OWL.Ontology), None)
    meta = {
        "title": _text(graph, header, DCTERMS.title, RDFS.label),
        "description": _text(graph, header, DCTERMS.description, RDFS.comment),
        "version": _text(graph, header, OWL.versionInfo),
        "version_iri": str(graph.value(header, OWL.versionIRI) or ""),
        "license": str(graph.value(header, DCTERMS.license) or ""),
        "creator": _text(graph, header, DCTERMS.creator),
        "issued": _text(graph, header, DCTERMS.issued),
        "prefix": _text(graph, header, VANN.preferredNamespacePrefix),
        "namespace": _text(graph, header, VANN.preferredNamespaceUri),
        "iri": str(header or ""),
    }
    subclasses: dict = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        subclasses.setdefault(sup, set()).add(sub)
    class_rel = [
        ("Subclass of", (RDFS.subClassOf,)),
        ("Aligned with", _ALIGNMENTS),
        ("Scope note", (SKOS.scopeNote,)),
    ]
    classes = []
    for node in _sorted(graph, graph.subjects(RDF.type, OWL.Class)):
        doc = _term(graph, node, class_rel)
        if node in subclasses:
            doc.rows.insert(1, ("Superclass of", sorted(str(s) for s in subclasses[node])))
        classes.append(doc)
    prop_rel = [
        ("Subproperty of", (RDFS.subPropertyOf,)),
        ("Domain", (RDFS.domain, SCHEMA.domainIncludes)),
        ("Range", (RDFS.range, SCHEMA.rangeIncludes)),
        ("Aligned with", _ALIGNMENTS),
    ]
    properties = {
        kind: [_term(graph, node, prop_rel) for node in _sorted(graph, graph.subjects(RDF.type, cls))]
        for kind, cls in (
            ("Object properties", OWL.ObjectProperty),
            ("Datatype properties", OWL.DatatypeProperty),
            ("Annotation properties", OWL.AnnotationProperty),
        )
    }
    schemes = []
    for scheme in _sorted(graph, graph.subjects(RDF.type, SKOS.ConceptScheme)):
        concepts = [
            _term(graph, c, [("Broader", (SKOS.broader,))])
            for c in _sorted(graph, graph.subjects(SKOS.inScheme, scheme))
        ]
        schemes.append((_term(graph, scheme, []), concepts))
    return {"meta": meta, "classes": classes, "properties": properties, "schemes": schemes}


def _sorted(graph: Graph, nodes) -> list[URIRef]:
    return sorted({n for n in nodes if isinstance(n, URIRef)}, key=lambda n: anchor(str(n)).lower())


_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_TARGETS = (
    ("class", SH.targetClass),
    ("node", SH.targetNode),
    ("subjects of", SH.targetSubjectsOf),
    ("objects of", SH.targetObjectsOf),
)
_CONSTRAINTS = (
    ("at least", SH.minCount),
    ("at most", SH.maxCount),
    ("datatype", SH.datatype),
    ("class", SH["class"]),
    ("node kind", SH.nodeKind),
    ("pattern", SH.pattern),
    ("has value", SH.hasValue),
    ("at least (value)", SH.minInclusive),
    ("language", SH.languageIn),
    ("one of", SH["in"]),
    ("less than", SH.lessThan),
    ("either", SH["or"]),
    ("exactly one of", SH.xone),
    ("shape", SH.node),
)


def shapes_doc(graph: Graph) -> list[ShapeDoc]:
    """Return every node shape with its targets, severity and the checks of its property and SPARQL constraints."""
    shapes = []
    for node in _sorted(graph, graph.subjects(RDF.type, SH.NodeShape)):
        checks = [_property_check(graph, p) for p in graph.objects(node, SH.property)]
        checks += [_sparql_check(graph, s) for s in graph.objects(node, SH.sparql)]
        severities = {c["severity"] for c in checks} | {_SEVERITY.get(graph.value(node, SH.severity), "")}
        shapes.append(
            ShapeDoc(
                iri=str(node),
                anchor=anchor(str(node)),
                label=_text(graph, node, RDFS.label, SH.name) or anchor(str(node)),
                description=_text(graph, node, RDFS.comment, SH.description),
                targets=[(what, str(t)) for what, p in _TARGETS for t in graph.objects(node, p)],
                severity=", ".join(s for s in ("Violation", "Warning", "Info") if s in severities),
                checks=sorted(checks, key=lambda c: (c["severity"] != "Violation", c["name"])),
            )
        )
    return shapes


def _constraints(graph: Graph, shape) -> list[tuple[str, str]]:
    """Return the constraints of a shape as (what, value) text, IRIs in their prefixed form."""
    found = []
    for what, predicate in _CONSTRAINTS:
        for value in graph.objects(shape, predicate):
            if predicate in (SH["or"], SH.xone):
                members = [_constraint_text(graph, member) for member in Collection(graph, value)]
                found.append((what, " or ".join(members)))
            elif isinstance(value, BNode) and (value, RDF.first, None) in graph:
                found.append((what, ", ".join(_value_text(graph, v) for v in Collection(graph, value))))
            else:
                found.append((what, _value_text(graph, value)))
    return found


def _constraint_text(graph: Graph, shape) -> str:
    return "; ".join(f"{what} {value}" for what, value in _constraints(graph, shape)) or "(a nested shape)"


def _value_text(graph: Graph, value) -> str:
    return graph.namespace_manager.normalizeUri(value) if isinstance(value, URIRef) else str(value)


def _property_check(graph: Graph, shape) -> dict:
    constraints = _constraints(graph, shape)
    return {
        "name": _text(graph, shape, SH.name, RDFS.label) or _path_text(graph, graph.value(shape, SH.path)),
        "path": _path_text(graph, graph.value(shape, SH.path)),
        "description": _text(graph, shape, SH.description, RDFS.comment),
        "message": _text(graph, shape, SH.message),
        "severity": _SEVERITY.get(graph.value(shape, SH.severity), "Violation"),
        "constraints": constraints,
        "iri": str(shape) if isinstance(shape, URIRef) else None,
    }


def _sparql_check(graph: Graph, constraint) -> dict:
    return {
        "name": _text(graph, constraint, SH.name, RDFS.label) or "SPARQL rule",
        "path": None,
        "description": _text(graph, constraint, RDFS.comment, SH.description),
        "message": _text(graph, constraint, SH.message),
        "severity": _SEVERITY.get(graph.value(constraint, SH.severity), "Violation"),
        "constraints": [],
        "query": str(graph.value(constraint, SH.select) or "").strip(),
        "iri": None,
    }


def _path_text(graph: Graph, path) -> str:
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return graph.namespace_manager.normalizeUri(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(graph, inverse)
    if (path, RDF.first, None) in graph:
        return " / ".join(_path_text(graph, p) for p in Collection(graph, path))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return " | ".join(_path_text(graph, p) for p in Collection(graph, alternatives))
    return "(complex path)"
