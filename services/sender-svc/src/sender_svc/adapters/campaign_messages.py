"""The campaign-wide operations on a campaign's message documents.

Every filter is field-level (``lease_until: {$not: {$gt: at}}`` for "no live lease", never a
top-level ``$or``), so SecantusDB plans it on the ``(campaign_id, status, seq)`` index
instead of scanning every message of every campaign. A campaign's message always carries
``held`` (True until streamed), so its in-flight ones are ``held: False`` exactly, which the
small partial index ``campaign_in_flight`` serves (pause, cancel and the streamer's window
never read the campaign's held messages).
"""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError
from wagate_platform.mongo import Document

from sender_svc.adapters.messages import MESSAGES, id_chunks
from sender_svc.domain.messages import F

CAMPAIGN_CANCELED = "campaign_canceled"
CANCELED_ERROR: Document = {
    "code": CAMPAIGN_CANCELED,
    "message": "the campaign was canceled",
    "retryable": False,
}
DUPLICATE_KEY = 11000


class CampaignMessages:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._col = db[MESSAGES]

    async def insert(self, docs: list[Document]) -> None:
        """Insert; documents already there (a preparation step run again) are skipped."""
        try:
            await self._col.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if not errors or any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise

    async def count(self, campaign_id: str, **conditions: Any) -> int:
        return await self._col.count_documents({"campaign_id": campaign_id, **conditions})

    async def next_held(self, campaign_id: str, limit: int) -> list[Document]:
        query = {"campaign_id": campaign_id, "status": "queued", F.HELD: True}
        cursor = self._col.find(query).sort("seq", ASCENDING).limit(limit)
        return [d async for d in cursor]

    async def unhold(self, ids: list[str], at: datetime) -> None:
        """Handed to the queue: pending publish until the broker confirmed."""
        sets = {F.HELD: False, F.REQUESTED_PENDING: True, "requested_at": at}
        for chunk in id_chunks(ids):
            await self._col.update_many(
                {"_id": {"$in": chunk}, F.HELD: True}, {"$set": {**sets, "next_attempt_at": at}}
            )

    async def hold(self, campaign_id: str, ids: list[str] | None = None) -> None:
        query: Document = {"campaign_id": campaign_id, "status": "queued", F.HELD: False}
        if ids is not None:
            query["_id"] = {"$in": ids}
        await self._col.update_many(
            query, {"$set": {F.HELD: True}, "$unset": {F.REQUESTED_PENDING: ""}}
        )

    async def stop_in_flight(self, campaign_id: str) -> None:
        """Cancel, at once: no queued message of the campaign can be claimed any more
        (``canceled`` and ``held`` are in the dispatcher's claim filter). Only the messages
        handed to the queue (at most the window) change: the rest were held already."""
        await self._col.update_many(
            {"campaign_id": campaign_id, "status": "queued", F.HELD: False},
            {"$set": {"canceled": True, F.HELD: True}, "$unset": {F.REQUESTED_PENDING: ""}},
        )

    async def fail_queued(self, campaign_id: str, at: datetime, limit: int) -> int:
        """Cancel, in the background: fail up to ``limit`` queued messages no dispatcher
        holds, owing their ``message.failed`` (``event_pending.kind``) in the same update;
        returns how many were candidates (fewer than ``limit``: none left for now).

        ``status: queued`` in the update makes each fail at most once on any replica; a
        message leased by a dispatcher is left to it (it records its own outcome, or
        releases it and a later pass fails it here).
        """
        free: Document = {"status": "queued", F.LEASE_UNTIL: {"$not": {"$gt": at}}}
        cursor = self._col.find({"campaign_id": campaign_id, **free}, {"_id": 1}).limit(limit)
        ids = [d["_id"] async for d in cursor]
        for chunk in id_chunks(ids):
            await self._col.update_many(
                {"_id": {"$in": chunk}, **free},
                {
                    "$set": {
                        "status": "failed",
                        "error": CANCELED_ERROR,
                        "status_at": at,
                        "failed_at": at,
                        "canceled": True,
                        F.HELD: True,
                        F.LEASE_UNTIL: None,
                        "event_pending": {"at": at, "kind": CAMPAIGN_CANCELED},
                    },
                    "$unset": {F.REQUESTED_PENDING: ""},
                    "$push": {"history": {"status": "failed", "at": at}},
                },
            )
        return len(ids)

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
        cursor = await self._col.aggregate(pipeline)
        return [d async for d in cursor]
