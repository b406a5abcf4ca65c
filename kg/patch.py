"""A release's stores made from the live release's by changing only the graphs that differ (`kg add`, `kg remove`).

Every release keeps a digest of each named graph's statements, as written to its statements file
(`statements.json`, from `kg.publish.write_nquads`). A release made by `kg add` or `kg remove` compares its digests
with the live release's: when the graphs that changed (an added article's, those of the articles whose merged
events gained or lost a report, the build's) hold a small share of the statements, its stores start as copies of
the live release's and only those graphs are replaced:

- the named store: each changed or removed graph is dropped, and each changed or new graph loaded from its place
  in the statements file;
- the union-store: the triples of the new graphs are added, and a triple of a dropped graph is removed unless a
  graph of the new store still states it.

So the stores hold what loading the whole statements file would give (a test compares both). The search index is
patched too: the rows of every subject and object of the statements dropped or loaded are made again
(`kg.search.patch_index`). A store is copied as
RocksDB's checkpoints copy one: its table files, never changed once written, are hard-linked, the rest copied; the
live release's folder is only read. Otherwise (no digests kept, too much changed) the stores are loaded whole.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

STATEMENTS_INDEX = "statements.json"
#: Bumped whenever the digests change meaning (how statements are written): other releases' are not compared.
INDEX_VERSION = 1
#: Largest share of the statements file the changed graphs may hold for the stores to be patched, not loaded.
PATCH_SHARE = 0.25


def write_index(folder: Path, graphs: dict) -> None:
    """Keep the digest of every named graph of the release being written (`graphs`: `GraphChunk`s by name)."""
    digests = {name: chunk.digest for name, chunk in graphs.items()}
    (folder / STATEMENTS_INDEX).write_text(json.dumps({"version": INDEX_VERSION, "graphs": digests}), "utf-8")


def read_index(release: Path) -> dict[str, str] | None:
    """Return the graph digests a release keeps, or None if it keeps none of this version."""
    try:
        kept = json.loads((release / STATEMENTS_INDEX).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return kept["graphs"] if kept.get("version") == INDEX_VERSION else None


@dataclass
class Patched:
    """The stores of a release patched from the live release's, open, and the IRIs of every subject and object of
    the statements that were dropped or loaded (whose search index rows may differ)."""

    store: ox.Store
    union: ox.Store
    touched: set[str]


def patched_stores(previous: Path, statements, store_path: Path, union_path: Path) -> Patched | None:
    """Make the named store and union-store of `statements` at `store_path` and `union_path` from those of the
    release `previous`, changing only the graphs that differ; return them, or None (nothing written) when
    `previous` keeps no digests or too much changed for a patch to pay."""
    old = read_index(previous)
    if old is None or not (previous / "store").is_dir() or not (previous / "union-store").is_dir():
        return None
    changed = [name for name, chunk in statements.graphs.items() if old.get(name) != chunk.digest]
    dropped = [name for name in old if old[name] != getattr(statements.graphs.get(name), "digest", None)]
    total = sum(chunk.length for chunk in statements.graphs.values())
    if sum(statements.graphs[name].length for name in changed) > PATCH_SHARE * total:
        return None
    copy_store(previous / "store", store_path)
    copy_store(previous / "union-store", union_path)
    store, union = ox.Store(str(store_path)), ox.Store(str(union_path))
    gone = set()
    for name in dropped:
        graph = ox.NamedNode(name)
        gone.update(quad.triple for quad in store.quads_for_pattern(None, None, None, graph))
        store.remove_graph(graph)
    touched = _iris(gone)
    with statements.quads.open("rb") as stream:
        for name in changed:
            chunk = statements.graphs[name]
            stream.seek(chunk.offset)
            quads = list(ox.parse(stream.read(chunk.length), format=ox.RdfFormat.N_QUADS))
            store.extend(quads)
            union.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
            touched |= _iris(quads)
    for triple in gone:
        if next(store.quads_for_pattern(triple.subject, triple.predicate, triple.object), None) is None:
            union.remove(ox.Quad(triple.subject, triple.predicate, triple.object))
    store.flush()
    union.flush()
    return Patched(store, union, touched)


def _iris(statements) -> set[str]:
    """Return the IRIs of the subjects and objects of `statements`."""
    return {term.value for s in statements for term in (s.subject, s.object) if isinstance(term, ox.NamedNode)}


def copy_store(source: Path, target: Path) -> None:
    """Copy an on-disk store nothing writes into any more: table files hard-linked, the others copied."""
    target.mkdir()
    for path in source.iterdir():
        if path.name == "LOCK":
            continue
        if path.suffix == ".sst":
            link_or_copy(path, target / path.name)
        else:
            shutil.copy2(path, target / path.name)


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link `source` as `target`, or copy it where no link can be made (another file system)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
