"""SHACL shapes, table-driven: every shape has a folder of conforming, violating and warning examples.

`tests/shapes/<ShapeName>/` holds `conforms-*.ttl` (no Violation at all), `violates-*.ttl` (at least
one Violation, and every Violation comes from that shape) and `warns-*.ttl` (no Violation; at least one
Warning from that shape). The first line of each file is a comment saying what it shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, SKOS

from kg.ids import DIP, DIPST
from kg.validate import Problem, format_problems, load_shapes, shapes_path, validate
from tests.test_ontology import CONTRACT_CLASSES

SH = Namespace("http://www.w3.org/ns/shacl#")
DIPSH = Namespace("https://w3id.org/diplomacy-kg/shapes#")
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "shapes"
KINDS = ("conforms", "violates", "warns")
CASES = sorted(FIXTURES.glob("*/*.ttl"))
BASE = "https://w3id.org/diplomacy-kg/"
DCT = Namespace("http://purl.org/dc/terms/")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """Parse the shapes once: they are read-only data for every case."""
    return load_shapes()


def _kind(case: Path) -> str:
    return case.name.partition("-")[0]


def _owned(shapes: Graph, shape: URIRef) -> set:
    """Return the shape and the property shapes it declares: the possible sourceShape of its results."""
    return {shape, *shapes.objects(shape, SH.property)}


def _from(problems: list[Problem], owned: set, severity: str) -> list[Problem]:
    return [p for p in problems if p.severity == severity and p.shape in owned]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.stem}")
def test_fixture(case: Path, shapes: Graph) -> None:
    result = validate(Graph().parse(case, format="turtle"), shapes)
    owned = _owned(shapes, DIPSH[case.parent.name])
    violations = [p for p in result.problems if p.severity == "Violation"]
    kind = _kind(case)
    if kind == "conforms":
        assert result.conforms, format_problems(violations)
    elif kind == "violates":
        assert not result.conforms
        assert _from(violations, owned, "Violation"), format_problems(result.problems)
        assert all(p.shape in owned for p in violations), format_problems(violations)
    else:
        assert result.conforms, format_problems(violations)
        assert _from(result.problems, owned, "Warning"), format_problems(result.problems)


def test_fixture_files_are_named_and_commented() -> None:
    for case in CASES:
        assert _kind(case) in KINDS, f"{case}: name must start with one of {KINDS}"
        assert case.read_text(encoding="utf-8").startswith("# "), f"{case}: first line must say what it shows"


def test_every_node_shape_has_a_fixture_folder(shapes: Graph) -> None:
    names = {str(s).removeprefix(str(DIPSH)) for s in shapes.subjects(RDF.type, SH.NodeShape)}
    folders = {folder.name for folder in FIXTURES.iterdir() if folder.is_dir()}
    assert names == folders
    for folder in folders:
        kinds = {_kind(case) for case in (FIXTURES / folder).glob("*.ttl")}
        assert {"conforms", "violates"} <= kinds, f"{folder} needs a conforming and a violating example"


def test_every_contract_class_has_a_shape(shapes: Graph) -> None:
    for name in CONTRACT_CLASSES:
        assert (DIPSH[f"{name}Shape"], SH.targetClass, DIP[name]) in shapes, name


def test_event_shapes_target_every_event_class_explicitly(shapes: Graph) -> None:
    ontology = Graph().parse(ROOT / "ontology" / "diplomacy.ttl")
    events = {DIP.Event, *ontology.subjects(RDFS.subClassOf, DIP.Event)}
    assert len(events) == 20
    for shape in (DIPSH.EventShape, DIPSH.EventNotAfterArticleShape):
        assert set(shapes.objects(shape, SH.targetClass)) == events


def test_shapes_are_documented(shapes: Graph) -> None:
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert shapes.value(shape, RDFS.label) and shapes.value(shape, RDFS.comment), shape
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        for prop in shapes.objects(node_shape, SH.property):
            assert shapes.value(prop, SH.name) and shapes.value(prop, SH.message), (node_shape, prop)


def test_shapes_import_nothing(shapes: Graph) -> None:
    assert not list(shapes.triples((None, OWL.imports, None)))


def test_relation_statuses_match_the_ontology_scheme(shapes: Graph) -> None:
    ontology = Graph().parse(ROOT / "ontology" / "diplomacy.ttl")
    in_scheme = set(ontology.subjects(SKOS.inScheme, DIPST.RelationStatusScheme))
    status_shape = next(
        p for p in shapes.objects(DIPSH.BilateralRelationShape, SH.property) if shapes.value(p, SH.path) == DIP.status
    )
    assert set(Collection(shapes, shapes.value(status_shape, SH["in"]))) == in_scheme


def test_shapes_path_points_at_the_top_level_shapes_file() -> None:
    assert shapes_path().resolve() == (ROOT / "shapes" / "diplomacy-shapes.ttl").resolve()


def _article_dataset() -> Dataset:
    """Two article graphs reporting one event; the second article dates it after its own publication."""
    dataset = Dataset()
    reference = dataset.graph(URIRef(BASE + "graph/reference"))
    for slug in ("hakan-fidan", "jeyhun-bayramov"):
        person = URIRef(f"{BASE}id/person/{slug}")
        reference.add((person, RDF.type, DIP.Person))
        reference.add((person, RDFS.label, Literal(slug, lang="en")))
    event = URIRef(BASE + "id/event/2024-08-27-meeting-ankara-bayramov-fidan")
    for stem, date, issued in (("a", "2024-08-27", "2024-09-01"), ("b", "2024-08-30", "2024-08-28")):
        graph = dataset.graph(URIRef(f"{BASE}graph/article/{stem}"))
        article = URIRef(f"{BASE}id/article/{stem}")
        graph.add((article, RDF.type, DIP.Article))
        graph.add((article, DCT.identifier, Literal(stem)))
        graph.add((event, RDF.type, DIP.Meeting))
        graph.add((event, DIP.participant, URIRef(BASE + "id/person/hakan-fidan")))
        graph.add((event, DIP.participant, URIRef(BASE + "id/person/jeyhun-bayramov")))
        graph.add((event, DIP.reportedIn, article))
        graph.add((event, DIP.date, Literal(date, datatype=rdflib.XSD.date)))
        graph.add((article, DCT.issued, Literal(issued, datatype=rdflib.XSD.date)))
    return dataset


def test_dataset_problems_name_the_article_graphs(shapes: Graph) -> None:
    result = validate(_article_dataset(), shapes)
    (violation,) = [p for p in result.problems if p.severity == "Violation"]
    assert violation.shape == DIPSH.EventNotAfterArticleShape
    assert "/id/article/b" in violation.message
    assert violation.graph == (URIRef(BASE + "graph/article/a"), URIRef(BASE + "graph/article/b"))
    assert not result.conforms


def test_warnings_do_not_block_publishing(shapes: Graph) -> None:
    dataset = _article_dataset()
    dataset.remove((None, DIP.date, Literal("2024-08-30", datatype=rdflib.XSD.date), None))
    result = validate(dataset, shapes)
    assert result.conforms
    assert {p.severity for p in result.problems} == {"Warning"}
    assert (None, RDF.type, SH.ValidationReport) in result.report
    assert result.text.startswith("conforms: 0 violations, 2 warnings, 0 infos\n")


def test_format_problems_gives_one_line_per_problem(shapes: Graph) -> None:
    result = validate(_article_dataset(), shapes)
    lines = format_problems(result.problems).splitlines()
    assert len(lines) == len(result.problems)
    violation = next(line for line in lines if line.startswith("Violation"))
    assert "<https://w3id.org/diplomacy-kg/id/event/2024-08-27-meeting-ankara-bayramov-fidan>" in violation
    assert violation.endswith("(from article a, article b)")
    assert any("dip:report" in line for line in lines if line.startswith("Warning"))


def test_report_names_the_article_or_graph_each_result_comes_from(shapes: Graph) -> None:
    dataset = _article_dataset()
    reference = dataset.graph(URIRef(BASE + "graph/reference"))
    reference.add((URIRef(BASE + "id/person/unnamed"), RDF.type, DIP.Person))  # no label: a violation
    result = validate(dataset, shapes)
    derived = {
        (result.report.value(r, SH.focusNode), origin)
        for r, origin in result.report.subject_objects(URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    }
    event = URIRef(BASE + "id/event/2024-08-27-meeting-ankara-bayramov-fidan")
    assert (event, URIRef(BASE + "id/article/a")) in derived and (event, URIRef(BASE + "id/article/b")) in derived
    assert (URIRef(BASE + "id/person/unnamed"), URIRef(BASE + "graph/reference")) in derived
    line = next(line for line in result.text.splitlines() if "id/person/unnamed" in line)
    assert line.startswith("Violation") and "rdfs:label" in line
    assert line.endswith(f"(from graph <{BASE}graph/reference>)")


def test_validation_never_touches_the_network(shapes: Graph, monkeypatch) -> None:
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access during validation")

    monkeypatch.setattr("socket.socket.connect", refuse)
    monkeypatch.setattr("socket.create_connection", refuse)
    monkeypatch.setattr("urllib.request.urlopen", refuse)
    data = Graph()
    data.add((URIRef(BASE + "doc"), RDF.type, OWL.Ontology))
    data.add((URIRef(BASE + "doc"), OWL.imports, URIRef("http://example.org/remote-data.ttl")))
    data.add((URIRef(BASE + "doc"), SH.shapesGraph, URIRef("http://example.org/remote-shapes.ttl")))
    data.add((URIRef(BASE + "id/person/x"), RDF.type, DIP.Person))
    importing_shapes = Graph()
    for triple in shapes:
        importing_shapes.add(triple)
    importing_shapes.add((URIRef(BASE + "shapes-doc"), RDF.type, OWL.Ontology))
    importing_shapes.add((URIRef(BASE + "shapes-doc"), OWL.imports, URIRef("http://example.org/more-shapes.ttl")))
    result = validate(data, importing_shapes)
    assert attempts == []
    assert not result.conforms  # the unlabelled person is still checked
