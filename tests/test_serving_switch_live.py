"""A release switch under concurrent queries, on gunicorn with two server processes: atomic across workers.

Every answer says which release gave it (`X-KG-Release`, and the marker triple in its body). The
promise checked: once any client has received an answer from a newer release, no query sent after
that moment is answered from an older one, whichever server process and query worker takes it.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests

from kg.web.testing import LiveServer, publish_dataset
from tests.test_serving_release import MARKER, sample

pytestmark = pytest.mark.live

BUILDS = ("20260101T000000000000Z", "20260102T000000000000Z", "20260103T000000000000Z")
CLIENTS = 6


def ask(url: str, log: list, stop: threading.Event) -> None:
    """Send the marker query on a new connection each time (so both server processes take some) until `stop`."""
    while not stop.is_set():
        started = time.monotonic()
        response = requests.get(url, params={"query": MARKER}, headers={"Accept": "text/csv"}, timeout=30)
        ended = time.monotonic()
        log.append((started, ended, response.status_code, response.headers.get("X-KG-Release"), response.text))


def wait_until_loaded(url: str, workers: int) -> None:
    """Wait until /healthz says the query workers are loaded, ten times in a row (both server processes answer it)."""
    deadline, in_a_row = time.monotonic() + 120, 0
    while in_a_row < 10:
        assert time.monotonic() < deadline, "the query workers did not load"
        loaded = requests.get(url + "/healthz", timeout=5).json()["queries"]["workers"] == workers
        in_a_row = in_a_row + 1 if loaded else 0
        time.sleep(0.1)


def test_switch_under_concurrent_queries_never_answers_from_an_older_release_after_a_newer(tmp_path):
    publish_dataset(tmp_path, sample(BUILDS[0]), BUILDS[0])
    settings = {"DATA_DIR": tmp_path, "QUERY_WORKERS": 2, "MAX_CLIENT_QUERIES": 4, "QUERY_TIMEOUT": 10}
    with LiveServer(settings, workers=2, threads=8) as server:
        wait_until_loaded(server.url, settings["QUERY_WORKERS"])
        log: list = []
        stop = threading.Event()
        clients = [threading.Thread(target=ask, args=(server.url + "/sparql", log, stop)) for _ in range(CLIENTS)]
        for client in clients:
            client.start()
        try:
            for build in BUILDS[1:]:
                time.sleep(1.5)
                publish_dataset(tmp_path, sample(build), build)
            time.sleep(3.0)
        finally:
            stop.set()
            for client in clients:
                client.join()
        health = requests.get(server.url + "/healthz", timeout=5).json()

    assert {status for _, _, status, _, _ in log} == {200}, [body for _, _, s, _, body in log if s != 200][:3]
    assert max(ended - started for started, ended, *_ in log) < 5.0  # a switch costs no worker restart
    for _, _, _, build, body in log:
        assert body.split()[1] == build  # the header names the release the answer really came from
    order = {build: rank for rank, build in enumerate(BUILDS)}
    served = {build for *_, build, _ in log}
    assert served == set(BUILDS), f"every release should have answered some queries: {served}"
    for build in BUILDS[1:]:
        first_answer = min(ended for _, ended, _, b, _ in log if b == build)
        late = [(s, b) for s, _, _, b, _ in log if order[b] < order[build] and s > first_answer]
        assert not late, f"{len(late)} queries sent after {build} answered were answered from older releases"
    assert health["release"] == BUILDS[-1] and health["queries"]["release"] == BUILDS[-1]
