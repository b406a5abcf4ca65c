"""The SPARQL 1.1 Protocol endpoint at /sparql: read-only, bounded, and never a way to reach other machines.

Requests (SPARQL 1.1 Protocol, query operation):
- GET `?query=`, POST `application/x-www-form-urlencoded` (`query=`), POST `application/sparql-query`;
  `default-graph-uri` / `named-graph-uri` (URL or form) set the dataset. Without them the default
  graph is the union of all named graphs and `GRAPH ?g` reaches each one; a FROM / FROM NAMED in the
  query must name a graph of this dataset. Protocol dataset graphs this dataset lacks are empty graphs.
- Optional `timeout` (seconds, lower than KG_QUERY_TIMEOUT) and `format` (json, xml, csv, tsv, ttl,
  nt, jsonld, rdf, trig, or a media type: overrides Accept, for links). `format` may be repeated or
  name something unknown, as clients send it (SPARQLWrapper); a query form it names no format for
  is left to Accept.
- A POST body is read to its end whatever its transfer encoding (chunked too), or refused whole.
- GET with no query: the Service Description (Turtle by default) for RDF clients, the query UI for browsers.

Answers: SELECT/ASK as SPARQL JSON (default when Accept is absent or */*), XML, CSV, TSV;
CONSTRUCT/DESCRIBE as Turtle (default), N-Triples, JSON-LD, RDF/XML, TriG. `Vary: Accept`.
More than KG_MAX_ROWS rows are cut: `X-KG-Truncated: true` and `X-KG-Max-Rows`, and in the body
a `head.link` (JSON) / `<link href>` (XML) of `urn:x-diplomacy-kg:truncated:max-rows=N`, or a
`#` comment (Turtle, N-Triples, TriG) / XML comment (RDF/XML).
`X-KG-Release` names the release (build id) that gave the answer: after a build swaps the release,
a query that starts once any answer came from the new release is answered from it (kg.web.workers).

Errors are `application/problem+json` documents {type, title, status, detail[, line, column]}:
400 bad request / query syntax / SERVICE / remote FROM / nesting too deep / a protocol dataset IRI
that is not absolute / a query the engine cannot evaluate (unknown function: its own message) /
a malformed body; 403 any SPARQL Update
(`update=`, `application/sparql-update`, update text as a query: the endpoint is read-only);
405 other methods; 406 when Accept names no format served here (an Accept fitting only the
other query form gets that form's default: clients such as rdflib's SPARQLStore send one Accept for all);
413 body over KG_MAX_QUERY_BYTES (the rest of the body is still read, up to a bound, so that the
client reads the answer); 414 query string over it (gunicorn bounds the request line below that);
415 other POST media types or a charset other than UTF-8; 503 timeout, a query stopped for memory
or engine failure, or no room for the query within KG_QUERY_QUEUE_WAIT, because the server process
is full or the client already holds its share (KG_MAX_CLIENT_QUERIES) (with `Retry-After`), and at
once when the query workers cannot load the live release (`release-unavailable`, with the reason).
"""

from __future__ import annotations

import atexit
import contextlib
import math
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request
from gunicorn.http.errors import ParseException
from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import get_input_stream

from kg import config
from kg.publish import current_release, merges_union
from kg.web import conneg, release, service_description, ui
from kg.web.workers import Job, QueryFailed, QueryPool

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
RELEASE_HEADER = "X-KG-Release"  # the build id of the release that gave the answer
DRAIN_BYTES = 4 << 20  # a body over the limit is still read (and dropped) up to this size
# What reading a malformed body raises: the WSGI server's parse errors (gunicorn: bad chunk sizes), a cut connection.
BODY_ERRORS = (ParseException, OSError, ValueError)


class ProtocolError(Exception):
    """A request the endpoint refuses: HTTP status, error type and a message for the user."""

    def __init__(self, status: int, kind: str, message: str, **extra):
        super().__init__(message)
        self.status, self.kind, self.message, self.extra = status, kind, message, extra


@dataclass(frozen=True)
class QueryRequest:
    """The protocol parameters of one query request."""

    query: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    timeout: float | None
    formats: tuple[str, ...] = ()  # `format` values, as clients send them (SPARQLWrapper: names, media types, twice)


