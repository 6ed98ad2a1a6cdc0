"""API keys (``api_keys``): one per user, only the SHA-256 of the key is stored."""

from pymongo import IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from wagate_platform.mongo import CollectionIndexes, Document

from billing_svc.domain.api_keys import ApiKey, ApiKeyField

API_KEYS = "api_keys"
API_KEY_INDEXES = CollectionIndexes(API_KEYS, [IndexModel(ApiKeyField.KEY_HASH, unique=True)])


class ApiKeyRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._keys = db[API_KEYS]

    async def replace(self, key: ApiKey, key_hash: str, session: AsyncClientSession) -> None:
        """The user's new key replaces the old one, which stops matching at once."""
        await self._keys.replace_one(
            {"_id": key.user_id},
            {
                ApiKeyField.KEY_HASH: key_hash,
                "prefix": key.prefix,
                "created_at": key.created_at,
                "last_used_at": key.last_used_at,
            },
            upsert=True,
            session=session,
        )

    async def of_user(self, user_id: str) -> ApiKey | None:
        doc = await self._keys.find_one({"_id": user_id}, {ApiKeyField.KEY_HASH: 0})
        if doc is None:
            return None
        return ApiKey(doc["_id"], doc["prefix"], doc["created_at"], doc.get("last_used_at"))
