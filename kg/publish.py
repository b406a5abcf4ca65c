"""Publish a validated dataset: a fresh on-disk store, dumps and a manifest, swapped in atomically.

Layout of the data folder:

    releases/<build-id>/store/        the Oxigraph store (RocksDB)
    releases/<build-id>/union-store/  the union of its graphs, each triple once, for the query workers (RocksDB)
    releases/<build-id>/dumps/        every dump, gzip variants, manifest.json, validation report
    releases/<build-id>/search.sqlite the search index of every resource's names (kg/search.py)
    current -> releases/<build-id>    the live release; replaced by one atomic rename
    failed/<build-id>/                validation report of a build that did not conform (newest few kept)

A release that holds some articles back (their graphs violate a shape) lists them in the manifest
(`heldBack`) and in two files of its dumps: `held-back.txt` (readable) and `held-back.ttl` (their
SHACL results, each linked by prov:wasDerivedFrom to its article).

Everything is written under `releases/.tmp-<build-id>` first, so a failed or
interrupted build never touches the live release; what an interrupted build leaves
(`releases/.tmp-*`, a `.current-<build-id>` link made for the swap, the `.statements-<build-id>.nq` and `.nt`
files) is removed by the next.

Publishing streams: the statements reach the store as an N-Quads file written one graph at a time, with an
N-Triples twin of the same statements without their graphs (`write_nquads`); the store is loaded from the one
and the union-store from the other, piece by piece. The dumps of named graphs are the statements file
re-serialised by pyoxigraph's streaming parser and writers, the N-Triples union dump comes from the union-store,
and the Turtle union dump is re-serialised from it: a `Store.dump` looks up every term of every statement in
RocksDB, three to four times slower than reading a file. A large release's named-graph dumps are written by a
helper process while the stores are made (`named_dumps`); `kg add` and `kg remove` patch the live release's stores
and search index instead of making them anew (kg/patch.py). No stage holds a second copy of the graph in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.serializers.nt import _nt_row

from kg.errors import PublishError
from kg.mapping import MappedGraphs
from kg.patch import patched_stores, write_index
from kg.reserialise import file_sha256, gzip_beside, reserialise, write_all
from kg.search import INDEX_FILE, build_index, patch_index
from kg.void import add_void, base_of
from kg.void import statistics as void_statistics

if TYPE_CHECKING:
    from kg.validate import HeldBack  # pySHACL is not needed to publish or serve a release

KEEP_RELEASES = 3
Progress = Callable[[str, int, int], None]
KEEP_FAILED = 5


@dataclass(frozen=True)
class DumpFormat:
    """One dump file: its name, media type and whether it keeps named graphs."""

    filename: str
    rdf_format: ox.RdfFormat
    media_type: str
    label: str
    named_graphs: bool


@dataclass(frozen=True)
class GraphChunk:
    """Where one named graph's statements are in an N-Quads file, and a digest of them."""

    offset: int
    length: int
    digest: str


@dataclass(frozen=True)
class Statements:
    """The statements of a release in two files: N-Quads with their graphs, N-Triples without (a triple that
    several graphs state is there once per graph; the union-store keeps it once), and where each named graph
    is in the first."""

    quads: Path
    triples: Path
    graphs: dict[str, GraphChunk] = field(default_factory=dict)


