"""Evaluate one checked query on a pyoxigraph store and serialize it, rows capped, all in Rust.

Runs inside a query worker process (kg.web.workers). Rows are never built in Python: results
are written as TSV (SELECT) or N-Triples (CONSTRUCT/DESCRIBE), where one line is exactly one row
or triple, through a writer that stops the engine's serializer one line past `max_rows`; the kept
lines are re-parsed and written in the negotiated format by pyoxigraph. A cut answer is marked
in the body where the format has room for it (see `mark_truncated`) and by the web layer in a header.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, OWL, PROV, RDFS, SKOS, XSD

from kg.ids import DIP, DIPST
from kg.publish import QueryStores
from kg.web import conneg, queryguard
from kg.web.workers import Answer, Job, QueryFailed

TRUNCATED_LINK = "urn:x-diplomacy-kg:truncated"
# The ontology's prefixes, written into Turtle/TriG/RDF-XML answers (kg.mapping has the same table,
# but importing it would load the extractor into every worker process).
PREFIXES = {
    "dip": str(DIP),
    "dipst": str(DIPST),
    "schema": "https://schema.org/",
    "prov": str(PROV),
    "dct": str(DCTERMS),
    "skos": str(SKOS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "rdfs": str(RDFS),
}


class _Full(Exception):
    """Raised by LineBudget to stop a serializer once enough lines are written."""


class LineBudget:
    """A write-only sink that keeps at most `limit` lines and remembers whether more came."""

    def __init__(self, limit: int):
        self.limit, self.lines, self.full = limit, 0, False
        self.parts: list[bytes] = []

    def write(self, chunk) -> int:
        """Keep `chunk`; stop the writer (raise) once more than `limit` lines have arrived."""
        chunk = bytes(chunk)
        self.parts.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            self.full = True
            raise _Full
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: everything is kept in memory."""

    def value(self) -> bytes:
        """Return the first `limit` complete lines written."""
        data = b"".join(self.parts)
        if not self.full:
            return data
        end = -1
        for _ in range(self.limit):
            end = data.index(b"\n", end + 1)
        return data[: end + 1]


def warm_up() -> None:
    """Import the slow parts (rdflib's grammar) before the first query arrives."""
    import rdflib.plugins.sparql.parser  # noqa: F401


def evaluate(stores: QueryStores, graphs: frozenset[str], job: Job) -> Answer:
    """Check `job.query`, run it on the release's stores and return its serialized, capped answer."""
    try:
        return _evaluate(stores, graphs, job)
    except queryguard.QueryRejected as rejected:
        raise _failure(rejected) from None
    except SyntaxError as error:
        try:
            queryguard.refuse_if_update(job.query)
        except queryguard.QueryRejected as rejected:
            raise _failure(rejected) from None
        raise _failure(queryguard.engine_syntax_error(job.query, str(error))) from None
    except RuntimeError as error:  # the engine's evaluation errors on the query: unknown function, unbound SERVICE…
        raise QueryFailed("query-not-evaluable", queryguard.shorten(str(error)), status=400) from None


def _evaluate(stores: QueryStores, graphs: frozenset[str], job: Job) -> Answer:
    verdict = queryguard.check_query(job.query, graphs)
    store, arguments = _dataset(stores, job, verdict)
    result = store.query(job.query, **arguments)
    if isinstance(result, ox.QueryBoolean):
        fmt = served_format(conneg.RESULT_FORMATS, job.result_format, "a boolean (ASK) result")
        return Answer(result.serialize(format=fmt.writer), fmt.content_type)
    if isinstance(result, ox.QuerySolutions):
        fmt = served_format(conneg.RESULT_FORMATS, job.result_format, "a SELECT result")
        return _solutions(result, fmt, job.max_rows)
    fmt = served_format(conneg.RDF_FORMATS, job.graph_format, "an RDF graph (CONSTRUCT/DESCRIBE)")
    return _triples(result, fmt, job.max_rows)


