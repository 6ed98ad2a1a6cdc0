"""MongoDB copies of the session and sent-message projections the ingest path reads.

Written by the projection consumer (idempotent upserts), read back in bulk by
every replica's in-memory directory; never read on the request path.
"""

from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from wagate_contracts import MessageSent, SessionDeleted, SessionSnapshot
from wagate_contracts.envelope import utc_now
from wagate_platform.mongo import CollectionIndexes, Document

SESSIONS = "sessions"
SENT = "sent_messages"
SENT_RETENTION_S = 30 * 24 * 3600
PROJECTION_INDEXES = [
    CollectionIndexes(SESSIONS, [IndexModel([("updated_at", ASCENDING)])]),
    CollectionIndexes(
        SENT, [IndexModel([("updated_at", ASCENDING)], expireAfterSeconds=SENT_RETENTION_S)]
    ),
]


def sent_key(provider: str, provider_message_id: str) -> str:
    return f"{provider}|{provider_message_id}"


class ProjectionStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._sessions = db[SESSIONS]
        self._sent = db[SENT]

    async def save_session(self, event: SessionSnapshot) -> Document | None:
        """Apply a snapshot unless a newer one is stored; returns the stored document."""
        doc: Document = {
            "user_id": event.user_id,
            "provider": event.provider,
            "provider_session": event.provider_session,
            "phone_number": event.phone_number,
            "deleted": False,
            "occurred_at": event.occurred_at,
            "updated_at": utc_now(),
        }
        return await self._apply(event.session_id, event.occurred_at, doc)

    async def delete_session(self, event: SessionDeleted) -> Document | None:
        doc: Document = {
            "user_id": event.user_id,
            "deleted": True,
            "occurred_at": event.occurred_at,
            "updated_at": utc_now(),
        }
        if event.provider_session:
            doc["provider_session"] = event.provider_session
        return await self._apply(event.session_id, event.occurred_at, doc)

    async def _apply(
        self, session_id: str, occurred_at: datetime, doc: Document
    ) -> Document | None:
        try:
            await self._sessions.update_one(
                {"_id": session_id, "occurred_at": {"$lte": occurred_at}},
                {"$set": doc},
                upsert=True,
            )
        except DuplicateKeyError:
            return None  # a newer snapshot is already stored
        return {"_id": session_id, **doc}

    async def save_sent(self, event: MessageSent) -> Document:
        doc: Document = {
            "user_id": event.user_id,
            "message_id": event.message_id,
            "session_id": event.session_id,
            "provider": event.provider,
            "provider_message_id": event.provider_message_id,
            "updated_at": utc_now(),
        }
        key = sent_key(event.provider, event.provider_message_id)
        await self._sent.update_one({"_id": key}, {"$set": doc}, upsert=True)
        return {"_id": key, **doc}

    async def sessions_since(self, since: datetime | None) -> list[Document]:
        query: dict[str, Any] = {} if since is None else {"updated_at": {"$gte": since}}
        return await self._sessions.find(query).to_list()

    async def sent_since(self, since: datetime, limit: int) -> list[Document]:
        cursor = self._sent.find({"updated_at": {"$gte": since}}).sort("updated_at", -1)
        return await cursor.limit(limit).to_list()


def overlap(since: datetime, seconds: float = 10.0) -> datetime:
    """Re-read a margin behind the last poll: writers' clocks and commits are not ordered."""
    return since - timedelta(seconds=seconds)
