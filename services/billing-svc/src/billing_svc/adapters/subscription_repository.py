"""Subscriptions (``subscriptions``, one per user) and session usage (``usage``).

The usage document ``{_id: user_id, sessions_used, reserved: [session ids]}`` is the
quota authority: a slot is reserved by one conditional ``find_one_and_update``.
"""

from datetime import UTC, datetime

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from wagate_platform.mongo import CollectionIndexes, Document

from billing_svc.domain.subscriptions import Subscription

SUBSCRIPTIONS = "subscriptions"
USAGE = "usage"
SUBSCRIPTION_INDEXES = CollectionIndexes(
    SUBSCRIPTIONS,
    [IndexModel([("plan_id", ASCENDING)]), IndexModel([("status", ASCENDING), ("ends_at", 1)])],
)


def _to_subscription(doc: Document) -> Subscription:
    return Subscription(
        user_id=doc["_id"],
        plan_id=doc["plan_id"],
        status=doc["status"],
        starts_at=doc["starts_at"],
        ends_at=doc["ends_at"],
    )


class SubscriptionRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._subscriptions = db[SUBSCRIPTIONS]

    async def get(self, user_id: str) -> Subscription | None:
        doc = await self._subscriptions.find_one({"_id": user_id})
        return _to_subscription(doc) if doc else None

    async def put(self, subscription: Subscription, session: AsyncClientSession) -> None:
        await self._subscriptions.replace_one(
            {"_id": subscription.user_id},
            {
                "plan_id": subscription.plan_id,
                "status": subscription.status,
                "starts_at": subscription.starts_at,
                "ends_at": subscription.ends_at,
                "updated_at": datetime.now(UTC),
            },
            upsert=True,
            session=session,
        )

    async def on_plan(self, plan_id: str, session: AsyncClientSession) -> list[Subscription]:
        cursor = self._subscriptions.find({"plan_id": plan_id}, session=session)
        return [_to_subscription(doc) async for doc in cursor]

    async def lapsed(self, now: datetime, limit: int = 100) -> list[Subscription]:
        """Subscriptions still stored as active although their end has passed."""
        cursor = self._subscriptions.find({"status": "active", "ends_at": {"$lte": now}}).limit(
            limit
        )
        return [_to_subscription(doc) async for doc in cursor]

    async def mark_expired(self, user_id: str, now: datetime, session: AsyncClientSession) -> bool:
        """Flip one lapsed subscription to expired; False when another replica already did."""
        result = await self._subscriptions.update_one(
            {"_id": user_id, "status": "active", "ends_at": {"$lte": now}},
            {"$set": {"status": "expired", "updated_at": now}},
            session=session,
        )
        return result.modified_count == 1


class UsageRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._usage = db[USAGE]

    async def get(self, user_id: str) -> Document:
        doc = await self._usage.find_one({"_id": user_id})
        return doc or {"_id": user_id, "sessions_used": 0, "reserved": []}

    async def reserve(
        self, user_id: str, session_id: str, max_sessions: int
    ) -> tuple[bool, Document]:
        """Take a slot for ``session_id`` if one is free; a repeated reserve is a no-op.

        Returns whether the session holds a slot, and the usage document after.
        """
        for _ in range(3):
            doc = await self._usage.find_one_and_update(
                {
                    "_id": user_id,
                    "reserved": {"$ne": session_id},
                    "sessions_used": {"$lt": max_sessions},
                },
                {"$inc": {"sessions_used": 1}, "$push": {"reserved": session_id}},
                return_document=ReturnDocument.AFTER,
            )
            if doc is not None:
                return True, doc
            current = await self._usage.find_one({"_id": user_id})
            if current is not None:
                return session_id in current.get("reserved", []), current
            if max_sessions < 1:
                return False, {"_id": user_id, "sessions_used": 0, "reserved": []}
            first = {"_id": user_id, "sessions_used": 1, "reserved": [session_id]}
            try:
                await self._usage.insert_one(first)
            except DuplicateKeyError:
                continue  # a concurrent first reserve created it: try the conditional again
            return True, first
        raise RuntimeError("usage document kept changing under reserve")

    async def release(self, user_id: str, session_id: str) -> Document:
        """Give the session's slot back; releasing a slot not held is a no-op."""
        doc = await self._usage.find_one_and_update(
            {"_id": user_id, "reserved": session_id},
            {"$inc": {"sessions_used": -1}, "$pull": {"reserved": session_id}},
            return_document=ReturnDocument.AFTER,
        )
        return doc or await self.get(user_id)
