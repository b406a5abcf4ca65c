"""The live release, handled like a database connection: opened once, reopened when a build swaps it."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, current_app

from kg import config
from kg.publish import MANIFEST, current_release
from kg.search import INDEX_FILE


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

    def get(self) -> Release | None:
        """Return the live release, or None if nothing was published yet."""
        path = current_release(self.data_dir)
        if path is None:
            return None
        release = self._release
        if release is not None and release.path == path:
            return release
        with self._lock:
            if self._release is None or self._release.path != path:
                self._release = open_release(path)
            return self._release


def open_release(path: Path) -> Release:
    """Open a release folder: its store read-only and its manifest."""
    manifest_file = path / "dumps" / MANIFEST
    manifest = json.loads(manifest_file.read_text(encoding="utf-8")) if manifest_file.exists() else {}
    return Release(path=path, store=ox.Store.read_only(str(path / "store")), manifest=manifest)


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
