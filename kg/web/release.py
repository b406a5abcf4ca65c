"""The live release, handled like a database connection: opened once, reopened when a build swaps it."""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, current_app
from werkzeug.exceptions import ServiceUnavailable

from kg import config
from kg.publish import MANIFEST, STORE, current_release
from kg.search import INDEX_FILE
from kg.web.workers import Load

RETRY_OPEN_AFTER = 10.0  # seconds before a release that could not be opened is tried again


class ReleaseUnreadable(ServiceUnavailable):
    """The live release cannot be opened (its store is missing or damaged): a 503 saying why."""

    def __init__(self, build_id: str, reason: str, retry_after: float):
        super().__init__(f"release {build_id} cannot be opened: {reason}", retry_after=max(1, math.ceil(retry_after)))
        self.build_id, self.reason = build_id, reason


@dataclass
class Release:
    """One published release: its folder, manifest and a read-only store."""

    path: Path
    store: ox.Store
    manifest: dict = field(default_factory=dict)

    @property
    def build_id(self) -> str:
        """Return the id of the build that produced this release."""
        return self.path.name

    @property
    def dumps(self) -> Path:
        """Return the folder holding the dump files."""
        return self.path / "dumps"

    @property
    def search_index(self) -> Path:
        """Return the search index built with this release."""
        return self.path / INDEX_FILE


class ReleaseWatcher:
    """Hand out the current release, reopening it when `current` points somewhere new."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._release: Release | None = None
        self._failed: tuple[Path, str, float] | None = None  # release, why it could not be opened, retry when

    def get(self) -> Release | None:
        """Return the live release, or None if nothing was published yet; ReleaseUnreadable if it cannot be opened."""
        path = current_release(self.data_dir)
        if path is None:
            return None
        release = self._release
        if release is not None and release.path == path:
            return release
        with self._lock:
            if self._release is None or self._release.path != path:
                self._release = self._open(path)
            return self._release

    def _open(self, path: Path) -> Release:
        """Open `path`, or raise ReleaseUnreadable (at once while a recent failure to open it stands)."""
        failed = self._failed
        if failed is not None and failed[0] == path and time.monotonic() < failed[2]:
            raise ReleaseUnreadable(path.name, failed[1], failed[2] - time.monotonic())
        try:
            return open_release(path)
        except (OSError, RuntimeError, ValueError) as error:  # what pyoxigraph and json raise on damaged files
            reason = " ".join(str(error).split())[:300]
            self._failed = (path, reason, time.monotonic() + RETRY_OPEN_AFTER)
            raise ReleaseUnreadable(path.name, reason, RETRY_OPEN_AFTER) from None


def open_release(path: Path) -> Release:
    """Open a release folder: its store read-only and its manifest."""
    manifest_file = path / "dumps" / MANIFEST
    manifest = json.loads(manifest_file.read_text(encoding="utf-8")) if manifest_file.exists() else {}
    return Release(path=path, store=ox.Store.read_only(str(path / STORE)), manifest=manifest)


def health(load: Load) -> tuple[dict, int, dict]:
    """Return the /healthz report (body, status, headers) from the release and the query workers' `load`."""
    try:
        current = get_release()
        build_id, reason, retry_after = (current.build_id if current else None), load.unavailable, load.retry_after
    except ReleaseUnreadable as unreadable:
        build_id, reason, retry_after = unreadable.build_id, unreadable.reason, unreadable.retry_after
    queries = asdict(load) | {"saturated": load.saturated}
    headers = {"Cache-Control": "no-store"}
    if reason is not None:
        headers["Retry-After"] = str(retry_after)
        return {"status": "unavailable", "release": build_id, "reason": reason, "queries": queries}, 503, headers
    status = "saturated" if load.saturated else "ok"
    return {"status": status, "release": build_id, "queries": queries}, 200, headers


def init_app(app: Flask) -> None:
    """Attach a release watcher: of the app's data folder, or of the SPARQL store KG_STORE names."""
    if app.config["STORE"] == "sparql":
        from kg.store.web import StoreReleaseWatcher

        app.extensions["kg_release"] = StoreReleaseWatcher(app.config)
    else:
        app.extensions["kg_release"] = ReleaseWatcher(config.data_dir(app.config))


def get_release() -> Release | None:
    """Return the live release of the current app."""
    return current_app.extensions["kg_release"].get()
