"""Publishing: fresh release, atomic swap, untouched live release on failure, dumps that re-parse."""

from __future__ import annotations

import gzip
import hashlib
import json

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg import publish
from kg.errors import PublishError
from kg.ids import DIP
from kg.publish import DUMP_FORMATS, current_release, publish_atomically

BASE = "https://w3id.org/diplomacy-kg/"
RDFLIB_FORMATS = {"kg.trig": "trig", "kg.nq": "nquads", "kg.jsonld": "json-ld", "kg.ttl": "turtle", "kg.nt": "nt"}


def small_dataset(label: str = "Azerbaijan") -> Dataset:
    dataset = Dataset()
    country = URIRef(f"{BASE}id/country/azerbaijan")
    article = URIRef(f"{BASE}id/article/a1")
    reference = dataset.graph(URIRef(f"{BASE}graph/reference"))
    reference.add((country, RDF.type, DIP.Country))
    reference.add((country, RDFS.label, Literal(label, lang="en")))
    graph = dataset.graph(URIRef(f"{BASE}graph/article/a1"))
    graph.add((article, RDF.type, DIP.Article))
    graph.add((article, DIP.mentions, country))
    graph.add((country, RDF.type, DIP.Country))  # the same triple in two graphs: one triple in the union
    return dataset


def release(tmp_path, build_id: str, label: str = "Azerbaijan"):
    return publish_atomically(tmp_path, build_id, small_dataset(label), Graph(), "conforms")


def test_publish_makes_a_current_release_with_store_dumps_and_manifest(tmp_path):
    folder = release(tmp_path, "b1")
    assert current_release(tmp_path) == folder
    manifest = json.loads((folder / "dumps" / "manifest.json").read_text())
    assert manifest["quads"] == 5
    assert manifest["triples"] == 4
    names = {f["name"] for f in manifest["files"]}
    for fmt in DUMP_FORMATS:
        assert {fmt.filename, fmt.filename + ".gz"} <= names
    for entry in manifest["files"]:
        content = (folder / "dumps" / entry["name"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert len(content) == entry["bytes"]


@pytest.mark.parametrize("fmt", DUMP_FORMATS, ids=lambda f: f.filename)
def test_every_dump_reparses_to_the_store_count_with_rdflib_and_pyoxigraph(tmp_path, fmt):
    folder = release(tmp_path, "b1")
    store = ox.Store.read_only(str(folder / "store"))
    union = {(q.subject, q.predicate, q.object) for q in store}
    expected = len(store) if fmt.named_graphs else len(union)
    for name in (fmt.filename, fmt.filename + ".gz"):
        data = (folder / "dumps" / name).read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        parsed = Dataset()
        parsed.parse(data=data, format=RDFLIB_FORMATS[fmt.filename])
        assert sum(1 for _ in parsed.quads()) == expected
        oxstore = ox.Store()
        oxstore.load(data, format=fmt.rdf_format)
        assert len(oxstore) == expected


def test_a_new_release_replaces_the_old_one_atomically(tmp_path):
    release(tmp_path, "b1", "Azerbaijan")
    second = release(tmp_path, "b2", "Republic of Azerbaijan")
    assert current_release(tmp_path) == second
    store = ox.Store.read_only(str(second / "store"))
    labels = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(str(RDFS.label)), None)}
    assert labels == {"Republic of Azerbaijan"}


def test_a_failing_publish_leaves_the_live_release_untouched(tmp_path, monkeypatch):
    first = release(tmp_path, "b1")
    before = (first / "dumps" / "manifest.json").read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(publish, "write_dumps", broken)
    with pytest.raises(PublishError, match=r"cannot write the release into .*\.tmp-b2: disk full"):
        release(tmp_path, "b2")
    assert current_release(tmp_path) == first
    assert (first / "dumps" / "manifest.json").read_bytes() == before
    assert not list((tmp_path / "releases").glob(".tmp-*"))
    assert not (tmp_path / "releases" / "b2").exists()


def test_leftovers_of_an_interrupted_build_are_cleared_and_ignored(tmp_path):
    first = release(tmp_path, "b1")
    stale = tmp_path / "releases" / ".tmp-b0"
    (stale / "store").mkdir(parents=True)
    assert current_release(tmp_path) == first
    release(tmp_path, "b2")
    assert not stale.exists()


def test_only_the_newest_releases_are_kept(tmp_path):
    for n in range(5):
        release(tmp_path, f"b{n}")
    kept = sorted(p.name for p in (tmp_path / "releases").iterdir())
    assert kept == ["b2", "b3", "b4"]


