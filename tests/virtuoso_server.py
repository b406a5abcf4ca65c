"""Start and stop a throwaway Virtuoso (Debian's `virtuoso-opensource`) on loopback, for tests and the bench."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.web.testing import free_port

BINARY = "virtuoso-t"
START_TIMEOUT = 180.0  # a new database takes ~30 s to create on a busy 2-core machine
INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 500M
DirsAllowed = {folder}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its endpoints and the KG_STORE settings that point at it."""

    query_url: str
    gsp_url: str
    user: str = "dba"
    password: str = "dba"  # the password of a new Virtuoso database; the server listens on loopback only

    def settings(self) -> dict[str, str]:
        """Return the KG_STORE_* settings (without the KG_ prefix) for this server."""
        return {
            "STORE": "sparql",
            "STORE_QUERY_URL": self.query_url,
            "STORE_GSP_URL": self.gsp_url,
            "STORE_USER": self.user,
            "STORE_PASSWORD": self.password,
        }


@contextlib.contextmanager
def running(folder: Path) -> Iterator[Virtuoso]:
    """Run Virtuoso on free loopback ports with a new database in `folder`; stop it on exit."""
    binary = shutil.which(BINARY)
    if binary is None:
        raise RuntimeError(f"{BINARY} not found: install Debian's virtuoso-opensource (.ci/run does)")
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(folder=folder, http_port=http_port, sql_port=sql_port), encoding="utf-8")
    log = (folder / "server.out").open("wb")
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=log, stderr=log)
    server = Virtuoso(f"http://127.0.0.1:{http_port}/sparql", f"http://127.0.0.1:{http_port}/sparql-graph-crud-auth")
    try:
        _wait(server, process, folder)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait(server: Virtuoso, process: subprocess.Popen, folder: Path) -> None:
    probe = server.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {process.returncode}: see {folder / 'virtuoso.log'}")
        try:
            with urllib.request.urlopen(probe, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"virtuoso-t did not answer within {START_TIMEOUT:g} s: see {folder / 'virtuoso.log'}")
