"""Which of a user's sessions and groups sender-svc knows: read-only lookups on ``sessions``.

sender-svc knows a user's sessions through its projection of ``session.*`` events, and a
group only through the sessions that belong to it (``group_ids`` on each session).
"""

from collections.abc import Sequence

from pymongo.asynchronous.database import AsyncDatabase
from wagate_platform.mongo import Document

from sender_svc.adapters.sessions import SESSIONS


class SessionLookup:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._col = db[SESSIONS]

    async def groups_of(self, user_id: str, session_ids: Sequence[str]) -> dict[str, list[str]]:
        """The user's sessions (not deleted) among ``session_ids``, with their groups."""
        query = {"_id": {"$in": list(session_ids)}, "user_id": user_id, "deleted": {"$ne": True}}
        cursor = self._col.find(query, {"group_ids": 1})
        return {str(d["_id"]): list(d.get("group_ids") or []) async for d in cursor}

    async def has_group(self, user_id: str, group_id: str) -> bool:
        """Whether a session of the user (not deleted) belongs to ``group_id``."""
        query = {"user_id": user_id, "group_ids": group_id, "deleted": {"$ne": True}}
        return await self._col.find_one(query, {"_id": 1}) is not None
