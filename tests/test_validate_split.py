"""The gate split by article graph gives the whole graph's verdict; unchanged graphs keep theirs across `kg add`."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import Counter

import pytest
from rdflib import RDF, XSD, Dataset, Literal, URIRef, Variable
from rdflib.namespace import DCTERMS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg import config
from kg.articles import read_articles
from kg.build import map_extractions
from kg.cli import EXIT_OK, main
from kg.ids import DIP
from kg.mapping import Build
from kg.publish import current_release, write_nquads
from kg.reference import load_reference
from kg.validate import SH, load_shapes, validate
from kg.validate_split import CONTEXT_PREDICATES, read_verdicts, validate_split
from tests.conftest import ROOT, SEEDS
from tests.test_held_back import LATER, OTHER, write_articles

DEV = ROOT / "tests" / "dev" / "articles"
SCALE_CORPUS = ROOT / "tests" / "data" / "scale_corpus.py"  # a copy of ../shared/tools/scale_corpus.py
SETTINGS = config.load({}, environ={})
BASE = SETTINGS["BASE_IRI"]


def mapped(extractor, folders):
    extractions = list(extractor.pipe(read_articles(folders).articles))
    return map_extractions(extractions, load_reference(BASE), SETTINGS, Build(dt.datetime.now(dt.UTC)))


def verdict(result) -> Counter:
    """Every problem as the report states it: severity, focus, path, message, value, and the articles it is from."""
    return Counter(
        (p.severity, p.focus, p.path_text, p.message, p.value, p.articles, p.origins) for p in result.problems
    )


def assert_same_verdict(dataset, workers: int = 1):
    shapes = load_shapes()
    whole, split = validate(dataset, shapes), validate_split(dataset, shapes, workers=workers)
    assert verdict(split) == verdict(whole), (verdict(split) - verdict(whole), verdict(whole) - verdict(split))
    assert split.conforms == whole.conforms
    assert split.report.value(predicate=RDF.type, object=SH.ValidationReport) is not None
    return whole, split


@pytest.fixture(scope="module")
def dev_mapped(extractor):
    return mapped(extractor, [DEV])


@pytest.fixture
def dev_dataset(dev_mapped):
    """A copy of the development articles' dataset, for a test to change."""
    copy = Dataset()
    copy.addN((s, p, o, copy.graph(g)) for s, p, o, g in dev_mapped.quads((None, None, None, None)))
    return copy


def test_seed_graphs_split_give_the_whole_graph_verdict(extractor):
    assert_same_verdict(mapped(extractor, [SEEDS]))


def test_development_graphs_split_give_the_whole_graph_verdict(dev_dataset):
    whole, _ = assert_same_verdict(dev_dataset)
    assert whole.problems  # warnings: events without a date, at least


def test_a_generated_corpus_split_over_two_processes_gives_the_whole_graph_verdict(extractor, tmp_path):
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(SCALE_CORPUS), str(corpus), "200", str(SEEDS), str(DEV)], check=True)
    assert_same_verdict(mapped(extractor, [corpus]), workers=2)


def article_graphs(dataset) -> list:
    return sorted((g for g in dataset.graphs() if "/graph/article/" in str(g.identifier)), key=lambda g: g.identifier)


def merged_event(dataset):
    """Add talks that two article graphs report (one node stated by both, as coreference merges them); return it
    and the two graphs."""
    event = URIRef(f"{BASE}id/event/injected-talks")
    a, b = [g for g in article_graphs(dataset) if (None, DCTERMS.issued, None) in g][-2:]
    for graph in (a, b):
        graph.add((event, RDF.type, DIP.Talks))
        graph.add((event, DIP.reportedIn, next(graph.subjects(RDF.type, DIP.Article))))
        for country in ("armenia", "azerbaijan"):
            graph.add((event, DIP.participant, URIRef(f"{BASE}id/country/{country}")))
    return event, a, b


