"""Customers' webhook configurations (one per user) in MongoDB."""

from dataclasses import dataclass
from datetime import datetime

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from wagate_contracts.envelope import utc_now
from wagate_platform.mongo import CollectionIndexes, Document

CONFIGS = "webhook_configs"
CONFIG_INDEXES = CollectionIndexes(
    CONFIGS, [IndexModel([("content_dedup_window_s", ASCENDING)], sparse=True)]
)


@dataclass(frozen=True)
class WebhookConfig:
    user_id: str
    url: str
    events: tuple[str, ...]
    secret: str
    content_dedup_window_s: int | None
    created_at: datetime
    updated_at: datetime


class ConfigStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._configs = db[CONFIGS]

    async def get(self, user_id: str) -> WebhookConfig | None:
        doc = await self._configs.find_one({"_id": user_id})
        return _config(doc) if doc else None

    async def put(
        self, user_id: str, url: str, events: tuple[str, ...], secret: str, window: int | None
    ) -> WebhookConfig:
        now = utc_now()
        doc = await self._configs.find_one_and_update(
            {"_id": user_id},
            {
                "$set": {
                    "url": url,
                    "events": list(events),
                    "secret": secret,
                    "content_dedup_window_s": window,
                    "updated_at": now,
                },
                "$setOnInsert": {"created_at": now},
            },
            upsert=True,
            return_document=True,
        )
        assert doc is not None  # upserted
        return _config(doc)

    async def delete(self, user_id: str) -> bool:
        result = await self._configs.delete_one({"_id": user_id})
        return result.deleted_count > 0

    async def content_windows(self) -> dict[str, int]:
        """Users who override the default content window, and their window."""
        cursor = self._configs.find(
            {"content_dedup_window_s": {"$type": "number"}}, {"content_dedup_window_s": 1}
        )
        return {doc["_id"]: int(doc["content_dedup_window_s"]) async for doc in cursor}


def _config(doc: Document) -> WebhookConfig:
    return WebhookConfig(
        user_id=doc["_id"],
        url=doc["url"],
        events=tuple(doc.get("events") or ()),
        secret=doc["secret"],
        content_dedup_window_s=doc.get("content_dedup_window_s"),
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
    )