def _dataset(stores: QueryStores, job: Job, verdict: queryguard.Verdict) -> tuple[ox.Store, dict]:
    """Return the store and pyoxigraph's dataset keywords: the protocol dataset, the query's own, or the
    merge of all graphs (see `kg.publish.QueryStores`)."""
    base = {"base_iri": job.base_iri} if job.base_iri else {}
    if job.default_graphs is not None or job.named_graphs is not None:
        return stores.named, base | {
            "default_graph": [ox.NamedNode(iri) for iri in job.default_graphs or ()],
            "named_graphs": [ox.NamedNode(iri) for iri in job.named_graphs or ()],
        }
    store, arguments = stores.for_query(job.query, names_dataset=verdict.has_dataset_clause)
    return store, base | arguments


def _solutions(result: ox.QuerySolutions, fmt: conneg.Format, max_rows: int) -> Answer:
    budget = LineBudget(max_rows + 1)  # the header line, then one line per row
    try:
        result.serialize(budget, format=ox.QueryResultsFormat.TSV)
    except Exception:
        if not budget.full:
            raise
    data = budget.value()
    if fmt.writer != ox.QueryResultsFormat.TSV:
        data = ox.parse_query_results(data, ox.QueryResultsFormat.TSV).serialize(format=fmt.writer)
    if budget.full:
        data = mark_truncated(data, fmt, max_rows)
    return Answer(data, fmt.content_type, budget.full)


def _triples(result: ox.QueryTriples, fmt: conneg.Format, max_rows: int) -> Answer:
    budget = LineBudget(max_rows)
    try:
        result.serialize(budget, format=ox.RdfFormat.N_TRIPLES)
    except Exception:
        if not budget.full:
            raise
    data = budget.value()
    if fmt.writer != ox.RdfFormat.N_TRIPLES:
        data = ox.serialize(ox.parse(data, ox.RdfFormat.N_TRIPLES), format=fmt.writer, prefixes=PREFIXES)
    if budget.full:
        data = mark_truncated(data, fmt, max_rows)
    return Answer(data, fmt.content_type, budget.full)


def mark_truncated(data: bytes, fmt: conneg.Format, max_rows: int) -> bytes:
    """Say in the body that rows were cut, where the format allows it (JSON/XML results, RDF with comments)."""
    note = f"{TRUNCATED_LINK}:max-rows={max_rows}"
    comment = f"truncated: only the first {max_rows} results are given ({note})"
    writer = fmt.writer
    if writer == ox.QueryResultsFormat.JSON and data.startswith(b'{"head":{'):
        return b'{"head":{"link":["' + note.encode() + b'"],' + data[len(b'{"head":{') :]
    if writer == ox.QueryResultsFormat.XML:
        return data.replace(b"</head>", f'<link href="{note}"/></head>'.encode(), 1)
    if writer in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        return f"# {comment}\n".encode() + data
    if writer == ox.RdfFormat.RDF_XML and data.startswith(b"<?xml"):
        end = data.index(b"?>") + 2
        return data[:end] + f"\n<!-- {comment} -->".encode() + data[end:]
    return data  # CSV, TSV, JSON-LD: the X-KG-Truncated header says it


def served_format(formats: tuple[conneg.Format, ...], media_type: str | None, what: str) -> conneg.Format:
    """Return the format of `formats` with the negotiated media type; 406 naming those served for `what`."""
    fmt = next((f for f in formats if f.media_type == media_type), None)
    if fmt is None:
        names = ", ".join(f.media_type for f in formats)
        raise QueryFailed("not-acceptable", f"the query gives {what}, which can be served as: {names}", status=406)
    return fmt


def _failure(rejected: queryguard.QueryRejected) -> QueryFailed:
    extra = {"line": rejected.line, "column": rejected.column} if rejected.line else {}
    return QueryFailed(rejected.kind, rejected.message, status=rejected.status, **extra)
