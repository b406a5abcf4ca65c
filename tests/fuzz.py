"""A fuzzer for the public server: hypothesis strategies for SPARQL text and HTTP requests, and a concurrent sender.

Used by tests/test_fuzz_live.py, and on its own against any running server to count its answers:

    .venv/bin/python -m tests.fuzz --url http://127.0.0.1:5001 --requests 10000
"""

from __future__ import annotations

import argparse
import collections
import socket
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

DIP = "https://w3id.org/diplomacy-kg/ontology#"
ID = "https://w3id.org/diplomacy-kg/id/"
# 503s the endpoint documents: the query ran out of time or memory, or the server was full.
DOCUMENTED_503 = {"query-timeout", "query-aborted", "too-many-queries", "no-data"}

# --- SPARQL ------------------------------------------------------------------------------------

variables = st.sampled_from(["?s", "?p", "?o", "?x", "$y", "?label", "?g"])
iris = st.one_of(
    st.sampled_from(
        [
            f"<{ID}country/turkey>",
            f"<{DIP}Meeting>",
            "<http://www.w3.org/2000/01/rdf-schema#label>",
            "<urn:x>",
            "<>",
            "<relative>",
            "<http://example.org/a b>",
            "dip:Country",
            "rdfs:label",
            "nope:thing",
            "a",
        ]
    ),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12).map(lambda t: f"<{t}>"),
)
string_bodies = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["\\U00110000", "\\uD800", "\\u00e9", "\\n", "\\", "\\x", "Türkiye", "'", '"']),
)
literals = st.one_of(
    string_bodies.map(lambda t: f'"{t}"'),
    st.tuples(string_bodies, st.sampled_from(["@en", "@", "@x-", "^^xsd:date", "^^<urn:t>", "^^xsd:integer"])).map(
        lambda p: f'"{p[0]}"{p[1]}'
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=False).map(repr),
    st.sampled_from(["true", "false", "1e999", "-0", ".5"]),
)
terms = st.one_of(variables, iris, literals)
functions = st.sampled_from(
    ["STR", "LANG", "REGEX", "CONTAINS", "STRLEN", "<urn:f>", "bif:contains", "xsd:integer", "IRI", "BNODE", "isIRI"]
)
expressions = st.recursive(
    terms,
    lambda inner: st.one_of(
        st.tuples(functions, st.lists(inner, max_size=3)).map(lambda p: f"{p[0]}({', '.join(p[1])})"),
        st.tuples(inner, st.sampled_from(["=", "!=", "<", "&&", "||", "+", "/", "IN"]), inner).map(" ".join),
        inner.map(lambda e: f"!({e})"),
    ),
    max_leaves=6,
)
triples = st.tuples(
    terms, st.one_of(terms, st.sampled_from(["rdfs:label*", "dip:participant/rdfs:label", "^a"])), terms
)
patterns = st.recursive(
    triples.map(lambda t: " ".join(t) + " ."),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(" ".join),
        inner.map(lambda p: f"OPTIONAL {{ {p} }}"),
        st.tuples(inner, inner).map(lambda p: f"{{ {p[0]} }} UNION {{ {p[1]} }}"),
        st.tuples(st.one_of(variables, iris), inner).map(lambda p: f"GRAPH {p[0]} {{ {p[1]} }}"),
        expressions.map(lambda e: f"FILTER({e})"),
        st.tuples(expressions, variables).map(lambda p: f"BIND({p[0]} AS {p[1]})"),
        st.tuples(variables, st.lists(terms, max_size=3)).map(lambda p: f"VALUES {p[0]} {{ {' '.join(p[1])} }}"),
        inner.map(lambda p: f"FILTER NOT EXISTS {{ {p} }}"),
        inner.map(lambda p: f"{{ SELECT * WHERE {{ {p} }} LIMIT 3 }}"),
    ),
    max_leaves=5,
)
prologues = st.lists(
    st.sampled_from(
        [
            f"PREFIX dip: <{DIP}>",
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>",
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>",
            "PREFIX bif: <bif:>",
            "BASE <http://example.org/>",
            "BASE <relative/>",
            "# a comment",
        ]
    ),
    max_size=4,
).map("\n".join)
heads = st.one_of(
    st.sampled_from(
        ["SELECT *", "SELECT DISTINCT ?s", "ASK", "CONSTRUCT { ?s ?p ?o }", "DESCRIBE ?s", "DESCRIBE <urn:x>"]
    ),
    expressions.map(lambda e: f"SELECT ({e} AS ?v)"),
    st.sampled_from(["SELECT (COUNT(*) AS ?n)", "SELECT ?x (SAMPLE(?o) AS ?v)", "CONSTRUCT WHERE"]),
)
dataset_clauses = st.sampled_from(
    ["", "FROM <https://w3id.org/diplomacy-kg/graph/reference>", "FROM <http://example.org/g>", "FROM NAMED <urn:g>"]
)
modifiers = st.lists(
    st.sampled_from(
        ["LIMIT 5", "LIMIT -1", "OFFSET 2", "ORDER BY ?s", "ORDER BY DESC(?o)", "GROUP BY ?x", "HAVING (?x)", "LIMIT 1"]
    ),
    max_size=2,
).map(" ".join)
structured_queries = st.builds(
    lambda prologue, head, dataset, where, mods: f"{prologue}\n{head} {dataset} WHERE {{ {where} }} {mods}",
    prologues,
    heads,
    dataset_clauses,
    patterns,
    modifiers,
)
queries = st.one_of(
    structured_queries,
    structured_queries.flatmap(
        lambda q: st.tuples(st.integers(0, len(q)), st.integers(0, 8), st.text(max_size=6)).map(
            lambda cut: q[: cut[0]] + cut[2] + q[cut[0] + cut[1] :]
        )
    ),
    st.sampled_from(
        ["# only a comment", "", "   ", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR ALL", "LOAD <urn:x>"]
    ),
    st.text(max_size=60),
)

# --- HTTP --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FuzzRequest:
    """One request: sent with `requests` over a kept-alive connection, or as `raw` bytes on a connection of its own."""

    method: str = "GET"
    path: str = "/sparql"
    params: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    raw: bytes | None = None


graph_iris = st.one_of(
    st.sampled_from(["", "relative", "urn:x", "http://example.org/g", "https://w3id.org/diplomacy-kg/graph/reference"]),
    st.text(max_size=10),
)
extra_params = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["default-graph-uri", "named-graph-uri"]), graph_iris),
        st.tuples(
            st.just("format"),
            st.one_of(st.sampled_from(["json", "xml", "n3", "rdf+xml", "json-ld", "tsv", "csv", "ttl"]), st.text()),
        ),
        st.tuples(st.just("timeout"), st.one_of(st.sampled_from(["1", "0", "-1", "nan", "inf", "1e-9"]), st.text())),
        st.tuples(st.sampled_from(["update", "using-graph-uri", "output", "results"]), st.text(max_size=8)),
    ),
    max_size=3,
)
accepts = st.one_of(
    st.sampled_from(
        [
            "*/*",
            "application/sparql-results+json",
            "text/turtle",
            "text/csv;q=0.5, application/rdf+xml",
            "image/png",
            "text/html",
            "application/ld+json;q=abc",
            "",
        ]
    ),
    # What `requests` lets a client send: printable ASCII, no whitespace at either end.
    st.text(max_size=20).filter(lambda t: t.isprintable() and t.isascii() and t == t.strip()),
)
content_types = st.sampled_from(
    [
        "application/sparql-query",
        "application/x-www-form-urlencoded",
        "application/sparql-update",
        "application/sparql-query; charset=latin-1",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded; charset",
    ]
)


