"""Namespaces, prefixes and the data files of the vocabulary: what every stage shares, importing nothing heavy.

The web server and the query workers read these without loading the extractor (spaCy and its pipeline).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDFS, XSD, Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from kg.ids import DIP, DIPST

SCHEMA = Namespace("https://schema.org/")
# ontology/ and shapes/ live at the top of the repository; kg/data links them into the installed package.
DATA_DIR = Path(__file__).resolve().parent / "data"
ONTOLOGY_FILE = DATA_DIR / "ontology" / "diplomacy.ttl"
SHAPES_FILE = DATA_DIR / "shapes" / "diplomacy-shapes.ttl"

PREFIXES = {
    "dip": DIP,
    "dipst": DIPST,
    "schema": SCHEMA,
    "prov": PROV,
    "dct": DCTERMS,
    "skos": SKOS,
    "owl": OWL,
    "xsd": XSD,
    "rdfs": RDFS,
}


def load_turtle(path: Path) -> Graph:
    """Parse a Turtle file of the project (ontology or shapes)."""
    return Graph().parse(path, format="turtle")
