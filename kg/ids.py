"""Stable, readable identifiers: slugs and the IRIs built from them."""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace, URIRef

DIP = Namespace("https://w3id.org/diplomacy-kg/ontology#")
DIPST = Namespace("https://w3id.org/diplomacy-kg/ontology/status#")
DEFAULT_BASE = "https://w3id.org/diplomacy-kg/"

_FOLD = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"})


def slugify(text: str) -> str:
    """Fold `text` to lower-case ASCII words joined by hyphens."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class IRIs:
    """Build the data IRIs of one deployment from its base IRI."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base if base.endswith("/") else base + "/"

    def entity(self, kind: str, slug: str) -> URIRef:
        """Return `{base}id/{kind}/{slug}`."""
        return URIRef(f"{self.base}id/{kind}/{slug}")

    def article(self, identifier: str) -> URIRef:
        """Return the IRI of the article with this identifier (file stem)."""
        return self.entity("article", slugify(identifier))

    def article_graph(self, identifier: str) -> URIRef:
        """Return the named graph holding what one article supports."""
        return URIRef(f"{self.base}graph/article/{slugify(identifier)}")

    def graph(self, name: str) -> URIRef:
        """Return a fixed named graph: reference, ontology, shapes, build."""
        return URIRef(f"{self.base}graph/{name}")
