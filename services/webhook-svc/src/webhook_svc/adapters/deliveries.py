"""Customer webhook deliveries in MongoDB: one record per forwarded event."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from wagate_contracts.envelope import utc_now
from wagate_platform.mongo import CollectionIndexes, Document

from webhook_svc.domain.delivery import DeliveryOutcome

DELIVERIES = "webhook_deliveries"
DELIVERY_INDEXES = CollectionIndexes(
    DELIVERIES,
    [IndexModel([("user_id", ASCENDING), ("status", ASCENDING), ("updated_at", DESCENDING)])],
)
DeliveryStatus = Literal["retrying", "delivered", "failed"]


@dataclass(frozen=True)
class Delivery:
    id: str
    user_id: str
    event_id: str
    event_type: str
    url: str
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    last_status_code: int | None
    event: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class DeliveryStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._deliveries = db[DELIVERIES]

    async def get(self, delivery_id: str, user_id: str | None = None) -> Delivery | None:
        query: Document = {"_id": delivery_id}
        if user_id is not None:
            query["user_id"] = user_id
        doc = await self._deliveries.find_one(query)
        return _delivery(doc) if doc else None

    async def record(
        self,
        delivery_id: str,
        *,
        user_id: str,
        event: dict[str, Any],
        url: str,
        status: DeliveryStatus,
        attempt: int,
        outcome: DeliveryOutcome,
    ) -> None:
        now = utc_now()
        log = {"attempt": attempt, "at": now, "code": outcome.status_code, "error": outcome.error}
        await self._deliveries.update_one(
            {"_id": delivery_id},
            {
                "$set": {
                    "user_id": user_id,
                    "event_id": str(event.get("event_id")),
                    "event_type": str(event.get("event_type")),
                    "event": event,
                    "url": url,
                    "status": status,
                    "attempts": attempt,
                    "last_error": outcome.error,
                    "last_status_code": outcome.status_code,
                    "updated_at": now,
                },
                "$setOnInsert": {"created_at": now},
                "$push": {"log": {"$each": [log], "$slice": -20}},
            },
            upsert=True,
        )

    async def restart(self, delivery_id: str, user_id: str) -> Delivery | None:
        """Put a failed delivery back to work for a manual retry (attempts start over)."""
        doc = await self._deliveries.find_one_and_update(
            {"_id": delivery_id, "user_id": user_id, "status": "failed"},
            {"$set": {"status": "retrying", "attempts": 0, "updated_at": utc_now()}},
            return_document=True,
        )
        return _delivery(doc) if doc else None

    async def list(self, user_id: str, status: str | None, limit: int) -> list[Delivery]:
        query: Document = {"user_id": user_id}
        if status:
            query["status"] = status
        cursor = self._deliveries.find(query).sort("updated_at", DESCENDING).limit(limit)
        return [_delivery(doc) async for doc in cursor]


def _delivery(doc: Document) -> Delivery:
    return Delivery(
        id=doc["_id"],
        user_id=doc["user_id"],
        event_id=doc["event_id"],
        event_type=doc["event_type"],
        url=doc["url"],
        status=doc["status"],
        attempts=doc.get("attempts", 0),
        last_error=doc.get("last_error"),
        last_status_code=doc.get("last_status_code"),
        event=doc.get("event") or {},
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
    )