DUMP_FORMATS = (
    DumpFormat("kg.trig", ox.RdfFormat.TRIG, "application/trig", "TriG", True),
    DumpFormat("kg.nq", ox.RdfFormat.N_QUADS, "application/n-quads", "N-Quads", True),
    DumpFormat("kg.jsonld", ox.RdfFormat.JSON_LD, "application/ld+json", "JSON-LD", True),
    DumpFormat("kg.ttl", ox.RdfFormat.TURTLE, "text/turtle", "Turtle (union of all graphs)", False),
    DumpFormat("kg.nt", ox.RdfFormat.N_TRIPLES, "application/n-triples", "N-Triples (union of all graphs)", False),
)
REPORT_FILE = "validation-report.ttl"
REPORT_TEXT = "validation-report.txt"
HELD_BACK_TEXT = "held-back.txt"
HELD_BACK_REPORT = "held-back.ttl"
MANIFEST = "manifest.json"
STORE = "store"
UNION_STORE = "union-store"
STATEMENTS = ".statements-{build}"
# Statements parsed and written to a store at a time: pyoxigraph's bulk_load buffers up to a million quads per
# thread (1 GB at 1.1M quads); pieces of 100,000 held 190 MB, pieces of this size ~60 MB, and load as fast.
LOAD_PIECE = 25_000
# A statements file from this size on has its named-graph dumps written by a process of their own (`named_dumps`):
# about 200,000 quads, a second of publishing for the helper against ~1 s of starting it.
PARALLEL_DUMPS_BYTES = 48 << 20
_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@dataclass
class QueryStores:
    """A release opened for SPARQL: its named graphs, and their merge as a store of its own.

    SPARQL's default graph here is the union of the named graphs, and a union is an RDF merge: a triple
    several articles state is in it once. pyoxigraph's own union (`use_default_graph_as_union`) matches
    such a triple once per graph (oxigraph#1919). So a query that names no dataset and no GRAPH runs on
    `merge` (the release's union-store, or the deduplicated union dump kg.nt loaded in memory); the others
    run on `named` with pyoxigraph's union, where that double counting remains for the default-graph part
    of a query that also uses GRAPH.
    """

    named: ox.Store
    merge: ox.Store | None = None

    def for_query(self, text: str, names_dataset: bool = False) -> tuple[ox.Store, dict]:
        """Return the store to run `text` on and the dataset keywords it needs."""
        if self.merge is not None and not names_dataset and not _GRAPH_KEYWORD.search(_code_of(text)):
            return self.merge, {}
        return self.named, {} if names_dataset else {"use_default_graph_as_union": True}


_GRAPH_KEYWORD = re.compile(r"(?<![?$:\w])(?:graph|from)\b", re.I)
_NOT_CODE = re.compile(
    r"<[^>\s]*>|\"\"\"[\s\S]*?\"\"\"|'\'\'[\s\S]*?'\'\'|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*"
)


def _code_of(text: str) -> str:
    """Return a query without its IRIs, strings and comments, where keywords can be looked for."""
    return _NOT_CODE.sub(" ", text)


def load_query_stores(release: Path, mode: str = "disk") -> QueryStores:
    """Open a release for SPARQL: its on-disk stores read-only (shared by every reader through the OS page
    cache), or (mode `memory`) a private in-memory copy loaded from its dumps (kg.nq, kg.nt)."""
    nquads, union = release / "dumps" / "kg.nq", release / "dumps" / "kg.nt"
    if mode != "memory" or not nquads.exists():
        named = ox.Store.read_only(str(release / STORE))
        union_store = release / UNION_STORE
        return QueryStores(named, ox.Store.read_only(str(union_store)) if union_store.exists() else None)
    named = ox.Store()
    named.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    if not union.exists():
        return QueryStores(named)
    merge = ox.Store()
    merge.bulk_load(path=str(union), format=ox.RdfFormat.N_TRIPLES)
    return QueryStores(named, merge)


def merges_union(release: Path, mode: str = "disk") -> bool:
    """Return whether queries on `release` see the union of its graphs as an RDF merge (see QueryStores)."""
    return (release / (UNION_STORE if mode != "memory" else "dumps/kg.nt")).exists()


def current_release(data_dir: Path) -> Path | None:
    """Return the folder of the live release, or None if nothing was published yet."""
    link = data_dir / "current"
    return link.resolve() if link.exists() else None


