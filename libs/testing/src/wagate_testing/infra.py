"""Finding or starting the real infrastructure tests and ``make run`` use.

RabbitMQ: ``RABBITMQ_URL``, else a broker on localhost, else testcontainers when a
Docker engine is present. MongoDB: ``MONGODB_URL``, else testcontainers, else the
embedded MongoDB-wire-compatible server SecantusDB (``secantusd-py``).
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pymongo import MongoClient

LOCAL_RABBITMQ_URL = "amqp://guest:guest@localhost:5672/"


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


def docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise InfrastructureUnavailable(f"{what} did not become ready within {timeout_s:.0f}s")


@contextlib.contextmanager
def rabbitmq() -> Iterator[str]:
    """Yield an AMQP URL of a reachable broker."""
    url = os.environ.get("RABBITMQ_URL")
    if url:
        yield url
        return
    if port_open("127.0.0.1", 5672):
        yield LOCAL_RABBITMQ_URL
        return
    if docker_available():
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:4-management") as container:
            host = container.get_container_host_ip()
            port = container.get_exposed_port(5672)
            yield f"amqp://guest:guest@{host}:{port}/"
        return
    raise InfrastructureUnavailable(
        "no RabbitMQ: set RABBITMQ_URL, start one on localhost:5672 "
        "(rabbitmq-server -detached), or provide a Docker engine"
    )


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


@contextlib.contextmanager
def mongodb() -> Iterator[str]:
    """Yield a MongoDB URL: the environment's, a container's, or embedded SecantusDB's."""
    url = os.environ.get("MONGODB_URL")
    if url:
        yield url
        return
    if docker_available():
        from testcontainers.mongodb import MongoDbContainer

        with MongoDbContainer("mongo:8") as container:
            yield container.get_connection_url()
        return
    with secantus() as url:
        yield url
