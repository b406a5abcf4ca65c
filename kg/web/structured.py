"""Structured data embedded in each resource page (`<script type="application/ld+json">`), in schema.org terms.

Search engines and link-preview tools read schema.org, not the diplomacy ontology, so each page says what
its resource is in those words: a Person, Country, Organization, Place, Event, NewsArticle or Quotation,
with its name, other names, `sameAs` links, and for events their date, place and participants.
The full RDF stays one link away (`<link rel="alternate">`).
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from markupsafe import Markup

from kg.ids import DIP
from kg.web.describe import OWL_SAME_AS, RDF_TYPE, Labeller

RDFS_SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
DCT = "http://purl.org/dc/terms/"
SCHEMA_TYPES = {
    "Person": "Person",
    "Country": "Country",
    "Organization": "Organization",
    "Place": "Place",
    "Article": "NewsArticle",
    "Quote": "Quotation",
    "Agreement": "CreativeWork",
    "Event": "Event",
}
# schema.org property ← diplomacy-KG predicate, per kind of value.
EVENT_LINKS = (("attendee", "participant"), ("organizer", "host"), ("location", "place"), ("about", "topic"))


def structured_data(store: ox.Store, vocabulary: ox.Store, labeller: Labeller, iri: ox.NamedNode) -> Markup:
    """Return the JSON-LD of a resource's page, safe to put inside a `<script>` element."""
    kind = schema_type(store, vocabulary, iri)
    data: dict = {"@context": "https://schema.org", "@id": iri.value, "@type": kind, "name": labeller.label(iri)}
    data["url"] = iri.value
    alternate = sorted({q.object.value for q in store.quads_for_pattern(iri, SKOS_ALT, None)})
    if alternate:
        data["alternateName"] = alternate
    same_as = sorted({q.object.value for q in store.quads_for_pattern(iri, OWL_SAME_AS, None)})
    if same_as:
        data["sameAs"] = same_as
    if kind == "Event":
        data.update(_links(store, labeller, iri, EVENT_LINKS))
        date = _value(store, iri, str(DIP.date)) or _value(store, iri, str(DIP.startDate))
        if date:
            data["startDate"] = date
    elif kind == "NewsArticle":
        for name, predicate in (("headline", "title"), ("datePublished", "issued"), ("inLanguage", "language")):
            if _value(store, iri, DCT + predicate):
                data[name] = _value(store, iri, DCT + predicate)
        publisher = _value(store, iri, DCT + "publisher")
        if publisher:
            data["publisher"] = {"@type": "Organization", "name": publisher}
        page = _value(store, iri, "https://schema.org/url")
        if page:
            data["mainEntityOfPage"] = page
    elif kind == "Quotation":
        data["text"] = _value(store, iri, str(DIP.quoteText))
        data.update(_links(store, labeller, iri, (("creator", "speaker"), ("isPartOf", "reportedIn"))))
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # `<`, `>` and `&` escaped, so no text in the data can close the script element or open a comment.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def schema_type(store: ox.Store, vocabulary: ox.Store, iri: ox.NamedNode) -> str:
    """Return the schema.org class of a resource: its own class's, or its nearest superclass's, or Thing."""
    todo = [q.object for q in store.quads_for_pattern(iri, RDF_TYPE, None)]
    seen: set = set()
    while todo:
        cls = todo.pop(0)
        if cls in seen or not isinstance(cls, ox.NamedNode):
            continue
        seen.add(cls)
        name = cls.value[len(str(DIP)) :] if cls.value.startswith(str(DIP)) else None
        if name in SCHEMA_TYPES:
            return SCHEMA_TYPES[name]
        todo += [q.object for q in vocabulary.quads_for_pattern(cls, RDFS_SUBCLASS, None)]
    return "Thing"


def _links(store: ox.Store, labeller: Labeller, iri: ox.NamedNode, pairs) -> dict:
    found = {}
    for name, local in pairs:
        nodes = sorted({q.object for q in store.quads_for_pattern(iri, ox.NamedNode(str(DIP[local])), None)}, key=str)
        things = [{"@id": n.value, "name": labeller.label(n)} for n in nodes if isinstance(n, ox.NamedNode)]
        if things:
            found[name] = things if len(things) > 1 else things[0]
    return found


def _value(store: ox.Store, iri: ox.NamedNode, predicate: str) -> str | None:
    quad = next(iter(store.quads_for_pattern(iri, ox.NamedNode(predicate), None)), None)
    return quad.object.value if quad is not None else None
