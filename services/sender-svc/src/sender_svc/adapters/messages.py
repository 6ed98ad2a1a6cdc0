"""Message documents: the queue record, the outbox record and the status history at once.

A message is inserted ``queued`` with ``requested_pending`` (its ``message.requested`` is
not known to be published yet); a terminal outcome is written with ``event_pending``
(the ``message.sent`` / ``message.failed`` to publish; a campaign cancel, which fails
messages in bulk, stores ``{at, kind}`` instead and the event is built from the document
when published). Those flags are cleared in
batches once the broker confirmed, and the relay sweep republishes whatever kept
them past a grace period, so no write is ever left without its event.
"""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from wagate_contracts.values import DeliveryStatus
from wagate_platform.mongo import CollectionIndexes, Document

from sender_svc.domain.messages import F
from sender_svc.domain.status import DELIVERED_OR_BETTER, replaceable_by

MESSAGES = "messages"
MESSAGE_INDEXES = CollectionIndexes(
    MESSAGES,
    [
        IndexModel(
            [("user_id", ASCENDING), ("idem_key", ASCENDING)],
            unique=True,
            partialFilterExpression={"idem_key": {"$type": "string"}},
        ),
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([("user_id", ASCENDING), ("to", ASCENDING), ("sent_at", DESCENDING)]),
        IndexModel([("provider_message_id", ASCENDING)], sparse=True),
        IndexModel([("campaign_id", ASCENDING), ("status", ASCENDING), ("seq", ASCENDING)]),
        IndexModel([(F.REQUESTED_PENDING, ASCENDING), ("requested_at", ASCENDING)], sparse=True),
        IndexModel([("event_pending.at", ASCENDING)], sparse=True),
        IndexModel([("status", ASCENDING), ("next_attempt_at", ASCENDING)]),  # lost dispatch
        IndexModel(  # a campaign's messages handed to the queue (at most its window)
            [("campaign_id", ASCENDING)],
            name="campaign_in_flight",
            partialFilterExpression={F.HELD: False, "status": "queued"},
        ),
    ],
)


# What an owed event is built from: a stored event (``body``) or, for events owed by a
# bulk update (``kind``, e.g. ``campaign_canceled``), the message document itself.
OWED_FIELDS: Document = {
    "event_pending": 1,
    "user_id": 1,
    "to": 1,
    "campaign_id": 1,
    "correlation_id": 1,
    "error": 1,
}


ID_CHUNK = 100


def id_chunks(ids: list[str]) -> list[list[str]]:
    """``ids`` in pieces for ``{_id: {$in: …}}`` writes: SecantusDB's cost per document grows
    with the length of the list (1.1 ms at 100 ids, 3.5 ms at 1,000: measured), so a bulk
    write of 1,000 is ten of 100; on mongod that is ten cheap round trips instead of one."""
    return [ids[i : i + ID_CHUNK] for i in range(0, len(ids), ID_CHUNK)]


def _lit(value: Any) -> Document:
    return {"$literal": value}


class MessageRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.col = db[MESSAGES]

    async def insert(self, doc: Document) -> None:
        await self.col.insert_one(doc)

    async def by_idempotency_key(self, user_id: str, key: str) -> Document | None:
        return await self.col.find_one({"user_id": user_id, "idem_key": key})

    async def get(self, user_id: str, message_id: str) -> Document | None:
        return await self.col.find_one({"_id": message_id, "user_id": user_id})

    async def recent(
        self, user_id: str, *, status: str | None, campaign_id: str | None, limit: int
    ) -> list[Document]:
        query: Document = {"user_id": user_id}
        if status:
            query["status"] = status
        if campaign_id:
            query["campaign_id"] = campaign_id
        cursor = self.col.find(query).sort("created_at", DESCENDING).limit(limit)
        return [doc async for doc in cursor]

    # --- dispatch ----------------------------------------------------------------------

    async def claim(self, message_id: str, owner: str, at: datetime, until: datetime) -> bool:
        """Take the lease on a queued message (RT 1 of dispatch); False if not claimable.

        An ``update_one`` by ``_id`` with field-level conditions only: dispatch reads nothing
        back (the event and its AMQP headers carry what it needs). A ``findAndModify`` here
        would scan the whole collection on the embedded SecantusDB (docs/performance.md).
        """
        result = await self.col.update_one(
            {
                "_id": message_id,
                "status": "queued",
                F.HELD: {"$ne": True},
                "canceled": {"$ne": True},
                F.LEASE_UNTIL: {"$not": {"$gt": at}},
            },
            {
                "$set": {F.LEASE_UNTIL: until, F.LEASE_OWNER: owner},
                "$unset": {F.REQUESTED_PENDING: ""},
            },
        )
        return result.matched_count == 1

    async def state(self, message_id: str) -> Document | None:
        return await self.col.find_one(
            {"_id": message_id}, {"status": 1, F.HELD: 1, "canceled": 1, F.LEASE_UNTIL: 1}
        )

    async def release(
        self, message_id: str, owner: str, tried: list[str], attempts: int, due: datetime
    ) -> None:
        """Give the lease back while the message waits on a delay queue until ``due``."""
        await self.col.update_one(
            {"_id": message_id, F.LEASE_OWNER: owner},
            {
                "$set": {
                    F.LEASE_UNTIL: None,
                    "tried": tried,
                    "attempts": attempts,
                    "next_attempt_at": due,
                }
            },
        )

    async def record_outcome(
        self,
        message_id: str,
        new: DeliveryStatus,
        at: datetime,
        fields: Document,
        event: Document,
    ) -> None:
        """Sent or failed, with its event to publish; a later receipt is never overwritten."""
        applies = {"$in": ["$status", replaceable_by(new)]}
        entry = {
            "$concatArrays": [{"$ifNull": ["$history", []]}, [_lit({"status": new, "at": at})]]
        }
        await self.col.update_one(
            {"_id": message_id},
            [
                {
                    "$set": {
                        **{k: _lit(v) for k, v in fields.items()},
                        "status": {"$cond": [applies, new, "$status"]},
                        "history": {"$cond": [applies, entry, "$history"]},
                        F.LEASE_UNTIL: None,
                        "event_pending": _lit({**event, "at": at}),
                    }
                }
            ],
        )

    async def last_session_for(self, user_id: str, to: str) -> str | None:
        """The session that last wrote to ``to`` (the sender's contact → session record)."""
        doc = await self.col.find_one(
            {"user_id": user_id, "to": to, "status": {"$in": list(DELIVERED_OR_BETTER)}},
            {"session_id": 1},
            sort=[("sent_at", DESCENDING)],
        )
        return str(doc["session_id"]) if doc and doc.get("session_id") else None

    # --- receipts ----------------------------------------------------------------------

    async def apply_status(
        self, query: Document, new: DeliveryStatus, at: datetime, error: Document | None
    ) -> bool:
        sets: Document = {"status": new, "status_at": at}
        if error:
            sets["error"] = error
        result = await self.col.update_one(
            {**query, "status": {"$in": replaceable_by(new)}},
            {"$set": sets, "$push": {"history": {"status": new, "at": at}}},
        )
        return result.modified_count > 0

    async def exists(self, query: Document) -> bool:
        return await self.col.count_documents(query, limit=1) > 0

    # --- outbox ------------------------------------------------------------------------

    async def clear_flags(self, field: str, ids: list[str], **conditions: Any) -> None:
        for chunk in id_chunks(ids):
            await self.col.update_many(
                {"_id": {"$in": chunk}, **conditions}, {"$unset": {field: ""}}
            )

    async def stale_requested(self, cutoff: datetime, limit: int) -> list[Document]:
        query = {
            F.REQUESTED_PENDING: True,
            "requested_at": {"$lte": cutoff},
            "status": "queued",
            F.HELD: {"$ne": True},
        }
        return [d async for d in self.col.find(query).limit(limit)]

    async def stale_events(self, cutoff: datetime, limit: int) -> list[Document]:
        query = {"event_pending.at": {"$lte": cutoff}}
        return [d async for d in self.col.find(query, OWED_FIELDS).limit(limit)]

    async def owed_by_campaign(self, campaign_id: str, kind: str, limit: int) -> list[Document]:
        """Messages of a campaign still owing an event of ``kind`` (no grace period)."""
        query = {"campaign_id": campaign_id, "status": "failed", "event_pending.kind": kind}
        return [d async for d in self.col.find(query, OWED_FIELDS).limit(limit)]
