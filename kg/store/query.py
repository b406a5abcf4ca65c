"""Answer /sparql queries through a SPARQL 1.1 store, with every rule of the embedded path kept.

The query is parsed and checked here before anything is sent: nesting bounded, updates refused
(403), SERVICE refused, FROM / FROM NAMED only for graphs of the release. It then goes to the store
with a protocol dataset naming the current release's graphs only (the protocol dataset overrides a
FROM in the query), under a deadline; the answer is read back (bounded), graph names are turned back
into their published IRIs, rows are capped at KG_MAX_ROWS and written in the negotiated format.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Collection

import pyoxigraph as ox

from kg.store.remote import (
    JSON_RESULTS,
    NTRIPLES,
    Client,
    Current,
    Naming,
    StoreError,
    canonical,
    json_cell,
    parse_json_rows,
)
from kg.web import conneg, queryguard
from kg.web.evaluate import PREFIXES, mark_truncated, served_format
from kg.web.workers import Answer, Job, Load, QueryFailed, QueryTimeout, ServerBusy

CURRENT_TTL = 1.0  # seconds the current release read from the version graph is trusted
_NOT_CODE = re.compile(r"\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")
_GRAPH_IRI = re.compile(r"(?<![?$:\w])(graph\s*)<([^<>\"{}|^`\\\s]*)>", re.I)
_GRAPH_WORD = re.compile(r"(?<![?$:\w])graph\b", re.I)


class StoreReleases:
    """Which release the store serves now, read from its version graph and trusted for CURRENT_TTL seconds."""

    def __init__(self, client: Client, naming: Naming):
        self.client, self.naming = client, naming
        self._lock = threading.Lock()
        self._current: Current | None = None
        self._read_at = -CURRENT_TTL

    def current(self) -> Current | None:
        """Return the current release of the store (None before the first publish); StoreError if unreachable."""
        with self._lock:
            if time.monotonic() - self._read_at >= CURRENT_TTL:
                from kg.store.remote import current

                self._current, self._read_at = current(self.client, self.naming), time.monotonic()
            return self._current


def answer(client: Client, naming: Naming, release: Current, job: Job, timeout: float) -> Answer:
    """Check `job.query` locally, run it on `release` in the store and return its serialized, capped answer."""
    try:
        tree = check(job.query, release.graphs.keys())
    except queryguard.QueryRejected as rejected:
        extra = {"line": rejected.line, "column": rejected.column} if rejected.line else {}
        raise QueryFailed(rejected.kind, rejected.message, status=rejected.status, **extra) from None
    form = tree[1].name
    default, named = dataset(job, tree, release, naming)
    text = rename_graph_constants(job.query, release, naming)
    graph_form = form in ("ConstructQuery", "DescribeQuery")
    try:
        body = client.query(text, NTRIPLES if graph_form else JSON_RESULTS, default, named, timeout=timeout)
    except StoreError as error:
        if "did not answer" in error.message:
            raise QueryTimeout(timeout) from None
        kind = "query-not-evaluable" if error.status == 400 else "store-unavailable"
        raise QueryFailed(kind, queryguard.shorten(error.message), status=error.status) from None
    renamer = Renamer(release, naming)
    if graph_form:
        return _triples(body, renamer, job)
    return _solutions(body, renamer, job, form == "AskQuery")


def check(text: str, graphs: Collection[str]):
    """Refuse what the embedded path refuses; return rdflib's parse tree of the query."""
    queryguard.check_nesting(text)
    tree = queryguard.parse(text)  # refuses updates (403) and what cannot be read (400)
    queryguard.refuse_service(tree)
    queryguard.refuse_remote_dataset(tree, graphs)
    return tree


def dataset(job: Job, tree, release: Current, naming: Naming) -> tuple[list[str], list[str]]:
    """Return the protocol dataset to send: the client's, the query's own FROMs, or the whole release."""

    def stored(iri: str) -> str:
        return release.graphs.get(iri) or naming.stored(release.build, iri)

    if job.default_graphs is not None or job.named_graphs is not None:
        return [stored(g) for g in job.default_graphs or ()], [stored(g) for g in job.named_graphs or ()]
    clauses = dataset_clauses(tree)
    if clauses:
        default = [stored(iri) for kind, iri in clauses if kind == "default"]
        return default, [stored(iri) for kind, iri in clauses if kind == "named"]
    named = list(release.graphs.values()) if _GRAPH_WORD.search(_NOT_CODE.sub(" ", job.query)) else []
    return [release.union], named


def dataset_clauses(tree) -> list[tuple[str, str]]:
    """Return the query's FROM (`default`) and FROM NAMED (`named`) graphs as absolute IRIs."""
    from rdflib.plugins.sparql.algebra import translatePrologue

    clauses = tree[1]["datasetClause"] if "datasetClause" in tree[1] else []  # noqa: SIM401 (rdflib's CompValue)
    prologue = translatePrologue(tree[0], None) if clauses else None
    found = []
    for clause in clauses:
        kind = "named" if "named" in clause else "default"
        found.append((kind, str(prologue.absolutize(next(iter(clause.values()))))))
    return found


def rename_graph_constants(text: str, release: Current, naming: Naming) -> str:
    """Rewrite `GRAPH <published IRI>` into the IRI the graph has in the store (strings and comments untouched)."""
    code = _NOT_CODE.sub(lambda m: " " * len(m.group()), text)
    pieces, last = [], 0
    for match in _GRAPH_IRI.finditer(code):
        iri = match.group(2)
        stored = release.graphs.get(iri)
        if stored:
            pieces += [text[last : match.start(2)], stored]
            last = match.end(2)
    return "".join(pieces) + text[last:]


