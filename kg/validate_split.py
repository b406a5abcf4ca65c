"""The SHACL gate split by named graph: each graph's own nodes are checked apart, over all cores, with verdicts kept
by a digest of what was checked; only the nodes several graphs state are checked together.

What the shapes (kg/data/shapes/diplomacy-shapes.ttl) read of a focus node f, decided shape by shape:

- f's own statements: every property shape (minCount, maxCount, datatype, nodeKind, pattern, in, lessThan,
  minInclusive; paths are predicates or alternatives of predicates, never inverse or sequence paths) and the
  SPARQL constraints on an event's participant and source, a meeting's two sides, a holding's date order and a
  report's span length (patterns on `$this` only);
- the rdf:type statements of f's values, and rdfs:subClassOf between classes: sh:class (alone or inside sh:or),
  and sh:targetClass reaching the instances of subclasses;
- the dct:issued of f's values: EventNotAfterArticleShape reads `?article dct:issued ?issued` for the articles
  f is dip:reportedIn.

Nothing reaches further (no sh:node, sh:qualifiedValueShape, inverse path or SPARQL pattern on another node);
tests/test_validate_split.py reads the shapes and fails when one appears, as the split would then be wrong.

So the dataset is cut into parts:

- A node that one named graph alone states (an article's reports and quotes, the events and new entities only it
  names; the reference's own entities) is checked in that graph's part: the graph's statements about its own
  nodes plus the context, i.e. rdf:type and dct:issued of every node those statements point at (from whichever
  graph states them) and every rdfs:subClassOf statement. That is all its shapes read, so the part's verdict is
  kept under a digest of those statements and nodes: `kg add` checks only the graphs that changed.
- A node several graphs state (an event several articles report, a relation, a new person two articles name, a
  reference event an article reports) is checked in a part of its own, with every statement about it from every
  graph, plus the same context: only there can maxCount 1 or a SPARQL constraint fail across graphs. Its verdict
  is kept under a digest of those statements, the node and the context (`_node_key`): an article added to a
  release checks again only the shared nodes it states or whose values' context it changed.

Only a part's own nodes may be focus nodes: the context types other nodes too (a country an article names), and
checking them in every part that names them cost twice the whole-union gate. So the node shapes' targets
(sh:targetClass, with subclasses; sh:targetSubjectsOf) are worked out here, for the own nodes only, and given to
pySHACL as one marker statement per node and shape (`sh:targetSubjectsOf` the shape's marker predicate, read by
no constraint). Results are unchanged: same shapes, same nodes, same statements read. pySHACL's `focus_nodes`
option cannot do this: in pySHACL 0.40 it also filters the value nodes sh:or checks, so sh:or never fails.

Parts run in batches (pySHACL spends ~10 ms setting up each call) as tasks on the build's Dask cluster where its
articles were extracted on a cluster at an address (KG_DASK_SCHEDULER; kg/distributed.py `checks_on` says why not
on a local one), else on a ProcessPoolExecutor of one process per core. Either way the caller's shapes graph
reaches each worker once, blank nodes included, so results name the same shapes, and at most two batches a
worker wait, so only the parts being checked are in memory.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import pyshacl
from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.ids import DIP
from kg.mapping import MappedGraphs
from kg.validate import SH, PreparedQueryGraph, Sources, ValidationResult, read_report, shapes_path, validate

Triple = tuple[Node, Node, Node]
Verdict = tuple[tuple[Node, ...], tuple[Triple, ...]]  # a part's SHACL results and the report statements on them
Progress = Callable[[str, int, int], None]

#: What the shapes read of a focus node's values (see above).
CONTEXT_PREDICATES = frozenset({RDF.type, DCTERMS.issued})
#: Statements per pySHACL call: about 100 article graphs (their set-up cost is then negligible).
BATCH_TRIPLES = 20_000
_MARKED = Literal(True)
CACHE = "validation"
CACHE_FILE = "verdicts.pickle"
#: Bumped whenever what is pickled changes shape: verdicts of another version are not read.
CACHE_VERSION = 2


@dataclass
class Part:
    """Focus nodes checked together, with every statement their shapes read."""

    graph: Node | None  # the graph whose own nodes these are; None: nodes several graphs state
    nodes: set[Node]
    triples: set[Triple]
    targeted: bool = True  # whether a shape targets one of the nodes
    digest: str = ""


@dataclass
class _Index:
    """One pass over the dataset: statements per graph, graphs per subject, and the context statements."""

    statements: dict[Node, list[Triple]] = field(default_factory=lambda: defaultdict(list))
    stated_in: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    context: dict[Node, list[Triple]] = field(default_factory=lambda: defaultdict(list))
    classes: set[Triple] = field(default_factory=set)
    sources: Sources = field(default_factory=Sources)
    targets: list[Target] = field(default_factory=list)
    ancestors: dict[Node, set[Node]] = field(default_factory=dict)

    def superclasses(self, kind: Node) -> set[Node]:
        """Return `kind` and every class it is an rdfs:subClassOf, directly or not (as sh:targetClass reaches)."""
        if kind not in self.ancestors:
            found, todo = {kind}, [kind]
            while todo:
                current = todo.pop()
                for sub, _, sup in self.classes:
                    if sub == current and sup not in found:
                        found.add(sup)
                        todo.append(sup)
            self.ancestors[kind] = found
        return self.ancestors[kind]


@dataclass(frozen=True)
class Target:
    """What a node shape targets (sh:targetClass, sh:targetSubjectsOf), and the predicate marking its focus nodes."""

    shape: Node
    classes: frozenset[Node]
    predicates: frozenset[Node]
    marker: URIRef


def targeted(shapes: Graph) -> tuple[Graph, list[Target]]:
    """Return the shapes with each node shape's targets replaced by its marker predicate, and those targets."""
    targets = []
    for shape in sorted(set(shapes.subjects(SH.targetClass)) | set(shapes.subjects(SH.targetSubjectsOf)), key=str):
        marker = URIRef("urn:x-kg:focus:" + hashlib.sha256(shape.n3().encode()).hexdigest()[:16])
        classes = frozenset(shapes.objects(shape, SH.targetClass))
        targets.append(Target(shape, classes, frozenset(shapes.objects(shape, SH.targetSubjectsOf)), marker))
    marked = Graph()
    for prefix, namespace in shapes.namespaces():
        marked.bind(prefix, namespace, override=True)
    for triple in shapes:
        if triple[1] not in (SH.targetClass, SH.targetSubjectsOf):
            marked.add(triple)
    for target in targets:
        marked.add((target.shape, SH.targetSubjectsOf, target.marker))
    return marked, targets


