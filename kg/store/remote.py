"""A SPARQL 1.1 store reached by the standard protocols: Graph Store Protocol to write, SPARQL Protocol to read.

Layout in the store, for a dataset whose base IRI is `{base}`:

    {base}release/{build}/graph/…    one graph per published graph `{base}graph/…` of that release
    {base}release/{build}/union      the RDF merge of them all (SPARQL's default graph here)
    {base}release/{build}            the release's own description: which graphs it holds
    {base}releases                   the version graph: names the current release; written last

A build writes its release's graphs first, then switches the version graph with one PUT, then
deletes the graphs of every other release. A reader asks the version graph which release is
current and runs its query on that release's graphs only, so it never sees half a release.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import PublishError

DCT = "http://purl.org/dc/terms/"
HAS_VERSION = ox.NamedNode(DCT + "hasVersion")
HAS_PART = ox.NamedNode(DCT + "hasPart")
IDENTIFIER = ox.NamedNode(DCT + "identifier")
SOURCE = ox.NamedNode(DCT + "source")
XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
JSON_RESULTS = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
CHUNK_TRIPLES = 50_000  # triples per Graph Store request: a big graph goes as one PUT and then POSTs
MAX_ANSWER_BYTES = 256 << 20  # an answer read from the store larger than this is refused


class StoreError(Exception):
    """The store refused a request or could not be reached; `status` is what a client of ours gets."""

    def __init__(self, message: str, status: int = 503, store_status: int | None = None):
        super().__init__(message)
        self.message, self.status, self.store_status = message, status, store_status


@dataclass(frozen=True)
class Endpoints:
    """Where the store listens and who we are to it."""

    query_url: str
    gsp_url: str
    user: str = ""
    password: str = ""
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Endpoints:
        """Return the endpoints the `KG_STORE_*` settings name (checked by kg.config)."""
        return cls(
            query_url=settings["STORE_QUERY_URL"],
            gsp_url=settings["STORE_GSP_URL"],
            user=settings.get("STORE_USER", ""),
            password=settings.get("STORE_PASSWORD", ""),
            timeout=float(settings.get("QUERY_TIMEOUT", 30.0)),
        )


class Naming:
    """The IRIs of one dataset's releases in the store (see the module's docstring)."""

    def __init__(self, base: str):
        self.base = base.rstrip("/") + "/"
        self.version_graph = self.base + "releases"

    def release(self, build: str) -> str:
        """Return the IRI of a release's description graph (and of the release itself)."""
        return f"{self.base}release/{build}"

    def union(self, build: str) -> str:
        """Return the IRI of the graph holding the merge of a release's graphs."""
        return self.release(build) + "/union"

    def stored(self, build: str, graph: str) -> str:
        """Return where published graph `graph` of release `build` is kept in the store."""
        if graph.startswith(self.base):
            return f"{self.release(build)}/{graph[len(self.base) :]}"
        return f"{self.release(build)}/external/{urllib.parse.quote(graph, safe='')}"

    def published(self, build: str, stored: str) -> str:
        """Return the published IRI of a graph kept at `stored` (the inverse of `stored`)."""
        prefix = self.release(build) + "/"
        if not stored.startswith(prefix):
            return stored
        rest = stored[len(prefix) :]
        if rest.startswith("external/"):
            return urllib.parse.unquote(rest[len("external/") :])
        return self.base + rest


