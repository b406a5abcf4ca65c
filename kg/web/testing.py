"""Helpers for tests and benchmarks: publish a hand-made dataset, run the app under gunicorn."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from rdflib import Dataset, Graph

from kg.publish import publish_atomically


def publish_dataset(data_dir: Path, dataset: Dataset, build_id: str = "20260101T000000000000Z") -> Path:
    """Publish `dataset` as a release of `data_dir` (no validation) and return the release folder."""
    return publish_atomically(Path(data_dir), build_id, dataset, Graph(), "not validated: test data")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """`make serve`'s gunicorn command on a free port, with KG_* settings; a context manager."""

    def __init__(
        self,
        settings: Mapping[str, object],
        workers: int = 1,
        threads: int = 8,
        env: Mapping[str, str] | None = None,
        log: Path | None = None,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **{f"KG_{k}": str(v) for k, v in settings.items()}}
        self.env.update(KG_WEB_WORKERS=str(workers), KG_WEB_THREADS=str(threads), **(env or {}))
        self.log = log  # where gunicorn's error log (and any traceback) goes; the terminal when None
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> LiveServer:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), "--config", "python:kg.web.gunicorn_conf", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--access-logfile", "/dev/null", "kg.web:create_app()"]
        output = self.log.open("ab") if self.log else None
        try:
            self.process = subprocess.Popen(
                command,
                env=self.env,
                start_new_session=True,
                stdout=output,
                stderr=subprocess.STDOUT if output else None,
            )
        finally:
            if output:
                output.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return self
            except OSError:  # refused, reset, or no answer within the probe's second on a busy machine
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer /healthz within 30 s")

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