@st.composite
def sparql_requests(draw) -> FuzzRequest:
    """Draw a request to /sparql: a query by GET, form POST or direct POST, with fuzzed protocol parameters."""
    query = draw(queries)
    params = tuple(draw(extra_params))
    headers = (("Accept", draw(accepts)),)
    how = draw(st.sampled_from(["get", "form", "direct"]))
    if how == "get":
        return FuzzRequest("GET", params=(("query", query), *params), headers=headers)
    content_type = draw(content_types) if draw(st.booleans()) else None
    if how == "form":
        body = urllib.parse.urlencode((("query", query), *params)).encode()
        content_type = content_type or "application/x-www-form-urlencoded"
    else:
        body = query.encode("utf-8", "surrogatepass") if draw(st.booleans()) else draw(st.binary(max_size=40))
        content_type = content_type or "application/sparql-query"
    return FuzzRequest("POST", params=params, headers=(*headers, ("Content-Type", content_type)), body=body)


paths = st.one_of(
    st.sampled_from(
        [
            "/",
            "/query",
            "/healthz",
            "/dumps/",
            "/dumps/kg.trig",
            "/dumps/manifest.json",
            "/.well-known/void",
            "/ontology",
            "/ontology.ttl",
            "/shapes",
            "/id/country/turkey",
            "/id/country/turkey.ttl",
            "/graph/reference",
            "/static/site.css",
        ]
    ),
    st.tuples(st.sampled_from(["/id/", "/graph/", "/dumps/", "/ontology/", "/static/", "/"]), st.text(max_size=20)).map(
        lambda p: p[0] + urllib.parse.quote(p[1], safe="/.%")
    ),
)
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=24).map(str.strip)


@st.composite
def page_requests(draw) -> FuzzRequest:
    """Draw a request to a read surface (pages, Linked Data, dumps, VoID) with fuzzed negotiation headers."""
    headers = [("Accept", draw(accepts))]
    for name in draw(st.lists(st.sampled_from(["Range", "If-None-Match", "If-Modified-Since", "Origin"]), max_size=2)):
        value = draw(
            st.one_of(st.sampled_from(["bytes=0-10", "bytes=5-1,0-2", "bytes=x", "*", 'W/"1"']), header_values)
        )
        headers.append((name, value))
    method = draw(st.sampled_from(["GET", "GET", "HEAD", "OPTIONS", "POST", "DELETE"]))
    return FuzzRequest(method, path=draw(paths), headers=tuple(headers))