class Client:
    """Speak the SPARQL 1.1 Protocol and Graph Store Protocol to one store, with HTTP digest or basic auth."""

    def __init__(self, endpoints: Endpoints):
        self.endpoints = endpoints
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        self._digest = urllib.request.HTTPDigestAuthHandler(self._passwords)
        self._challenge: dict | None = None
        self._lock = threading.Lock()
        if endpoints.user:
            for url in (endpoints.gsp_url, endpoints.query_url):
                self._passwords.add_password(None, url, endpoints.user, endpoints.password)
        self._opener = urllib.request.build_opener()

    def _authorize(self, request: urllib.request.Request) -> None:
        """Sign a request before it is sent, from a challenge fetched once by a bodyless request.

        Answering the server's challenge after sending a body does not work for big bodies: the
        server answers 401 and closes while the body is still going out (a broken pipe here).
        """
        if not self.endpoints.user:
            return
        with self._lock:
            if self._challenge is None:
                self._challenge = self._fetch_challenge()
            if self._challenge.get("scheme") == "basic":
                token = base64.b64encode(f"{self.endpoints.user}:{self.endpoints.password}".encode()).decode()
                header = f"Basic {token}"
            else:
                header = "Digest " + self._digest.get_authorization(request, self._challenge)
        request.add_unredirected_header("Authorization", header)

    def _fetch_challenge(self) -> dict:
        probe = _with_params(self.endpoints.gsp_url, [("graph", "urn:x-diplomacy-kg:auth-probe")])
        try:
            with self._opener.open(urllib.request.Request(probe, method="GET"), timeout=self.endpoints.timeout):
                return {"scheme": "basic"}  # no challenge: credentials are sent as Basic
        except urllib.error.HTTPError as error:
            offered = error.headers.get("WWW-Authenticate", "")
        except (urllib.error.URLError, OSError) as error:
            raise StoreError(f"the store could not be reached: {getattr(error, 'reason', error)}") from None
        scheme, _, rest = offered.partition(" ")
        if scheme.lower() != "digest":
            return {"scheme": "basic"}
        challenge = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(rest)))
        return challenge | {"scheme": "digest"}

    # --- Graph Store Protocol

    def put_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Replace `graph` with `triples`, sent as N-Triples in chunks (PUT, then POST to append)."""
        method = "PUT"
        for chunk in _chunks(triples, CHUNK_TRIPLES):
            body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)
            self._graph_request(method, graph, body)
            method = "POST"
        if method == "PUT":  # no triple at all: an empty graph
            self._graph_request("PUT", graph, b"")

    def delete_graph(self, graph: str) -> None:
        """Remove `graph` from the store; a graph that is not there is no error."""
        try:
            self._graph_request("DELETE", graph, None)
        except StoreError as error:
            if error.store_status != 404:
                raise

    def _graph_request(self, method: str, graph: str, body: bytes | None) -> None:
        url = _with_params(self.endpoints.gsp_url, [("graph", graph)])
        headers = {"Content-Type": NTRIPLES} if body is not None else {}
        self._send(urllib.request.Request(url, data=body, method=method, headers=headers), what=f"{method} <{graph}>")

    # --- SPARQL Protocol

    def query(
        self,
        text: str,
        accept: str,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
        timeout: float | None = None,
    ) -> bytes:
        """POST `text` with a protocol dataset and return the body of the answer (at most MAX_ANSWER_BYTES)."""
        params = [("query", text)]
        params += [("default-graph-uri", g) for g in default_graphs]
        params += [("named-graph-uri", g) for g in named_graphs]
        body = urllib.parse.urlencode(params).encode()
        request = urllib.request.Request(
            self.endpoints.query_url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        return self._send(request, what="the query", timeout=timeout)

    def select(self, text: str, default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = ()) -> list[dict]:
        """Run a SELECT and return its rows as {variable: pyoxigraph term}."""
        body = self.query(text, JSON_RESULTS, default_graphs, named_graphs)
        return parse_json_rows(body)[1]

    def _send(
        self, request: urllib.request.Request, what: str, timeout: float | None = None, retried: bool = False
    ) -> bytes:
        """Send a request; read the answer within `timeout` seconds all told (not per read)."""
        timeout = self.endpoints.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        self._authorize(request)
        try:
            with self._opener.open(request, timeout=timeout) as response:
                return _read_until(response, deadline, timeout)
        except urllib.error.HTTPError as error:
            if error.code == 401 and self.endpoints.user and not retried:
                with self._lock:
                    self._challenge = None
                request.remove_header("Authorization")
                return self._send(request, what, timeout, retried=True)
            detail = error.read(2000).decode("utf-8", "replace").split("SPARQL query:")[0].strip()
            # A store's 400 or 500 is a query it cannot evaluate (Virtuoso answers 500 to a function
            # applied to an unbound value); refused credentials and 502/503/504 mean the store is not there.
            status = 400 if error.code in (400, 500) else 503
            raise StoreError(f"the store refused {what} (HTTP {error.code}): {detail}", status, error.code) from None
        except TimeoutError:
            raise StoreError(f"the store did not answer {what} within {timeout:g} s", 503) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise StoreError(f"the store could not be reached for {what}: {reason}", 503) from None


def _read_until(response, deadline: float, timeout: float) -> bytes:
    parts, size = [], 0
    while chunk := response.read(1 << 16):
        parts.append(chunk)
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise StoreError(f"the store's answer is over {MAX_ANSWER_BYTES >> 20} MiB", 503)
        if time.monotonic() > deadline:
            raise TimeoutError
    return b"".join(parts)


def _with_params(url: str, params: list[tuple[str, str]]) -> str:
    return url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params)


def _chunks(items: Iterable, size: int) -> Iterable[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- SPARQL JSON results, as stores write them


def parse_json_rows(body: bytes) -> tuple[list[str], list[dict[str, ox.Term]]]:
    """Return the variables and rows of a SPARQL JSON SELECT answer, as pyoxigraph terms.

    Blank node labels are made valid for pyoxigraph (Virtuoso writes `nodeID://b10000`).
    """
    document = json.loads(body)
    variables = document["head"].get("vars", [])
    rows = [{name: json_term(cell) for name, cell in row.items()} for row in document["results"]["bindings"]]
    return variables, rows


def json_term(cell: dict) -> ox.Term:
    """Return the pyoxigraph term of one SPARQL JSON binding."""
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode("".join(c if c.isalnum() else "_" for c in value))
    language = cell.get("xml:lang")
    if language:
        return ox.Literal(value, language=language)
    datatype = cell.get("datatype")
    return canonical(ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value))


def canonical(term: ox.Term) -> ox.Term:
    """Return `term` with an xsd:boolean written `true`/`false` (Virtuoso writes `1`/`0`)."""
    if isinstance(term, ox.Literal) and term.datatype == XSD_BOOLEAN and term.value in ("1", "0"):
        return ox.Literal("true" if term.value == "1" else "false", datatype=XSD_BOOLEAN)
    return term


def json_cell(term: ox.Term) -> dict:
    """Return the SPARQL JSON binding of a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    cell = {"type": "literal", "value": term.value}
    if term.language:
        cell["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        cell["datatype"] = term.datatype.value
    return cell


# --- publishing a release


def publish(client: Client, naming: Naming, build: str, quads: ox.Store) -> None:
    """Write every graph of `quads` and their merge under release `build`, then its description; not yet current."""
    published = [g for g in quads.named_graphs() if isinstance(g, ox.NamedNode)]
    for graph in published:
        quads_of_graph = quads.quads_for_pattern(None, None, None, graph)
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads_of_graph)
        client.put_graph(naming.stored(build, graph.value), triples)
    union = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    client.put_graph(naming.union(build), union)
    release = ox.NamedNode(naming.release(build))
    description = [ox.Triple(release, IDENTIFIER, ox.Literal(build))]
    for graph in published:
        part = ox.NamedNode(naming.stored(build, graph.value))
        description += [ox.Triple(release, HAS_PART, part), ox.Triple(part, SOURCE, graph)]
    client.put_graph(naming.release(build), description)


