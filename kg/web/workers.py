"""Killable query evaluation: a small pool of worker processes, all reading one copy of the live release.

The embedded engine cannot be cancelled, can exhaust memory and can crash its process; so no
query runs in the web server. Each server process keeps `QUERY_WORKERS` child processes (and one
spare) under an address-space limit. By default (`KG_QUERY_STORE=disk`) every child opens the
release's on-disk stores read-only (`store/` and `union-store/`, written at publish time): they share
one copy through the OS page cache, so memory no longer grows with workers × release size;
`KG_QUERY_STORE=memory` gives each child its own in-memory copy instead (faster per query, one
copy per worker). A query goes to an idle child with a
deadline; past it the child is killed (SIGKILL frees its CPU at once) and a fresh one is started in
the background. A child that dies (memory limit, engine crash) is replaced the same way. A query that
arrives while no worker is loaded (start, new release, all just replaced) first waits for one
to load; its time limit counts from then.

Releases (generations): the pool reads the `current` link itself each time it hands out a worker,
and hands out only workers of that release; a switch retires the old release's idle workers at once
and its busy ones when their query ends. So a query that starts after any answer from a new release
(in any server process: they all read the same link) is answered from the new release or a newer one.
Each answer says which release gave it (`Answer.release`).

A release the children cannot load (a corrupt or missing store, an address-space limit too small)
makes the pool unavailable: queries fail at once with a 503 naming the reason (`ReleaseUnavailable`),
`/healthz` says so, and loading is tried again every `RETRY_LOAD_AFTER` seconds.

Children speak over a socket pair: the child first says `("ready", info)` or `("failed", reason)`;
then the parent sends a `Job`, the child answers
`("ok", meta)` plus the serialized body, or `("error", fields of QueryRejected)`.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import logging
import math
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path

log = logging.getLogger(__name__)

LOAD_TIMEOUT = 600.0  # seconds a new child may take to load its store
RETRY_LOAD_AFTER = 30.0  # seconds before loading a release the children failed to load is tried again
WATCH_EVERY = 1.0  # seconds between looks at the `current` link by a pool's watcher thread
SPARE_WORKERS = 1  # loaded workers kept beyond those that evaluate, to replace a killed one at once
CPU_CHECK_EVERY = 0.25  # seconds between looks at the CPU time of a running query
LOWEST_PRIORITY = 19  # the nice value of a demoted worker
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
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
class Open:
    """Tell a child to drop the release it holds and open this one (a folder under releases/)."""

    release: str


@dataclass(frozen=True)
class Answer:
    """A serialized result: body, its media type, and whether rows were cut at the cap."""

    body: bytes
    media_type: str
    truncated: bool = False
    release: str = ""  # the build id of the release that answered (set by the pool)


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
    """No query slot came free in time: the server process is full, or the client holds its share already."""

    def __init__(self, waited: float, own_share: bool):
        why = "this client's queries already hold its share of the" if own_share else "all the"
        message = f"{why} query workers stayed busy for {waited:g} s; retry in a moment"
        super().__init__("too-many-queries", message, retry_after=max(1, math.ceil(waited)))


class ReleaseUnavailable(QueryFailed):
    """The query workers cannot load the live release; `reason` says why."""

    def __init__(self, build_id: str, reason: str, retry_after: float):
        message = f"the query workers cannot load release {build_id}: {reason}"
        super().__init__("release-unavailable", message, retry_after=max(1, math.ceil(retry_after)))
        self.reason = reason


class WorkerLoadError(RuntimeError):
    """A child process could not load its release."""


@dataclass
class Load:
    """How busy a pool is: queries admitted and waiting, workers loaded and busy."""

    in_flight: int
    max_in_flight: int
    waiting: int
    workers: int
    busy_workers: int
    release: str | None = None  # build id of the release the workers serve (or are loading)
    unavailable: str | None = None  # why the workers cannot load it, if they cannot
    retry_after: int | None = None  # seconds until loading it is tried again, if they cannot

    @property
    def saturated(self) -> bool:
        """Return whether a new query would have to wait for a slot or a worker."""
        return self.in_flight >= self.max_in_flight or self.busy_workers >= self.workers


class Worker:
    """One child process holding one release's store."""

    def __init__(self, release: Path, process: subprocess.Popen, conn: Connection):
        self.release, self.process, self.conn = release, process, conn
        self.demoted = False  # its CPU priority was lowered for a long query: retire it after that query

    @classmethod
    def start(cls, release: Path, memory_mb: int, store_mode: str) -> Worker:
        """Start a child for `release` and wait until its store is loaded; WorkerLoadError if it cannot."""
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-c", CHILD, "--fd", str(theirs.fileno())]
        command += ["--memory-mb", str(memory_mb), "--store", store_mode]
        try:
            process = subprocess.Popen(command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        finally:
            theirs.close()
        worker = cls(release, process, Connection(ours.detach()))
        worker.open(release, memory_mb)
        return worker

    def open(self, release: Path, memory_mb: int) -> None:
        """Make the child drop its release and load `release` (a switch costs no new process); kill it if it cannot."""
        try:
            self.conn.send(Open(str(release)))
            self._wait_until_loaded(memory_mb)
        except BaseException:
            self.kill()
            raise
        self.release = release

    def _wait_until_loaded(self, memory_mb: int) -> None:
        try:
            if not self.conn.poll(LOAD_TIMEOUT):
                raise WorkerLoadError(f"a query worker did not load the release within {LOAD_TIMEOUT:g} s")
            status, info = self.conn.recv()
        except (EOFError, OSError):
            code = self.process.wait(timeout=5)
            raise WorkerLoadError(_death_while_loading(code, memory_mb)) from None
        if status != "ready":
            raise WorkerLoadError(info["reason"])

    def run(self, job: Job, deadline: float, timeout: float, slow_after: float, on_demote=None) -> Answer:
        """Send `job` and wait for its answer until `deadline` (monotonic clock), demoting it once it runs long.

        "Long" is CPU time, not time waited: on a busy machine a short query may wait long for a CPU.
        `on_demote` is called when that happens.
        """
        self.conn.send(job)
        started = self.cpu_seconds()
        while not self.conn.poll(max(0.0, min(CPU_CHECK_EVERY, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                raise QueryTimeout(timeout)
            if not self.demoted and self.cpu_seconds() - started >= slow_after:
                self.demote()
                if on_demote:
                    on_demote()
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

    def cpu_seconds(self) -> float:
        """Return the CPU time the child has used so far (0 where /proc cannot tell)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime

    def demote(self) -> None:
        """Give the child the lowest CPU priority, so that a long query yields the CPU to short ones.

        Linux keeps a nice value per thread, and the query runs in a thread of its own: each is demoted.
        """
        for thread in self.threads():
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, thread, LOWEST_PRIORITY)
        self.demoted = True

    def threads(self) -> list[int]:
        """Return the ids of the child's threads (its process id alone where /proc cannot tell)."""
        try:
            return [int(name) for name in os.listdir(f"/proc/{self.process.pid}/task")]
        except OSError:
            return [self.process.pid]

    def kill(self) -> None:
        """Stop the child at once and reap it."""
        self.conn.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _death_while_loading(code: int, memory_mb: int) -> str:
    """Say why a child that exited with `code` before it was ready probably died."""
    if code == -signal.SIGTERM:
        return "a query worker was stopped (SIGTERM) while loading the release: the server is shutting down"
    how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
    return (
        f"a query worker {how} while loading the release; the release may be too large for"
        f" KG_QUERY_MEMORY_MB={memory_mb} (the address space of each worker) or its files may be damaged"
    )


class QueryPool:
    """Hand queries to worker processes, fairly between clients, each under a deadline.

    At most `max_in_flight` queries (and no more than `size`) run at once, at most `client_share` of
    them from one client; a query that finds no room waits in line up to `queue_wait` seconds (then
    ServerBusy), first come first served.
    `size` workers evaluate queries and one more stays loaded and idle, so that a worker killed for
    running over is replaced at once. A query that has used `slow_after` seconds of CPU is demoted to
    the lowest CPU priority and set aside (see `_park`): a runaway yields the CPU and its slot to short
    queries, while its client's share still counts it.
    `locate` returns the live release's folder (it reads the `current` link): see the module's notes
    on releases.
    """

    def __init__(
        self,
        size: int,
        max_in_flight: int,
        memory_mb: int,
        locate: Callable[[], Path | None],
        store_mode: str = "disk",
        client_share: int = 1,
        queue_wait: float = 10.0,
        slow_after: float = 1.0,
        retry_load_after: float = RETRY_LOAD_AFTER,
    ):
        self.size, self.memory_mb, self.store_mode, self.locate = max(1, size), memory_mb, store_mode, locate
        # No more queries run than there are workers to run them: the rest wait in line, first come first served.
        self.max_in_flight, self.client_share = max(1, min(max_in_flight, self.size)), max(1, client_share)
        self.queue_wait, self.slow_after, self.retry_load_after = queue_wait, slow_after, retry_load_after
        self._admission = threading.Condition()
        self._in_flight = 0
        self._queue: list[tuple[object, str]] = []  # waiting queries (ticket, client), in order of arrival
        self._by_client: collections.Counter[str] = collections.Counter()
        # Idle workers of the current release, last in first out: under light load one worker takes every
        # query and keeps its caches warm (alternating two idle workers made a 2 ms aggregation take 3.4 ms).
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # a worker came idle or failed to load, a release switched
        self._release: Path | None = None
        self._count = 0  # workers of the current release, alive or starting
        self._parked = 0  # demoted queries still running, each on a worker beyond the usual ones
        self._loaded = 0  # workers of the current release that finished loading and are alive
        self._failure: str | None = None  # why the last worker of the current release failed to load
        self._retry_at = 0.0  # when loading the current release may be tried again after a failure
        self._watching = False
        self._closed = False

    def run(self, job: Job, timeout: float, client: str = "") -> Answer:
        """Evaluate `job` on the live release for `client`; ServerBusy when no room came free, QueryTimeout past
        `timeout`, ReleaseUnavailable when the release cannot be loaded."""
        self._admit(client)
        parked = threading.Event()
        try:
            return self._run(job, time.monotonic() + timeout, timeout, parked)
        finally:
            self._leave(client, counted=not parked.is_set())

    def load(self) -> Load:
        """Return how busy the pool is now, which release it serves and whether it can load it."""
        with self._admission:
            in_flight, waiting = self._in_flight, len(self._queue)
        with self._lock:
            workers, busy = min(self.size, self._loaded), len(self._busy)
            release = self._release.name if self._release else None
            unavailable = self._failure if self._loaded == 0 else None
            retry_after = max(1, math.ceil(self._retry_at - time.monotonic())) if unavailable else None
        return Load(in_flight, self.max_in_flight, waiting, workers, busy, release, unavailable, retry_after)

    def busy(self) -> list[Worker]:
        """Return the workers evaluating a query now."""
        with self._lock:
            return list(self._busy)

    def idle(self) -> list[Worker]:
        """Return the loaded workers waiting for a query."""
        with self._lock:
            return list(self._idle)

    @property
    def loaded(self) -> int:
        """Return how many workers of the current release are loaded and alive."""
        return self._loaded

    def warm(self) -> None:
        """Start loading workers for the live release now, and follow its switches from now on.

        A watcher thread looks at the `current` link every WATCH_EVERY seconds, so that workers of a
        new release load (and the old ones go) before queries ask for them.
        """
        with self._lock:
            self._follow_link()
            if self._watching or self._closed:
                return
            self._watching = True
        threading.Thread(target=self._watch, name="release-watcher", daemon=True).start()

    def _watch(self) -> None:
        while True:
            time.sleep(WATCH_EVERY)
            with self._lock:
                if self._closed:
                    return
                self._follow_link()

    def _admit(self, client: str) -> None:
        """Wait up to `queue_wait` for a free slot within the client's share; raise ServerBusy if none came."""

        ticket = (object(), client)

        def my_turn() -> bool:
            """First come, first served among the waiting queries whose client has room in its share."""
            if self._in_flight >= self.max_in_flight:
                return False
            first = next((t for t in self._queue if self._by_client[t[1]] < self.client_share), None)
            return first is ticket

        with self._admission:
            self._queue.append(ticket)
            try:
                if not self._admission.wait_for(my_turn, timeout=self.queue_wait):
                    raise ServerBusy(self.queue_wait, own_share=self._by_client[client] >= self.client_share)
            finally:
                self._queue.remove(ticket)
            self._in_flight += 1
            self._by_client[client] += 1
            self._admission.notify_all()  # the next in line may have room too

    def _leave(self, client: str, counted: bool = True) -> None:
        with self._admission:
            self._in_flight -= counted
            self._by_client[client] -= 1
            if not self._by_client[client]:
                del self._by_client[client]
            self._admission.notify_all()

    def _run(self, job: Job, deadline: float, timeout: float, parked: threading.Event) -> Answer:
        worker, waited_for_load = self._checkout(deadline, timeout)
        if waited_for_load:  # no worker was loaded (start, new release, all replaced): loading is not the query's time
            deadline = time.monotonic() + timeout
        try:
            answer = worker.run(
                job, deadline, timeout, self.slow_after, on_demote=lambda: self._park(worker.release, parked)
            )
        except QueryFailed as failure:
            self._finish(worker, parked, keep=failure.kind not in ("query-timeout", "query-aborted"))
            raise
        except BaseException:
            self._finish(worker, parked, keep=False)
            raise
        self._finish(worker, parked, keep=True)
        return replace(answer, release=worker.release.name)

    def _finish(self, worker: Worker, parked: threading.Event, keep: bool) -> None:
        """Take a worker back after its query: idle again, or killed (timed out, died, demoted) and replaced."""
        with self._lock:
            self._busy.discard(worker)
            if parked.is_set():
                self._parked -= 1
        if keep and not worker.demoted:
            self._checkin(worker)
        else:
            self._discard(worker)

    def _park(self, release: Path, parked: threading.Event) -> None:
        """Set a demoted query aside: its slot goes to the next in line and a worker is started to take its place.

        It still counts in its client's share; its worker is retired when it ends (its priority
        cannot be raised again without privileges).
        """
        parked.set()
        with self._admission:
            self._in_flight -= 1
            self._admission.notify_all()
        with self._lock:
            self._parked += 1
            if release == self._release:
                self._ensure_workers()

    def _checkout(self, deadline: float, timeout: float) -> tuple[Worker, bool]:
        """Take an idle worker of the live release, read from the link now (and say whether we waited for loading).

        A worker of an older release is never handed out, even while the new one loads: a query that starts
        after an answer from the new release must not be answered from the old one.
        """
        cold_until, waited = time.monotonic() + LOAD_TIMEOUT, False
        with self._changed:
            while True:
                release = self._follow_link()
                if release is None:
                    raise QueryFailed("no-data", "no graph has been published yet", retry_after=5)
                if self._idle:
                    worker = self._idle.pop()
                    self._busy.add(worker)
                    return worker, waited
                if self._failure is not None and self._loaded == 0:
                    raise ReleaseUnavailable(release.name, self._failure, self._retry_at - time.monotonic())
                cold = self._loaded == 0
                remaining = (cold_until if cold else deadline) - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeout(timeout)
                waited = waited or cold
                self._changed.wait(min(remaining, WATCH_EVERY))  # and look at the link again

    def _follow_link(self) -> Path | None:
        """Switch to the release `current` points at, if it changed; start the workers it lacks. Hold the lock."""
        release = self.locate()
        if release != self._release:
            idle, self._idle = self._idle, []
            self._release, self._count, self._loaded, self._failure, self._retry_at = release, 0, 0, None, 0.0
            self._changed.notify_all()
            for worker in idle:
                self._reuse(worker)
        if release is not None:
            self._ensure_workers()
        return release

    def _reuse(self, worker: Worker) -> None:
        """Have a worker of an older release open the current one, if one more is needed; else retire it.

        Reopening costs no new process: with the on-disk stores a switch takes milliseconds. Hold the lock.
        """
        wanted = self.size + SPARE_WORKERS + self._parked
        if self._release is None or self._closed or worker.demoted or self._count >= wanted or self._failure:
            self._retire([worker])
            return
        self._count += 1
        threading.Thread(target=self._spawn, args=(self._release, worker), daemon=True).start()

    def _ensure_workers(self) -> None:
        """Start loading workers until the current release has enough (not while a failed load waits to be retried)."""
        if self._closed or (self._failure is not None and time.monotonic() < self._retry_at):
            return
        while self._count < self.size + SPARE_WORKERS + self._parked:
            self._count += 1
            threading.Thread(target=self._spawn, args=(self._release,), daemon=True).start()

    def _spawn(self, release: Path, worker: Worker | None = None) -> None:
        """Start a worker for `release`, or have an idle one of an older release open it instead."""
        try:
            if worker is None:
                worker = Worker.start(release, self.memory_mb, self.store_mode)
            else:
                worker.open(release, self.memory_mb)
        except Exception as error:
            reason = str(error) if isinstance(error, WorkerLoadError) else f"{type(error).__name__}: {error}"
            log.error("could not start a query worker for release %s: %s", release.name, reason)
            with self._changed:
                if release == self._release:
                    self._count -= 1
                    self._failure, self._retry_at = reason, time.monotonic() + self.retry_load_after
                    self._changed.notify_all()
            return
        with self._changed:
            if release == self._release and not self._closed:
                self._loaded += 1
                self._failure = None
        self._checkin(worker)

    def _checkin(self, worker: Worker) -> None:
        """Make a worker of the current release idle again; have one of an older release open the current one."""
        with self._changed:
            if worker.release != self._release:
                self._reuse(worker)
            elif self._closed:
                self._retire([worker])
            else:
                self._idle.append(worker)
                self._changed.notify()

    def _discard(self, worker: Worker) -> None:
        """Kill a worker that timed out or died and start its replacement."""
        worker.kill()
        with self._lock:
            if worker.release == self._release:
                self._count -= 1
                self._loaded -= 1
                self._ensure_workers()

    @staticmethod
    def _retire(workers: list[Worker]) -> None:
        """Stop workers of a replaced release, outside the caller's lock (reaping takes a moment)."""
        if workers:
            threading.Thread(target=lambda: [worker.kill() for worker in workers], daemon=True).start()

    def close(self) -> None:
        """Stop every idle worker; busy ones are stopped when they come back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


# --- the child process -------------------------------------------------------------------------


def _exit_with_parent() -> None:
    """Exit when the server process that started us is gone (the query may still be running)."""
    parent = os.getppid()
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _serve(conn: Connection, store_mode: str) -> None:
    from kg.web import evaluate

    evaluate.warm_up()
    stores, graphs = None, frozenset()
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if isinstance(job, Open):
            stores = None  # dropped first: a worker in memory mode holds one copy at a time
            stores, graphs = _open(conn, Path(job.release), store_mode)
            continue
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


def _open(conn: Connection, release: Path, store_mode: str):
    """Open `release` and tell the parent whether it worked; return its stores and graph names (None if it failed)."""
    from kg.publish import load_query_stores

    try:
        stores = load_query_stores(release, store_mode)
        graphs = frozenset(g.value for g in stores.named.named_graphs() if hasattr(g, "value"))
    except (OSError, RuntimeError, ValueError, MemoryError) as error:  # what pyoxigraph raises on bad store files
        conn.send(("failed", {"reason": f"its store could not be opened ({_one_line(error)})"}))
        return None, frozenset()
    conn.send(("ready", {"graphs": len(graphs), "release": release.name}))
    return stores, graphs


def _one_line(error: BaseException) -> str:
    """Return an exception's message on one line, cut to a readable length."""
    from kg.web.queryguard import shorten

    return shorten(" ".join(str(error).split()), 200)


def _serve_until_hangup(conn: Connection, store_mode: str) -> None:
    with contextlib.suppress(EOFError, BrokenPipeError, ConnectionResetError):  # the server hung up
        _serve(conn, store_mode)


def main(argv: list[str] | None = None) -> None:
    """Run one query worker: open the releases and answer the jobs the parent sends, until it hangs up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fd", type=int, required=True)
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
    server = threading.Thread(target=_serve_until_hangup, args=(conn, args.store))
    server.start()
    server.join()