class Renamer:
    """Turn the store's names of a release's graphs back into their published IRIs."""

    def __init__(self, release: Current, naming: Naming):
        self.prefix = naming.release(release.build) + "/"
        self.published = {stored: iri for iri, stored in release.graphs.items()}

    def term(self, term: ox.Term) -> ox.Term:
        """Return `term`, or the published graph IRI it stands for."""
        if isinstance(term, ox.NamedNode) and term.value.startswith(self.prefix):
            return ox.NamedNode(self.published.get(term.value, term.value))
        return term


def _solutions(body: bytes, renamer: Renamer, job: Job, ask: bool) -> Answer:
    fmt = served_format(
        conneg.RESULT_FORMATS, job.result_format, "a boolean (ASK) result" if ask else "a SELECT result"
    )
    document = json.loads(body)
    if ask:
        return Answer(_boolean(document).serialize(format=fmt.writer), fmt.content_type)
    variables, rows = parse_json_rows(body)
    truncated = len(rows) > job.max_rows
    rows = rows[: job.max_rows]
    bindings = [{name: json_cell(renamer.term(term)) for name, term in row.items()} for row in rows]
    results = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}).encode()
    data = ox.parse_query_results(results, ox.QueryResultsFormat.JSON).serialize(format=fmt.writer)
    if truncated:
        data = mark_truncated(data, fmt, job.max_rows)
    return Answer(data, fmt.content_type, truncated)


def _boolean(document: dict) -> ox.QueryBoolean:
    """Read an ASK answer; Virtuoso answers one as a table of one `__ASK_RETVAL` cell (1 or 0)."""
    if "boolean" in document:
        value = bool(document["boolean"])
    else:
        rows = document["results"]["bindings"]
        value = bool(rows) and rows[0].get("__ASK_RETVAL", {}).get("value") not in ("0", "false")
    return ox.parse_query_results(json.dumps({"head": {}, "boolean": value}).encode(), ox.QueryResultsFormat.JSON)


def _triples(body: bytes, renamer: Renamer, job: Job) -> Answer:
    fmt = served_format(conneg.RDF_FORMATS, job.graph_format, "an RDF graph (CONSTRUCT/DESCRIBE)")
    triples = []
    for triple in ox.parse(body, ox.RdfFormat.N_TRIPLES):
        if len(triples) == job.max_rows:
            break
        triples.append(
            ox.Triple(renamer.term(triple.subject), triple.predicate, canonical(renamer.term(triple.object)))
        )
    truncated = len(triples) == job.max_rows and body.count(b"\n") > job.max_rows
    if fmt.writer in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    data = ox.serialize(triples, format=fmt.writer, prefixes=PREFIXES)
    if truncated:
        data = mark_truncated(data, fmt, job.max_rows)
    return Answer(data, fmt.content_type, truncated)


class RemoteQueries:
    """The /sparql backend for KG_STORE=sparql: the query pool's interface, each query sent to the store.

    At most `max_in_flight` queries go to the store at once, `client_share` of them from one client;
    others wait up to `queue_wait` seconds, then get a 503 with Retry-After, as with the embedded pool.
    """

    def __init__(self, releases: StoreReleases, max_in_flight: int, client_share: int = 1, queue_wait: float = 10.0):
        self.releases = releases
        self.max_in_flight, self.client_share, self.queue_wait = max(1, max_in_flight), max(1, client_share), queue_wait
        self._admission = threading.Condition()
        self._in_flight = 0
        self._waiting = 0
        self._by_client: dict[str, int] = {}

    def run(self, job: Job, timeout: float, client: str = "") -> Answer:
        """Answer `job` from the store's current release within `timeout` seconds."""
        self._admit(client)
        try:
            current = self.releases.current()
            if current is None:
                raise QueryFailed("no-data", "no graph has been published into the store yet")
            return answer(self.releases.client, self.releases.naming, current, job, timeout)
        except StoreError as error:
            raise QueryFailed("store-unavailable", queryguard.shorten(error.message), status=503) from None
        finally:
            self._leave(client)

    def _admit(self, client: str) -> None:
        def room() -> bool:
            return self._in_flight < self.max_in_flight and self._by_client.get(client, 0) < self.client_share

        with self._admission:
            self._waiting += 1
            try:
                if not self._admission.wait_for(room, timeout=self.queue_wait):
                    raise ServerBusy(self.queue_wait, own_share=self._by_client.get(client, 0) >= self.client_share)
            finally:
                self._waiting -= 1
            self._in_flight += 1
            self._by_client[client] = self._by_client.get(client, 0) + 1

    def _leave(self, client: str) -> None:
        with self._admission:
            self._in_flight -= 1
            self._by_client[client] -= 1
            if not self._by_client[client]:
                del self._by_client[client]
            self._admission.notify_all()

    def load(self) -> Load:
        """Return how busy the backend is (the store's own workers are not seen from here)."""
        with self._admission:
            return Load(self._in_flight, self.max_in_flight, self._waiting, self.max_in_flight, self._in_flight)

    def warm(self) -> None:
        """Nothing to load: the store holds the release."""

    def close(self) -> None:
        """Nothing to stop: every request ends with its query."""
