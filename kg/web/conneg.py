"""Content negotiation: the one table of media types ↔ serializers, used by every surface."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept


@dataclass(frozen=True)
class Format:
    """A serialization the server can write: its media type, `format=`/suffix names and writer."""

    media_type: str
    names: tuple[str, ...]  # values of the `format` parameter and file suffixes (first is canonical)
    writer: ox.RdfFormat | ox.QueryResultsFormat
    aliases: tuple[str, ...] = ()  # other media types clients send for the same thing
    text: bool = True

    @property
    def content_type(self) -> str:
        """Return the Content-Type header value, with charset for text formats."""
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    @property
    def suffix(self) -> str:
        """Return the canonical file suffix / `format` value."""
        return self.names[0]


# Formats for RDF graphs (CONSTRUCT/DESCRIBE results, resource descriptions). First is the default.
RDF_FORMATS = (
    Format("text/turtle", ("ttl", "turtle"), ox.RdfFormat.TURTLE, ("application/x-turtle",)),
    Format("application/n-triples", ("nt", "ntriples"), ox.RdfFormat.N_TRIPLES),
    Format("application/ld+json", ("jsonld", "json-ld", "json"), ox.RdfFormat.JSON_LD, ("application/json",)),
    Format("application/rdf+xml", ("rdf", "xml", "rdfxml"), ox.RdfFormat.RDF_XML, ("application/xml",)),
    Format("application/trig", ("trig",), ox.RdfFormat.TRIG),
    Format("application/n-quads", ("nq", "nquads"), ox.RdfFormat.N_QUADS),
)

# Formats for SELECT/ASK results. First is the default.
RESULT_FORMATS = (
    Format("application/sparql-results+json", ("json", "srj"), ox.QueryResultsFormat.JSON, ("application/json",)),
    Format("application/sparql-results+xml", ("xml", "srx"), ox.QueryResultsFormat.XML, ("application/xml",)),
    Format("text/csv", ("csv",), ox.QueryResultsFormat.CSV),
    Format("text/tab-separated-values", ("tsv",), ox.QueryResultsFormat.TSV),
)

HTML = "text/html"


def by_name(formats: tuple[Format, ...], name: str) -> Format | None:
    """Return the format named by a `format` parameter or file suffix, if any."""
    name = name.lower().lstrip(".")
    return next((f for f in formats if name in f.names or name == f.media_type or name in f.aliases), None)


def negotiate(accept: MIMEAccept, formats: tuple[Format, ...], html: bool = False) -> Format | str | None:
    """Pick the best format for an Accept header: a Format, `HTML` if allowed and preferred, or None (406).

    An absent or `*/*` Accept gets the first format of `formats` (or HTML when `html` is set).
    """
    offers: dict[str, Format | str] = {}
    if html:
        offers[HTML] = HTML
        offers["application/xhtml+xml"] = HTML
    for fmt in formats:
        offers.setdefault(fmt.media_type, fmt)
        for alias in fmt.aliases:
            offers.setdefault(alias, fmt)
    if not accept or not accept.values():
        return HTML if html else formats[0]
    best = accept.best_match(list(offers))
    if best is None:
        return None
    if accept.best == "*/*" and accept[best] == accept["*/*"] and not html:
        return formats[0]
    return offers[best]


def choose(accept: MIMEAccept, offers: dict[str, str]) -> str | None:
    """Return the name of the offer (media type → name) `accept` prefers: "html" when it states no preference
    (absent, empty or `*/*` first, as browsers and curl send), None when it accepts none of them (a 406)."""
    if not accept or not accept.values() or accept.best == "*/*":
        return "html"
    best = accept.best_match(list(offers))
    return None if best is None else offers[best]
