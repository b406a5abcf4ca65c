"""A bounded fuzz run against the server under gunicorn: no client mistake gets a 5xx, nothing logs a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset

from kg.web.testing import LiveServer, publish_dataset
from tests import fuzz

SAMPLE = Path(__file__).parent / "data" / "sparql" / "sample.trig"
REQUESTS = 10_000

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-data")
    dataset = Dataset()
    dataset.parse(SAMPLE, format="trig")
    publish_dataset(folder, dataset)
    log = folder / "server.log"
    settings = {"DATA_DIR": folder, "QUERY_TIMEOUT": 5, "MAX_QUERY_BYTES": 4000}
    with LiveServer(settings, workers=2, threads=8, log=log) as live:
        yield live


def test_fuzzed_requests_get_no_undocumented_5xx_and_log_no_traceback(server):
    tally = fuzz.run(server.url, REQUESTS)
    assert tally.sent >= REQUESTS
    failures = "\n".join(f"{status} {request} -> {body}" for request, status, body in tally.server_errors[:10])
    assert not tally.server_errors, f"{len(tally.server_errors)} undocumented 5xx, e.g.:\n{failures}"
    assert not tally.unanswered, f"no answer at all to {tally.unanswered[:5]}"
    log = server.log.read_text("utf-8", "replace")
    assert "Traceback" not in log, log[log.index("Traceback") - 200 :][:3000]
