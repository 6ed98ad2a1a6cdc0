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

from billing_svc.domain.subscriptions import Subscription, SubscriptionField
from billing_svc.domain.usage import Usage, UsageField

SUBSCRIPTIONS = "subscriptions"
USAGE = "usage"
SUBSCRIPTION_INDEXES = CollectionIndexes(
    SUBSCRIPTIONS,
    [
        IndexModel([(SubscriptionField.PLAN_ID, ASCENDING)]),
        IndexModel([(SubscriptionField.STATUS, ASCENDING), (SubscriptionField.ENDS_AT, 1)]),
    ],
)
_ACTIVE = "active"
_EXPIRED = "expired"


def _to_subscription(doc: Document) -> Subscription:
    return Subscription(
        user_id=doc["_id"],
        plan_id=doc[SubscriptionField.PLAN_ID],
        status=doc[SubscriptionField.STATUS],
        starts_at=doc["starts_at"],
        ends_at=doc[SubscriptionField.ENDS_AT],
    )


def _lapsed_at(now: datetime) -> Document:
    return {SubscriptionField.STATUS: _ACTIVE, SubscriptionField.ENDS_AT: {"$lte": now}}


def _to_usage(doc: Document) -> Usage:
    return Usage(
        user_id=doc["_id"],
        sessions_used=int(doc.get(UsageField.SESSIONS_USED, 0)),
        reserved=tuple(doc.get(UsageField.RESERVED, [])),
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
                SubscriptionField.PLAN_ID: subscription.plan_id,
                SubscriptionField.STATUS: subscription.status,
                "starts_at": subscription.starts_at,
                SubscriptionField.ENDS_AT: subscription.ends_at,
                "updated_at": datetime.now(UTC),
            },
            upsert=True,
            session=session,
        )

    async def on_plan(self, plan_id: str, session: AsyncClientSession) -> list[Subscription]:
        cursor = self._subscriptions.find({SubscriptionField.PLAN_ID: plan_id}, session=session)
        return [_to_subscription(doc) async for doc in cursor]

    async def lapsed(self, now: datetime, limit: int = 100) -> list[Subscription]:
        """Subscriptions still stored as active although their end has passed."""
        cursor = self._subscriptions.find(_lapsed_at(now)).limit(limit)
        return [_to_subscription(doc) async for doc in cursor]

    async def mark_expired(self, user_id: str, now: datetime, session: AsyncClientSession) -> bool:
        """Flip one lapsed subscription to expired; False when another replica already did."""
        result = await self._subscriptions.update_one(
            {"_id": user_id, **_lapsed_at(now)},
            {"$set": {SubscriptionField.STATUS: _EXPIRED, "updated_at": now}},
            session=session,
        )
        return result.modified_count == 1


class UsageRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._usage = db[USAGE]

    async def get(self, user_id: str) -> Usage:
        doc = await self._usage.find_one({"_id": user_id})
        return _to_usage(doc) if doc else Usage(user_id)

    async def reserve(self, user_id: str, session_id: str, max_sessions: int) -> tuple[bool, Usage]:
        """Take a slot for ``session_id`` if one is free; a repeated reserve is a no-op.

        Returns whether the session holds a slot, and the usage document after.
        """
        for _ in range(3):
            doc = await self._usage.find_one_and_update(
                {
                    "_id": user_id,
                    UsageField.RESERVED: {"$ne": session_id},
                    UsageField.SESSIONS_USED: {"$lt": max_sessions},
                },
                {"$inc": {UsageField.SESSIONS_USED: 1}, "$push": {UsageField.RESERVED: session_id}},
                return_document=ReturnDocument.AFTER,
            )
            if doc is not None:
                return True, _to_usage(doc)
            current = await self._usage.find_one({"_id": user_id})
            if current is not None:
                usage = _to_usage(current)
                return usage.holds(session_id), usage
            if max_sessions < 1:
                return False, Usage(user_id)
            first = Usage(user_id, 1, (session_id,))
            try:
                await self._usage.insert_one(
                    {"_id": user_id, UsageField.SESSIONS_USED: 1, UsageField.RESERVED: [session_id]}
                )
            except DuplicateKeyError:
                continue  # a concurrent first reserve created it: try the conditional again
            return True, first
        raise RuntimeError("usage document kept changing under reserve")

    async def release(self, user_id: str, session_id: str) -> Usage:
        """Give the session's slot back; releasing a slot not held is a no-op."""
        doc = await self._usage.find_one_and_update(
            {"_id": user_id, UsageField.RESERVED: session_id},
            {"$inc": {UsageField.SESSIONS_USED: -1}, "$pull": {UsageField.RESERVED: session_id}},
            return_document=ReturnDocument.AFTER,
        )
        return _to_usage(doc) if doc else await self.get(user_id)
