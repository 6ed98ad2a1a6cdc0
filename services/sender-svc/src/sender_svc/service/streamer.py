"""Streams running campaigns into the dispatch queue, a window at a time.

Every replica runs a streamer; a lease on the campaign document lets one of them at a
time feed a given campaign. It keeps at most ``campaign_window`` messages of a campaign
in flight (published and still queued), so 100,000 recipients never sit in the broker
at once, and marks the campaign completed when nothing is queued any more and all its
recipients are messages (a campaign still preparing is streamed as its messages appear).
It also settles canceled campaigns (``campaign_cancel``).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from wagate_platform.logging import get_logger
from wagate_platform.mongo import Document
from wagate_platform.periodic import PeriodicTask

from sender_svc.adapters.campaign_messages import CampaignMessages
from sender_svc.adapters.campaigns import CampaignRepository
from sender_svc.domain.calendar import now
from sender_svc.domain.campaigns import C
from sender_svc.service.campaign_cancel import CancelSettler
from sender_svc.service.campaign_prep import campaign_lease_s
from sender_svc.service.outbox import MessageOutbox
from sender_svc.settings import SenderSettings

log = get_logger(__name__)


@dataclass
class CampaignStreamer:
    repo: CampaignRepository
    messages: CampaignMessages
    settler: CancelSettler
    outbox: MessageOutbox
    settings: SenderSettings
    owner: str
    _loop: PeriodicTask | None = field(default=None, repr=False)

    async def tick(self) -> None:
        for campaign in await self.repo.canceling():
            leased = await self._lease(campaign["_id"], "canceled")
            if leased is None:
                continue
            try:
                await self.settler.settle(leased, partial(self._still, leased["_id"]))
            except Exception as exc:  # retried next tick; streaming goes on
                log.warning("campaign_cancel_settle_failed", error=str(exc)[:300])
        for campaign in await self.repo.running():
            leased = await self._lease(campaign["_id"])
            if leased is not None:
                await self._feed(leased)

    async def _lease(self, cid: str, status: str = "running") -> Document | None:
        at = now()
        until = at + timedelta(seconds=campaign_lease_s(self.settings))
        return await self.repo.lease(cid, self.owner, at, until, status)

    async def _still(self, cid: str) -> bool:
        return await self._lease(cid, "canceled") is not None

    async def _feed(self, campaign: Document) -> None:
        cid = campaign["_id"]
        queued = await self.messages.count(cid, status="queued")
        if queued == 0:
            if not campaign.get(C.PREPARE_PENDING):
                await self.repo.complete(cid, now())
            return
        in_flight = await self.messages.count(cid, status="queued", held=False)
        room = min(self.settings.campaign_window - in_flight, self.settings.campaign_batch)
        if room <= 0:
            return
        docs = await self.messages.next_held(cid, room)
        if not docs:
            return
        at = now()
        ids = [d["_id"] for d in docs]
        await self.messages.unhold(ids, at)
        if await self.repo.lease(cid, self.owner, at, at + timedelta(seconds=10)) is None:
            await self.messages.hold(cid, ids)  # paused or canceled meanwhile
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