def test_injected_violations_of_every_family_give_the_whole_graph_verdict(dev_dataset):
    dataset = dev_dataset
    event, a, b = merged_event(dataset)
    first, second = [g for g in article_graphs(dataset) if g not in (a, b)][:2]
    # local: a date that is no date, on an event one graph alone states (an sh:or of datatypes)
    reported = [e for e in first.subjects(DIP.reportedIn, None) if str(e).startswith(f"{BASE}id/event/")]
    alone = next(e for e in reported if sum((e, RDF.type, None) in g for g in article_graphs(dataset)) == 1)
    # across graphs: each graph gives the merged event one flag; together they break maxCount 1
    a.add((event, DIP.inReference, Literal(False)))
    b.add((event, DIP.inReference, Literal(True)))
    # a type stated elsewhere: a participant another graph types as a place, and one it types as a person
    place, person = URIRef(f"{BASE}id/place/injected"), URIRef(f"{BASE}id/person/injected")
    second.add((place, RDF.type, DIP.Place))
    second.add((person, RDF.type, DIP.Person))
    first.add((alone, DIP.date, Literal("soon")))
    first.add((alone, DIP.participant, place))
    first.add((alone, DIP.participant, person))
    whole, _ = assert_same_verdict(dataset, workers=2)
    messages = {(p.focus, p.message) for p in whole.problems if p.severity == "Violation"}
    assert (event, "dip:inReference must be a single xsd:boolean") in messages
    assert (alone, "dip:date must be an xsd:date, xsd:gYearMonth or xsd:gYear") in messages
    actors = "Participants, hosts and mediators must be a dip:Country, dip:Person or dip:Organization"
    assert [p.value for p in whole.problems if p.focus == alone and p.message == actors] == [place]


def test_a_dated_event_after_its_article_across_graphs_gives_the_whole_graph_verdict(dev_dataset):
    """EventNotAfterArticleShape reads the dct:issued of another node: the article, in its own graph."""
    event, a, _ = merged_event(dev_dataset)
    article = a.value(event, DIP.reportedIn)
    issued = a.value(article, DCTERMS.issued)
    a.add((event, DIP.date, Literal("2999-01-01", datatype=XSD.date)))
    whole, _ = assert_same_verdict(dev_dataset)
    assert issued is not None and any("is after the publication" in p.message for p in whole.problems)


def test_unchanged_graphs_keep_their_verdict_and_only_changed_ones_are_validated_again(dev_dataset, monkeypatch):
    import kg.validate_split as split

    shapes = load_shapes()
    checked = []  # the number of parts each pySHACL call checks
    real = split.check_batch
    monkeypatch.setattr(split, "check_batch", lambda batch, *rest: checked.append(len(batch)) or real(batch, *rest))
    first = validate_split(dev_dataset, shapes, workers=1)
    parts_at_first = sum(checked)
    graph = article_graphs(dev_dataset)[0]
    report = next(graph.subjects(RDF.type, DIP.Report))
    graph.add((report, DIP.dateText, Literal("on Monday")))
    graph.add((report, DIP.dateText, Literal("on Tuesday")))  # one too many
    calls, checked[:] = [], []
    again = validate_split(dev_dataset, shapes, verdicts=first.verdicts, workers=1, progress=lambda *c: calls.append(c))
    changed = len(set(again.verdicts) - set(first.verdicts))
    assert changed == 1 and calls[0][0] == "validating"
    assert sum(checked) == parts_at_first - (len(again.verdicts) - changed)  # the others' verdicts were kept
    assert calls[-1][1:] == (calls[-1][2], calls[-1][2])
    assert verdict(again) == verdict(validate(dev_dataset, shapes))
    assert any(p.focus == report and "dip:dateText" in p.message for p in again.problems)


def graph_digests(dataset, tmp_path) -> dict[str, str]:
    """The digests of the named graphs, as a release's statements file keeps them."""
    return {name: chunk.digest for name, chunk in write_nquads(dataset, tmp_path / "statements.nq").items()}


def record_checked_parts(monkeypatch) -> list:
    """Return the list every part handed to pySHACL is added to, as it is checked."""
    import kg.validate_split as split

    checked = []
    check = split._check

    def recorded(parts):
        for part in parts:
            checked.append(part)
            yield part

    monkeypatch.setattr(split, "_check", lambda parts, *a: check(recorded(parts), *a))
    return checked


def test_verdicts_keyed_by_graph_digests_follow_a_change_of_context_in_another_graph(
    dev_dataset, tmp_path, monkeypatch
):

    shapes = load_shapes()
    first = validate_split(dev_dataset, shapes, workers=1, digests=graph_digests(dev_dataset, tmp_path))
    # A value of one article graph (a participant, say) whose type another graph states, and only that type: the
    # statements of neither graph about their own nodes change, the context of the first one's part does.
    graphs = list(dev_dataset.graphs())
    unchanged, value, other, kind = next(
        (g, o, h, t)
        for g in article_graphs(dev_dataset)
        for o in sorted(set(g.objects()) - set(g.subjects()), key=str)
        if isinstance(o, URIRef)
        for h in graphs
        if h.identifier != g.identifier and len(list(h.predicate_objects(o))) > 1
        for t in h.objects(o, RDF.type)
    )
    other.remove((value, RDF.type, kind))
    checked = record_checked_parts(monkeypatch)
    again = validate_split(
        dev_dataset, shapes, verdicts=first.verdicts, workers=1, digests=graph_digests(dev_dataset, tmp_path)
    )
    assert str(unchanged.identifier) in {str(part.graph) for part in checked}
    assert verdict(again) == verdict(validate(dev_dataset, shapes))
    assert verdict(again) != verdict(first)


