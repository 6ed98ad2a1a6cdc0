"""Campaign documents and the campaign-wide operations on their messages."""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from wagate_platform.mongo import CollectionIndexes, Document

from sender_svc.adapters.messages import MESSAGES

CAMPAIGNS = "campaigns"
CAMPAIGN_INDEXES = CollectionIndexes(
    CAMPAIGNS,
    [
        IndexModel([("status", ASCENDING)]),
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([("cancel_pending", ASCENDING)], sparse=True),
    ],
)
CAMPAIGN_CANCELED = "campaign_canceled"
CANCELED_ERROR: Document = {
    "code": CAMPAIGN_CANCELED,
    "message": "the campaign was canceled",
    "retryable": False,
}


class CampaignRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._col = db[CAMPAIGNS]
        self._messages = db[MESSAGES]

    async def insert(self, doc: Document) -> None:
        await self._col.insert_one(doc)

    async def insert_messages(self, docs: list[Document]) -> None:
        await self._messages.insert_many(docs, ordered=False)

    async def get(self, user_id: str, campaign_id: str) -> Document | None:
        return await self._col.find_one({"_id": campaign_id, "user_id": user_id})

    async def pool(self, campaign_id: str) -> Document | None:
        """The campaign's session pool (fixed at creation)."""
        return await self._col.find_one({"_id": campaign_id}, {"session_ids": 1, "group_id": 1})

    async def transition(
        self,
        user_id: str,
        campaign_id: str,
        from_: list[str],
        to: str,
        at: datetime,
        extra: Document | None = None,
    ) -> Document | None:
        return await self._col.find_one_and_update(
            {"_id": campaign_id, "user_id": user_id, "status": {"$in": from_}},
            {"$set": {"status": to, "updated_at": at, **(extra or {})}},
            return_document=ReturnDocument.AFTER,
        )

    async def running(self, limit: int = 50) -> list[Document]:
        return [d async for d in self._col.find({"status": "running"}, {"_id": 1}).limit(limit)]

    async def canceling(self, limit: int = 50) -> list[Document]:
        """Canceled campaigns whose cancel is not settled yet (messages or events left)."""
        query = {"cancel_pending": True}
        return [d async for d in self._col.find(query, {"_id": 1}).limit(limit)]

    async def cancel_settled(self, campaign_id: str, at: datetime) -> None:
        await self._col.update_one(
            {"_id": campaign_id, "cancel_pending": True},
            {"$unset": {"cancel_pending": ""}, "$set": {"cancel_settled_at": at}},
        )

    async def lease(
        self,
        campaign_id: str,
        owner: str,
        at: datetime,
        until: datetime,
        status: str = "running",
    ) -> Document | None:
        """The right to stream (or settle the cancel of) this campaign for a while."""
        return await self._col.find_one_and_update(
            {
                "_id": campaign_id,
                "status": status,
                "$or": [
                    {"lease_until": None},
                    {"lease_until": {"$lte": at}},
                    {"lease_owner": owner},
                ],
            },
            {"$set": {"lease_until": until, "lease_owner": owner}},
            return_document=ReturnDocument.AFTER,
        )

    async def complete(self, campaign_id: str, at: datetime) -> None:
        await self._col.update_one(
            {"_id": campaign_id, "status": "running"},
            {"$set": {"status": "completed", "completed_at": at}},
        )

    # --- the campaign's messages ----------------------------------------------------------

    async def count_messages(self, campaign_id: str, **conditions: Any) -> int:
        return await self._messages.count_documents({"campaign_id": campaign_id, **conditions})

    async def next_held(self, campaign_id: str, limit: int) -> list[Document]:
        query = {"campaign_id": campaign_id, "status": "queued", "held": True}
        cursor = self._messages.find(query).sort("seq", ASCENDING).limit(limit)
        return [d async for d in cursor]

    async def unhold(self, ids: list[str], at: datetime) -> None:
        """Handed to the queue: pending publish until the broker confirmed."""
        await self._messages.update_many(
            {"_id": {"$in": ids}, "held": True},
            {
                "$set": {
                    "held": False,
                    "requested_pending": True,
                    "requested_at": at,
                    "next_attempt_at": at,
                }
            },
        )

    async def hold(self, campaign_id: str, ids: list[str] | None = None) -> None:
        query: Document = {"campaign_id": campaign_id, "status": "queued", "held": {"$ne": True}}
        if ids is not None:
            query["_id"] = {"$in": ids}
        await self._messages.update_many(
            query, {"$set": {"held": True}, "$unset": {"requested_pending": ""}}
        )

    async def stop_messages(self, campaign_id: str) -> None:
        """Cancel, step 1: no queued message of the campaign can be claimed or streamed any
        more (``canceled`` is in the dispatcher's claim filter); leases already held run on."""
        await self._messages.update_many(
            {"campaign_id": campaign_id, "status": "queued", "canceled": {"$ne": True}},
            {"$set": {"canceled": True, "held": True}, "$unset": {"requested_pending": ""}},
        )

    async def fail_stopped(self, campaign_id: str, at: datetime) -> int:
        """Cancel, step 2: fail every queued message no dispatcher holds, owing its
        ``message.failed`` (``event_pending.kind``) in the same update; returns how many.

        ``status: queued`` in the filter makes each message fail at most once, whichever
        replica runs this; a message leased by a dispatcher is left to it (it records sent
        or failed with its own event, or releases it and a later pass fails it here).
        """
        result = await self._messages.update_many(
            {
                "campaign_id": campaign_id,
                "status": "queued",
                "canceled": True,
                "$or": [{"lease_until": None}, {"lease_until": {"$lte": at}}],
            },
            {
                "$set": {
                    "status": "failed",
                    "error": CANCELED_ERROR,
                    "status_at": at,
                    "failed_at": at,
                    "lease_until": None,
                    "event_pending": {"at": at, "kind": CAMPAIGN_CANCELED},
                },
                "$push": {"history": {"status": "failed", "at": at}},
            },
        )
        return result.modified_count

    async def progress(self, campaign_id: str) -> list[Document]:
        pipeline: list[Document] = [
            {"$match": {"campaign_id": campaign_id}},
            {
                "$group": {
                    "_id": {"status": "$status", "session_id": "$session_id"},
                    "n": {"$sum": 1},
                }
            },
        ]
        cursor = await self._messages.aggregate(pipeline)
        return [d async for d in cursor]
