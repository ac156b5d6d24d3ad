"""A Milvus Lite server for the tests that run against the Milvus store, one per test session.

``milvus-lite server`` (pure Python, from the ``milvus-lite`` package) is started on a free
127.0.0.1 port with its data in a session temporary folder; every test gets its own collection
prefix and its collections are dropped after it. A server process, rather than a ``.db`` file
per test, because only one process may open a Lite database and the server runs on the other
core: measured on 2 cores, ~2 s to start once, then ~0.05 s per collection (an in-process
``.db`` file costs ~0.7 s to open once and the same afterwards, but holds its lock until the
test process exits, so no subprocess could open it).

Without pymilvus and milvus-lite the Milvus tests skip, saying what to install.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

START_TIMEOUT = 60.0
INSTALL_HINT = "pip install 'docprompt[milvus]' (pymilvus and milvus-lite)"


def skip_reason() -> str | None:
    missing = [m for m in ("pymilvus", "milvus_lite") if importlib.util.find_spec(m) is None]
    return f"{' and '.join(missing)} not installed: {INSTALL_HINT}" if missing else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class MilvusServer:
    uri: str  # http://127.0.0.1:PORT
    data_dir: Path
    log: Path
    start_seconds: float


def _start(data_dir: Path, log: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    cmd = [sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir)]
    cmd += ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, port


@pytest.fixture(scope="session")
def milvus_server(tmp_path_factory) -> Iterator[MilvusServer]:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("milvus")
    log = root / "server.log"
    started = time.monotonic()
    for _ in range(3):  # the free port may be taken between choosing and binding it
        proc, port = _start(root / "data", log)
        while time.monotonic() - started < START_TIMEOUT and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        if proc.poll() is None:
            break
    else:
        pytest.fail(f"milvus-lite server did not start; see {log}: {log.read_text()[-500:]}")
    if proc.poll() is not None:
        pytest.fail(f"milvus-lite server did not start; see {log}: {log.read_text()[-500:]}")
    try:
        yield MilvusServer(f"http://127.0.0.1:{port}", root / "data", log, time.monotonic() - started)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class MilvusTarget:
    """Where one test's Milvus indexes go: the server and a collection prefix of its own."""

    uri: str
    prefix: str

    def settings(self, name: str) -> dict:
        """BuildSettings fields that put the index ``name`` in this test's own collection."""
        return {"store": "milvus", "uri": self.uri, "collection": f"{self.prefix}_{name.replace('-', '_')}"}


@pytest.fixture
def milvus(milvus_server, monkeypatch) -> Iterator[MilvusTarget]:
    """The session's server for one test; the collections it made are dropped after it."""
    from pymilvus import MilvusClient

    monkeypatch.setenv("DOCPROMPT_MILVUS_URI", milvus_server.uri)
    monkeypatch.delenv("DOCPROMPT_MILVUS_TOKEN", raising=False)
    target = MilvusTarget(milvus_server.uri, "t" + uuid.uuid4().hex[:10])
    yield target
    client = MilvusClient(uri=milvus_server.uri)
    try:
        for name in client.list_collections():
            if name.startswith(target.prefix):
                client.drop_collection(name)
    finally:
        client.close()
