"""The unit of work: writes and their events commit in one transaction.

The events are stored in the outbox inside the transaction and published right
after the commit; if the process dies in between, the relay's sweep publishes them.
A use case takes a :class:`UnitOfWork` (built once by the service's container from
its runtime), never the runtime itself.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from wagate_contracts.envelope import Event

from wagate_platform.mongo import Document
from wagate_platform.outbox import Outbox, OutboxRelay
from wagate_platform.publisher import EventPublisher

if TYPE_CHECKING:  # the runtime hosts FastAPI; a use case taking a UnitOfWork must not
    from wagate_platform.runtime import ServiceRuntime

T = TypeVar("T")
Work = Callable[[AsyncClientSession], Awaitable[tuple[T, list[Event]]]]


@dataclass(frozen=True)
class UnitOfWork:
    mongo: AsyncMongoClient[Document]
    publisher: EventPublisher
    outbox: Outbox
    relay: OutboxRelay

    @classmethod
    def of(cls, runtime: "ServiceRuntime") -> "UnitOfWork":
        return cls(runtime.mongo, runtime.publisher, runtime.outbox, runtime.relay)

    async def transact(self, work: Work[T]) -> tuple[T, list[Event]]:
        """Run ``work`` in a transaction (retried on transient conflicts) with its outbox rows."""
        events: list[Event] = []

        async def run(session: AsyncClientSession) -> T:
            result, produced = await work(session)
            stamped = [self.publisher.stamp(event) for event in produced]
            await self.outbox.add(stamped, session=session)
            events[:] = stamped
            return result

        async with self.mongo.start_session() as session:
            result = await session.with_transaction(run)
        return result, events

    async def commit(self, work: Work[T]) -> T:
        """Run ``work`` in a transaction, then publish its events."""
        result, events = await self.transact(work)
        await self.relay.publish_now(events)
        return result
