"""The lost-dispatch sweep: a queued message whose delivery is gone is dispatched again.

A ``message.requested`` delivery can be lost after its publish was confirmed: dead-lettered
(its handler kept failing, e.g. during a MongoDB outage), or purged from the queue. The
outbox does not republish an event once confirmed, so the message stayed ``queued`` for
ever. Every replica runs this sweep each ``LOST_DISPATCH_INTERVAL_S``:

1. while the dispatch queue holds ready deliveries, nothing is swept: a message may be
   waiting its turn there (a paused consumer, a backlog), and no MongoDB round trip is made;
2. one indexed ``find`` (``adapters/lost_messages.py``: queued, due more than
   ``LOST_DISPATCH_AFTER_S`` ago, not leased, held, canceled, pending or direct), at most
   ``LOST_DISPATCH_BATCH`` messages;
3. one conditional ``update_many`` claims them (their dispatch is due now, ``sweeps`` + 1),
   so a replica racing this one claims none of them twice; only on a race, one more read
   tells which this pass won;
4. ``message.requested`` is published again from each document, with its retry state and
   its original event id (``MessageOutbox.republish_requested``).

Consumers are idempotent on ``event_id`` and dispatch leases the message, so a delivery
that was not lost after all only costs a duplicate that is acked without a send. A message
swept ``LOST_DISPATCH_MAX_SWEEPS`` times and still lost (its dispatch keeps failing: a
bug) fails with ``dispatch_lost`` and its ``message.failed`` instead of looping for ever.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from uuid import uuid4

from wagate_platform.logging import get_logger
from wagate_platform.periodic import PeriodicTask

from sender_svc.adapters.dispatch_backlog import DispatchBacklog
from sender_svc.adapters.lost_messages import LostMessages
from sender_svc.domain.calendar import now
from sender_svc.service.outbox import MessageOutbox
from sender_svc.settings import SenderSettings

log = get_logger(__name__)


@dataclass
class LostDispatchSweep:
    lost: LostMessages
    backlog: DispatchBacklog
    outbox: MessageOutbox
    settings: SenderSettings
    passes: int = 0
    """Sweep passes started by this process (tests count round trips per pass)."""
    _loop: PeriodicTask | None = field(default=None, repr=False)

    async def sweep(self) -> int:
        """One pass; returns how many messages it dispatched again."""
        self.passes += 1
        if await self.backlog.ready() > 0:
            return 0
        at = now()
        cutoff = at - timedelta(seconds=self.settings.lost_dispatch_after_s)
        docs = await self.lost.find(cutoff, at, self.settings.lost_dispatch_batch)
        if not docs:
            return 0
        token = uuid4().hex
        ids = [d["_id"] for d in docs]
        if await self.lost.claim(ids, cutoff, at, token) < len(ids):
            mine = await self.lost.claimed(ids, token)
            docs = [d for d in docs if d["_id"] in mine]
        limit = self.settings.lost_dispatch_max_sweeps
        spent = [d["_id"] for d in docs if int(d.get("sweeps") or 0) >= limit]
        if spent:
            failed = await self.lost.fail(spent, token, at)
            log.error("lost_dispatch_given_up", count=failed, sample=spent[:5])
        again = [d for d in docs if int(d.get("sweeps") or 0) < limit]
        if again:
            log.warning("lost_dispatch_redispatched", count=len(again), sample=ids[:5])
            await self.outbox.republish_requested(again, pending=False)
        return len(again)

    async def start(self) -> None:
        if self._loop is None:
            self._loop = PeriodicTask(
                "lost-dispatch-sweep", self.sweep, self.settings.lost_dispatch_interval_s
            )
        await self._loop.start()

    async def stop(self) -> None:
        if self._loop is not None:
            await self._loop.stop()
