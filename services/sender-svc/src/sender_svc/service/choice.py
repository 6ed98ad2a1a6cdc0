"""Choosing a session for one send: the strategy's order over the eligible pool.

The claim itself is atomic in the database (one conditional ``find_one_and_update``), so
replicas never over-use a session. Within one replica, claims of the same user are also
taken one at a time: the strategy's order (round-robin turns, LRU) is then exact even on a
server that, on a write conflict, re-checks a claim's filter but not its sort (the
embedded SecantusDB does; mongod re-runs the whole query).
"""

import asyncio
import weakref
from dataclasses import dataclass, field
from typing import Literal

from wagate_platform.mongo import Document

from sender_svc.adapters.messages import MessageRepository
from sender_svc.adapters.sessions import Pool, SessionRepository
from sender_svc.domain.calendar import now
from sender_svc.domain.pacing import next_free_at
from sender_svc.domain.sessions import ClaimedSession

SORTS: dict[str, list[tuple[str, int]]] = {
    "least_recently_used": [("lru_us", 1), ("_id", 1)],
    "round_robin": [("rr_turns", 1), ("_id", 1)],
}
WAIT: Literal["wait"] = "wait"


@dataclass
class SessionChooser:
    sessions: SessionRepository
    messages: MessageRepository
    timezone_key: str
    pacing_interval_ms: int
    jitter_ratio: float
    _user_locks: "weakref.WeakValueDictionary[str, asyncio.Lock]" = field(
        default_factory=weakref.WeakValueDictionary
    )

    async def choose(
        self,
        pool: Pool,
        strategy: str,
        to: str,
        tried: list[str],
        today: str,
        *,
        sticky: str | None = None,
        respect_pacing: bool = True,
    ) -> ClaimedSession | Literal["wait"] | None:
        """Claim a slot; ``"wait"`` when the sticky session is only waiting for its gap."""
        if sticky and sticky not in tried and (not pool.session_ids or sticky in pool.session_ids):
            only = Pool(pool.user_id, (sticky,), pool.group_id)
            claimed = await self._claim(only, "least_recently_used", tried, today, respect_pacing)
            if claimed is not None:
                return claimed
            if respect_pacing and await self.sessions.is_waiting_only(sticky, today):
                return WAIT
        return await self._claim(pool, strategy, tried, today, respect_pacing)

    async def sticky_session(self, user_id: str, to: str, strategy: str) -> str | None:
        if strategy != "sticky":
            return None
        return await self.messages.last_session_for(user_id, to)

    async def _claim(
        self, pool: Pool, strategy: str, tried: list[str], today: str, respect_pacing: bool
    ) -> ClaimedSession | None:
        lock = self._user_locks.get(pool.user_id)
        if lock is None:
            lock = self._user_locks[pool.user_id] = asyncio.Lock()
        async with lock:
            return await self._claim_now(pool, strategy, tried, today, respect_pacing)

    async def _claim_now(
        self, pool: Pool, strategy: str, tried: list[str], today: str, respect_pacing: bool
    ) -> ClaimedSession | None:
        at = now()
        return await self.sessions.claim(
            pool,
            exclude=tried,
            sort=SORTS.get(strategy, SORTS["least_recently_used"]),
            today=today,
            at=at,
            free_at=next_free_at(at, self.pacing_interval_ms, self.jitter_ratio),
            round_robin=strategy == "round_robin",
            respect_pacing=respect_pacing,
        )


def pool_of(user_id: str, doc: Document, session_id: str | None, group_id: str | None) -> Pool:
    ids = doc.get("session_ids") or ([session_id] if session_id else [])
    return Pool(user_id, tuple(ids), doc.get("group_id") or group_id)