def write_nquads(
    statements: Dataset | MappedGraphs | Iterable[Graph], path: Path, triples: Path | None = None
) -> dict[str, GraphChunk]:
    """Write a dataset, or named graphs, to `path` as N-Quads one graph at a time; with `triples`, write the same
    statements without their graphs there as N-Triples too. Return where each named graph's statements are in
    `path` and a digest of them.

    Each statement is written as rdflib's N-Triples serialiser writes it (`_nt_row`), with its graph's name
    before the final dot: N-Quads is one statement a line, so the graphs concatenate, and only one graph's
    text is in memory at a time. A graph's statements about one subject are written together, so the dumps
    re-serialised from this file say each subject once per graph.
    """
    if isinstance(statements, MappedGraphs):
        graphs = statements.items()
    else:
        graphs = ((g.identifier, g) for g in (statements.graphs() if isinstance(statements, Dataset) else statements))
    chunks = {}
    with contextlib.ExitStack() as files:
        stream = files.enter_context(path.open("wb"))
        twin = files.enter_context(triples.open("wb")) if triples else None
        for identifier, graph in graphs:
            default = identifier == DATASET_DEFAULT_GRAPH_ID
            name = "" if default else identifier.n3() + " "
            rows = [_nt_row(triple) for triple in _by_subject(graph)]
            lines = [row[:-2] + name + ".\n" for row in rows]
            data = "".join(lines).encode("utf-8")
            if not default:  # the digest reads the lines in order: a graph's own order may differ by process
                digest = hashlib.sha256("".join(sorted(lines)).encode("utf-8")).hexdigest()
                chunks[str(identifier)] = GraphChunk(stream.tell(), len(data), digest)
            stream.write(data)
            if twin is not None:
                twin.write("".join(rows).encode("utf-8"))
    return chunks


def write_statements(dataset: Dataset | MappedGraphs, quads: Path) -> Statements:
    """Write the statements of a release to `quads` (N-Quads) and its `.nt` twin (see `Statements`)."""
    triples = quads.with_suffix(".nt")
    return Statements(quads, triples, write_nquads(dataset, quads, triples))


def statements_path(data_dir: Path, build_id: str) -> Path:
    """Return where a build writes the statements file of its release in the data folder."""
    return data_dir / (STATEMENTS.format(build=build_id) + ".nq")


def write_statements_file(dataset: Dataset | MappedGraphs, path: Path) -> Statements:
    """Write the statements of a release to `path` and its twin (see `Statements`); a file that cannot be written
    is a PublishError naming it, with nothing left behind."""
    try:
        return write_statements(dataset, path)
    except OSError as error:
        remove_statements(Statements(path, path.with_suffix(".nt")))
        raise PublishError(
            f"cannot write the statements of the release: {_reason(error)}; nothing was published"
        ) from None


@contextmanager
def statements_file(
    data_dir: Path, build_id: str, dataset: Dataset | MappedGraphs | None, written: Statements | None = None
) -> Iterator[Statements]:
    """Write the statements of a release to files in the data folder (see `Statements`), or take those `written`
    already; removed when done."""
    statements = written or write_statements_file(dataset, statements_path(data_dir, build_id))
    try:
        yield statements
    finally:
        remove_statements(statements)


def remove_statements(statements: Statements) -> None:
    statements.quads.unlink(missing_ok=True)
    statements.triples.unlink(missing_ok=True)


def publish_atomically(
    data_dir: Path,
    build_id: str,
    dataset: Dataset | Statements,
    report: Graph,
    report_text: str,
    prefixes: dict[str, str] | None = None,
    base: str | None = None,
    held_back: HeldBack | None = None,
    extra: Callable[[Path], None] | None = None,
    progress: Progress | None = None,
    previous: Path | None = None,
) -> Path:
    """Write store, dumps and manifest for `dataset` (and the articles held back from it) and make it current;
    with `previous` (the live release `kg add` or `kg remove` changes), its stores are patched (kg/patch.py);
    `dataset` is an rdflib Dataset or the statements files of one (see `Statements`); `extra` writes whatever else the
    release keeps into its folder first (so its caller can let go of that memory before the store is made)."""
    releases = data_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    _remove_stale_tmp(releases)
    tmp = releases / f".tmp-{build_id}"
    final = releases / build_id
    if final.exists():
        raise PublishError(f"release {final} already exists; builds need distinct ids")
    try:
        tmp.mkdir()
        if extra is not None:
            extra(tmp)
        write_release(tmp, build_id, dataset, report, report_text, prefixes or {}, base, held_back, progress, previous)
        os.rename(tmp, final)
    except OSError as error:
        shutil.rmtree(tmp, ignore_errors=True)
        raise PublishError(f"cannot write the release into {tmp}: {_reason(error)}; nothing was published") from error
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _switch_current(data_dir, final)
    _prune(releases, keep=final)
    return final


