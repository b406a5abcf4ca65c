"""Benchmark /sparql against its limit and its Python peer, on one synthetic graph of >= 1M triples.

(a) in-process pyoxigraph (in-memory store, query + SPARQL JSON serialization): the limit;
(b) this endpoint under gunicorn (`make serve`'s command), over HTTP with keep-alive;
(c) rdflib-endpoint, installed in bench/.venv, serving the same N-Quads at `/`.
Same data, same queries, same run. Prints median / p99 latency (one client, sequential) and
throughput (4 concurrent clients) per query shape, with ratios.

    make bench            # or: .venv/bin/python bench/endpoint.py --peer-python bench/.venv/bin/python
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox

from kg.publish import load_query_stores
from kg.web.testing import LiveServer, free_port

BASE = "https://w3id.org/diplomacy-kg/"
DIP = "https://w3id.org/diplomacy-kg/ontology#"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
EVENT_KINDS = ("Meeting", "Visit", "Talks", "PhoneCall", "Statement", "Summit", "MilitaryOperation", "AgreementSigning")
PREFIXES = f"PREFIX dip: <{DIP}>\nPREFIX dct: <{DCT}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

QUERIES = {
    "lookup (one article)": PREFIXES
    + 'SELECT ?title ?issued ?entity WHERE { ?a dct:identifier "article-01234" ; dct:title ?title ; '
    "dct:issued ?issued ; dip:mentions ?entity }",
    "selective join (events of a person on a date)": PREFIXES
    + f"SELECT ?e ?kind ?label ?place WHERE {{ ?e dip:participant <{BASE}id/person/person-0042> ; "
    "a ?kind ; rdfs:label ?label ; dip:place ?place ; dip:report/dip:reportedIn/dct:issued ?d "
    f'FILTER(?d >= "2024-03-01"^^<{XSD}date>) }} LIMIT 100',
    "join + filter (quotes of a country's people)": PREFIXES
    + f"SELECT ?speaker ?text WHERE {{ ?q a dip:Quote ; dip:speaker ?speaker ; dip:quoteText ?text . "
    f"?speaker dip:citizenOf <{BASE}id/country/country-007> }} LIMIT 100",
    "aggregation (events per kind)": PREFIXES
    + "SELECT ?kind (COUNT(?e) AS ?n) WHERE { ?e a ?kind ; dip:participant ?p } GROUP BY ?kind ORDER BY DESC(?n)",
    "large result (5,000 rows)": PREFIXES + "SELECT ?a ?title WHERE { ?a a dip:Article ; dct:title ?title } LIMIT 5000",
}
CLIENTS = 4  # concurrent clients of the throughput runs: at most KG_MAX_CONCURRENT_QUERIES of one process
SELECTIVE = (
    "lookup (one article)",
    "selective join (events of a person on a date)",
    "join + filter (quotes of a country's people)",
)


def generate(path: Path, articles: int, seed: int = 7) -> int:
    """Write a synthetic N-Quads graph shaped like the published one; return its quad count."""
    rng = random.Random(seed)
    countries = [f"{BASE}id/country/country-{i:03d}" for i in range(200)]
    people = [f"{BASE}id/person/person-{i:04d}" for i in range(5000)]
    places = [f"{BASE}id/place/place-{i:04d}" for i in range(2000)]
    reference = f"<{BASE}graph/reference>"
    count = 0
    with path.open("w", encoding="utf-8") as out:

        def quad(s, p, o, g):
            nonlocal count
            out.write(f"{s} {p} {o} {g} .\n")
            count += 1

        for i, c in enumerate(countries):
            quad(f"<{c}>", RDF_TYPE, f"<{DIP}Country>", reference)
            quad(f"<{c}>", RDFS_LABEL, f'"Country {i}"@en', reference)
        for i, p in enumerate(people):
            quad(f"<{p}>", RDF_TYPE, f"<{DIP}Person>", reference)
            quad(f"<{p}>", RDFS_LABEL, f'"Person {i}"@en', reference)
            quad(f"<{p}>", f"<{DIP}citizenOf>", f"<{rng.choice(countries)}>", reference)
        for i, p in enumerate(places):
            quad(f"<{p}>", RDF_TYPE, f"<{DIP}Place>", reference)
            quad(f"<{p}>", RDFS_LABEL, f'"Place {i}"@en', reference)
        for n in range(articles):
            name = f"article-{n:05d}"
            graph, article = f"<{BASE}graph/article/{name}>", f"<{BASE}id/article/{name}>"
            day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            quad(article, RDF_TYPE, f"<{DIP}Article>", graph)
            quad(article, f"<{DCT}identifier>", f'"{name}"', graph)
            quad(article, f"<{DCT}title>", f'"Diplomatic news item {n}"@en', graph)
            quad(article, f"<{DCT}issued>", f'"{day}"^^<{XSD}date>', graph)
            quad(article, f"<{DCT}publisher>", f'"Wire {n % 17}"', graph)
            mentioned = rng.sample(people, 3) + rng.sample(countries, 2)
            for entity in mentioned:
                quad(article, f"<{DIP}mentions>", f"<{entity}>", graph)
            for k in range(3):
                event, report = f"<{BASE}id/event/{name}-{k}>", f"<{BASE}id/report/{name}-{k}>"
                quad(event, RDF_TYPE, f"<{DIP}{rng.choice(EVENT_KINDS)}>", graph)
                quad(event, RDFS_LABEL, f'"Event {k} of {name}"@en', graph)
                quad(event, f"<{DIP}date>", f'"{day}"^^<{XSD}date>', graph)
                quad(event, f"<{DIP}place>", f"<{rng.choice(places)}>", graph)
                for participant in rng.sample(mentioned, 2):
                    quad(event, f"<{DIP}participant>", f"<{participant}>", graph)
                quad(event, f"<{DIP}reportedIn>", article, graph)
                quad(event, f"<{DIP}report>", report, graph)
                quad(report, RDF_TYPE, f"<{DIP}Report>", graph)
                quad(report, f"<{DIP}reportedIn>", article, graph)
                quad(report, f"<{DIP}evidenceText>", f'"Sentence {k} of {name}."', graph)
                quad(report, f"<{DIP}wording>", f'"{rng.choice(("met", "held talks", "visited", "said"))}"', graph)
            quote = f"<{BASE}id/quote/{name}-1>"
            quad(quote, RDF_TYPE, f"<{DIP}Quote>", graph)
            quad(quote, f"<{DIP}speaker>", f"<{mentioned[0]}>", graph)
            quad(quote, f"<{DIP}quoteText>", f'"We discussed peace, item {n}."', graph)
            quad(quote, f"<{DIP}reportedIn>", article, graph)
    return count


def make_release(data_dir: Path, nquads: Path) -> None:
    """Lay out a release by hand (publish_atomically would go through rdflib, minutes at this size)."""
    release = data_dir / "releases" / "20260101T000000000000Z"
    (release / "dumps").mkdir(parents=True)
    shutil.copy(nquads, release / "dumps" / "kg.nq")
    store = ox.Store(str(release / "store"))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    union = ox.Store()  # the deduplicated union dump the query workers load as their default graph
    union.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store)
    union.dump(str(release / "dumps" / "kg.nt"), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    del store, union
    (data_dir / "current").symlink_to(release.relative_to(data_dir))


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(run, repeats: int, budget: float) -> dict:
    """Time `run()` sequentially up to `repeats` times or `budget` seconds; return latency figures in ms and rows."""
    answer_rows = rows(run())  # warm-up, and the answer every system must agree on
    samples, started = [], time.monotonic()
    while len(samples) < repeats and time.monotonic() - started < budget:
        t = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t) * 1000)
    return {
        "n": len(samples),
        "median": statistics.median(samples),
        "p99": percentile(samples, 0.99),
        "rows": answer_rows,
    }


def throughput(make_run, clients: int, seconds: float) -> float:
    """Return requests per second with `clients` concurrent callers for `seconds`."""
    done, stop = [0] * clients, time.monotonic() + seconds

    def loop(i):
        run = make_run()
        while time.monotonic() < stop:
            run()
            done[i] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def http_runner(port: int, path: str, query: str, timeout: float):
    """Return a function that sends `query` by GET over one keep-alive connection and checks the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    target = f"{path}?{urllib.parse.urlencode({'query': query})}"

    def run() -> bytes:
        connection.request("GET", target, headers={"Accept": "application/sparql-results+json"})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")
        return body

    return run


