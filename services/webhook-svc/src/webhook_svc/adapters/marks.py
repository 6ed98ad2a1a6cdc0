"""Dedup marks in MongoDB: claimed in one unordered bulk write, released on failure.

A claim is won when its write succeeds and lost on a duplicate-key error: the
unique ``_id`` decides between concurrent requests. Conditional upserts make the
same single round trip express "only if newer" (statuses) and "only if the
window has passed" (content). A TTL index on ``expires_at`` forgets old marks.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError
from wagate_contracts.values import DeliveryStatus
from wagate_platform.mongo import CollectionIndexes, Document

from webhook_svc.domain.dedup import statuses_that_may_precede

MARKS = "ingest_marks"
MARKS_INDEXES = CollectionIndexes(
    MARKS, [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0)]
)
DUPLICATE_KEY = 11000


@dataclass(frozen=True)
class Claim:
    key: str
    kind: Literal["once", "status", "content"]
    status: DeliveryStatus | None = None
    window_s: int = 0


class StorageError(RuntimeError):
    """MongoDB failed for another reason than a duplicate: nothing can be decided."""


class MarkStore:
    def __init__(self, db: AsyncDatabase[Document], ttl_s: int) -> None:
        self._marks = db[MARKS]
        self._ttl = timedelta(seconds=ttl_s)

    async def claim(self, claims: Sequence[Claim], now: datetime) -> list[bool]:
        """Claim every mark in one round trip; True for each claim won."""
        if not claims:
            return []
        ops = [self._operation(claim, now) for claim in claims]
        try:
            await self._marks.bulk_write(ops, ordered=False)
        except BulkWriteError as exc:
            return _winners(len(claims), dict(exc.details))
        return [True] * len(claims)

    async def release(self, claims: Sequence[Claim], won: Sequence[bool], now: datetime) -> None:
        """Forget the marks this request wrote (only on the failure path)."""
        keys = [claim.key for claim, ok in zip(claims, won, strict=True) if ok]
        if keys:
            await self._marks.delete_many({"_id": {"$in": keys}, "at": now})

    def _operation(self, claim: Claim, now: datetime) -> UpdateOne:
        # Only conditional upserts, never InsertOne: one bulk of a single operation type is
        # one ``update`` command, i.e. one round trip (mixed types would be split in two).
        if claim.kind == "once":
            return UpdateOne(
                {"_id": claim.key, "at": {"$exists": False}},
                {"$set": {"at": now, "expires_at": now + self._ttl}},
                upsert=True,
            )
        if claim.kind == "status":
            assert claim.status is not None
            preceding = statuses_that_may_precede(claim.status)
            update = {"status": claim.status, "at": now, "expires_at": now + self._ttl}
            return UpdateOne(
                {"_id": claim.key, "status": {"$in": preceding}}, {"$set": update}, upsert=True
            )
        window = timedelta(seconds=claim.window_s)
        return UpdateOne(
            {"_id": claim.key, "at": {"$lte": now - window}},
            {"$set": {"at": now, "expires_at": now + window}},
            upsert=True,
        )


def _winners(count: int, details: dict[str, Any]) -> list[bool]:
    if details.get("writeConcernErrors"):
        raise StorageError("write concern failed")
    won = [True] * count
    for error in details.get("writeErrors", []):
        if error.get("code") != DUPLICATE_KEY:
            raise StorageError(f"mark write failed with code {error.get('code')}")
        won[int(error["index"])] = False
    return won