@pytest.mark.parametrize(
    ("query", "on_merge"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", True),
        ("SELECT ?from WHERE { ?s ?p ?from }  # a graph variable? no", True),
        ('SELECT * WHERE { ?s <https://w3id.org/diplomacy-kg/graph/x> "GRAPH" }', True),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", False),
        ("select * from <urn:g> where { ?s ?p ?o }", False),
    ],
)
def test_queries_naming_no_graph_run_on_the_merge_of_the_graphs(tmp_path, query, on_merge):
    from kg.publish import QueryStores

    stores = QueryStores(ox.Store(), ox.Store())
    store, arguments = stores.for_query(query)
    assert (store is stores.merge) == on_merge
    assert arguments == ({} if on_merge else {"use_default_graph_as_union": True})


# Streamed publishing: the statements as an N-Quads file, the union-store filled from the named store


def quads_of(dataset: Dataset) -> set:
    return {(s, p, o, g) for s, p, o, g in dataset.quads()}


def test_write_nquads_writes_every_graph_and_reparses_to_the_same_statements(tmp_path):
    dataset = small_dataset()
    graph = dataset.graph(URIRef(f"{BASE}graph/article/a2"))
    article = URIRef(f"{BASE}id/article/a2")
    graph.add((article, DIP.articleText, Literal('Two lines,\n"quoted" and \\ escaped', lang="en")))
    graph.add((article, DIP.wordCount, Literal(7)))
    graph.add((article, DIP.mentions, BNode("b1")))
    dataset.add((article, RDF.type, DIP.Article))  # the default graph: written without a graph name
    path = tmp_path / "release.nq"
    publish.write_nquads(dataset, path)
    parsed = Dataset()
    parsed.parse(path, format="nquads")
    assert len(quads_of(parsed)) == len(quads_of(dataset)) == 9
    for graph in dataset.graphs():  # blank nodes are renamed by the parser: each graph compared by isomorphism
        assert isomorphic(parsed.graph(graph.identifier), graph), graph.identifier
    assert sum(1 for line in path.read_bytes().splitlines() if line.count(b" ") == 3) == 1  # the default graph's


def test_write_nquads_takes_named_graphs_one_by_one(tmp_path):
    graphs = list(small_dataset().graphs())
    path = tmp_path / "graphs.nq"
    chunks = publish.write_nquads((g for g in graphs if len(g)), path)
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    assert len(store) == 5
    assert {g.value for g in store.named_graphs()} == {f"{BASE}graph/reference", f"{BASE}graph/article/a1"}
    data = path.read_bytes()
    for name, chunk in chunks.items():  # each graph's statements, where the file index says they are
        lines = data[chunk.offset : chunk.offset + chunk.length].decode().splitlines()
        assert len(lines) == len(next(g for g in graphs if str(g.identifier) == name))
        assert all(line.endswith(f"<{name}> .") for line in lines)
        assert chunk.digest == hashlib.sha256("".join(sorted(line + "\n" for line in lines)).encode()).hexdigest()


def test_a_release_published_from_statements_files_is_the_release_of_its_dataset(tmp_path):
    build = "20260101T000000000000Z"
    from_dataset = publish_atomically(tmp_path / "one", build, small_dataset(), Graph(), "conforms")
    statements = publish.write_statements(small_dataset(), tmp_path / "statements.nq")
    from_file = publish_atomically(tmp_path / "two", build, statements, Graph(), "conforms")
    assert statements.quads.exists() and statements.triples.exists()  # the caller's files: the caller removes them
    manifests = [json.loads((f / "dumps" / "manifest.json").read_text()) for f in (from_dataset, from_file)]
    voids = [Graph().parse(f / "dumps" / "void.ttl") for f in (from_dataset, from_file)]
    assert isomorphic(*voids)  # its partitions are blank nodes, written in any order: compared as graphs
    for manifest in manifests:
        manifest["files"] = [f for f in manifest["files"] if f["name"] != "void.ttl"]
    assert manifests[0] == manifests[1]
    stores = [set(ox.Store.read_only(str(f / "store"))) for f in (from_dataset, from_file)]
    assert stores[0] == stores[1]
    for folder in (from_dataset, from_file):  # nothing left of the statements or the union's triples
        assert sorted(p.name for p in folder.iterdir()) == [
            "dumps",
            "search.sqlite",
            "statements.json",  # the digest of each graph, for a release patched from this one (kg/patch.py)
            "store",
            "union-store",
        ]