def rows(body: bytes) -> int:
    """Return the number of rows of a SPARQL JSON answer."""
    return len(json.loads(body)["results"]["bindings"])


def start_peer(python: str, nquads: Path) -> tuple[subprocess.Popen, int]:
    """Start rdflib-endpoint on the same data; return the process and its port once it answers."""
    port = free_port()
    code = (
        "import sys, uvicorn; from rdflib import Dataset; from rdflib_endpoint import SparqlEndpoint;"
        "g = Dataset(default_union=True); g.parse(sys.argv[1], format='nquads');"
        "uvicorn.run(SparqlEndpoint(graph=g), host='127.0.0.1', port=int(sys.argv[2]), log_level='warning')"
    )
    process = subprocess.Popen([python, "-c", code, str(nquads), str(port)], start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            http_runner(port, "/", "ASK {}", 5)()
            return process, port
        except (OSError, RuntimeError, http.client.HTTPException):
            if process.poll() is not None:
                raise RuntimeError("rdflib-endpoint exited") from None
            time.sleep(1)
    raise RuntimeError("rdflib-endpoint did not come up in 300 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=21_000, help="synthetic articles (~48 triples each)")
    parser.add_argument("--peer-python", help="python of a venv with rdflib-endpoint; omit to skip (c)")
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each throughput run")
    parser.add_argument("--peer-budget", type=float, default=40.0, help="seconds of (c) per query at most")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        nquads = work / "kg.nq"
        started = time.monotonic()
        quads = generate(nquads, args.articles)
        print(f"generated {quads:,} quads in {time.monotonic() - started:.1f} s", flush=True)
        data_dir = work / "data"
        make_release(data_dir, nquads)
        results = {name: {} for name in QUERIES}

        stores = load_query_stores((data_dir / "current").resolve())  # what the query workers hold
        for name, query in QUERIES.items():

            def in_process(query=query):
                store, arguments = stores.for_query(query)
                result = store.query(query, **arguments)
                return result.serialize(format=ox.QueryResultsFormat.JSON)

            results[name]["a"] = measure(in_process, args.repeats, 20)
            results[name]["a"]["rps"] = throughput(lambda q=query: lambda: in_process(q), 2, args.seconds)
        stores = None  # free the in-process copy before the servers load theirs
        print("(a) done", flush=True)

        settings = {"DATA_DIR": data_dir, "QUERY_TIMEOUT": 120, "QUERY_MEMORY_MB": 8192, "MAX_ROWS": 10_000}
        with LiveServer(settings, workers=2, threads=8) as server:
            # Each gunicorn process loads its query workers at start; wait for them (first answers) before timing.
            throughput(lambda: http_runner(server.port, "/sparql", QUERIES["lookup (one article)"], 300), CLIENTS, 10)
            for name, query in QUERIES.items():
                run = http_runner(server.port, "/sparql", query, 120)
                results[name]["b"] = measure(run, args.repeats, 30)
                results[name]["b"]["rps"] = throughput(
                    lambda q=query: http_runner(server.port, "/sparql", q, 120), CLIENTS, args.seconds
                )
        print("(b) done", flush=True)

        if args.peer_python:
            started = time.monotonic()
            peer, port = start_peer(args.peer_python, nquads)
            print(f"(c) rdflib-endpoint loaded the graph in {time.monotonic() - started:.0f} s", flush=True)
            try:
                for name, query in QUERIES.items():
                    run = http_runner(port, "/", query, 600)
                    results[name]["c"] = measure(run, 20, args.peer_budget)
                    results[name]["c"]["rps"] = 1000 / results[name]["c"]["median"]
            finally:
                os.killpg(peer.pid, signal.SIGTERM)
                peer.wait()
            print("(c) done", flush=True)
        report(results, quads)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(results: dict, quads: int) -> None:
    """Print the table: latency and throughput of each system, the ratios, and each target met or missed."""
    print(f"\n{quads:,} quads; latency in ms (median / p99, one client, sequential); throughput in requests/s")
    head = f"{'query':46} {'rows':>5} {'(a) in-process':>17} {'(b) /sparql':>17} {'(c) rdflib-endpoint':>19}"
    print(head + f" {'b-a median':>10} {'c/b median':>10} {'a rps':>7} {'b rps':>7} {'c rps':>7}")
    for name, row in results.items():
        a, b, c = row.get("a"), row.get("b"), row.get("c")
        cells = [f"{f['median']:7.2f} / {f['p99']:7.2f}" if f else "-" for f in (a, b, c)]
        gap = f"{b['median'] - a['median']:+.2f}" if a and b else "-"
        ratio = f"{c['median'] / b['median']:.1f}x" if b and c else "-"
        rps = [f"{f['rps']:7.1f}" if f else "      -" for f in (a, b, c)]
        print(
            f"{name:46} {a['rows']:5} {cells[0]:>17} {cells[1]:>17} {cells[2]:>19} {gap:>10} {ratio:>10} "
            + " ".join(rps)
        )
    print(
        f"\nthroughput: (a) 2 threads in one process, (b) {CLIENTS} keep-alive clients, "
        "(c) 1000 / median (rdflib-endpoint evaluates one query at a time; its runs are too slow to load)"
    )
    for name, row in results.items():
        answers = {system: row[system]["rows"] for system in "abc" if system in row}
        if len(set(answers.values())) > 1:
            print(f"WARNING: {name}: the systems disagree on the number of rows: {answers}")
    print("\ntargets")
    for name in SELECTIVE:
        b, c = results[name].get("b"), results[name].get("c")
        if b and c:
            ratio = c["median"] / b["median"]
            verdict = "met" if ratio >= 20 else "MISSED"
            print(f"  (b) >= 20x (c), selective: {name:46} {ratio:8.1f}x  {verdict}")
    for name, row in results.items():
        a, b = row.get("a"), row.get("b")
        if a and b and a["median"] < 10:
            gap = b["median"] - a["median"]
            verdict = "met" if gap <= 2 else "MISSED"
            print(f"  (b) median within 2 ms of (a) < 10 ms: {name:46} {gap:+7.2f} ms  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
