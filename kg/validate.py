"""The SHACL gate: check data against the shapes; a violation holds back the articles it comes from, warnings do not."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyshacl
from rdflib import RDF, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, PROV, NamespaceManager
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg.ids import DIP, DIPST
from kg.mapping import MappedGraphs

SH = Namespace("http://www.w3.org/ns/shacl#")
_SHAPES_FILE = "diplomacy-shapes.ttl"


@dataclass(frozen=True)
class Problem:
    """One SHACL result: what is wrong, where, and which article graph(s) the node comes from."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: Node
    path: Node | None
    message: str
    value: Node | None
    shape: Node | None
    graph: tuple[URIRef, ...] = ()
    path_text: str = ""  # the path in SPARQL syntax, e.g. "dip:participant|dip:host"
    origins: tuple[str, ...] = ()  # where the focus node comes from, e.g. "article 002_4d3f…" or "graph <…>"
    articles: tuple[str, ...] = ()  # identifiers of the articles whose graphs state the focus node
    result: Node | None = field(default=None, compare=False, repr=False)  # its sh:ValidationResult in the report


@dataclass
class ValidationResult:
    """The outcome of the gate: `conforms` is False only when there is at least one Violation.

    `report` is the SHACL report graph, each result linked by prov:wasDerivedFrom to the article
    (or, for reference data, the named graph) stating its focus node; `text` is the readable report.
    """

    conforms: bool
    report: Graph
    text: str
    problems: list[Problem] = field(default_factory=list)
    articles: dict[str, tuple[URIRef, URIRef]] = field(default_factory=dict)  # identifier → (its graph, its IRI)
    verdicts: dict = field(default_factory=dict)  # digest of a graph's part → its results (kg/validate_split.py)


def shapes_path() -> Path:
    """Return the shapes file (the top-level `shapes/` folder, packaged as `kg/data/shapes/`)."""
    return Path(__file__).resolve().parent / "data" / "shapes" / _SHAPES_FILE


def load_shapes() -> Graph:
    """Parse the project's shapes graph."""
    return Graph().parse(shapes_path(), format="turtle")


def validate(
    data: Graph | Dataset | MappedGraphs,
    shapes: Graph | None = None,
    graphs: set[URIRef] | None = None,
    focus_nodes: list[Node] | None = None,
) -> ValidationResult:
    """Validate `data` (a dataset as the union of its graphs, or of `graphs` only) against the shapes."""
    union, sources = _union(data, graphs)
    _, report, _ = pyshacl.validate(
        union,
        shacl_graph=shapes if shapes is not None else load_shapes(),
        inference="none",
        advanced=False,  # no SHACL-AF rules or targets: validate the private union in place, uncloned
        do_owl_imports=False,
        allow_warnings=True,
        abort_on_first=False,
        focus_nodes=focus_nodes,
    )
    return read_report(report, sources)


def read_report(report: Graph, sources: Sources) -> ValidationResult:
    """Return the gate's result for a SHACL report, each result linked to the article or graph of its focus node."""
    _link_sources(report, sources)
    problems = sorted(_problems(report, sources), key=_problem_order)
    conforms = not any(problem.severity == "Violation" for problem in problems)
    articles = {identifier: (graph, iri) for graph, (identifier, iri) in sources.article_of.items()}
    return ValidationResult(conforms, report, report_text(problems), problems, articles)


def report_text(problems: list[Problem]) -> str:
    """Render the readable report: a verdict line with the counts, then one line per problem."""
    counts = {s: sum(p.severity == s for p in problems) for s in ("Violation", "Warning", "Info")}
    verdict = "does NOT conform" if counts["Violation"] else "conforms"
    head = f"{verdict}: {counts['Violation']} violations, {counts['Warning']} warnings, {counts['Info']} infos"
    return "\n".join([head, *(format_problems(problems).splitlines())]) + "\n"


def format_problems(problems: list[Problem]) -> str:
    """Render problems one per line: severity, focus node, path, message and source graph(s)."""
    names = _namespaces()
    return "\n".join(_format_problem(problem, names) for problem in problems)


def blame(
    result: ValidationResult, data: Dataset | MappedGraphs, shapes: Graph | None = None
) -> dict[str, list[Problem]] | None:
    """Return, per article, the violations its graph accounts for; None if a violation comes from no article.

    A violation on a node one article's graph states is that article's. A node several graphs state (an event
    they all report is one node) is checked again in each of those article graphs beside the shared graphs
    (reference, ontology, build): the articles whose own statements show the violation are blamed; if none
    shows it alone, it arises from their statements together and all of them are.
    """
    blamed: dict[str, list[Problem]] = {}
    for problem in (p for p in result.problems if p.severity == "Violation"):
        if not problem.articles:
            return None
        for identifier in _culprits(problem, result, data, shapes):
            blamed.setdefault(identifier, []).append(problem)
    return blamed