def validate_split(
    data: Graph | Dataset | MappedGraphs,
    shapes: Graph,
    *,
    verdicts: dict[str, Verdict] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    stage: str = "validating",
    client=None,
    digests: dict[str, str] | None = None,
) -> ValidationResult:
    """Validate a dataset part by part, taking the verdict of a part from `verdicts` when its digest is there;
    the parts are checked on the Dask workers of `client` if one is given, else in a local process pool.

    `digests` are those of the named graphs' statements, as the statements file of a release keeps them
    (`kg.publish.write_nquads`): a graph's part is then known by them and its context alone (`_key`), and only
    the parts not known already are made.

    Gives the same problems as `kg.validate.validate` on the union; the result's `verdicts` hold this run's
    verdict of every part (each graph's, each shared node's), by key.
    """
    if not isinstance(data, Dataset | MappedGraphs):
        return validate(data, shapes)
    marked, targets = targeted(shapes)
    index = _index(data)
    index.targets = targets
    crossing = {subject for subject, graphs in index.stated_in.items() if len(graphs) > 1}
    shared = _shared_statements(index, crossing)
    known = verdicts or {}
    mine: dict[str, Verdict] = {}
    done, total = 0, len(shared) + len(index.statements)
    if progress:
        progress(stage, done, total)

    def todo() -> Iterator[Part]:  # each part is made when its turn comes, and checked unless known
        nonlocal done
        parts = itertools.chain(
            _shared_parts(shared, index, known), _graph_parts(index, crossing, known, digests or {})
        )
        for part in parts:
            if part.digest in known:
                mine[part.digest] = known[part.digest]
            elif part.targeted:
                yield part
                continue
            done += 1  # a part known already, or one no shape targets (the ontology's, the shapes')

    checks = _check(todo(), marked, _workers(workers)) if client is None else _check_on_dask(todo(), marked, client)
    for part, verdict in checks:
        mine[part.digest] = verdict
        done += 1
        if progress:
            progress(stage, done, total)
    if progress:
        progress(stage, total, total)
    result = read_report(_report(shapes, mine.values()), index.sources)
    result.verdicts = mine
    return result


def _workers(workers: int | None) -> int:
    return workers if workers is not None else len(os.sched_getaffinity(0))


