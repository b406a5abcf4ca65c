"""Publishing: fresh release, atomic swap, untouched live release on failure, dumps that re-parse."""

from __future__ import annotations

import gzip
import hashlib
import json

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef

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
