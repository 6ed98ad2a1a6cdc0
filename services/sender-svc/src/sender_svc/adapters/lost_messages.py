"""Queued messages whose dispatch was lost, and the sweep's claim on them.

A queued message records when its next dispatch is due (``next_attempt_at``): accepted or
streamed → now; put on a delay queue → when that delay ends. One that is still queued
``LOST_DISPATCH_AFTER_S`` past that moment, and that nothing legitimately holds (a
dispatcher's lease, a paused or canceled campaign, an unconfirmed first publish the outbox
sweep owns, a direct send under way), has no delivery left anywhere: it dead-lettered, or
its queue was purged. Every filter here is field-level, so SecantusDB plans it on the
``(status, next_attempt_at)`` index (a top-level ``$or`` would scan the collection).
"""

from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase
from wagate_platform.mongo import Document

from sender_svc.adapters.messages import MESSAGES
from sender_svc.domain.messages import F

DISPATCH_LOST = "dispatch_lost"
LOST_ERROR: Document = {
    "code": DISPATCH_LOST,
    "message": "the message could not be dispatched: its deliveries kept getting lost",
    "retryable": True,
}


def lost_filter(cutoff: datetime, at: datetime) -> Document:
    return {
        "status": "queued",
        "next_attempt_at": {"$lte": cutoff},
        F.HELD: {"$ne": True},
        "canceled": {"$ne": True},
        "direct": {"$ne": True},
        F.REQUESTED_PENDING: {"$ne": True},
        F.LEASE_UNTIL: {"$not": {"$gt": at}},
    }


class LostMessages:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._col = db[MESSAGES]

    async def find(self, cutoff: datetime, at: datetime, limit: int) -> list[Document]:
        cursor = self._col.find(lost_filter(cutoff, at), {"history": 0}).limit(limit)
        return [d async for d in cursor]

    async def claim(self, ids: list[str], cutoff: datetime, at: datetime, token: str) -> int:
        """Take these for one sweep pass (still lost: no other replica took them first);
        their next dispatch is due now, so the next pass leaves them alone for the bound."""
        result = await self._col.update_many(
            {"_id": {"$in": ids}, **lost_filter(cutoff, at)},
            {
                "$set": {"next_attempt_at": at, "swept_at": at, "sweep_token": token},
                "$inc": {"sweeps": 1},
            },
        )
        return result.modified_count

    async def claimed(self, ids: list[str], token: str) -> set[str]:
        """Which of ``ids`` this pass claimed (only asked when another replica raced it)."""
        cursor = self._col.find({"_id": {"$in": ids}, "sweep_token": token}, {"_id": 1})
        return {str(d["_id"]) async for d in cursor}

    async def fail(self, ids: list[str], token: str, at: datetime) -> int:
        """Give up on messages swept too often: failed, owing their ``message.failed``
        (``event_pending.kind``, published by the outbox sweep)."""
        result = await self._col.update_many(
            {
                "_id": {"$in": ids},
                "sweep_token": token,
                "status": "queued",
                F.LEASE_UNTIL: {"$not": {"$gt": at}},
            },
            {
                "$set": {
                    "status": "failed",
                    "error": LOST_ERROR,
                    "status_at": at,
                    "failed_at": at,
                    "event_pending": {"at": at, "kind": DISPATCH_LOST},
                },
                "$push": {"history": {"status": "failed", "at": at}},
            },
        )
        return result.modified_count
