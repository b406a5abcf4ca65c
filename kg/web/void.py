"""/.well-known/void: the release's VoID + DCAT description, by content negotiation."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request
from rdflib import XSD, Graph
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, VOID

from kg.ids import DIP
from kg.void import SPDX, VOID_FILE, void_graph
from kg.web import conneg
from kg.web.release import get_release

bp = Blueprint("void", __name__)


@bp.get("/.well-known/void")
def well_known_void():
    """Answer with the release's VoID + DCAT description in the negotiated RDF format (Turtle by default)."""
    release = get_release()
    if release is None:
        abort(404)
    fmt = conneg.negotiate(request.accept_mimetypes, conneg.RDF_FORMATS, html=True)
    if fmt is None:
        abort(406)
    for_people = fmt == conneg.HTML
    fmt = conneg.RDF_FORMATS[0] if for_people else fmt
    path = release.dumps / VOID_FILE
    if path.exists():
        triples = [
            ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        ]
    else:
        graph = void_graph(release.store, release.manifest, current_app.config["BASE_IRI"])
        triples = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        ]
    prefixes = {
        "void": str(VOID),
        "dcat": str(DCAT),
        "dct": str(DCTERMS),
        "foaf": str(FOAF),
        "spdx": str(SPDX),
        "xsd": str(XSD),
        "owl": str(OWL),
        "dip": str(DIP),
    }
    triples = stable_blank_nodes(triples)
    if for_people:
        response = Response(render_template("void.html", nodes=void_nodes(triples, prefixes)), mimetype="text/html")
    else:
        response = Response(ox.serialize(triples, format=fmt.writer, prefixes=prefixes), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def stable_blank_nodes(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Return the triples with each blank node named after its content, so a node keeps its name across requests."""
    graph = Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    canonical = to_canonical_graph(graph).serialize(format="nt", encoding="utf-8")
    return sorted(
        (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(canonical, format=ox.RdfFormat.N_TRIPLES)),
        key=str,
    )


def void_nodes(triples: list[ox.Triple], prefixes: dict[str, str]) -> list[dict]:
    """Return the description as the HTML view lists it: one entry per subject, IRIs first, blank nodes by name."""
    curies = {namespace: prefix for prefix, namespace in prefixes.items()}

    def show(term) -> dict:
        if isinstance(term, ox.BlankNode):
            return {"node": "n" + term.value[:10]}
        if isinstance(term, ox.NamedNode):
            short = next(
                (f"{p}:{term.value[len(ns) :]}" for ns, p in curies.items() if term.value.startswith(ns)), None
            )
            return {"iri": term.value, "label": short or term.value}
        return {"literal": term.value}

    nodes: dict = {}
    for triple in triples:
        rows = nodes.setdefault(triple.subject, {})
        rows.setdefault(show(triple.predicate)["label"], []).append(show(triple.object))
    order = sorted(nodes, key=lambda n: (isinstance(n, ox.BlankNode), str(n)))
    return [{"subject": show(n), "rows": sorted(nodes[n].items())} for n in order]
