"""The web app's hooks for KG_STORE=sparql: the live release and the /sparql backend, both read from the store."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

from flask import Flask

from kg import config
from kg.publish import MANIFEST
from kg.store.pages import StorePatterns
from kg.store.query import RemoteQueries, StoreReleases
from kg.store.remote import Client, Endpoints, Naming, StoreError


def store_releases(settings: Mapping[str, Any]) -> StoreReleases:
    """Return the reader of the store's version graph that KG_STORE_* names."""
    return StoreReleases(Client(Endpoints.from_settings(settings)), Naming(settings["BASE_IRI"]))


class StoreReleaseWatcher:
    """Hand out the release the store's version graph names; its dumps and manifest come from the data folder."""

    def __init__(self, settings: Mapping[str, Any]):
        self.releases = store_releases(settings)
        self.data_dir = config.data_dir(settings)
        self._lock = threading.Lock()
        self._release = None

    def get(self):
        """Return the live release, or None if nothing was published into the store (or it cannot be reached)."""
        from kg.web.release import Release

        try:
            current = self.releases.current()
        except StoreError:
            return None
        if current is None:
            return None
        with self._lock:
            if self._release is None or self._release.build_id != current.build:
                path = self.data_dir / "releases" / current.build
                manifest_file = path / "dumps" / MANIFEST
                manifest = json.loads(manifest_file.read_text(encoding="utf-8")) if manifest_file.exists() else {}
                store = StorePatterns(self.releases.client, current)
                self._release = Release(path=path, store=store, manifest=manifest)
            return self._release


def remote_queries(app: Flask) -> RemoteQueries:
    """Return the /sparql backend that sends checked queries to the store, sharing the app's release reader."""
    settings = app.config
    watcher = app.extensions["kg_release"]
    return RemoteQueries(
        watcher.releases,
        max_in_flight=settings["MAX_CONCURRENT_QUERIES"],
        client_share=settings["MAX_CLIENT_QUERIES"],
        queue_wait=float(settings["QUERY_QUEUE_WAIT"]),
    )
