"""MongoDB access through PyMongo's async API, with indexes created at start."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pymongo
from prometheus_client import Counter
from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from wagate_platform.origin import current_origin
from wagate_platform.settings import ServiceSettings

MONGO_COMMANDS = Counter(
    "wagate_mongo_commands_total",
    "MongoDB commands sent (round trips), by command and origin (wagate_platform.origin)",
    ["command", "origin"],
)

Document = dict[str, Any]


class CommandCounter(CommandListener):
    """Counts MongoDB commands (round trips); the bench harness and budget tests read it."""

    def __init__(self) -> None:
        self.count = 0
        self.by_command: dict[str, int] = {}
        self.by_origin: dict[str, int] = {}

    def started(self, event: CommandStartedEvent) -> None:
        where = current_origin()
        self.count += 1
        self.by_command[event.command_name] = self.by_command.get(event.command_name, 0) + 1
        self.by_origin[where] = self.by_origin.get(where, 0) + 1
        MONGO_COMMANDS.labels(event.command_name, where).inc()

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass

    def reset(self) -> None:
        self.count = 0
        self.by_command.clear()
        self.by_origin.clear()


@dataclass(frozen=True)
class CollectionIndexes:
    collection: str
    indexes: Sequence[IndexModel] = field(default=())


def create_mongo_client(
    settings: ServiceSettings, counter: CommandCounter | None = None
) -> AsyncMongoClient[Document]:
    """A client that does not connect until first used."""
    return AsyncMongoClient(
        settings.mongodb_url,
        serverSelectionTimeoutMS=settings.mongodb_timeout_ms,
        connectTimeoutMS=settings.mongodb_timeout_ms,
        tz_aware=True,
        uuidRepresentation="standard",
        event_listeners=[counter] if counter else [],
        appname=settings.service_name,
    )


async def ensure_indexes(db: AsyncDatabase[Document], specs: Sequence[CollectionIndexes]) -> None:
    for spec in specs:
        if spec.indexes:
            await db[spec.collection].create_indexes(list(spec.indexes))


async def ping(client: AsyncMongoClient[Document], timeout_s: float = 2.0) -> bool:
    """True when the server answers ``ping`` within the timeout.

    The deadline is the driver's own (``pymongo.timeout``), never a task cancellation:
    cancelling an operation that waits in the driver's server selection can leave its
    locks broken on Python 3.11 (docs/decisions.md, "A wedged MongoDB client").
    """
    try:
        with pymongo.timeout(timeout_s):
            await client.admin.command("ping")
    except Exception:
        return False
    return True
