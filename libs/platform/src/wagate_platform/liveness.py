"""Liveness: is this process still able to work, as opposed to its dependencies being down?

``/healthz`` fails (503) when the process is wedged, so the orchestrator restarts it,
and never just because MongoDB or RabbitMQ is down (that is ``/readyz``'s business:
restarting every replica during a database failover would only add to the outage).

A MongoDB client is wedged when it cannot reach the server while a fresh client
can. That is what a driver left in a broken state looks like from outside (a
connection-pool or topology lock lost to a cancelled operation, see
docs/decisions.md); the fresh client is only built when our own ping fails.
"""

from collections.abc import Awaitable, Callable

from pymongo import AsyncMongoClient

from wagate_platform.logging import get_logger
from wagate_platform.mongo import Document, ping

log = get_logger(__name__)
LivenessCheck = Callable[[], Awaitable[bool]]


def mongo_liveness(
    client: AsyncMongoClient[Document], url: str, timeout_s: float = 2.0
) -> LivenessCheck:
    async def alive() -> bool:
        if await ping(client, timeout_s):
            return True
        fresh: AsyncMongoClient[Document] = AsyncMongoClient(
            url, serverSelectionTimeoutMS=int(timeout_s * 1000), connectTimeoutMS=1000
        )
        try:
            reachable = await ping(fresh, timeout_s)
        finally:
            await fresh.close()
        if reachable:
            log.error("mongo_client_wedged")
        return not reachable

    return alive