def init_app(app: Flask) -> None:
    """Register the endpoint and give the app its pool of query workers."""
    settings = app.config
    if settings["STORE"] == "sparql":
        from kg.store.web import remote_queries

        app.extensions["kg_query_pool"] = remote_queries(app)
        app.register_blueprint(bp)
        return
    data_dir = config.data_dir(settings)
    pool = QueryPool(
        size=settings["QUERY_WORKERS"],
        max_in_flight=settings["MAX_CONCURRENT_QUERIES"],
        memory_mb=settings["QUERY_MEMORY_MB"],
        locate=lambda: current_release(data_dir),
        store_mode=settings["QUERY_STORE"],
        client_share=settings["MAX_CLIENT_QUERIES"],
        queue_wait=float(settings["QUERY_QUEUE_WAIT"]),
        slow_after=float(settings["QUERY_SLOW_AFTER"]),
    )
    app.extensions["kg_query_pool"] = pool
    atexit.register(pool.close)
    app.register_blueprint(bp)


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])
def endpoint():
    """Answer a SPARQL query, or describe the service when there is none."""
    if request.method == "OPTIONS":
        return Response(status=204)
    if request.method not in ("GET", "HEAD", "POST"):
        raise ProtocolError(405, "method-not-allowed", "use GET or POST", allow="GET, HEAD, POST, OPTIONS")
    query_request = read_request()
    if query_request is None:
        return describe_service()
    return answer(query_request)


def read_request() -> QueryRequest | None:
    """Read the protocol parameters from the URL and body; None when no query was sent."""
    limit = current_app.config["MAX_QUERY_BYTES"]
    if len(request.query_string) > limit:
        raise ProtocolError(414, "uri-too-long", f"the query string is over {limit} bytes; send the query by POST")
    params = parse_params(request.query_string, "the query string")
    if request.method == "POST":
        params += read_body(limit)
    names = [name for name, _ in params]
    if "update" in names:
        raise ProtocolError(403, "update-refused", "this endpoint is read-only: SPARQL Update is not accepted")
    queries = [value for name, value in params if name == "query"]
    if len(queries) > 1:
        raise ProtocolError(400, "duplicate-parameter", "send exactly one `query` parameter")
    if not queries:
        if request.method == "POST":
            raise ProtocolError(400, "missing-query", "the request carries no query")
        return None
    query = queries[0]
    if not query.strip():
        raise ProtocolError(400, "missing-query", "the query is empty")
    if len(query.encode()) > limit:
        raise ProtocolError(413, "query-too-large", f"the query is over {limit} bytes")
    default = graph_iris(params, "default-graph-uri")
    named = graph_iris(params, "named-graph-uri")
    dataset_given = bool(default or named)
    return QueryRequest(
        query=query,
        default_graphs=default if dataset_given else None,
        named_graphs=named if dataset_given else None,
        timeout=read_timeout(params),
        formats=tuple(v for n, v in params if n == "format"),
    )


def graph_iris(params: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    """Return the values of a dataset parameter, each an absolute IRI; 400 naming the first that is not."""
    values = tuple(v for n, v in params if n == name)
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as error:
            raise ProtocolError(
                400, "bad-graph-iri", f"`{name}` must be an absolute IRI, not {value!r} ({error})"
            ) from None
    return values


def read_body(limit: int) -> list[tuple[str, str]]:
    """Return the parameters carried by a POST body (form fields, or the query of a direct POST)."""
    mimetype = request.mimetype
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if mimetype == UPDATE:
        raise ProtocolError(403, "update-refused", "this endpoint is read-only: SPARQL Update is not accepted")
    if mimetype not in (FORM, DIRECT):
        raise ProtocolError(415, "unsupported-media-type", f"POST a query as {FORM} or {DIRECT}")
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, "unsupported-charset", "queries must be encoded in UTF-8")
    body = read_whole_body(limit)
    if mimetype == FORM:
        return parse_params(body, "the form body")
    return [("query", decode(body, "the query"))]