def _index(dataset: Dataset | MappedGraphs) -> _Index:
    index = _Index()
    identifiers = []
    if isinstance(dataset, MappedGraphs):  # every graph is named: its lists are the statements, not copied
        index.sources.graphs_of = index.stated_in
        quads = (quad for name, triples in dataset.items() for quad in _with_name(name, triples, index))
    else:
        quads = dataset.quads((None, None, None, None))
    mapped = isinstance(dataset, MappedGraphs)
    identifier_predicate, subclass = DCTERMS.identifier, RDFS.subClassOf  # rdflib makes a new URIRef each access
    for subject, predicate, obj, context in quads:
        name = getattr(context, "identifier", context)
        triple = (subject, predicate, obj)
        if not mapped:
            index.statements[name].append(triple)
            if name is not None and name != DATASET_DEFAULT_GRAPH_ID:
                index.sources.graphs_of[subject].add(name)
        index.stated_in[subject].add(name)
        if predicate in CONTEXT_PREDICATES:
            index.context[subject].append(triple)
        elif predicate == identifier_predicate and name is not None and name != DATASET_DEFAULT_GRAPH_ID:
            identifiers.append((name, subject, str(obj)))
        elif predicate == subclass:
            index.classes.add(triple)
    for name, subject, identifier in identifiers:
        if (subject, RDF.type, DIP.Article) in index.context.get(subject, ()):
            index.sources.article_of[name] = (identifier, subject)
    for subject, triples in index.context.items():  # a country's type is stated by every graph that names it
        if len(triples) > 1:
            index.context[subject] = list(dict.fromkeys(triples))
    return index


def _with_name(name: Node, triples: list[Triple], index: _Index) -> Iterator[tuple[Node, Node, Node, Node]]:
    index.statements[name] = triples
    for subject, predicate, obj in triples:
        yield subject, predicate, obj, name


def _shared_statements(index: _Index, crossing: set[Node]) -> dict[Node, set[Triple]]:
    """Return every statement about a node several graphs state, by node."""
    shared = defaultdict(set)
    for triples in index.statements.values():
        for triple in triples:
            if triple[0] in crossing:
                shared[triple[0]].add(triple)
    return shared


def _graph_parts(
    index: _Index, crossing: set[Node], known: dict[str, Verdict], digests: dict[str, str]
) -> Iterator[Part]:
    """Yield the part of each graph: the nodes it alone states, with their statements and context; a part whose
    key (`_key`, for a graph with a digest in `digests`) is `known` is yielded without its statements."""
    classes = _lines(index.classes)
    written: dict[Node, list[str]] = {}  # the context of a node as `_key` reads it, written once a run
    for name, triples in index.statements.items():
        own = [triple for triple in triples if triple[0] not in crossing]
        key = None
        if str(name) in digests:
            key = _key(digests[str(name)], triples, own, crossing, classes, index, written)
            if key in known:
                yield Part(name, set(), set(), digest=key)
                continue
        part = _part(name, {t[0] for t in own}, own, index)
        if part.targeted:
            part.digest = key or _digest(part)
        yield part


def _key(
    digest: str,
    triples: list[Triple],
    own: list[Triple],
    crossing: set[Node],
    classes: list[str],
    index: _Index,
    written: dict[Node, list[str]],
) -> str:
    """Return the key of a graph's part from the digest of the graph's statements: the part is those statements
    but the ones about nodes other graphs state too (named here), with the context of their values and the class
    hierarchy (written out here); its markers follow from these and the shapes, which the cache is kept for."""
    shared = sorted({_written(t[0]) for t in triples if t[0] in crossing})
    context = _context_lines(own, index, written)
    lines = ["graph " + digest, *("shared " + node for node in shared), *context, *classes]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _context_lines(triples: Iterable[Triple], index: _Index, written: dict[Node, list[str]]) -> list[str]:
    """Return the context of the values of `triples` as sorted lines; each node's lines are written once a run
    (`written`): a country's type is read by every graph that names it."""
    context = set()
    for value in {obj for _, _, obj in triples if not isinstance(obj, Literal)}:
        if value not in written:
            written[value] = _lines(index.context.get(value, ()))
        context.update(written[value])
    return sorted(context)


def _lines(triples: Iterable[Triple]) -> list[str]:
    return sorted({" ".join(map(_written, triple)) for triple in triples})


