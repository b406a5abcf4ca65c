"""The dumps of the live release: a listing page and the files, resumable and cacheable.

Only files the release's manifest lists (and the manifest itself) are served, each by its exact name;
no part of a request path is ever joined onto a folder, so nothing outside the dump folder is reachable.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file, url_for
from werkzeug.http import parse_range_header

from kg.publish import MANIFEST
from kg.web.release import Release, get_release

bp = Blueprint("dumps", __name__)

# Media types of the files the manifest lists without one (reports, VoID, extra files).
_MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".txt": "text/plain",
    ".json": "application/json",
    ".gz": "application/gzip",
}
_TEXT = (
    "text/",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/ld+json",
    "application/json",
)


@bp.get("/dumps")
def dumps_root():
    """Send `/dumps` to the listing."""
    return redirect(url_for("dumps.listing"), 308)


@bp.get("/dumps/")
def listing():
    """List every file of the release: format, statements, size and sha256."""
    release = _release()
    files = [dict(entry, size=_human(entry["bytes"])) for entry in release.manifest.get("files", [])]
    dumps = [f for f in files if f.get("format")]
    others = [f for f in files if not f.get("format")]
    return render_template("dumps.html", release=release, manifest=release.manifest, dumps=dumps, others=others)


@bp.get("/dumps/<name>")
def dump_file(name: str):
    """Send one listed file with ETag, Last-Modified, Content-Length, conditional GET and Range support."""
    release = _release()
    entry = _listed(release, name)
    path = _safe_path(release.dumps, name)
    media_type = entry.get("mediaType") if entry.get("encoding") is None and entry.get("mediaType") else None
    media_type = media_type or _MEDIA_TYPES.get(path.suffix, "application/octet-stream")
    ignore_unusable_range()
    response = send_file(
        path,
        mimetype=media_type,
        conditional=True,
        etag=entry.get("sha256") or True,
        max_age=300,
    )
    if media_type.startswith(_TEXT) and "charset" not in response.headers["Content-Type"]:
        response.headers["Content-Type"] = f"{media_type}; charset=utf-8"  # send_file adds it for text/* itself
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Accept-Ranges"] = "bytes"
    return response


def ignore_unusable_range() -> None:
    """Drop a Range header this server does not serve (malformed, several ranges, not bytes): RFC 9110 says answer 200.

    One well-formed range is served as 206, or refused as 416 when it lies past the end.
    """
    header = request.headers.get("Range")
    if header is None:
        return
    parsed = parse_range_header(header)
    if parsed is None or parsed.units != "bytes" or len(parsed.ranges) != 1:
        request.environ.pop("HTTP_RANGE", None)


def _listed(release: Release, name: str) -> dict:
    """Return the manifest entry of `name`; 404 for any name the manifest does not list."""
    if name == MANIFEST:
        return {"mediaType": "application/json"}
    entry = next((e for e in release.manifest.get("files", []) if e.get("name") == name), None)
    if entry is None:
        abort(404)
    return entry


def _safe_path(folder: Path, name: str) -> Path:
    """Return the regular file `name` directly inside `folder`, refusing symlinks and anything else."""
    path = folder / name
    if path.is_symlink() or not path.is_file() or path.resolve().parent != folder.resolve():
        abort(404)
    return path


def _release() -> Release:
    release = get_release()
    if release is None:
        abort(
            Response(
                "503 Service Unavailable: no graph has been published yet; run `kg build`.\n",
                503,
                mimetype="text/plain",
            )
        )
    return release


def _human(size: int) -> str:
    """Return a byte count as people read it (12.3 kB)."""
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} bytes"