def _culprits(
    problem: Problem, result: ValidationResult, data: Dataset | MappedGraphs, shapes: Graph | None
) -> tuple[str, ...]:
    if len(problem.articles) == 1 or not isinstance(problem.focus, URIRef):
        return problem.articles  # pySHACL's focus_nodes option takes IRIs only: a blank node stays on all
    article_graphs = {graph for graph, _ in result.articles.values()}
    names = data.names() if isinstance(data, MappedGraphs) else [graph.identifier for graph in data.graphs()]
    shared = set(names) - article_graphs
    alone = tuple(
        identifier
        for identifier in problem.articles
        if _shows(problem, validate(data, shapes, shared | {result.articles[identifier][0]}, [problem.focus]))
    )
    return alone or problem.articles


def _shows(problem: Problem, result: ValidationResult) -> bool:
    """Return whether `result` holds the same violation as `problem` (same node, path and message)."""
    return any(
        (p.severity, p.focus, p.path_text, p.message)
        == (problem.severity, problem.focus, problem.path_text, problem.message)
        for p in result.problems
    )


@dataclass
class HeldBack:
    """Articles kept out of a release: per article, the violations its graph showed, and their SHACL results."""

    problems: dict[str, list[Problem]] = field(default_factory=dict)
    iris: dict[str, URIRef] = field(default_factory=dict)
    report: Graph = field(default_factory=Graph)

    def __len__(self) -> int:
        return len(self.problems)

    def __contains__(self, identifier: object) -> bool:
        return identifier in self.problems

    def add(self, blamed: dict[str, list[Problem]], result: ValidationResult) -> None:
        """Hold back the articles of `blamed`, keeping the results of their violations from `result`'s report."""
        for identifier, problems in blamed.items():
            self.problems.setdefault(identifier, []).extend(problems)
            self.iris[identifier] = result.articles[identifier][1]
        _copy_results(result.report, [p.result for ps in blamed.values() for p in ps], self.report)

    def reason(self, identifier: str) -> str:
        """Return why an article was held back: its first violation, and how many it has."""
        problems = self.problems[identifier]
        more = f" (and {_violations(len(problems) - 1)} more)" if len(problems) > 1 else ""
        return problems[0].message + more

    def entries(self) -> list[dict]:
        """Return one entry per held-back article: identifier, IRI, reason and number of violations."""
        return [
            {
                "article": identifier,
                "iri": str(self.iris[identifier]),
                "reason": self.reason(identifier),
                "violations": len(problems),
            }
            for identifier, problems in sorted(self.problems.items())
        ]

    def text(self) -> str:
        """Render the readable report: per held-back article, a heading line and its violations."""
        parts = []
        for identifier, problems in sorted(self.problems.items()):
            parts.append(f"{identifier}: held back, {_violations(len(problems))}")
            parts.extend("  " + line for line in format_problems(problems).splitlines())
        return "\n".join(parts) + "\n" if parts else ""


def _violations(count: int) -> str:
    return f"{count} violation{'s' if count != 1 else ''}"


def _copy_results(report: Graph, results: list[Node | None], target: Graph) -> None:
    """Copy the given results of `report`, with the blank nodes they lead to, into one non-conforming report."""
    node = target.value(predicate=RDF.type, object=SH.ValidationReport)
    if node is None:
        node = BNode()
        target.add((node, RDF.type, SH.ValidationReport))
        target.add((node, SH.conforms, Literal(False)))
        target.bind("sh", SH)
        target.bind("prov", PROV)
    for result in results:
        if result is None:
            continue
        target.add((node, SH.result, result))
        for triple in report.cbd(result):
            target.add(triple)


class PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once.

    pySHACL runs a SHACL-SPARQL constraint once per focus node and hands rdflib the
    same query text every time; rdflib re-parses it on every call, which took ~85% of
    the gate's time on the seed graph (10 s → 1.4 s with this cache).
    """

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


@dataclass
class Sources:
    """Per subject, the named graphs stating it; per article graph, the article's identifier and IRI."""

    graphs_of: dict[Node, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    article_of: dict[URIRef, tuple[str, URIRef]] = field(default_factory=dict)

    def origins(self, focus: Node) -> list[tuple[URIRef, str]]:
        """Return (IRI, readable name) of the article of each graph stating `focus`, or of the graph itself."""
        found = []
        for graph in sorted(self.graphs_of.get(focus, ())):
            if graph in self.article_of:
                identifier, article = self.article_of[graph]
                found.append((article, f"article {identifier}"))
            else:
                found.append((graph, f"graph <{graph}>"))
        return found


def _union(data: Graph | Dataset | MappedGraphs, graphs: set[URIRef] | None = None) -> tuple[Graph, Sources]:
    """Return a private copy of the union of the data's graphs (or of `graphs`) and where each subject comes from."""
    union = PreparedQueryGraph()
    sources = Sources()
    if not isinstance(data, Dataset | MappedGraphs):
        for triple in data:
            union.add(triple)
        return union, sources
    identifiers = []
    quads = data.quads((None, None, None, None))
    if isinstance(data, MappedGraphs) and graphs is not None:  # read only the graphs wanted
        quads = ((s, p, o, name) for name, triples in data.items() if name in graphs for s, p, o in triples)
    for subject, predicate, obj, context in quads:
        name = getattr(context, "identifier", context)
        if graphs is not None and name not in graphs:
            continue
        union.add((subject, predicate, obj))
        if name is not None and name != DATASET_DEFAULT_GRAPH_ID:
            sources.graphs_of[subject].add(name)
            if predicate == DCTERMS.identifier:
                identifiers.append((name, subject, str(obj)))
    for name, subject, identifier in identifiers:
        if (subject, RDF.type, DIP.Article) in union:
            sources.article_of[name] = (identifier, subject)
    return union, sources


def _link_sources(report: Graph, sources: Sources) -> None:
    """State in the report, per result, the article or graph its focus node comes from."""
    for result in list(report.subjects(RDF.type, SH.ValidationResult)):
        for origin, _ in sources.origins(report.value(result, SH.focusNode)):
            report.add((result, PROV.wasDerivedFrom, origin))


def _problems(report: Graph, sources: Sources) -> list[Problem]:
    """Read the validation results of a SHACL report graph."""
    problems = []
    names = _namespaces()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        severity = report.value(result, SH.resultSeverity)
        messages = sorted(str(message) for message in report.objects(result, SH.resultMessage))
        graphs = tuple(sorted(sources.graphs_of.get(focus, ())))
        problems.append(
            Problem(
                severity=str(severity).rpartition("#")[2] if severity else "Violation",
                focus=focus,
                path=path,
                message="; ".join(messages),
                value=report.value(result, SH.value),
                shape=report.value(result, SH.sourceShape),
                graph=graphs,
                path_text=_path_text(report, path, names),
                origins=tuple(name for _, name in sources.origins(focus)),
                articles=tuple(sorted(sources.article_of[g][0] for g in graphs if g in sources.article_of)),
                result=result,
            )
        )
    return problems


def _problem_order(problem: Problem) -> tuple:
    rank = {"Violation": 0, "Warning": 1, "Info": 2}.get(problem.severity, 3)
    return rank, str(problem.focus), str(problem.path), problem.message


def _namespaces() -> NamespaceManager:
    names = NamespaceManager(Graph(), bind_namespaces="rdflib")
    names.bind("dip", DIP)
    names.bind("dipst", DIPST)
    names.bind("schema", "https://schema.org/")
    return names


def _format_problem(problem: Problem, names: NamespaceManager) -> str:
    focus = _render(problem.focus, names)
    line = f"{problem.severity:<10} {focus}  {problem.path_text or '-'}  {problem.message}"
    if problem.value is not None and problem.value != problem.focus:
        line += f"  [value {_render(problem.value, names)}]"
    if problem.origins:
        line += "  (from " + ", ".join(problem.origins) + ")"
    return line


def _path_text(report: Graph, path: Node | None, names: NamespaceManager) -> str:
    """Write a SHACL property path in SPARQL syntax (predicates, alternatives, sequences, inverses)."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return path.n3(names)
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_text(report, step, names) for step in Collection(report, alternatives))
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(report, inverse, names)
    if report.value(path, RDF.first) is not None:
        return "/".join(_path_text(report, step, names) for step in Collection(report, path))
    return path.n3()


def _render(node: Node | None, names: NamespaceManager) -> str:
    if isinstance(node, URIRef):
        return node.n3(names)
    return node.n3() if node is not None else "-"