def _chunked(parts: list[bytes], sizes: list[str] | None = None) -> bytes:
    sizes = sizes or [f"{len(p):x}" for p in parts]
    return b"".join(f"{size}\r\n".encode() + part + b"\r\n" for size, part in zip(sizes, parts, strict=True))


@st.composite
def raw_requests(draw) -> FuzzRequest:
    """Draw a hand-written HTTP/1.1 message: chunked bodies with good and malformed sizes, bad lengths."""
    query = draw(queries).encode("utf-8", "surrogatepass")
    parts = [query[: len(query) // 2], query[len(query) // 2 :]]
    sizes = [f"{len(p):x}" for p in parts]
    if draw(st.booleans()):
        sizes[draw(st.integers(0, 1))] = draw(st.sampled_from(["zz", "-1", "", "1;x=y", "ffffffffffffffffff", " 3"]))
    body = _chunked(parts, sizes) + draw(st.sampled_from([b"0\r\n\r\n", b"", b"0\r\n", b"x"]))
    content_type = draw(st.sampled_from(["application/sparql-query", "application/x-www-form-urlencoded"]))
    if content_type.endswith("urlencoded"):
        body = _chunked([b"query=" + urllib.parse.quote(query).encode()]) + b"0\r\n\r\n"
    head = f"POST /sparql HTTP/1.1\r\nHost: fuzz\r\nContent-Type: {content_type}\r\nConnection: close\r\n"
    head += draw(
        st.sampled_from(["Transfer-Encoding: chunked\r\n", "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n"])
    )
    return FuzzRequest(raw=head.encode() + b"\r\n" + body)


any_requests = st.one_of(sparql_requests(), sparql_requests(), page_requests(), raw_requests())

# --- sending -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the server answered: counts by status, and the requests that got an undocumented 5xx."""

    sent: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    server_errors: list[tuple[FuzzRequest, int, str]] = field(default_factory=list)
    unanswered: list[FuzzRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, request: FuzzRequest, status: int, body: bytes) -> None:
        """Count one answer, keeping it when it is a 5xx other than a documented 503."""
        with self.lock:
            self.sent += 1
            self.statuses[status] += 1
            if status == 0:
                self.unanswered.append(request)
            documented = status == 503 and any(kind.encode() in body for kind in DOCUMENTED_503)
            if status >= 500 and not documented:
                self.server_errors.append((request, status, body[:300].decode("utf-8", "replace")))


_sessions = threading.local()


def send(base_url: str, request: FuzzRequest) -> tuple[int, bytes]:
    """Send one request; return the status (0 when the connection failed) and the start of the body."""
    if request.raw is not None:
        return send_raw(base_url, request.raw)
    session = getattr(_sessions, "session", None) or requests.Session()
    _sessions.session = session
    try:
        response = session.request(
            request.method,
            base_url + request.path,
            params=list(request.params),
            headers=dict(request.headers),
            data=request.body,
            timeout=60,
            allow_redirects=False,
        )
    except requests.RequestException:
        _sessions.session = None
        return 0, b""
    return response.status_code, response.content[:2000]


def send_raw(base_url: str, message: bytes) -> tuple[int, bytes]:
    """Send a raw HTTP message on a new connection and return the status of the reply."""
    host, port = urllib.parse.urlsplit(base_url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=60) as connection:
        try:
            connection.sendall(message)
            connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    status_line = reply.split(b"\r\n", 1)[0].split()
    return (int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0), reply[:2000]


def run(base_url: str, count: int, threads: int = 8) -> Tally:
    """Send `count` drawn requests over `threads` kept-alive connections, sending while hypothesis draws."""
    tally = Tally()
    pool = ThreadPoolExecutor(threads)

    def send_and_count(request: FuzzRequest) -> None:
        status, body = send(base_url, request)
        tally.add(request, status, body)

    @settings(
        max_examples=count,
        phases=[Phase.generate],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(any_requests)
    def submit(request: FuzzRequest) -> None:
        pool.submit(send_and_count, request)

    try:
        submit()
    finally:
        pool.shutdown()
    return tally


def main() -> None:
    """Fuzz a running server and print what it answered."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", type=int, default=10_000)
    args = parser.parse_args()
    tally = run(args.url.rstrip("/"), args.requests)
    print(f"sent {tally.sent}; statuses {dict(sorted(tally.statuses.items()))}")
    print(f"undocumented 5xx: {len(tally.server_errors)}")
    for request, status, body in tally.server_errors[:15]:
        print(status, request, body[:200].replace("\n", " "))
    print(f"unanswered: {len(tally.unanswered)}")
    for request in tally.unanswered[:15]:
        print(request)


if __name__ == "__main__":
    main()
