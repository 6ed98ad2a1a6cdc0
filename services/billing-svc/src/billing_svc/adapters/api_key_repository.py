"""API keys (``api_keys``): one per user, only the SHA-256 of the key is stored."""

from datetime import datetime

from pymongo import IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from wagate_platform.mongo import CollectionIndexes, Document

API_KEYS = "api_keys"
API_KEY_INDEXES = CollectionIndexes(API_KEYS, [IndexModel("key_hash", unique=True)])


class ApiKeyRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._keys = db[API_KEYS]

    async def replace(
        self, user_id: str, key_hash: str, prefix: str, at: datetime, session: AsyncClientSession
    ) -> None:
        """The user's new key replaces the old one, which stops matching at once."""
        await self._keys.replace_one(
            {"_id": user_id},
            {"key_hash": key_hash, "prefix": prefix, "created_at": at, "last_used_at": None},
            upsert=True,
            session=session,
        )

    async def of_user(self, user_id: str) -> Document | None:
        return await self._keys.find_one({"_id": user_id}, {"key_hash": 0})
