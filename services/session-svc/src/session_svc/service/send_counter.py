"""``sent_today``: count ``message.sent`` per session and calendar day, exactly once.

Events are applied in batches, each in one transaction: the inbox markers of their
``event_id``s, each session's ``last_active_at`` (moved forward to the latest
``sent_at``) and the counter of each (session, day ``sent_at`` falls on in the configured
timezone). A redelivered event finds its marker and changes nothing. An event for an
unknown session, or a session of another user, is ignored (logged, no marker): the
session may have been deleted since, and counting it would leak across users.

Batching: the consumer handles up to ``AMQP_PREFETCH`` deliveries at once; the first
caller that finds the process idle writes whatever is pending (up to ``max_batch``) and
the others wait for their batch. One batch at a time per process, so concurrent
deliveries no longer conflict on the same session and counter documents (each such
conflict aborted a transaction and retried it), and a batch of n events costs about six
round trips instead of four per event. A batch that fails fails every delivery in it:
each is rejected and redelivered, and the markers make the retry exact.
"""

import asyncio
from collections.abc import Sequence
from datetime import datetime

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from wagate_contracts import MessageSent, Queue
from wagate_platform.inbox import Inbox
from wagate_platform.logging import get_logger
from wagate_platform.mongo import Document

from session_svc.adapters.send_counts import SendCounts
from session_svc.adapters.session_repository import SessionRepository
from session_svc.domain.calendar import day_key

log = get_logger(__name__)
MESSAGE_COUNTS_QUEUE = Queue.SESSION_MESSAGE_COUNTS
MAX_BATCH = 256


class SendCounter:
    def __init__(
        self,
        mongo: AsyncMongoClient[Document],
        sessions: SessionRepository,
        counts: SendCounts,
        inbox: Inbox,
        timezone: str,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._mongo = mongo
        self._timezone = timezone
        self._sessions = sessions
        self._counts = counts
        self._inbox = inbox
        self._max_batch = max_batch
        self._pending: list[tuple[MessageSent, asyncio.Future[bool]]] = []
        self._writing = asyncio.Lock()

    async def count(self, event: MessageSent) -> bool:
        """Apply ``event``; True if it was counted now (False: a duplicate or ignored)."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((event, future))
        async with self._writing:
            if not future.done():
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                try:
                    counted = await self._apply([e for e, _ in batch])
                except Exception as exc:
                    for _, waiting in batch:
                        if not waiting.done():
                            waiting.set_exception(exc)
                else:
                    for (_, waiting), now in zip(batch, counted, strict=True):
                        if not waiting.done():
                            waiting.set_result(now)
        return await future

    async def _apply(self, events: Sequence[MessageSent]) -> list[bool]:
        """One transaction for the batch; for each event, whether it was counted now."""

        async def work(session: AsyncClientSession) -> list[bool]:
            first: dict[str, int] = {}  # event id -> index of its first copy in the batch
            for index, event in enumerate(events):
                first.setdefault(str(event.event_id), index)
            seen = await self._inbox.already_seen(list(first), session=session)
            owners = await self._sessions.owners({e.session_id for e in events}, session)
            counted = [False] * len(events)
            latest: dict[tuple[str, str], datetime] = {}
            per_day: dict[tuple[str, str, str], tuple[int, datetime]] = {}
            for event_id, index in first.items():
                event = events[index]
                if event_id in seen:
                    continue
                if owners.get(event.session_id) != event.user_id:
                    log.info(
                        "message_sent_for_unknown_session",
                        session=event.session_id,
                        event_id=event_id,
                    )
                    continue
                counted[index] = True
                key = (event.user_id, event.session_id)
                latest[key] = max(latest.get(key, event.sent_at), event.sent_at)
                day = (event.user_id, event.session_id, day_key(event.sent_at, self._timezone))
                n, last = per_day.get(day, (0, event.sent_at))
                per_day[day] = (n + 1, max(last, event.sent_at))
            if not any(counted):
                await session.abort_transaction()  # nothing to record
                return counted
            await self._inbox.mark(
                [str(events[i].event_id) for i, now in enumerate(counted) if now], session=session
            )
            await self._sessions.touch_many(latest, session)
            await self._counts.add_many(per_day, session)
            return counted

        async with self._mongo.start_session() as session:
            return await session.with_transaction(work)
