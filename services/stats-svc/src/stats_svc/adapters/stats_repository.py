"""Reading the statistics, and the admin reset (counters wiped, who/when recorded)."""

from datetime import datetime

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from wagate_platform.mongo import Document

from stats_svc.adapters.documents import RESETS, STATS, scope_id
from stats_svc.domain.aggregation import Scope
from stats_svc.domain.date_range import DateRange

COUNTER_FIELDS: dict[str, str] = {"c": "", "last_sent_at": "", "last_failed_at": ""}


class StatsRepository:
    def __init__(self, client: AsyncMongoClient[Document], db: AsyncDatabase[Document]) -> None:
        self._client = client
        self._stats = db[STATS]
        self._resets = db[RESETS]

    async def user_and_sessions(self, user_id: str) -> tuple[Document | None, list[Document]]:
        """The user's totals and every session's document, in one query."""
        cursor = self._stats.find(
            {"user_id": user_id, "scope": {"$in": ["user", "session"]}}, batch_size=1000
        )
        user: Document | None = None
        sessions: list[Document] = []
        async for doc in cursor:
            if doc["scope"] == "user":
                user = doc
            else:
                sessions.append(doc)
        sessions.sort(key=lambda d: str(d.get("session_id", "")))
        return user, sessions

    async def session(self, user_id: str, session_id: str) -> Document | None:
        return await self._stats.find_one({"_id": scope_id(Scope(user_id, session_id))})

    async def days(self, user_id: str, days: DateRange) -> list[Document]:
        cursor = self._stats.find(
            {
                "user_id": user_id,
                "scope": "day",
                "day": {"$gte": days.start.isoformat(), "$lte": days.end.isoformat()},
            },
            batch_size=400,
        ).sort("day", ASCENDING)
        return [doc async for doc in cursor]

    async def reset(self, user_id: str, by: str, at: datetime) -> None:
        """Wipe every counter of the user and record the reset, atomically.

        Session metadata is kept; the idempotency markers are kept too, so an old
        event redelivered after the reset is still not counted.
        """
        record = {"by": by, "at": at}
        async with self._client.start_session() as session, await session.start_transaction():
            await self._stats.delete_many(
                {"user_id": user_id, "scope": {"$in": ["day", "session_day"]}}, session=session
            )
            await self._stats.update_many(
                {"user_id": user_id, "scope": "session"},
                {"$unset": COUNTER_FIELDS},
                session=session,
            )
            await self._stats.update_one(
                {"_id": scope_id(Scope(user_id))},
                {
                    "$unset": COUNTER_FIELDS,
                    "$set": {"last_reset": record},
                    "$setOnInsert": {"user_id": user_id, "scope": "user"},
                },
                upsert=True,
                session=session,
            )
            await self._resets.insert_one({"user_id": user_id, **record}, session=session)