def _part(graph: Node | None, nodes: set[Node], triples: Iterable[Triple], index: _Index) -> Part:
    statements = set(triples)
    values = {obj for _, _, obj in statements if not isinstance(obj, Literal)}
    markers = _markers(statements, index)
    for value in values:
        statements.update(index.context.get(value, ()))
    return Part(graph, nodes, statements | index.classes | markers, targeted=bool(markers))


def _markers(own: set[Triple], index: _Index) -> set[Triple]:
    """Return a marker statement for each own node and each node shape targeting it (see above)."""
    kinds, predicates = defaultdict(set), defaultdict(set)
    for subject, predicate, obj in own:
        predicates[subject].add(predicate)
        if predicate == RDF.type:
            kinds[subject].update(index.superclasses(obj))
    return {
        (node, target.marker, _MARKED)
        for node in predicates
        for target in index.targets
        if target.classes & kinds[node] or target.predicates & predicates[node]
    }


def _shared_parts(shared: dict[Node, set[Triple]], index: _Index, known: dict[str, Verdict]) -> Iterator[Part]:
    """Yield the part of each node several graphs state; one whose key (`_node_key`) is `known` is yielded
    without its statements."""
    classes = _lines(index.classes)
    written: dict[Node, list[str]] = {}
    for node in sorted(shared, key=str):
        key = _node_key(node, shared[node], classes, index, written)
        if key in known:
            yield Part(None, {node}, set(), digest=key)
            continue
        part = _part(None, {node}, shared[node], index)
        part.digest = key
        yield part


def _node_key(
    node: Node, triples: set[Triple], classes: list[str], index: _Index, written: dict[Node, list[str]]
) -> str:
    """Return the key of a shared node's part: the node, every statement about it, the context of their values
    and the class hierarchy (its markers follow from these and the shapes, which the cache is kept for)."""
    lines = ["node " + _written(node), *_lines(triples), *_context_lines(triples, index, written), *classes]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _digest(part: Part) -> str:
    """Return a digest of a part's nodes and statements: its verdict cannot change while they stay."""
    lines = sorted(" ".join(map(_written, triple)) for triple in part.triples)
    lines += sorted("node " + _written(node) for node in part.nodes)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _written(term: Node) -> str:
    """Return a term as a digest reads it: distinct terms give distinct text. An IRI is written without the
    check `URIRef.n3` makes on every call (half the time of digesting 10,000 article graphs)."""
    if type(term) is URIRef:
        return f"<{term}>"
    return term.n3()


def _check(parts: Iterable[Part], shapes: Graph, workers: int) -> Iterator[tuple[Part, Verdict]]:
    """Check parts in batches, over `workers` processes; yield each part with its verdict.

    Parts are read from `parts` as batches are handed out, with at most two batches a worker waiting, so only
    the parts being checked are in memory.
    """
    batches = _batches(parts)
    first = list(itertools.islice(batches, 2))
    if workers <= 1 or len(first) <= 1:
        for batch in itertools.chain(first, batches):
            yield from _verdicts(batch, check_batch(_payload(batch), shapes))
        return
    context = get_context("spawn")  # not fork: the calling process may run threads (progress bars, Dask's)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(tuple(shapes), tuple(shapes.namespaces())),
    ) as pool:
        yield from _windowed(
            itertools.chain(first, batches),
            lambda payload: pool.submit(check_batch, payload),
            lambda futures: wait(futures, return_when=FIRST_COMPLETED).done,
            workers,
        )


def _check_on_dask(parts: Iterable[Part], shapes: Graph, client) -> Iterator[tuple[Part, Verdict]]:
    """Check parts in batches as tasks on the Dask workers of `client`; yield each part with its verdict."""
    import distributed

    token = uuid.uuid4().hex  # this run's shapes, sent to every worker once
    shapes_data = client.scatter((token, tuple(shapes), tuple(shapes.namespaces())), broadcast=True, hash=False)
    yield from _windowed(
        _batches(parts),
        lambda payload: client.submit(check_batch_on_worker, payload, shapes_data, pure=False),
        lambda futures: distributed.wait(futures, return_when="FIRST_COMPLETED").done,
        max(1, len(client.scheduler_info()["workers"])),
    )


def _windowed(
    batches: Iterable[list[Part]], submit: Callable, wait_any: Callable, workers: int
) -> Iterator[tuple[Part, Verdict]]:
    """Hand batches to `submit` (a pool's or a Dask client's), at most two a worker waiting; yield each part with
    its verdict as `wait_any` finds batches done."""
    pending = {}

    def finished() -> Iterator[tuple[Part, Verdict]]:
        for future in wait_any(list(pending)):
            yield from _verdicts(pending.pop(future), future.result())

    for batch in batches:
        pending[submit(_payload(batch))] = batch
        while len(pending) >= 2 * workers:
            yield from finished()
    while pending:
        yield from finished()


