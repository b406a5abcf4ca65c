"""Dump files written by re-serialising an RDF file with pyoxigraph's streaming parser and writers, each gzipped
beside it; light to import, so that publishing can run it in a process of its own (kg/publish.py).

`Store.dump` looks up every term of every statement in RocksDB; reading a file is three to four times faster
(TriG of 10,000 articles: 24 s against 6 s).
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pyoxigraph as ox

from kg.patch import link_or_copy

#: Writers that take prefixes (the line-based ones take none).
PREFIXED = frozenset({ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD})


def reserialise(source: Path, target: Path, rdf_format: ox.RdfFormat, prefixes: dict[str, str]) -> None:
    """Write the statements of `source` (N-Quads or N-Triples, by its suffix) to `target` in `rdf_format`; in
    the format of `source`, `target` is `source` itself, hard-linked (copied across file systems): a line-based
    file is written one statement a line whatever writes it."""
    source_format = ox.RdfFormat.N_QUADS if source.suffix == ".nq" else ox.RdfFormat.N_TRIPLES
    if rdf_format == source_format:
        link_or_copy(source, target)
        return
    parsed = ox.parse(path=str(source), format=source_format)
    ox.serialize(parsed, str(target), rdf_format, prefixes=prefixes if rdf_format in PREFIXED else None)


def gzip_beside(path: Path) -> dict[str, str]:
    """Write `path` gzipped beside it, at zlib's default level (twice as fast as level 9, 5% larger); return the
    sha256 of both files by name (the manifest lists them): `path`'s as it is read to be compressed, the gzip's,
    a tenth of the size, read back."""
    target_path = path.with_name(path.name + ".gz")
    read = hashlib.sha256()
    with path.open("rb") as source, gzip.GzipFile(target_path, "wb", compresslevel=6, mtime=0) as target:
        while chunk := source.read(1 << 20):
            read.update(chunk)
            target.write(chunk)
    return {path.name: read.hexdigest(), target_path.name: file_sha256(target_path)}


def file_sha256(path: Path) -> str:
    """Return the sha256 of a file, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_all(source: str, targets: list[tuple[str, str]], prefixes: dict[str, str]) -> dict[str, str]:
    """Write `source` to each (path, media type) of `targets` and gzip each; return the sha256 of every file
    written, by name.

    Made to run in another process: its arguments and result are plain values.
    """
    digests = {}
    for path, media_type in targets:
        reserialise(Path(source), Path(path), ox.RdfFormat.from_media_type(media_type), prefixes)
        digests.update(gzip_beside(Path(path)))
    return digests
