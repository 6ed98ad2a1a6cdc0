"""Settling a canceled campaign in the background: fail what is still queued, publish the
``message.failed`` each owes, then clear ``cancel_pending``.

``POST /v1/campaigns/{id}/cancel`` only makes the campaign ``canceled`` (with
``cancel_pending``) and stops its in-flight messages, so it answers at once whatever the
campaign's size. The streamer's tick settles it here, on the replica holding the
campaign's lease, ``CAMPAIGN_BATCH`` messages at a time (at most ``SETTLE_ROUNDS`` batches
per tick, the lease renewed before each): one ``find`` of queued messages no dispatcher
holds and one conditional ``update_many`` that fails them, owing their event in the same
write; then the owed events are published (100 confirms awaited together) and their flags
cleared. Every step is idempotent and driven from the documents, so a replica that dies
mid-way only leaves the rest to the next settle pass (or the relay sweep, for the events).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from wagate_platform.mongo import Document

from sender_svc.adapters.campaign_messages import CAMPAIGN_CANCELED, CampaignMessages
from sender_svc.adapters.campaigns import CampaignRepository
from sender_svc.domain.calendar import now
from sender_svc.domain.campaigns import C
from sender_svc.service.outbox import MessageOutbox

SETTLE_ROUNDS = 10  # batches one tick fails and publishes per canceled campaign


@dataclass
class CancelSettler:
    repo: CampaignRepository
    messages: CampaignMessages
    outbox: MessageOutbox
    batch: int

    async def settle(self, campaign: Document, still_mine: Callable[[], Awaitable[bool]]) -> bool:
        """One settle pass over a campaign leased for it; True once it is settled."""
        cid = campaign["_id"]
        await self.messages.stop_in_flight(cid)  # again: covers a cancel cut short by a crash
        for _ in range(SETTLE_ROUNDS):
            if not await still_mine():
                return False
            left = await self.messages.fail_queued(cid, now(), self.batch)
            drained = await self.outbox.drain_campaign(
                cid, CAMPAIGN_CANCELED, batch=self.batch, rounds=1, keep_going=still_mine
            )
            if left < self.batch and drained:
                break
        else:
            return False
        if campaign.get(C.PREPARE_PENDING):
            return False  # more messages are coming: settled once they are failed too
        if await self.messages.count(cid, status="queued"):
            return False  # leased by a dispatcher: it records sent/failed or releases it
        await self.repo.cancel_settled(cid, now())
        return True
