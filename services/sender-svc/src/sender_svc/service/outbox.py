"""The message documents as outbox: confirmed publishes are acknowledged in batches,
and a sweep republishes whatever stayed pending past the grace period.

Clearing a flag right after each publish would cost one more MongoDB round trip per
request; instead confirmed ids are collected and cleared with one ``update_many``
per flush interval. A crash before the flush only means a duplicate publish later,
which every consumer absorbs (idempotent on ``event_id`` / message status).
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from wagate_platform.logging import get_logger
from wagate_platform.mongo import Document
from wagate_platform.origin import task_origin
from wagate_platform.publisher import EventPublisher

from sender_svc.adapters.messages import MessageRepository
from sender_svc.domain.calendar import now
from sender_svc.domain.messages import F
from sender_svc.service.events import owed_failed_event, requested_event, stored_retry_headers

log = get_logger(__name__)
REQUESTED = F.REQUESTED_PENDING
EVENT = "event_pending"
PUBLISH_CHUNK = 100  # publishes awaited together (confirms pipelined on the channel)
SWEEP_ROUNDS = 50  # event batches one sweep pass may publish


class MessageOutbox:
    def __init__(
        self,
        messages: MessageRepository,
        publisher: EventPublisher,
        *,
        flush_interval_s: float,
        sweep_interval_s: float,
        grace_s: float,
    ) -> None:
        self._messages = messages
        self._publisher = publisher
        self._flush_interval_s = flush_interval_s
        self._sweep_interval_s = sweep_interval_s
        self._grace = timedelta(seconds=grace_s)
        self._confirmed: dict[str, list[str]] = {REQUESTED: [], EVENT: []}
        self._tasks: list[asyncio.Task[None]] = []

    def confirmed(self, field: str, message_id: str) -> None:
        self._confirmed[field].append(message_id)

    async def flush(self) -> None:
        for field, ids in self._confirmed.items():
            if ids:
                batch, self._confirmed[field] = ids, []
                await self._messages.clear_flags(field, batch)

    async def sweep(self, batch: int = 200) -> int:
        """Publish what stayed pending past the grace period; returns how many."""
        cutoff = now() - self._grace
        stale = await self._messages.stale_requested(cutoff, batch)
        done = len(stale)
        await self.republish_requested(stale)
        await self.flush()
        for _ in range(SWEEP_ROUNDS):  # a bulk cancel may owe 100,000 events at once
            docs = await self._messages.stale_events(cutoff, batch)
            await self.publish_owed(docs)
            done += len(docs)
            if len(docs) < batch:
                break
        return done

    async def republish_requested(
        self, docs: list[Document], occurred_at: datetime | None = None, *, pending: bool = True
    ) -> None:
        """Publish ``message.requested`` (again) from message documents, each with the retry
        state it kept: the sweep above, the campaign streamer and the lost-dispatch sweep.
        ``PUBLISH_CHUNK`` confirms are awaited together; ``pending``: the documents carry
        ``requested_pending``, cleared once confirmed. A failed publish raises, after the
        confirmed ones were recorded (the rest stay pending for the next sweep)."""
        for start in range(0, len(docs), PUBLISH_CHUNK):
            chunk = docs[start : start + PUBLISH_CHUNK]
            results = await asyncio.gather(
                *(
                    self._publisher.publish(
                        requested_event(d, occurred_at or d["requested_at"]),
                        headers=stored_retry_headers(d),
                    )
                    for d in chunk
                ),
                return_exceptions=True,
            )
            failures = [r for r in results if isinstance(r, BaseException)]
            if pending:
                for doc, result in zip(chunk, results, strict=True):
                    if not isinstance(result, BaseException):
                        self.confirmed(REQUESTED, doc["_id"])
            if failures:
                raise failures[0]

    async def publish_owed(self, docs: list[Document]) -> None:
        """Publish the events owed on these messages, then clear their flags (one update
        per kind of record). A publish that fails raises: the flags stay for the sweep."""
        for start in range(0, len(docs), PUBLISH_CHUNK):
            await asyncio.gather(
                *(self._publish_owed(d) for d in docs[start : start + PUBLISH_CHUNK])
            )
        stored = [d["_id"] for d in docs if "body" in d["event_pending"]]
        for doc_id in stored:
            self.confirmed(EVENT, doc_id)
        await self.flush()
        by_kind: dict[str, list[str]] = {}
        for doc in docs:
            kind = doc["event_pending"].get("kind")
            if kind:
                by_kind.setdefault(kind, []).append(doc["_id"])
        for kind, ids in by_kind.items():
            # conditional: a dispatcher's outcome recorded meanwhile keeps its own event
            await self._messages.clear_flags(EVENT, ids, **{f"{EVENT}.kind": kind})

    async def drain_campaign(
        self,
        campaign_id: str,
        kind: str,
        *,
        batch: int,
        rounds: int,
        keep_going: Callable[[], Awaitable[bool]],
    ) -> bool:
        """Publish a campaign's owed ``kind`` events now (no grace), ``batch`` at a time,
        at most ``rounds`` batches; True when none is left. ``keep_going`` is asked before
        each batch (the caller's lease on the campaign)."""
        for _ in range(rounds):
            if not await keep_going():
                return False
            docs = await self._messages.owed_by_campaign(campaign_id, kind, batch)
            if not docs:
                return True
            await self.publish_owed(docs)
            if len(docs) < batch:
                return True
        return False

    async def _publish_owed(self, doc: Document) -> None:
        pending = doc["event_pending"]
        if "body" in pending:
            await self._publisher.publish_raw(
                pending["body"], routing_key=pending["routing_key"], message_id=pending["event_id"]
            )
        else:
            await self._publisher.publish(owed_failed_event(doc))

    async def _loop(self, interval: float, step: str) -> None:
        task_origin(f"message-outbox-{step}")
        while True:
            await asyncio.sleep(interval)
            try:
                await (self.flush() if step == "flush" else self.sweep())
            except Exception as exc:
                log.warning("message_outbox_failed", step=step, error=str(exc)[:300])

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._loop(self._flush_interval_s, "flush"), name="acks"),
            asyncio.create_task(self._loop(self._sweep_interval_s, "sweep"), name="sweep"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        with contextlib.suppress(Exception):
            await self.flush()