def test_a_shared_node_keeps_its_verdict_until_what_the_graphs_say_of_it_changes(dev_dataset, monkeypatch):
    shapes = load_shapes()
    event, a, b = merged_event(dev_dataset)
    first = validate_split(dev_dataset, shapes, workers=1)
    checked = record_checked_parts(monkeypatch)
    same = validate_split(dev_dataset, shapes, verdicts=first.verdicts, workers=1)
    assert not checked and verdict(same) == verdict(first)  # nothing changed: every part's verdict was known
    # each graph gives the merged event one flag: only together do they break maxCount 1
    a.add((event, DIP.inReference, Literal(False)))
    b.add((event, DIP.inReference, Literal(True)))
    checked.clear()
    again = validate_split(dev_dataset, shapes, verdicts=first.verdicts, workers=1)
    assert [part.nodes for part in checked] == [{event}]  # the article graphs' own nodes did not change
    assert verdict(again) == verdict(validate(dev_dataset, shapes))
    assert any(p.focus == event and "dip:inReference" in p.message for p in again.problems)


def test_kg_add_validates_only_the_new_article_graph(tmp_path, monkeypatch):

    data = tmp_path / "data"
    articles = write_articles(tmp_path / "articles", other=OTHER)
    assert main(["build", str(articles), "--data-dir", str(data)]) == EXIT_OK
    kept = read_verdicts(current_release(data))
    assert kept and all(len(key) == 64 for key in kept)
    checked = record_checked_parts(monkeypatch)
    assert main(["add", str(write_articles(tmp_path / "more", later=LATER)), "--data-dir", str(data)]) == EXIT_OK
    graphs = {str(part.graph) for part in checked if part.graph is not None}
    assert graphs == {f"{BASE}graph/article/later"}  # no shape targets the ontology, shapes or build graphs
    assert len(set(kept) & set(read_verdicts(current_release(data)))) == 2  # the reference's and the first article's


def sparql_patterns(node) -> list:
    """Return every triple pattern of a parsed SPARQL algebra tree."""
    if isinstance(node, CompValue):
        found = [t for t in node.get("triples") or [] if isinstance(t, tuple) and len(t) == 3]
        return found + [t for value in node.values() for t in sparql_patterns(value)]
    if isinstance(node, list | tuple):
        return [t for value in node for t in sparql_patterns(value)]
    return []


def test_every_shape_reads_only_what_a_part_holds():
    """The split is exact only while a shape reads a node's own statements, the rdf:type and rdfs:subClassOf of
    its values and the dct:issued of the articles it is reported in (kg/validate_split.py): fail on anything else."""
    shapes = load_shapes()
    allowed = {
        *(SH[n] for n in ("targetClass", "targetSubjectsOf", "property", "sparql", "path", "severity", "message")),
        *(SH[n] for n in ("name", "description", "minCount", "maxCount", "nodeKind", "pattern", "flags", "datatype")),
        *(SH[n] for n in ("class", "or", "in", "lessThan", "minInclusive", "select", "prefixes", "declare")),
        *(SH[n] for n in ("alternativePath", "prefix", "namespace")),
    }
    used = {p for p in shapes.predicates() if str(p).startswith(str(SH))}
    assert used <= allowed, f"shapes use {used - allowed}: check what they read before validating part by part"
    namespaces = {
        str(shapes.value(d, SH.prefix)): shapes.value(d, SH.namespace) for d in shapes.objects(None, SH.declare)
    }
    for select in shapes.objects(None, SH.select):
        query = prepareQuery(str(select), initNs=namespaces)
        patterns = sparql_patterns(query.algebra)
        assert patterns, select
        values = {o for s, p, o in patterns if s == Variable("this") and isinstance(o, Variable)}
        for subject, predicate, _ in patterns:
            assert subject == Variable("this") or (subject in values and predicate in CONTEXT_PREDICATES), select