def write_failed_report(
    data_dir: Path, build_id: str, report: Graph, report_text: str, held_back: HeldBack | None = None
) -> Path:
    """Keep the validation report of a build that was not published (and of its held-back articles) to read."""
    folder = data_dir / "failed" / build_id
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_turtle(report, folder / REPORT_FILE)
        (folder / REPORT_TEXT).write_text(report_text, encoding="utf-8")
        write_held_back(folder, held_back)
    except OSError as error:
        raise PublishError(f"cannot write the validation report into {folder}: {_reason(error)}") from error
    _prune_failed(data_dir / "failed", keep=folder)
    return folder


def remove_leftovers(data_dir: Path) -> None:
    """Remove what interrupted builds left in the data folder; only the build holding the lock may call this."""
    for link in data_dir.glob(".current-*"):
        if link.is_symlink():
            link.unlink()
    for statements in data_dir.glob(STATEMENTS.format(build="*") + ".n[qt]"):
        statements.unlink(missing_ok=True)
    releases = data_dir / "releases"
    if releases.is_dir():
        _remove_stale_tmp(releases)
    if (data_dir / "failed").is_dir():
        _prune_failed(data_dir / "failed")


def _reason(error: OSError) -> str:
    """Return what went wrong, naming the file when the error knows it."""
    where = f" ({error.filename})" if error.filename else ""
    return f"{error.strerror or error}{where}"


def write_held_back(folder: Path, held_back: HeldBack | None) -> None:
    """Write the readable report and the SHACL results of the held-back articles, if any."""
    if not held_back:
        return
    (folder / HELD_BACK_TEXT).write_text(held_back.text(), encoding="utf-8")
    write_turtle(held_back.report, folder / HELD_BACK_REPORT)


