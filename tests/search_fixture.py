"""The hand-made Linked Data release plus the people the search tests look for."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.ids import DIP
from kg.web.testing import publish_dataset
from tests.linked_data_fixture import BASE, BUILD_ID, linked_data_dataset

PASHINYAN = BASE + "id/person/nikol-pashinyan"


def search_dataset():
    """Return the Linked Data fixture with Nikol Pashinyan (and an alias of his) in the reference graph."""
    dataset = linked_data_dataset()
    reference = dataset.graph(URIRef(BASE + "graph/reference"))
    person = URIRef(PASHINYAN)
    reference.add((person, RDF.type, DIP.Person))
    reference.add((person, RDFS.label, Literal("Nikol Pashinyan", lang="en")))
    reference.add((person, SKOS.altLabel, Literal("Nikol Vovayi Pashinyan", lang="en")))
    reference.add((person, DIP.role, Literal("Prime Minister of Armenia", lang="en")))
    quote = URIRef(BASE + "id/quote/002-hostile-1")
    dataset.graph(URIRef(BASE + "graph/article/002-hostile")).add(
        (quote, RDFS.label, Literal("Quote of Hakan Fidan in Fidan meets Bayramov", lang="en"))
    )
    return dataset


def publish_search_fixture(data_dir: Path, build_id: str = BUILD_ID) -> Path:
    """Publish the search fixture into `data_dir`; return the release folder."""
    return publish_dataset(data_dir, search_dataset(), build_id)
