"""Streams running campaigns into the dispatch queue, a window at a time.

Every replica runs a streamer; a lease on the campaign document lets one of them at a
time feed a given campaign. It keeps at most ``campaign_window`` messages of a campaign
in flight (published and still queued), so 100,000 recipients never sit in the broker
at once, and marks the campaign completed when nothing is queued any more. It also
settles canceled campaigns (publishes the ``message.failed`` their cancel owes).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from uuid import uuid4

from wagate_platform.logging import get_logger
from wagate_platform.periodic import PeriodicTask
from wagate_platform.publisher import EventPublisher

from sender_svc.adapters.campaigns import CAMPAIGN_CANCELED, CampaignRepository
from sender_svc.domain.calendar import now
from sender_svc.service.outbox import MessageOutbox
from sender_svc.settings import SenderSettings

log = get_logger(__name__)
SETTLE_ROUNDS = 10  # batches of owed events one tick publishes per canceled campaign


@dataclass
class CampaignStreamer:
    repo: CampaignRepository
    publisher: EventPublisher
    outbox: MessageOutbox
    settings: SenderSettings
    owner: str = field(default_factory=lambda: uuid4().hex)
    _loop: PeriodicTask | None = None

    async def tick(self) -> None:
        for campaign in await self.repo.canceling():
            at = now()
            until = at + timedelta(seconds=self._lease_s)
            if await self.repo.lease(campaign["_id"], self.owner, at, until, "canceled"):
                try:
                    await self.settle(campaign["_id"])
                except Exception as exc:  # retried next tick; streaming goes on
                    log.warning("campaign_cancel_settle_failed", error=str(exc)[:300])
        for campaign in await self.repo.running():
            at = now()
            lease = timedelta(seconds=self._lease_s)
            if await self.repo.lease(campaign["_id"], self.owner, at, at + lease) is None:
                continue
            await self._feed(campaign["_id"])

    @property
    def _lease_s(self) -> float:
        return max(10.0, self.settings.campaign_poll_interval_s * 10)

    async def settle(self, cid: str) -> None:
        """Finish a cancel: (re)do its idempotent steps, which also catch a cancel cut short
        and messages a dispatcher released or dropped after the cancel, publish the owed
        ``message.failed`` events, and mark it settled once nothing is queued or owed."""
        await self.repo.stop_messages(cid)
        await self.repo.fail_stopped(cid, now())

        async def still_mine() -> bool:
            at = now()
            until = at + timedelta(seconds=self._lease_s)
            return await self.repo.lease(cid, self.owner, at, until, "canceled") is not None

        drained = await self.outbox.drain_campaign(
            cid,
            CAMPAIGN_CANCELED,
            batch=self.settings.campaign_batch,
            rounds=SETTLE_ROUNDS,
            keep_going=still_mine,
        )
        if drained and await self.repo.count_messages(cid, status="queued") == 0:
            await self.repo.cancel_settled(cid, now())

    async def _feed(self, cid: str) -> None:
        queued = await self.repo.count_messages(cid, status="queued")
        if queued == 0:
            await self.repo.complete(cid, now())
            return
        in_flight = await self.repo.count_messages(cid, status="queued", held=False)
        room = min(self.settings.campaign_window - in_flight, self.settings.campaign_batch)
        if room <= 0:
            return
        docs = await self.repo.next_held(cid, room)
        if not docs:
            return
        at = now()
        ids = [d["_id"] for d in docs]
        await self.repo.unhold(ids, at)
        if await self.repo.lease(cid, self.owner, at, at + timedelta(seconds=10)) is None:
            await self.repo.hold(cid, ids)  # paused or canceled meanwhile
            return
        await self.outbox.republish_requested(docs, at)

    async def start(self) -> None:
        if self._loop is None:
            self._loop = PeriodicTask(
                "campaign-streamer", self.tick, self.settings.campaign_poll_interval_s
            )
        await self._loop.start()

    async def stop(self) -> None:
        if self._loop is not None:
            await self._loop.stop()
