"""The unit of work: writes and their events commit in one transaction.

The events are stored in the outbox inside the transaction and published right
after the commit; if the process dies in between, the relay's sweep publishes them.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession
from wagate_contracts.envelope import Event

from wagate_platform.runtime import ServiceRuntime

T = TypeVar("T")
Work = Callable[[AsyncClientSession], Awaitable[tuple[T, list[Event]]]]


async def transact(runtime: ServiceRuntime, work: Work[T]) -> tuple[T, list[Event]]:
    """Run ``work`` in a transaction (retried on transient conflicts) with its outbox rows."""
    events: list[Event] = []

    async def run(session: AsyncClientSession) -> T:
        result, produced = await work(session)
        stamped = [runtime.publisher.stamp(event) for event in produced]
        await runtime.outbox.add(stamped, session=session)
        events[:] = stamped
        return result

    async with runtime.mongo.start_session() as session:
        result = await session.with_transaction(run)
    return result, events


async def commit(runtime: ServiceRuntime, work: Work[T]) -> T:
    """Run ``work`` in a transaction, then publish its events."""
    result, events = await transact(runtime, work)
    await runtime.relay.publish_now(events)
    return result
