"""Users as sender-svc knows them: API-key hash, subscription, per-minute request counter.

One document per user, projected from ``apikey.rotated`` and ``subscription.updated``.
The accept path authenticates and counts the request against the rate limit in one
``find_one_and_update`` (a fixed-window counter reset by a pipeline update), so the
limit holds across any number of replicas and costs a single round trip.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from wagate_platform.mongo import CollectionIndexes, Document

from sender_svc.domain.subscription import Subscription

ACCOUNTS = "accounts"
ACCOUNT_INDEXES = CollectionIndexes(
    ACCOUNTS,
    [
        IndexModel(
            [("key_hash", ASCENDING)],
            unique=True,
            partialFilterExpression={"key_hash": {"$type": "string"}},
        )
    ],
)


@dataclass(frozen=True)
class Account:
    user_id: str
    subscription: Subscription
    window: int
    count: int


def _account(doc: Document) -> Account:
    return Account(
        user_id=str(doc["_id"]),
        subscription=Subscription.from_doc(doc.get("sub")),
        window=int(doc.get("rl_window", 0)),
        count=int(doc.get("rl_count", 0)),
    )


class AccountRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._col = db[ACCOUNTS]

    async def count_request(self, selector: Document, window: int) -> Account | None:
        """Find the account (by ``_id`` or ``key_hash``) and count one request in ``window``."""
        counted = [
            {
                "$set": {
                    "rl_count": {
                        "$cond": [
                            {"$eq": ["$rl_window", window]},
                            {"$add": ["$rl_count", 1]},
                            1,
                        ]
                    },
                    "rl_window": window,
                }
            }
        ]
        doc = await self._col.find_one_and_update(
            selector,
            counted,
            projection={"key_hash": 0},
            return_document=ReturnDocument.AFTER,
        )
        return _account(doc) if doc else None

    async def find(self, selector: Document) -> Account | None:
        doc = await self._col.find_one(selector, {"key_hash": 0})
        return _account(doc) if doc else None

    async def plan_daily_limit(self, user_id: str) -> int | None:
        doc = await self._col.find_one({"_id": user_id}, {"sub.daily_limit_per_session": 1})
        sub = (doc or {}).get("sub") or {}
        limit = sub.get("daily_limit_per_session")
        return int(limit) if limit is not None else None

    async def _guarded_set(self, user_id: str, stamp: str, at: datetime, values: Document) -> bool:
        """Apply ``values`` unless a newer event already did; False when stale."""
        guard: Document = {
            "_id": user_id,
            "$or": [{stamp: {"$exists": False}}, {stamp: {"$lt": at}}],
        }
        try:
            await self._col.update_one(guard, {"$set": {**values, stamp: at}}, upsert=True)
        except DuplicateKeyError:
            return False
        return True

    async def set_api_key(self, user_id: str, key_hash: str, prefix: str, at: datetime) -> bool:
        return await self._guarded_set(
            user_id, "key_at", at, {"key_hash": key_hash, "key_prefix": prefix}
        )

    async def set_subscription(self, user_id: str, at: datetime, sub: dict[str, Any]) -> bool:
        return await self._guarded_set(user_id, "sub_at", at, {"sub": sub})
