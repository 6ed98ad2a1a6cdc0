"""The audit log (``audit_log``): who did what to which session, when, with what outcome."""

import uuid
from datetime import UTC, datetime
from typing import Any

from pymongo import DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from wagate_platform.identity import Principal
from wagate_platform.mongo import CollectionIndexes, Document

AUDIT = "audit_log"
AUDIT_INDEXES = CollectionIndexes(
    AUDIT,
    [
        IndexModel([("user_id", 1), ("at", DESCENDING)]),
        IndexModel([("user_id", 1), ("session_id", 1), ("at", DESCENDING)]),
    ],
)
SYSTEM = Principal(user_id="system", role="admin")


def audit_entry(
    owner: str,
    actor: Principal,
    action: str,
    outcome: str,
    session_id: str | None = None,
    **details: Any,
) -> Document:
    return {
        "_id": str(uuid.uuid4()),
        "user_id": owner,
        "actor_id": actor.user_id,
        "actor_role": actor.role,
        "session_id": session_id,
        "action": action,
        "outcome": outcome,
        "at": datetime.now(UTC),
        "details": details,
    }


class AuditRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._audit = db[AUDIT]

    async def add(self, entries: list[Document], session: AsyncClientSession | None = None) -> None:
        if entries:
            await self._audit.insert_many(entries, session=session)

    async def find(self, user_id: str | None, session_id: str | None, limit: int) -> list[Document]:
        query: Document = {}
        if user_id is not None:
            query["user_id"] = user_id
        if session_id is not None:
            query["session_id"] = session_id
        cursor = self._audit.find(query).sort("at", DESCENDING).limit(limit)
        return [doc async for doc in cursor]
