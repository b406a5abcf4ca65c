"""Killable query evaluation: a small pool of worker processes, each holding the live release's store.

The embedded engine cannot be cancelled, can exhaust memory and can crash its process; so no
query runs in the web server. Each server process keeps `QUERY_WORKERS` child processes, each
with its own copy of the release (in memory by default, ~2.5× faster than the on-disk store)
under an address-space limit. A query goes to an idle child with a
deadline; past it the child is killed (SIGKILL frees its CPU at once) and a fresh one is started in
the background. A child that dies (memory limit, engine crash) is replaced the same way. A query that
arrives while no worker is loaded (start, new release, all just replaced) first waits for one
to load; its time limit counts from then. When a
build swaps the live release, children of the old release are retired as they come back idle.

Children speak over a socket pair: the parent sends a `Job`, the child answers
`("ok", meta)` plus the serialized body, or `("error", fields of QueryRejected)`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import queue
import resource
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path

log = logging.getLogger(__name__)

LOAD_TIMEOUT = 600.0  # seconds a new child may take to load its store
CHILD = "from kg.web.workers import main; main()"  # not `-m`: this module must not run as __main__ twice


@dataclass(frozen=True)
class Job:
    """One query to evaluate: the text, the protocol dataset, the negotiated formats and the row cap."""

    query: str
    default_graphs: tuple[str, ...] | None = None  # None: no protocol dataset given
    named_graphs: tuple[str, ...] | None = None
    result_format: str | None = None  # media type for SELECT/ASK, None if the client accepts none
    graph_format: str | None = None  # media type for CONSTRUCT/DESCRIBE, None if the client accepts none
    max_rows: int = 10_000
    base_iri: str | None = None  # relative IRIs in the query resolve against this (the endpoint URL)


@dataclass(frozen=True)
class Answer:
    """A serialized result: body, its media type, and whether rows were cut at the cap."""

    body: bytes
    media_type: str
    truncated: bool = False


class QueryFailed(Exception):
    """The query could not be answered; `kind`, `status` and `message` go to the client."""

    def __init__(self, kind: str, message: str, status: int = 503, **extra):
        super().__init__(message)
        self.kind, self.message, self.status, self.extra = kind, message, status, extra


class QueryTimeout(QueryFailed):
    """The query ran past its deadline (or waited past it for a free worker)."""

    def __init__(self, seconds: float):
        super().__init__("query-timeout", f"the query did not finish within {seconds:g} s and was stopped")


class ServerBusy(QueryFailed):
    """Too many queries are in flight in this server process."""

    def __init__(self):
        super().__init__("too-many-queries", "too many queries are running; retry in a moment")


class Worker:
    """One child process holding one release's store."""

    def __init__(self, release: Path, process: subprocess.Popen, conn: Connection):
        self.release, self.process, self.conn = release, process, conn

    @classmethod
    def start(cls, release: Path, memory_mb: int, store_mode: str) -> Worker:
        """Start a child for `release` and wait until its store is loaded."""
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-c", CHILD, "--fd", str(theirs.fileno())]
        command += ["--release", str(release), "--memory-mb", str(memory_mb), "--store", store_mode]
        try:
            process = subprocess.Popen(command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        finally:
            theirs.close()
        worker = cls(release, process, Connection(ours.detach()))
        try:
            if not worker.conn.poll(LOAD_TIMEOUT):
                raise RuntimeError("worker did not load its store in time")
            worker.conn.recv()
        except BaseException:
            worker.kill()
            raise
        return worker

    def run(self, job: Job, deadline: float, timeout: float) -> Answer:
        """Send `job` and wait for its answer until `deadline` (monotonic clock)."""
        self.conn.send(job)
        if not self.conn.poll(max(0.0, deadline - time.monotonic())):
            raise QueryTimeout(timeout)
        try:
            status, meta = self.conn.recv()
            if status == "error":
                raise QueryFailed(**meta)
            body = self.conn.recv_bytes()
        except (EOFError, OSError):
            raise self._died() from None
        return Answer(body=body, **meta)

    def _died(self) -> QueryFailed:
        code = self.process.wait(timeout=5)
        if code in (-6, -9, 1):
            return QueryFailed("query-aborted", "the query was stopped: it used more memory than a query may use")
        return QueryFailed("query-aborted", "the query was stopped: the query engine failed on it")

    def kill(self) -> None:
        """Stop the child at once and reap it."""
        self.conn.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


class QueryPool:
    """Hand queries to worker processes, at most `max_in_flight` at once, each under a deadline."""

    def __init__(self, size: int, max_in_flight: int, memory_mb: int, store_mode: str = "memory"):
        self.size, self.memory_mb, self.store_mode = max(1, size), memory_mb, store_mode
        self._slots = threading.BoundedSemaphore(max(1, max_in_flight))
        # Last in, first out: under light load one worker takes every query and keeps its caches warm
        # (alternating two idle workers made a 2 ms aggregation take 3.4 ms).
        self._idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._release: Path | None = None
        self._count = 0  # workers of the current release, alive or starting
        self._loaded = 0  # workers of the current release that finished loading and are alive
        self._closed = False

    def run(self, release: Path, job: Job, timeout: float) -> Answer:
        """Evaluate `job` on `release`; raise ServerBusy at once when full, QueryTimeout past `timeout`."""
        if not self._slots.acquire(blocking=False):
            raise ServerBusy()
        try:
            return self._run(release, job, time.monotonic() + timeout, timeout)
        finally:
            self._slots.release()

    @property
    def loaded(self) -> int:
        """Return how many workers of the current release are loaded and alive."""
        return self._loaded

    def warm(self, release: Path) -> None:
        """Start loading workers for `release` now, so the first query does not wait for them."""
        self._ensure(release)

    def _run(self, release: Path, job: Job, deadline: float, timeout: float) -> Answer:
        self._ensure(release)
        worker, waited_for_load = self._checkout(deadline, timeout)
        if waited_for_load:  # no worker was loaded (start, or all replaced): loading is not the query's time
            deadline = time.monotonic() + timeout
        try:
            answer = worker.run(job, deadline, timeout)
        except QueryFailed as failure:
            if failure.kind in ("query-timeout", "query-aborted"):
                self._discard(worker)
            else:
                self._checkin(worker)
            raise
        except BaseException:
            self._discard(worker)
            raise
        self._checkin(worker)
        return answer

    def _checkout(self, deadline: float, timeout: float) -> tuple[Worker, bool]:
        """Take an idle worker (and say whether we had to wait for one to load).

        Workers of a replaced release keep serving until a worker of the new one is loaded.
        """
        while True:
            cold = self._loaded == 0
            wait = LOAD_TIMEOUT if cold else max(0.0, deadline - time.monotonic())
            try:
                worker = self._idle.get(timeout=wait)
            except queue.Empty:
                raise QueryTimeout(timeout) from None
            if worker.release == self._release or self._loaded == 0:
                return worker, cold
            worker.kill()

    def _ensure(self, release: Path) -> None:
        with self._lock:
            if release != self._release:
                self._release, self._count, self._loaded = release, 0, 0
            while self._count < self.size and not self._closed:
                self._count += 1
                threading.Thread(target=self._spawn, args=(release,), daemon=True).start()

    def _spawn(self, release: Path) -> None:
        try:
            worker = Worker.start(release, self.memory_mb, self.store_mode)
        except Exception:
            log.exception("could not start a query worker for %s", release.name)
            with self._lock:
                if release == self._release:
                    self._count -= 1
            return
        with self._lock:
            if release == self._release:
                self._loaded += 1
        self._checkin(worker)

    def _checkin(self, worker: Worker) -> None:
        with self._lock:
            current = worker.release == self._release
            keep = not self._closed and (current or self._loaded == 0)
        if keep:
            self._idle.put(worker)
        else:
            worker.kill()

    def _discard(self, worker: Worker) -> None:
        """Kill a worker that timed out or died and start its replacement."""
        worker.kill()
        with self._lock:
            if worker.release == self._release:
                self._count -= 1
                self._loaded -= 1
            release = self._release
        if release is not None:
            self._ensure(release)

    def close(self) -> None:
        """Stop every idle worker; busy ones are stopped when they come back."""
        with self._lock:
            self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return


# --- the child process -------------------------------------------------------------------------


def _exit_with_parent() -> None:
    """Exit when the server process that started us is gone (the query may still be running)."""
    parent = os.getppid()
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _serve(conn: Connection, release: Path, store_mode: str) -> None:
    from kg.publish import load_query_stores
    from kg.web import evaluate

    stores = load_query_stores(release, store_mode)
    graphs = frozenset(g.value for g in stores.named.named_graphs() if hasattr(g, "value"))
    evaluate.warm_up()
    conn.send(("ready", {"graphs": len(graphs)}))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            answer = evaluate.evaluate(stores, graphs, job)
        except QueryFailed as failure:
            fields = {"kind": failure.kind, "message": failure.message, "status": failure.status}
            conn.send(("error", fields | failure.extra))
            continue
        except MemoryError:
            conn.send(("error", {"kind": "query-aborted", "message": "the query used more memory than allowed"}))
            continue
        except Exception:
            log.exception("query failed in the engine")
            conn.send(("error", {"kind": "engine-error", "message": "the query engine failed on it", "status": 500}))
            continue
        meta = asdict(answer)
        body = meta.pop("body")
        conn.send(("ok", meta))
        conn.send_bytes(body)


def _serve_until_hangup(conn: Connection, release: Path, store_mode: str) -> None:
    with contextlib.suppress(EOFError, BrokenPipeError, ConnectionResetError):  # the server hung up
        _serve(conn, release, store_mode)


def main(argv: list[str] | None = None) -> None:
    """Run one query worker: load the release, then answer jobs from the parent until it hangs up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--release", type=Path, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--store", choices=("memory", "disk"), default="memory")
    args = parser.parse_args(argv)
    limit = args.memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    # rdflib's parser recurses deeply on nested queries: give it room (nesting is capped before it runs).
    sys.setrecursionlimit(20_000)
    threading.stack_size(64 << 20)
    conn = Connection(args.fd)
    server = threading.Thread(target=_serve_until_hangup, args=(conn, args.release, args.store))
    server.start()
    server.join()
