"""Bodies and request lines under gunicorn, sent as clients send them: chunked, form-encoded, oversized, malformed."""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import requests
from rdflib import Dataset

from kg.web.testing import LiveServer, publish_dataset

SAMPLE = Path(__file__).parent / "data" / "sparql" / "sample.trig"
LIMIT = 300  # KG_MAX_QUERY_BYTES of this server
ROWS = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1000"

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("http-data")
    dataset = Dataset()
    dataset.parse(SAMPLE, format="trig")
    publish_dataset(folder, dataset)
    with LiveServer({"DATA_DIR": folder, "MAX_QUERY_BYTES": LIMIT}, log=folder / "server.log") as live:
        yield live


def raw_post(server, content_type: str, chunks: list[bytes], ending: bytes = b"0\r\n\r\n") -> tuple[int, bytes]:
    """POST a chunked body by hand and return the status and body of the reply."""
    body = b"".join(f"{len(c):x}\r\n".encode() + c + b"\r\n" for c in chunks) + ending
    head = f"POST /sparql HTTP/1.1\r\nHost: kg\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n"
    head += "Accept: text/tab-separated-values\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as connection:
        connection.sendall(head.encode() + body)
        reply = b""
        while data := connection.recv(65536):
            reply += data
    status_line, _, rest = reply.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def test_a_chunked_query_under_the_limit_is_read_whole(server):
    query = ROWS.encode()
    status, body = raw_post(server, "application/sparql-query", [query[:10], query[10:]])
    assert status == 200
    rows = body.decode().strip().splitlines()[1:]
    assert len(rows) > 1  # `LIMIT 1000`, not a `LIMIT 1` cut at a chunk or limit boundary


@pytest.mark.parametrize("content_type", ["application/sparql-query", "application/x-www-form-urlencoded"])
def test_a_chunked_body_over_the_limit_is_413_never_a_cut_query(server, content_type):
    """Regression: the body was cut at KG_MAX_QUERY_BYTES and run (`LIMIT 1000` became `LIMIT 1`) with a 200."""
    query = " " * (LIMIT - len(ROWS) + 3) + ROWS
    body = query.encode() if content_type.endswith("query") else urllib.parse.urlencode({"query": query}).encode()
    status, reply = raw_post(server, content_type, [body[:100], body[100:]])
    assert status == 413
    assert b"query-too-large" in reply


@pytest.mark.parametrize("size", ["zz", "-1", "ffffffffffffffffffff"])
def test_a_malformed_chunk_size_is_400_not_500(server, size):
    status = raw_post_with_size(server, size)
    assert status == 400
    assert "Traceback" not in server.log.read_text("utf-8", "replace")


def raw_post_with_size(server, size: str) -> int:
    head = (
        "POST /sparql HTTP/1.1\r\nHost: kg\r\nContent-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n"
    )
    message = f"{head}Connection: close\r\n\r\n{size}\r\nASK {{}}\r\n0\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as connection:
        connection.sendall(message)
        connection.shutdown(socket.SHUT_WR)  # the body ends here, whatever size its chunk claimed
        reply = connection.recv(65536)
    return int(reply.split(b"\r\n", 1)[0].split()[1])


@pytest.mark.parametrize("size", [LIMIT + 1, 2_000_000])
def test_urllib_reads_the_413_of_a_body_over_the_limit(server, size):
    """Regression: the 413 closed the connection while urllib still sent, which it saw as a broken pipe."""
    request = urllib.request.Request(
        server.url + "/sparql", data=b"ASK {}" + b" " * size, headers={"Content-Type": "application/sparql-query"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 413


def test_a_long_request_line_is_414_at_once(server):
    """Regression: with the request line unbounded a 20 MB query string cost a minute of server time."""
    response = requests.get(server.url + "/sparql", params={"query": "ASK {}" + " " * 20_000_000}, timeout=30)
    assert response.status_code == 414


def test_answers_go_out_compressed(server):
    query = "SELECT * WHERE { ?s ?p ?o }"
    response = requests.get(server.url + "/sparql", params={"query": query}, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.json()["results"]["bindings"]  # requests undid the compression