def _verdicts(batch: list[Part], results: list) -> Iterator[tuple[Part, Verdict]]:
    for number, verdict in results:
        yield batch[number], verdict


def _payload(batch: list[Part]) -> list[tuple[int, set[Node], set[Triple]]]:
    return [(number, part.nodes, part.triples) for number, part in enumerate(batch)]


def _batches(parts: Iterable[Part]) -> Iterator[list[Part]]:
    batch, size = [], 0
    for part in parts:
        batch.append(part)
        size += len(part.triples)
        if size >= BATCH_TRIPLES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


_worker_shapes: Graph | None = None


def _start_worker(triples: tuple[Triple, ...], namespaces: tuple) -> None:
    """Give a worker process the caller's shapes graph, blank nodes included, so results name the same shapes."""
    global _worker_shapes
    _worker_shapes = Graph()
    for prefix, namespace in namespaces:
        _worker_shapes.bind(prefix, namespace, override=True)
    for triple in triples:
        _worker_shapes.add(triple)


_dask_shapes: dict[str, Graph] = {}  # on a Dask worker: the shapes of the latest run, by its token


def check_batch_on_worker(batch: list[tuple[int, set[Node], set[Triple]]], shapes_data: tuple) -> list:
    """Check a batch on a Dask worker, with the shapes graph its run scattered (built once per run and worker)."""
    token, triples, namespaces = shapes_data
    if token not in _dask_shapes:
        _start_worker(triples, namespaces)
        _dask_shapes.clear()
        _dask_shapes[token] = _worker_shapes
    return check_batch(batch, _dask_shapes[token])


def check_batch(batch: list[tuple[int, set[Node], set[Triple]]], shapes: Graph | None = None) -> list:
    """Validate the parts of a batch in one data graph; return each part's number and the results on its nodes."""
    data = PreparedQueryGraph()
    owner = {}
    for number, nodes, triples in batch:
        for triple in triples:
            data.add(triple)
        owner.update(dict.fromkeys(nodes, number))
    _, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes if shapes is not None else _worker_shapes,
        inference="none",
        advanced=False,
        do_owl_imports=False,
        allow_warnings=True,
        abort_on_first=False,
    )
    found = {number: ([], set()) for number, _, _ in batch}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        number = owner.get(report.value(result, SH.focusNode))
        if number is None:
            continue  # a node the context made a target: its own part judges it
        results, statements = found[number]
        results.append(result)
        statements.update(report.cbd(result))
    return [(number, (tuple(results), tuple(statements))) for number, (results, statements) in found.items()]


def _report(shapes: Graph, verdicts: Iterable[Verdict]) -> Graph:
    """Gather the results of every part into one SHACL validation report."""
    report = Graph(bind_namespaces="core")
    for prefix, namespace in shapes.namespaces():
        report.bind(prefix, namespace, override=False)
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    violated = False
    for results, statements in verdicts:
        for triple in statements:
            report.add(triple)
        for result in results:
            report.add((node, SH.result, result))
            violated = violated or (result, SH.resultSeverity, SH.Violation) in report
    report.add((node, SH.conforms, Literal(not violated)))
    return report


def write_verdicts(release: Path, result: ValidationResult) -> None:
    """Keep the verdict of every graph's part in the release folder being written, for `kg add`."""
    folder = release / CACHE
    folder.mkdir()
    kept = {"version": CACHE_VERSION, "shapes": _shapes_digest(), "verdicts": result.verdicts}
    with (folder / CACHE_FILE).open("wb") as out:
        pickle.dump(kept, out, protocol=pickle.HIGHEST_PROTOCOL)


def read_verdicts(release: Path) -> dict[str, Verdict]:
    """Return the verdicts a release keeps; none if it keeps none, or kept them for other shapes or software."""
    path = release / CACHE / CACHE_FILE
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        kept = pickle.load(handle)  # written by this program into its own data folder
    if kept.get("version") != CACHE_VERSION or kept.get("shapes") != _shapes_digest():
        return {}
    return kept["verdicts"]


def _shapes_digest() -> str:
    """Return a digest of what a verdict depends on besides the data: the shapes and pySHACL's version."""
    return hashlib.sha256(shapes_path().read_bytes() + pyshacl.__version__.encode()).hexdigest()