def read_whole_body(limit: int) -> bytes:
    """Read the request body to its end, whatever its transfer encoding; refuse (413) one over `limit` bytes."""
    stream = get_input_stream(request.environ, max_content_length=None)
    declared = request.content_length
    if declared is not None and declared > limit:
        if declared <= DRAIN_BYTES:
            drain(stream)
        raise body_too_large(limit)
    parts, size = [], 0
    try:
        while size <= limit and (chunk := stream.read(min(65_536, limit + 1 - size))):
            parts.append(chunk)
            size += len(chunk)
        if size > limit:
            drain(stream)
            raise body_too_large(limit)
    except BODY_ERRORS as error:
        raise ProtocolError(400, "malformed-body", f"the request body could not be read: {error}") from None
    return b"".join(parts)


def drain(stream, budget: int = DRAIN_BYTES) -> None:
    """Read and drop what is left of a refused body, up to `budget` bytes, so that the client gets to read the answer.

    Clients such as Python's urllib send the whole body before reading: answering while they still
    send shows them a broken pipe instead of the status.
    """
    with contextlib.suppress(*BODY_ERRORS):
        while budget > 0 and (chunk := stream.read(min(65_536, budget))):
            budget -= len(chunk)


def body_too_large(limit: int) -> ProtocolError:
    """Return the refusal of a body over `limit` bytes."""
    return ProtocolError(413, "query-too-large", f"the request body is over {limit} bytes")


def parse_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    """Parse URL-encoded parameters strictly: UTF-8 only."""
    try:
        return parse_qsl(decode(raw, where), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, "not-utf-8", f"{where} is not valid UTF-8") from None