def write_release(
    folder: Path,
    build_id: str,
    dataset: Dataset | Statements,
    report: Graph,
    report_text: str,
    prefixes: dict[str, str],
    base: str | None = None,
    held_back: HeldBack | None = None,
    progress: Progress | None = None,
    previous: Path | None = None,
) -> None:
    """Fill `folder` with the store and every dump of `dataset` (a Dataset or its statements files), and list
    the articles held back from it; the stores are patched from those of `previous` where that pays."""
    steps = len(DUMP_FORMATS) + 3
    if progress:
        progress("publishing", 0, steps)
    statements = dataset if isinstance(dataset, Statements) else write_statements(dataset, folder / "statements.nq")
    dumps = folder / "dumps"
    dumps.mkdir()
    # The search index is made on a thread while the dumps are written, and the VoID statistics gathered on
    # another while the validation report is written: they mostly wait on pyoxigraph, SQLite and zlib, which run
    # without Python's lock (10k add: ~5 s off publishing each).
    with ThreadPoolExecutor(max_workers=2) as beside:
        with named_dumps(statements.quads, dumps, prefixes) as named:  # while the stores are made
            patched = None
            if previous is not None:
                patched = patched_stores(previous, statements, folder / STORE, folder / UNION_STORE)
            if patched is None:
                store = ox.Store(str(folder / STORE))
                load_in_pieces(store, statements.quads, ox.RdfFormat.N_QUADS)
                union = write_union_store(statements.triples, folder / UNION_STORE)
            else:
                store, union = patched.store, patched.union
            write_index(folder, statements.graphs)
            if progress:
                progress("publishing", 2, steps)
            base = base or base_of(store)
            indexed = beside.submit(write_search_index, union, folder / INDEX_FILE, base, previous, patched)
            counts, digests = write_dumps(
                store,
                union,
                dumps,
                prefixes,
                lambda done: progress and progress("publishing", 2 + done, steps),
                statements=statements.quads,
                named=named,
            )
        if not isinstance(dataset, Statements):
            remove_statements(statements)
        counted = beside.submit(void_statistics, union, base)
        write_turtle(report, dumps / REPORT_FILE)
        (dumps / REPORT_TEXT).write_text(report_text, encoding="utf-8")
        write_held_back(dumps, held_back)
        manifest = build_manifest(build_id, store, dumps, counts, digests)
        manifest["heldBack"] = held_back.entries() if held_back else []
        add_void(dumps, union, manifest, base, counted.result())
        (dumps / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        indexed.result()
    del store, union, patched
    if progress:
        progress("publishing", steps, steps)


def write_search_index(union: ox.Store, path: Path, base: str, previous: Path | None, patched) -> None:
    """Write the search index of a release: where its stores were `patched` from those of `previous`, the index
    of `previous` patched with the resources they touched; else (or one of another schema) made from `union`."""
    kept = previous / INDEX_FILE if previous is not None and patched is not None else None
    if kept is None or not kept.exists() or not patch_index(kept, union, path, patched.touched, base):
        build_index(union, path, base)


def write_union_store(triples: Path, path: Path) -> ox.Store:
    """Write the union of the graphs of a release, each triple once, to an on-disk store that every query worker
    opens read-only, and return it.

    The store is loaded from the statements without their graphs (`Statements.triples`), LOAD_PIECE at a time,
    and, a set, keeps each triple once. (Copying the named store's statements took twice as long, most of it
    looking up their terms; a SPARQL CONSTRUCT of the union held its whole result in memory: +350 MB at
    650,000 statements.)
    """
    union = ox.Store(str(path))
    load_in_pieces(union, triples, ox.RdfFormat.N_TRIPLES)
    return union


def load_in_pieces(store: ox.Store, path: Path, rdf_format: ox.RdfFormat) -> None:
    """Load an RDF file into `store` LOAD_PIECE statements at a time, and flush it to disk.

    One parser reads the whole file, so a blank node keeps its identity across pieces (each `bulk_load` call
    would give its document's blank nodes fresh names).
    """
    statements = ox.parse(path=str(path), format=rdf_format)
    while piece := list(itertools.islice(statements, LOAD_PIECE)):
        store.bulk_extend(piece)
    store.flush()


def write_dumps(
    store: ox.Store,
    union: ox.Store,
    folder: Path,
    prefixes: dict[str, str],
    written: Callable[[int], object] | None = None,
    statements: Path | None = None,
    named: Future | None = None,
) -> tuple[dict[str, int], dict[str, str]]:
    """Write every dump format and its gzip twin; return the statement count of each format's file, and the
    sha256 of every file written, by name (taken while each file is read to be compressed).

    The named-graph formats are re-serialised from `statements` (an N-Quads file of exactly the statements of
    `store`; without one, dumped from `store`), unless `named` is the helper process writing them
    (`named_dumps`); the union's N-Triples is dumped from `union` and its other formats re-serialised from it
    (kg/reserialise.py). Each file is compressed on a second thread while the next is written (zlib and
    pyoxigraph's writers both run without Python's lock).
    """
    sizes = {True: len(store), False: len(union)}
    sources: dict[bool, Path | None] = {True: statements, False: None}
    written_files: dict[str, int] = {}
    digests: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=1) as compressing:
        compressed = []
        for fmt in sorted(DUMP_FORMATS, key=_writing_order):
            if fmt.named_graphs and named is not None:
                continue
            path = folder / fmt.filename
            source = sources[fmt.named_graphs]
            if source is not None:
                reserialise(source, path, fmt.rdf_format, prefixes)
            elif fmt.named_graphs:
                store.dump(str(path), fmt.rdf_format, prefixes=prefixes)
            else:
                union.dump(str(path), fmt.rdf_format, from_graph=ox.DefaultGraph())
                sources[False] = path  # the union's other formats are read from this file
            written_files[fmt.filename] = sizes[fmt.named_graphs]
            compressed.append(compressing.submit(gzip_beside, path))
            if written:
                written(len(written_files))
        for done in compressed:
            digests.update(done.result())
    if named is not None:
        digests.update(named.result())  # the helper's error, if any, is raised here
        for fmt in DUMP_FORMATS:
            if fmt.named_graphs:
                written_files[fmt.filename] = sizes[True]
                if written:
                    written(len(written_files))
    return {fmt.filename: written_files[fmt.filename] for fmt in DUMP_FORMATS}, digests


