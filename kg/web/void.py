"""/.well-known/void: the release's VoID + DCAT description, by content negotiation."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request
from rdflib import XSD
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
    for_people = fmt == conneg.HTML  # browsers get the Turtle as plain text, which they show rather than download
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
    body = ox.serialize(triples, format=fmt.writer, prefixes=prefixes)
    response = Response(body, content_type="text/plain; charset=utf-8" if for_people else fmt.content_type)
    response.vary.add("Accept")
    return response