def decode(raw: bytes, where: str) -> str:
    """Decode UTF-8 strictly."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "not-utf-8", f"{where} is not valid UTF-8") from None


def single(params: list[tuple[str, str]], name: str) -> str | None:
    """Return the one value of an optional parameter; refuse it repeated."""
    values = [v for n, v in params if n == name]
    if len(values) > 1:
        raise ProtocolError(400, "duplicate-parameter", f"send at most one `{name}` parameter")
    return values[0] if values else None


def read_timeout(params: list[tuple[str, str]]) -> float | None:
    """Return the `timeout` parameter in seconds, if one was sent."""
    raw = single(params, "timeout")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not seconds > 0:
        raise ProtocolError(400, "bad-timeout", "`timeout` must be a positive number of seconds")
    return seconds


def answer(query_request: QueryRequest) -> Response:
    """Evaluate the query in a worker process and return its serialized answer."""
    result_format, graph_format = choose_formats(query_request.formats)
    try:
        live = release.get_release()
    except release.ReleaseUnreadable as unreadable:
        retry_after = unreadable.retry_after
        raise ProtocolError(503, "release-unavailable", unreadable.description, retry_after=retry_after) from None
    if live is None:
        raise ProtocolError(503, "no-data", "no graph has been published yet")
    settings = current_app.config
    timeout = float(settings["QUERY_TIMEOUT"])
    if query_request.timeout is not None:
        timeout = min(timeout, query_request.timeout)
    job = Job(
        query=query_request.query,
        default_graphs=query_request.default_graphs,
        named_graphs=query_request.named_graphs,
        result_format=result_format.media_type if result_format else None,
        graph_format=graph_format.media_type if graph_format else None,
        max_rows=int(settings["MAX_ROWS"]),
        base_iri=endpoint_url(),
    )
    pool: QueryPool = current_app.extensions["kg_query_pool"]
    try:
        result = pool.run(job, timeout, client=client_address())
    except QueryFailed as failure:
        raise ProtocolError(failure.status, failure.kind, failure.message, **failure.extra) from None
    response = Response(result.body, content_type=result.media_type)
    response.headers[RELEASE_HEADER] = result.release
    if result.truncated:
        response.headers["X-KG-Truncated"] = "true"
        response.headers["X-KG-Max-Rows"] = str(job.max_rows)
    return response


def endpoint_url() -> str:
    """Return the public URL of this endpoint, from the configured public base (never from the request's Host)."""
    return f"{current_app.config['PUBLIC_URL']}sparql"


def client_address() -> str:
    """Return who sent the request: its peer address, or the forwarded one when the peer is a trusted proxy.

    Behind trusted proxies, X-Forwarded-For is read from the right, skipping the proxies' own
    addresses; the first other address is the client (anything left of it is the client's say).
    """
    trusted = current_app.config["TRUSTED_PROXIES"]
    address = request.remote_addr or ""
    if address not in trusted:
        return address
    hops = [hop.strip() for hop in ",".join(request.headers.getlist("X-Forwarded-For")).split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return address


def choose_formats(names: tuple[str, ...]) -> tuple[conneg.Format, conneg.Format]:
    """Pick the formats for a result table/boolean and for a graph: `format` where it names one, else Accept.

    Clients send `format` values of their own (SPARQLWrapper: `n3`, `rdf+xml`, a media type, the
    parameter twice): a value naming no format of a query form leaves that form to Accept.
    """
    results = named_format(conneg.RESULT_FORMATS, names)
    graphs = named_format(conneg.RDF_FORMATS, names)
    if results and graphs:
        return results, graphs
    results = results or conneg.negotiate(request.accept_mimetypes, conneg.RESULT_FORMATS)
    graphs = graphs or conneg.negotiate(request.accept_mimetypes, conneg.RDF_FORMATS)
    if results is None and graphs is None:
        offered = ", ".join(f.media_type for f in conneg.RESULT_FORMATS + conneg.RDF_FORMATS)
        raise ProtocolError(406, "not-acceptable", f"no acceptable format; this endpoint serves {offered}")
    # Clients often send one Accept whatever the query form (rdflib's SPARQLStore asks for result
    # formats even for CONSTRUCT): the other form then gets its default rather than a 406.
    return results or conneg.RESULT_FORMATS[0], graphs or conneg.RDF_FORMATS[0]


def named_format(formats: tuple[conneg.Format, ...], names: tuple[str, ...]) -> conneg.Format | None:
    """Return the first format of `formats` that a `format` value names (by name or media type), if any."""
    for value in names:
        for name in value.split(","):
            found = conneg.by_name(formats, name.split(";")[0].strip())
            if found:
                return found
    return None


def describe_service() -> Response:
    """Return the Service Description for RDF clients and the query UI for browsers."""
    accept = request.accept_mimetypes
    wanted = conneg.negotiate(accept, conneg.RDF_FORMATS, html=True)
    asked_for_html = any(value in (conneg.HTML, "application/xhtml+xml") for value, _ in accept)
    if wanted == conneg.HTML and asked_for_html:
        return ui.render_query_page()
    fmt = wanted if isinstance(wanted, conneg.Format) else conneg.RDF_FORMATS[0]
    if wanted is None:
        raise ProtocolError(406, "not-acceptable", "the service description is served as RDF or HTML")
    live = release.get_release()
    merged = live is None or merges_union(live.path, current_app.config["QUERY_STORE"])
    body = service_description.serialize(endpoint_url(), live, fmt, merged)
    return Response(body, content_type=fmt.content_type)


@bp.after_request
def add_vary(response: Response) -> Response:
    """Tell caches that the answer depends on Accept."""
    response.vary.add("Accept")
    return response


@bp.errorhandler(ProtocolError)
def protocol_error(error: ProtocolError) -> Response:
    """Render a refusal as a short problem document."""
    extra = dict(error.extra)
    allow = extra.pop("allow", None)
    retry_after = extra.pop("retry_after", None)
    response = problem(error.status, error.kind, error.message, **extra)
    if allow:
        response.headers["Allow"] = allow
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    """Render Werkzeug's errors (413, 405, …) as problem documents too."""
    kind = (error.name or "error").lower().replace(" ", "-")
    response = problem(error.code or 500, kind, error.description or error.name)
    for name, value in error.get_headers():
        if name.lower() in ("allow", "retry-after"):
            response.headers[name] = value
    return response


def problem(status: int, kind: str, detail: str, **extra) -> Response:
    """Return an `application/problem+json` response."""
    from http import HTTPStatus

    body = {"type": kind, "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    response = current_app.json.response(body)
    response.status_code = status
    response.content_type = "application/problem+json"
    return response