def switch(client: Client, naming: Naming, build: str) -> None:
    """Make `build` the current release (one PUT of the version graph), then remove the graphs of older releases.

    The release that was current until now is kept until the next switch: a reader that read the
    version graph just before this one may still be querying it.
    """
    before = current(client, naming)
    version = ox.NamedNode(naming.version_graph)
    client.put_graph(naming.version_graph, [ox.Triple(version, HAS_VERSION, ox.NamedNode(naming.release(build)))])
    kept = {build} | ({before.build} if before else set())
    for graph in stored_graphs(client, naming):
        if not any(graph == naming.release(b) or graph.startswith(naming.release(b) + "/") for b in kept):
            client.delete_graph(graph)


def stored_graphs(client: Client, naming: Naming) -> list[str]:
    """Return every graph of every release of this dataset in the store (whatever state it was left in)."""
    query = (
        f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{naming.base}release/")) }}'
    )
    return [row["g"].value for row in client.select(query) if isinstance(row.get("g"), ox.NamedNode)]


def publish_dataset(settings: Mapping[str, Any], build: str, nquads: bytes | Path) -> None:
    """Publish a validated release (N-Quads, as bytes or a file) into the store KG_STORE names and make it
    current there."""
    client, naming = Client(Endpoints.from_settings(settings)), Naming(settings["BASE_IRI"])
    quads = ox.Store()
    if isinstance(nquads, Path):
        quads.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    else:
        quads.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    try:
        publish(client, naming, build, quads)
        switch(client, naming, build)
    except StoreError as error:
        raise PublishError(f"publishing into the store failed: {error.message}") from None


# --- reading the current release


@dataclass(frozen=True)
class Current:
    """The release a store serves: its build id and the published → stored IRIs of its graphs."""

    build: str
    graphs: dict[str, str]
    union: str


def current(client: Client, naming: Naming) -> Current | None:
    """Return the release the version graph names, or None when nothing was published into the store."""
    rows = client.select(
        f"SELECT ?release ?build ?part ?source WHERE {{ GRAPH <{naming.version_graph}> "
        f"{{ <{naming.version_graph}> <{HAS_VERSION.value}> ?release }} "
        f"GRAPH ?release {{ ?release <{IDENTIFIER.value}> ?build "
        f"OPTIONAL {{ ?release <{HAS_PART.value}> ?part . ?part <{SOURCE.value}> ?source }} }} }}"
    )
    if not rows:
        return None
    build = rows[0]["build"].value
    graphs = {row["source"].value: row["part"].value for row in rows if "part" in row}
    return Current(build, graphs, naming.union(build))
