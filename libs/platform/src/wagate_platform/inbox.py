"""Consumer idempotency: remember which ``event_id`` a consumer has handled.

``Inbox.first_time`` inserts a marker keyed by consumer and event id, inside the
caller's transaction when one is given, so the marker and the handler's writes
commit together. Markers expire after a retention window (default 7 days),
far beyond any redelivery.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from wagate_platform.mongo import CollectionIndexes, Document

INBOX = "processed_events"
RETENTION_S = 7 * 24 * 3600
INBOX_INDEXES = CollectionIndexes(
    INBOX, [IndexModel([("at", ASCENDING)], expireAfterSeconds=RETENTION_S)]
)


class Inbox:
    def __init__(self, db: AsyncDatabase[Document], consumer: str) -> None:
        self._collection = db[INBOX]
        self._consumer = consumer

    def key(self, event_id: object) -> str:
        return f"{self._consumer}:{event_id}"

    async def first_time(self, event_id: object, session: AsyncClientSession | None = None) -> bool:
        """True the first time ``event_id`` is seen by this consumer, False after.

        Inside a transaction the marker is looked up first: a duplicate-key error there
        would abort the whole transaction (and ``with_transaction`` would retry it for two
        minutes), so a redelivery must be recognised before the insert. A concurrent first
        delivery can still collide on the insert; its retried transaction then finds it.
        """
        if session is not None:
            seen = await self._collection.find_one(
                {"_id": self.key(event_id)}, {"_id": 1}, session=session
            )
            if seen is not None:
                return False
        try:
            await self._collection.insert_one(
                {"_id": self.key(event_id), "at": datetime.now(UTC)}, session=session
            )
        except DuplicateKeyError:
            return False
        return True

    async def already_seen(
        self, event_ids: Sequence[object], session: AsyncClientSession | None = None
    ) -> set[str]:
        """Which of ``event_ids`` (as strings) this consumer has handled: one round trip.
        For batch consumers, with ``mark`` in the same transaction."""
        if not event_ids:
            return set()
        keys = [self.key(e) for e in event_ids]
        prefix = len(self.key(""))
        cursor = self._collection.find({"_id": {"$in": keys}}, {"_id": 1}, session=session)
        return {doc["_id"][prefix:] async for doc in cursor}

    async def mark(
        self, event_ids: Sequence[object], session: AsyncClientSession | None = None
    ) -> None:
        """Record ``event_ids`` as handled (after ``already_seen`` left them out): one round
        trip; a concurrent handler's marker makes it raise DuplicateKeyError."""
        if event_ids:
            now = datetime.now(UTC)
            await self._collection.insert_many(
                [{"_id": self.key(e), "at": now} for e in event_ids], session=session
            )