def test_the_union_store_holds_each_triple_of_the_graphs_once(tmp_path):
    folder = release(tmp_path, "b1")
    union = ox.Store.read_only(str(folder / "union-store"))
    named = ox.Store.read_only(str(folder / "store"))
    assert list(union.named_graphs()) == []
    assert {(q.subject, q.predicate, q.object) for q in union} == {(q.subject, q.predicate, q.object) for q in named}
    assert len(union) == 4


def test_the_manifest_counts_the_statements_of_each_graph(tmp_path):
    manifest = json.loads((release(tmp_path, "b1") / "dumps" / "manifest.json").read_text())
    assert manifest["graphs"] == {f"{BASE}graph/article/a1": 3, f"{BASE}graph/reference": 2}


def test_the_statements_file_of_a_build_is_removed_after_publishing_or_failing(tmp_path):
    with publish.statements_file(tmp_path, "b1", small_dataset()) as statements:
        assert (statements.quads.name, statements.triples.name) == (".statements-b1.nq", ".statements-b1.nt")
        publish_atomically(tmp_path, "b1", statements, Graph(), "conforms")
    assert not statements.quads.exists() and not statements.triples.exists()
    with pytest.raises(PublishError, match="already exists"), publish.statements_file(tmp_path, "b1", small_dataset()):
        publish_atomically(tmp_path, "b1", statements, Graph(), "conforms")
    assert not statements.quads.exists() and not statements.triples.exists()


def test_a_statements_file_left_by_a_killed_build_is_removed_by_the_next(tmp_path):
    left = [tmp_path / ".statements-b0.nq", tmp_path / ".statements-b0.nt"]
    for path in left:
        path.write_bytes(b"")
    publish.remove_leftovers(tmp_path)
    assert not any(path.exists() for path in left)


def test_a_statements_file_that_cannot_be_written_is_a_publish_error_naming_it(tmp_path):
    missing = tmp_path / "no-such-folder"
    statements = publish.statements_file(missing, "b1", small_dataset())
    with pytest.raises(PublishError, match=r"cannot write the statements of the release: .*statements-b1\.nq"):
        statements.__enter__()


def test_a_seed_build_leaves_no_statements_file(seed_data_dir):
    assert not list(seed_data_dir.glob(".statements-*"))


def test_a_blank_node_is_one_node_across_the_pieces_a_file_is_loaded_in(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "LOAD_PIECE", 2)
    path = tmp_path / "pieces.nq"
    path.write_text(
        "_:x <urn:p> <urn:o1> <urn:g1> .\n"
        '<urn:s> <urn:q> "1" <urn:g1> .\n'
        "_:x <urn:p> <urn:o2> <urn:g2> .\n"
        "_:x <urn:p> <urn:o1> <urn:g1> .\n",  # the first statement again, in the second piece
        encoding="utf-8",
    )
    store = ox.Store(str(tmp_path / "store"))
    publish.load_in_pieces(store, path, ox.RdfFormat.N_QUADS)
    assert len(store) == 3
    assert len({q.subject for q in store.quads_for_pattern(None, ox.NamedNode("urn:p"), None)}) == 1


def test_named_graph_dumps_written_by_a_helper_process_are_those_written_in_line(tmp_path, monkeypatch):
    inline = release(tmp_path / "inline", "b1")
    monkeypatch.setattr(publish, "PARALLEL_DUMPS_BYTES", 0)  # every statements file is big enough
    helped = release(tmp_path / "helped", "b1")
    for name in [name for fmt in DUMP_FORMATS for name in (fmt.filename, fmt.filename + ".gz")]:
        assert (helped / "dumps" / name).read_bytes() == (inline / "dumps" / name).read_bytes(), name
    listed = json.loads((helped / "dumps" / "manifest.json").read_text())["files"]
    dumps = [entry for entry in listed if entry.get("format")]  # void.ttl names blank nodes afresh each time
    assert dumps == [
        e for e in json.loads((inline / "dumps" / "manifest.json").read_text())["files"] if e.get("format")
    ]
    for entry in listed:
        assert hashlib.sha256((helped / "dumps" / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]


def test_the_manifest_takes_the_digest_of_each_dump_from_its_writing_not_a_second_read(tmp_path, monkeypatch):
    read = []
    real = publish.file_sha256
    monkeypatch.setattr(publish, "file_sha256", lambda path: read.append(path.name) or real(path))
    folder = release(tmp_path, "b1")
    dumps = {name for fmt in DUMP_FORMATS for name in (fmt.filename, fmt.filename + ".gz")}
    assert read and not dumps & set(read)  # only the report and the other small files are read again
    for entry in json.loads((folder / "dumps" / "manifest.json").read_text())["files"]:
        assert hashlib.sha256((folder / "dumps" / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
