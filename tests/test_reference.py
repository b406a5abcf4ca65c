"""The curated reference graph: loadable under any base, and external links only where the table allows."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Literal
from rdflib.namespace import OWL, SKOS

from kg.ids import DIP
from kg.reference import Gazetteer, load_reference

TABLE = Path(__file__).parent / "data" / "reference-entities.tsv"
WELL_FORMED = re.compile(
    r"^(http://www\.wikidata\.org/entity/Q[1-9]\d*"
    r"|http://dbpedia\.org/resource/[^\s<>\"{}|\\^`]+"
    r"|https://sws\.geonames\.org/[1-9]\d*/)$"
)


@pytest.fixture(scope="module")
def reference():
    return load_reference()


def _allowed_ids() -> dict[str, set[str]]:
    """Map each label of the table to the external IRIs it grades verified or likely."""
    allowed: dict[str, set[str]] = {}
    with TABLE.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            grades = dict(_grade(part) for part in row["confidence"].split(";"))
            ids = set()
            if row["wikidata_qid"].strip() and grades.get("qid") in ("verified", "likely"):
                ids.add(f"http://www.wikidata.org/entity/{row['wikidata_qid'].strip()}")
            if row["dbpedia_uri"].strip() and grades.get("dbpedia") in ("verified", "likely"):
                ids.add(row["dbpedia_uri"].strip())
            if row["geonames_id"].strip() and grades.get("geonames") in ("verified", "likely"):
                ids.add(f"https://sws.geonames.org/{row['geonames_id'].strip()}/")
            allowed[row["label"]] = ids
    return allowed


def _grade(part: str) -> tuple[str, str]:
    part = part.strip()
    if ":" in part:
        site, grade = part.split(":", 1)
        return site.strip(), grade.strip()
    grade, _, site = part.partition(" (")
    return site.rstrip(")"), grade.strip()


def test_every_same_as_is_well_formed_and_graded_verified_or_likely(reference):
    allowed = _allowed_ids()
    for subject, target in reference.subject_objects(OWL.sameAs):
        assert WELL_FORMED.match(str(target)), f"{subject} sameAs malformed {target}"
        names = {str(n) for p in (RDFS.label, SKOS.altLabel) for n in reference.objects(subject, p)}
        rows = [label for label in allowed if label in names]
        assert rows, f"{subject} has sameAs {target} but no row of the table names it"
        assert any(str(target) in allowed[label] for label in rows), f"{subject} {target} not in {rows}"


def test_every_table_row_is_in_the_reference_graph(reference):
    names = {str(n) for p in (RDFS.label, SKOS.altLabel) for n in reference.objects(None, p)}
    missing = [label for label in _allowed_ids() if label not in names]
    assert not missing


def test_every_graded_identifier_of_the_table_is_asserted(reference):
    asserted = {str(o) for o in reference.objects(None, OWL.sameAs)}
    for label, ids in _allowed_ids().items():
        assert ids <= asserted, f"{label}: {ids - asserted} not asserted"


def test_relative_iris_resolve_against_the_base():
    graph = load_reference("http://example.org/kg/")
    subjects = {str(s) for s in graph.subjects(RDF.type, DIP.Person)}
    assert "http://example.org/kg/id/person/hakan-fidan" in subjects
    assert all(s.startswith("http://example.org/kg/id/") for s in subjects)


def test_every_entity_has_an_english_label(reference):
    for node in reference.subjects(DIP.inReference, Literal(True)):
        if (node, RDF.type, DIP.PositionHolding) in reference:
            continue
        labels = list(reference.objects(node, RDFS.label))
        assert labels and all(label.language == "en" for label in labels), node


def test_gazetteer_resolves_offices_by_date(reference):
    gazetteer = Gazetteer.from_graph(reference)
    minister = "position/minister-of-foreign-affairs-of-turkey"
    assert gazetteer.holders(minister, dt.date(2022, 3, 5)) == ["person/mevlut-cavusoglu"]
    assert gazetteer.holders(minister, dt.date(2024, 8, 27)) == ["person/hakan-fidan"]


def test_gazetteer_surface_forms_include_folded_and_dash_variants(reference):
    forms = Gazetteer.from_graph(reference).surface_forms()
    assert forms["Kilic"] == {"person/serdar-kilic"}
    assert forms["Türkiye"] == {"country/turkey"}
    assert forms["Baku-Tbilisi-Kars railway"] == forms["Baku–Tbilisi–Kars railway"]


def test_capitals_and_demonyms(reference):
    gazetteer = Gazetteer.from_graph(reference)
    assert gazetteer.capitals()["place/yerevan"] == "country/armenia"
    assert gazetteer.demonyms()["Azerbaijani"] == "country/azerbaijan"
