"""The user's sessions as the sender sees them, with their day counters and pacing.

One document per session: the projection of ``session.*`` events plus the send state
(``day``/``used`` for the daily limit, ``next_free_at`` for pacing, ``lru_us`` for
LRU, ``rr_turns`` for round robin). A session is claimed for one send by a single
``find_one_and_update`` whose filter holds every rule (connected, in the pool, not yet
tried, past its pacing gap, under its cap today) and whose sort is the strategy, so
two replicas can never both take a session's last daily slot.
"""

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from wagate_platform.mongo import CollectionIndexes, Document

from sender_svc.domain.sessions import ClaimedSession, S

SESSIONS = "sessions"
SESSION_INDEXES = CollectionIndexes(
    SESSIONS, [IndexModel([("user_id", ASCENDING), ("status", ASCENDING)])]
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_OWN, _PLAN = f"${S.DAILY_LIMIT}", f"${S.PLAN_LIMIT}"
_CAP = {  # min(own daily limit, plan limit), either of which may be unset
    "$switch": {
        "branches": [
            {"case": {"$eq": [{"$ifNull": [_PLAN, None]}, None]}, "then": _OWN},
            {"case": {"$eq": [{"$ifNull": [_OWN, None]}, None]}, "then": _PLAN},
        ],
        "default": {"$min": [_OWN, _PLAN]},
    }
}
_NEW_COUNTERS = {
    "used": {"$ifNull": ["$used", 0]},
    "day": {"$ifNull": ["$day", ""]},
    "next_free_at": {"$ifNull": ["$next_free_at", EPOCH]},
    "last_used_at": {"$ifNull": ["$last_used_at", EPOCH]},
    "lru_us": {"$ifNull": ["$lru_us", 0]},
    "rr_turns": {"$ifNull": ["$rr_turns", 0]},
}


def under_cap(today: str) -> Document:
    """The daily-cap rule, written once (claims and the pacing check both use it): the
    session has no cap, or has not sent today yet, or has sent fewer than its cap today."""
    return {
        "$or": [
            {"$eq": [{"$ifNull": [f"${S.CAP}", None]}, None]},
            {"$ne": ["$day", today]},
            {"$lt": [{"$ifNull": ["$used", 0]}, f"${S.CAP}"]},
        ]
    }


@dataclass(frozen=True)
class Pool:
    """Which of the user's sessions a message may use."""

    user_id: str
    session_ids: tuple[str, ...] = ()
    group_id: str | None = None

    def filter(self, exclude: list[str]) -> Document:
        query: Document = {
            "user_id": self.user_id,
            "status": "connected",
            "deleted": {"$ne": True},
            S.PROVIDER_SESSION: {"$exists": True},
        }
        ids: Document = {"$nin": exclude}
        if self.session_ids:
            ids["$in"] = list(self.session_ids)
        query["_id"] = ids
        if self.group_id:
            query["group_ids"] = self.group_id
        return query


def _literal(value: Any) -> Document:
    return {"$literal": value}


class SessionRepository:
    def __init__(self, db: AsyncDatabase[Document], timezone: str) -> None:
        self._col = db[SESSIONS]
        self._tz = timezone

    async def claim(
        self,
        pool: Pool,
        *,
        exclude: list[str],
        sort: list[tuple[str, int]],
        today: str,
        at: datetime,
        free_at: datetime,
        round_robin: bool,
        respect_pacing: bool = True,
    ) -> ClaimedSession | None:
        """Atomically take one send slot on the best eligible session, or None.

        LRU sorts on a microsecond stamp (BSON dates only keep milliseconds); round robin
        on the number of turns each session had, which stays even under concurrent claims.
        """
        stamp = int(at.timestamp() * 1_000_000)
        query = pool.filter(exclude)
        if respect_pacing:
            query["next_free_at"] = {"$lte": at}
        query["$expr"] = under_cap(today)
        updates: Document = {
            "used": {"$cond": [{"$eq": ["$day", today]}, {"$add": ["$used", 1]}, 1]},
            "day": today,
            "last_used_at": _literal(at),
            "lru_us": _literal(stamp),
        }
        if free_at > at:  # no pacing gap: leave a cool-down (or the past) untouched
            updates["next_free_at"] = _literal(free_at)
        if round_robin:
            updates["rr_turns"] = {"$add": [{"$ifNull": ["$rr_turns", 0]}, 1]}
        doc = await self._col.find_one_and_update(
            query,
            [{"$set": updates}],
            sort=sort,
            projection={"provider": 1, S.PROVIDER_SESSION: 1},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            return None
        return ClaimedSession(
            str(doc["_id"]), str(doc["provider"]), str(doc[S.PROVIDER_SESSION]), at
        )

    async def release(
        self,
        session_id: str,
        today: str,
        *,
        cool_until: datetime | None,
        status: str | None,
        round_robin: bool = False,
    ) -> None:
        """Give back a slot (and a round-robin turn) that did not send; cool down or mark it."""
        refund = {"$and": [{"$eq": ["$day", today]}, {"$gt": ["$used", 0]}]}
        turn = {"$gt": [{"$ifNull": ["$rr_turns", 0]}, 0]}
        sets: Document = {"used": {"$cond": [refund, {"$subtract": ["$used", 1]}, "$used"]}}
        if round_robin:
            sets["rr_turns"] = {"$cond": [turn, {"$subtract": ["$rr_turns", 1]}, 0]}
        if cool_until is not None:
            sets["next_free_at"] = _literal(cool_until)
        if status is not None:
            sets["status"] = _literal(status)
        await self._col.update_one({"_id": session_id}, [{"$set": sets}])

    async def count_untried(self, pool: Pool, exclude: list[str]) -> int:
        return await self._col.count_documents(pool.filter(exclude))

    async def is_waiting_only(self, session_id: str, today: str) -> bool:
        """Whether the session is connected and under its cap (so only its pacing blocks it)."""
        query = {
            "_id": session_id,
            "status": "connected",
            "deleted": {"$ne": True},
            "$expr": under_cap(today),
        }
        return await self._col.find_one(query, {"_id": 1}) is not None

    async def list_for(self, user_id: str) -> list[Document]:
        return [d async for d in self._col.find({"user_id": user_id, "deleted": {"$ne": True}})]

    # --- projection of session events -------------------------------------------------

    async def apply_snapshot(self, fields: Document, at: datetime, plan_limit: int | None) -> None:
        """``session.created`` / ``session.updated``: every field, unless a newer one landed."""
        session_id = fields.pop("session_id")
        status = fields.pop("status")
        newer_status = {"$gt": [_literal(at), {"$ifNull": ["$status_at", EPOCH]}]}
        stage1: Document = {
            **{k: _literal(v) for k, v in fields.items()},
            S.PLAN_LIMIT: _literal(plan_limit),
            "status": {"$cond": [newer_status, _literal(status), "$status"]},
            "status_at": {"$cond": [newer_status, _literal(at), "$status_at"]},
            "state_at": _literal(at),
            "deleted": False,
            **_NEW_COUNTERS,
        }
        guard = {
            "_id": session_id,
            "deleted": {"$ne": True},
            "$or": [{"state_at": {"$exists": False}}, {"state_at": {"$lt": at}}],
        }
        with contextlib.suppress(DuplicateKeyError):  # stale or deleted: a newer one applied
            await self._col.update_one(
                guard, [{"$set": stage1}, {"$set": {S.CAP: _CAP}}], upsert=True
            )

    async def apply_status(
        self, session_id: str, user_id: str, status: str, at: datetime, phone: str | None
    ) -> None:
        guard = {
            "_id": session_id,
            "$or": [{"status_at": {"$exists": False}}, {"status_at": {"$lt": at}}],
        }
        sets: Document = {"status": status, "status_at": at, "user_id": user_id}
        if phone:
            sets["phone_number"] = phone
        with contextlib.suppress(DuplicateKeyError):
            await self._col.update_one(
                guard,
                [{"$set": {k: _literal(v) for k, v in sets.items()} | _NEW_COUNTERS}],
                upsert=True,
            )

    async def mark_deleted(self, session_id: str, user_id: str, at: datetime) -> None:
        await self._col.update_one(
            {"_id": session_id},
            {"$set": {"deleted": True, "status": "deleted", "state_at": at, "user_id": user_id}},
            upsert=True,
        )

    async def set_plan_limit(self, user_id: str, plan_limit: int | None) -> None:
        """A new plan: every session's cap becomes min(own limit, plan limit)."""
        await self._col.update_many(
            {"user_id": user_id},
            [{"$set": {S.PLAN_LIMIT: _literal(plan_limit)}}, {"$set": {S.CAP: _CAP}}],
        )


def cooldown(at: datetime, seconds: float) -> datetime:
    return at + timedelta(seconds=seconds)
