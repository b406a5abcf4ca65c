"""External links: every owl:sameAs in a built graph is a well-formed Wikidata/DBpedia/GeoNames IRI from the table."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, VOID

from kg.reference import load_reference
from tests.linked_data_fixture import linked_data_dataset

TABLE = Path(__file__).parent / "data" / "reference-entities.tsv"
WIKIDATA = re.compile(r"^http://www\.wikidata\.org/entity/Q[1-9][0-9]*$")
DBPEDIA = re.compile(r"^http://dbpedia\.org/resource/[^\s<>\"{}|\\^`/#?][^\s<>\"{}|\\^`#?]*$")
GEONAMES = re.compile(r"^https://sws\.geonames\.org/[1-9][0-9]*/$")
SAME_AS = ox.NamedNode(str(OWL.sameAs))


def well_formed(iri: str) -> bool:
    """Return whether `iri` is a Wikidata entity, a DBpedia resource or a GeoNames feature IRI."""
    return any(pattern.match(iri) for pattern in (WIKIDATA, DBPEDIA, GEONAMES))


def table_identifiers() -> set[str]:
    """Return every external IRI the reference table grades verified or likely."""
    found = set()
    with TABLE.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream, delimiter="\t"):
            grades = row["confidence"].lower()
            qid, dbpedia, geonames = row["wikidata_qid"].strip(), row["dbpedia_uri"].strip(), row["geonames_id"].strip()
            if qid and re.search(r"(verified|likely) \(qid\)", grades):
                found.add(f"http://www.wikidata.org/entity/{qid}")
            if dbpedia and re.search(r"dbpedia: (verified|likely)", grades):
                found.add(dbpedia)
            if geonames and re.search(r"geonames: (verified|likely)", grades):
                found.add(f"https://sws.geonames.org/{geonames}/")
    return found


@pytest.mark.parametrize(
    "iri",
    [
        "https://www.wikidata.org/wiki/Q43",
        "http://www.wikidata.org/entity/P31",
        "http://www.wikidata.org/entity/Q",
        "https://dbpedia.org/resource/Turkey",
        "http://dbpedia.org/page/Turkey",
        "http://dbpedia.org/resource/",
        "http://sws.geonames.org/298795/",
        "https://sws.geonames.org/298795",
        "https://www.geonames.org/298795",
        "http://example.org/turkey",
    ],
)
def test_the_check_rejects_near_misses(iri):
    assert not well_formed(iri)


def test_the_check_accepts_the_three_forms():
    for iri in (
        "http://www.wikidata.org/entity/Q43",
        "http://dbpedia.org/resource/Recep_Tayyip_Erdoğan",
        "https://sws.geonames.org/298795/",
    ):
        assert well_formed(iri)


def test_reference_graph_links_are_well_formed_and_from_the_table():
    allowed = table_identifiers()
    links = {str(o) for o in load_reference().objects(None, OWL.sameAs)}
    assert links, "the reference graph has no external links"
    assert [iri for iri in links if not well_formed(iri)] == []
    assert sorted(links - allowed) == []


def test_fixture_links_are_well_formed():
    links = {str(q[2]) for q in linked_data_dataset().quads((None, OWL.sameAs, None, None))}
    assert links and all(well_formed(iri) for iri in links)


def test_built_seed_graph_links_are_well_formed_and_from_the_table(seed_release):
    store = ox.Store.read_only(str(seed_release / "store"))
    links = {q.object.value for q in store.quads_for_pattern(None, SAME_AS, None)}
    assert links
    assert [iri for iri in links if not well_formed(iri)] == []
    assert sorted(links - table_identifiers()) == []
    void = Graph().parse(seed_release / "dumps" / "void.ttl", format="turtle")
    counts = {
        str(void.value(void.value(linkset, VOID.objectsTarget), VOID.uriSpace)): int(void.value(linkset, VOID.triples))
        for linkset in void.subjects(RDF.type, VOID.Linkset)
    }
    pairs = {(q.subject, q.object.value) for q in store.quads_for_pattern(None, SAME_AS, None)}
    expected = {space: sum(1 for _, o in pairs if o.startswith(space)) for space in counts}
    assert len(counts) == 3  # the seed build publishes one linkset per external dataset, with its link count
    assert counts == expected and all(expected.values())
