"""Finding or starting the real infrastructure the tests use.

RabbitMQ: ``RABBITMQ_URL``, else a broker on localhost, else testcontainers when a
Docker engine is present. MongoDB: ``MONGODB_URL``, else testcontainers, else the
embedded MongoDB-wire-compatible server SecantusDB, which ``make run`` also uses
(``wagate_devstack.infra``, re-exported here).
"""

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator

from wagate_devstack.infra import (
    InfrastructureUnavailable,
    free_port,
    port_open,
    secantus,
    wait_until,
)

__all__ = [
    "LOCAL_RABBITMQ_URL",
    "InfrastructureUnavailable",
    "docker_available",
    "free_port",
    "mongodb",
    "port_open",
    "rabbitmq",
    "secantus",
    "wait_until",
]

LOCAL_RABBITMQ_URL = "amqp://guest:guest@localhost:5672/"


def docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


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
