"""Transactional outbox: an event is stored with the write that caused it.

``Outbox.add`` inserts the event in the caller's MongoDB transaction. After the
commit the caller hands the events to ``OutboxRelay.publish_now``, which
publishes them and deletes them in one round trip. If the process dies in
between, the relay's background sweep publishes whatever is older than a grace
period. Consumers are idempotent on ``event_id``, so a rare double publish
(both paths racing) is harmless; losing an event is not possible.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from wagate_contracts.envelope import Event

from wagate_platform.logging import get_logger
from wagate_platform.mongo import CollectionIndexes, Document
from wagate_platform.periodic import PeriodicTask
from wagate_platform.publisher import EventPublisher

log = get_logger(__name__)
OUTBOX = "outbox"
OUTBOX_INDEXES = CollectionIndexes(OUTBOX, [IndexModel([("created_at", ASCENDING)])])


def outbox_document(event: Event) -> Document:
    return {
        "_id": str(event.event_id),
        "routing_key": event.event_type,
        "body": event.model_dump(mode="json"),
        "correlation_id": event.correlation_id,
        "created_at": datetime.now(UTC),
    }


class Outbox:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[OUTBOX]

    async def add(self, events: Sequence[Event], session: AsyncClientSession | None = None) -> None:
        """Store ``events`` inside the caller's transaction (or alone, without ``session``)."""
        if events:
            await self._collection.insert_many(
                [outbox_document(e) for e in events], session=session
            )


class OutboxRelay:
    def __init__(
        self,
        db: AsyncDatabase[Document],
        publisher: EventPublisher,
        poll_interval_s: float = 1.0,
        grace_s: float = 5.0,
        batch_size: int = 200,
    ) -> None:
        self._collection = db[OUTBOX]
        self._publisher = publisher
        self._grace = timedelta(seconds=grace_s)
        self._batch_size = batch_size
        self._loop = PeriodicTask("outbox-relay", self.sweep_all, poll_interval_s)

    async def publish_now(self, events: Sequence[Event]) -> None:
        """Publish freshly committed events; on failure the sweep retries them later."""
        if not events:
            return  # nothing was stored: no delete round trip
        try:
            for event in events:
                await self._publisher.publish(event)
        except Exception as exc:
            log.warning("outbox_publish_deferred", error=str(exc)[:300])
            return
        await self._collection.delete_many({"_id": {"$in": [str(e.event_id) for e in events]}})

    async def sweep(self, older_than: timedelta | None = None) -> int:
        """Publish stored events older than the grace period; returns how many."""
        cutoff = datetime.now(UTC) - (self._grace if older_than is None else older_than)
        cursor = (
            self._collection.find({"created_at": {"$lte": cutoff}})
            .sort("created_at", ASCENDING)
            .limit(self._batch_size)
        )
        published: list[str] = []
        try:
            async for doc in cursor:
                await self._publisher.publish_raw(
                    doc["body"],
                    routing_key=doc["routing_key"],
                    message_id=doc["_id"],
                    correlation_id=doc.get("correlation_id", ""),
                )
                published.append(doc["_id"])
        finally:
            if published:
                await self._collection.delete_many({"_id": {"$in": published}})
        return len(published)

    async def sweep_all(self) -> None:
        """Sweep until what is left fits in one batch."""
        while await self.sweep() >= self._batch_size:
            pass

    @property
    def running(self) -> bool:
        return self._loop.running

    async def start(self) -> None:
        await self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
