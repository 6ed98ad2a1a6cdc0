"""Campaign documents: state, leases and the progress of their background steps.

A campaign is ``running``, ``paused``, ``canceled`` or ``completed``; two background steps
are flagged on it and driven from here by any replica holding its lease: ``prepare_pending``
(its recipients are still becoming messages, ``prepared_chunks`` / ``prepared`` so far) and
``cancel_pending`` (its cancel is not settled yet). The operations on its messages are in
``campaign_messages``.
"""

from datetime import datetime

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from wagate_platform.mongo import CollectionIndexes, Document

from sender_svc.domain.campaigns import C

CAMPAIGNS = "campaigns"
CAMPAIGN_INDEXES = CollectionIndexes(
    CAMPAIGNS,
    [
        IndexModel([("status", ASCENDING)]),
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([(C.CANCEL_PENDING, ASCENDING)], sparse=True),
        IndexModel([(C.PREPARE_PENDING, ASCENDING)], sparse=True),
    ],
)


class CampaignRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._col = db[CAMPAIGNS]

    async def insert(self, doc: Document) -> None:
        await self._col.insert_one(doc)

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

    async def preparing(self, limit: int = 50) -> list[Document]:
        query = {C.PREPARE_PENDING: True}
        return [d async for d in self._col.find(query, {"_id": 1}).limit(limit)]

    async def prepared_through(
        self,
        campaign_id: str,
        owner: str,
        at: datetime,
        until: datetime,
        chunks: int = 0,
        recipients: int = 0,
    ) -> Document | None:
        """Lease a campaign still preparing (and record how far it got), or None."""
        return await self._col.find_one_and_update(
            {"_id": campaign_id, C.PREPARE_PENDING: True, **_lease_free(at, owner)},
            {
                "$set": {C.LEASE_UNTIL: until, C.LEASE_OWNER: owner},
                "$max": {"prepared_chunks": chunks, "prepared": recipients},
            },
            return_document=ReturnDocument.AFTER,
        )

    async def prepared(self, campaign_id: str, at: datetime) -> None:
        await self._col.update_one(
            {"_id": campaign_id, C.PREPARE_PENDING: True},
            {"$unset": {C.PREPARE_PENDING: ""}, "$set": {"prepared_at": at}},
        )

    async def canceling(self, limit: int = 50) -> list[Document]:
        """Canceled campaigns whose cancel is not settled yet (messages or events left)."""
        query = {C.CANCEL_PENDING: True}
        return [d async for d in self._col.find(query, {"_id": 1}).limit(limit)]

    async def cancel_settled(self, campaign_id: str, at: datetime) -> None:
        await self._col.update_one(
            {"_id": campaign_id, C.CANCEL_PENDING: True},
            {"$unset": {C.CANCEL_PENDING: ""}, "$set": {"cancel_settled_at": at}},
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
            {"_id": campaign_id, "status": status, **_lease_free(at, owner)},
            {"$set": {C.LEASE_UNTIL: until, C.LEASE_OWNER: owner}},
            return_document=ReturnDocument.AFTER,
        )

    async def complete(self, campaign_id: str, at: datetime) -> None:
        await self._col.update_one(
            {"_id": campaign_id, "status": "running", C.PREPARE_PENDING: {"$ne": True}},
            {"$set": {"status": "completed", "completed_at": at}},
        )


def _lease_free(at: datetime, owner: str) -> Document:
    """No live lease, or this replica's own (campaigns are few: a top-level ``$or`` is fine)."""
    return {"$or": [{C.LEASE_UNTIL: None}, {C.LEASE_UNTIL: {"$lte": at}}, {C.LEASE_OWNER: owner}]}