@contextmanager
def named_dumps(statements: Path, folder: Path, prefixes: dict[str, str]) -> Iterator[Future | None]:
    """Write the named-graph dumps of `statements` into `folder` in a process of their own while the caller makes
    the stores and the union's dumps, from PARALLEL_DUMPS_BYTES of statements on (below, starting a process costs
    more than it saves; `write_dumps` writes them). The context waits for the process on leaving."""
    if statements.stat().st_size < PARALLEL_DUMPS_BYTES:
        yield None
        return
    targets = [(str(folder / fmt.filename), fmt.media_type) for fmt in DUMP_FORMATS if fmt.named_graphs]
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as helper:
        yield helper.submit(write_all, str(statements), targets, prefixes)


def _writing_order(fmt: DumpFormat) -> tuple[bool, bool]:
    """Named-graph formats first, then the union's N-Triples, from which the union's other formats are made."""
    return (not fmt.named_graphs, fmt.rdf_format != ox.RdfFormat.N_TRIPLES)


def _by_subject(triples: Iterable[tuple]) -> list[tuple]:
    """Return `triples` with those of one subject together, subjects in the order they first come."""
    groups: dict = {}
    for triple in triples:
        groups.setdefault(triple[0], []).append(triple)
    return [triple for group in groups.values() for triple in group]


def write_turtle(graph: Graph, path: Path) -> None:
    """Write an rdflib graph as Turtle with the prefixes it uses, through pyoxigraph's writer: rdflib's Turtle
    serialiser took 15 s for the 300,000 statements of a validation report with 35,000 warnings."""
    ordered = sorted(graph, key=lambda triple: str(triple[1]))  # by predicate within each subject, below
    rows = "".join(_nt_row(triple) for triple in _by_subject(ordered))
    prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix and f"<{ns}" in rows}
    ox.serialize(ox.parse(rows, format=ox.RdfFormat.N_TRIPLES), str(path), ox.RdfFormat.TURTLE, prefixes=prefixes)


def build_manifest(
    build_id: str, store: ox.Store, folder: Path, counts: dict[str, int], digests: dict[str, str] | None = None
) -> dict:
    """Describe the release: counts per graph (one pass over the store) and, per file, format, size and sha256
    (from `digests`, by file name, where the writer took it; else read from the file)."""
    known = digests or {}

    def sha256(name: str) -> str:
        return known.get(name) or file_sha256(folder / name)

    rows = store.query(_GRAPH_SIZES)
    graphs = dict(sorted((row["g"].value, int(row["n"].value)) for row in rows if isinstance(row["g"], ox.NamedNode)))
    files = []
    for fmt in DUMP_FORMATS:
        for name, encoding in ((fmt.filename, None), (fmt.filename + ".gz", "gzip")):
            files.append(
                {
                    "name": name,
                    "format": fmt.label,
                    "mediaType": fmt.media_type,
                    "encoding": encoding,
                    "namedGraphs": fmt.named_graphs,
                    "statements": counts[fmt.filename],
                    "bytes": (folder / name).stat().st_size,
                    "sha256": sha256(name),
                }
            )
    for name in sorted(p.name for p in folder.iterdir() if p.name not in {f["name"] for f in files}):
        files.append({"name": name, "bytes": (folder / name).stat().st_size, "sha256": sha256(name)})
    return {
        "build": build_id,
        "quads": counts["kg.nq"],
        "triples": counts["kg.nt"],
        "graphs": graphs,
        "files": files,
    }


def _switch_current(data_dir: Path, release: Path) -> None:
    """Point `current` at `release` with one rename, which readers never see half done."""
    link = data_dir / "current"
    tmp_link = data_dir / f".current-{release.name}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    tmp_link.symlink_to(release.relative_to(data_dir))
    os.replace(tmp_link, link)


def _remove_stale_tmp(releases: Path) -> None:
    for stale in releases.glob(".tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _prune_failed(failed: Path, keep: Path | None = None) -> None:
    """Keep the reports of the newest failed builds only (build ids sort by time)."""
    reports = sorted((p for p in failed.iterdir() if p.is_dir()), key=lambda p: p.name)
    for report in reports[:-KEEP_FAILED]:
        if report != keep:
            shutil.rmtree(report, ignore_errors=True)


def _prune(releases: Path, keep: Path) -> None:
    """Remove all but the newest releases; readers of an older one have had time to move on."""
    old = sorted((p for p in releases.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)
    for release in old[:-KEEP_RELEASES]:
        if release != keep:
            shutil.rmtree(release, ignore_errors=True)
