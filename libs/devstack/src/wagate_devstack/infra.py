"""Finding or starting the infrastructure ``make run`` needs, shared with the tests.

The ports, a readiness wait, and the embedded MongoDB-wire-compatible server SecantusDB
(``secantusd-py``). The tests' broker and database discovery (which may also use
testcontainers) is ``wagate_testing.infra``, built on this.
"""

import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pymongo import MongoClient


class InfrastructureUnavailable(RuntimeError):
    """No broker or database could be found or started."""


def port_open(host: str, port: int, timeout_s: float = 0.5) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout_s):
        return True
    return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise InfrastructureUnavailable(f"{what} did not become ready within {timeout_s:.0f}s")


def secantus_binary() -> str:
    candidate = Path(sys.executable).with_name("secantusd-py")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("secantusd-py")
    if found is None:
        raise InfrastructureUnavailable("secantusd-py not found: run `uv sync --all-packages`")
    return found


@contextlib.contextmanager
def secantus(storage_path: str = ":memory:", port: int | None = None) -> Iterator[str]:
    """Start the embedded MongoDB-compatible server and yield its URL."""
    port = port or free_port()
    log_path = Path(tempfile.gettempdir()) / f"secantusd-{port}.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [secantus_binary(), "--port", str(port), "--storage-path", storage_path],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        # retryWrites=false: SecantusDB 0.7 records every retryable write and scans that
        # record on each new one, so writes slow down with every write ever made (944/s
        # fresh, 253/s after 9,000; 864/s without). A single local process has no failover
        # for retryable writes to cover; mongod deployments keep the driver's default.
        url = f"mongodb://127.0.0.1:{port}/?directConnection=true&retryWrites=false"
        try:
            wait_until(lambda: _mongo_answers(url) or proc.poll() is not None, 60, "SecantusDB")
            if proc.poll() is not None:
                raise InfrastructureUnavailable(
                    f"secantusd-py exited with {proc.returncode}; see {log_path}"
                )
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _mongo_answers(url: str) -> bool:
    client: MongoClient[dict[str, object]] = MongoClient(url, serverSelectionTimeoutMS=300)
    try:
        client.admin.command("ping")
    except Exception:
        return False
    finally:
        client.close()
    return True
