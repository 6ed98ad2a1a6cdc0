"""Messages sent per session per calendar day (``daily_sends``), from ``message.sent``.

One document per (session, day), ``_id`` ``<session_id>:<YYYY-MM-DD>``: a new day is a
new document, so yesterday's count never shows as today's and nothing resets at
midnight. Documents expire (TTL) a few days after their day; only today's is read.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from wagate_platform.mongo import CollectionIndexes, Document

DAILY_SENDS = "daily_sends"
KEEP_FOR = timedelta(days=3)
SEND_COUNT_INDEXES = CollectionIndexes(
    DAILY_SENDS, [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0)]
)


def _key(session_id: str, day: str) -> str:
    return f"{session_id}:{day}"


class SendCounts:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._counts = db[DAILY_SENDS]

    async def add_one(
        self,
        user_id: str,
        session_id: str,
        day: str,
        sent_at: datetime,
        session: AsyncClientSession,
    ) -> None:
        await self._counts.update_one(
            {"_id": _key(session_id, day)},
            {
                "$inc": {"sent": 1},
                "$max": {"expires_at": sent_at + KEEP_FOR},
                "$setOnInsert": {"user_id": user_id, "session_id": session_id, "day": day},
            },
            upsert=True,
            session=session,
        )

    async def add_many(
        self,
        counts: Mapping[tuple[str, str, str], tuple[int, datetime]],
        session: AsyncClientSession,
    ) -> None:
        """``add_one`` for many: {(user id, session id, day): (how many, latest sent_at)},
        one round trip."""
        if counts:
            await self._counts.bulk_write(
                [
                    UpdateOne(
                        {"_id": _key(session_id, day)},
                        {
                            "$inc": {"sent": n},
                            "$max": {"expires_at": at + KEEP_FOR},
                            "$setOnInsert": {
                                "user_id": user_id,
                                "session_id": session_id,
                                "day": day,
                            },
                        },
                        upsert=True,
                    )
                    for (user_id, session_id, day), (n, at) in counts.items()
                ],
                ordered=False,
                session=session,
            )

    async def of_day(self, session_ids: Sequence[str], day: str) -> dict[str, int]:
        """Each session's count on ``day`` (sessions without one are absent)."""
        if not session_ids:
            return {}
        cursor = self._counts.find(
            {"_id": {"$in": [_key(sid, day) for sid in session_ids]}},
            {"session_id": 1, "sent": 1},
        )
        return {doc["session_id"]: int(doc["sent"]) async for doc in cursor}
