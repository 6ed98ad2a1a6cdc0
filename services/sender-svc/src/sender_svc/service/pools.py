"""Which sessions a queued message may use, known without reading the message.

A single message's pool is in its ``message.requested`` event (a pinned session or a group).
A campaign's pool may list several sessions, which the event cannot carry; it is fixed when
the campaign is created, so each process reads it once per campaign and keeps it in a small
LRU map (``CAMPAIGN_POOLS_KEPT`` campaigns). An unknown campaign raises, so the delivery
is retried (and dead-lettered at the delivery limit) rather than sent through any session.
"""

from collections import OrderedDict

from wagate_contracts.events import MessageRequested

from sender_svc.adapters.campaigns import CampaignRepository
from sender_svc.adapters.sessions import Pool

CAMPAIGN_POOLS_KEPT = 1024


class PoolResolver:
    def __init__(self, campaigns: CampaignRepository, kept: int = CAMPAIGN_POOLS_KEPT) -> None:
        self._campaigns = campaigns
        self._kept = kept
        self._pools: OrderedDict[str, tuple[tuple[str, ...], str | None]] = OrderedDict()

    async def pool_for(self, event: MessageRequested) -> Pool:
        if event.session_id or not event.campaign_id:
            pinned = (event.session_id,) if event.session_id else ()
            return Pool(event.user_id, pinned, event.group_id)
        session_ids, group_id = await self._campaign_pool(event.campaign_id)
        return Pool(event.user_id, session_ids, group_id or event.group_id)

    async def _campaign_pool(self, campaign_id: str) -> tuple[tuple[str, ...], str | None]:
        known = self._pools.get(campaign_id)
        if known is not None:
            self._pools.move_to_end(campaign_id)
            return known
        doc = await self._campaigns.pool(campaign_id)
        if doc is None:  # cannot happen: a campaign's messages are streamed from its document
            raise LookupError(f"campaign {campaign_id} not found: its pool is unknown")
        pool = (tuple(doc.get("session_ids") or ()), doc.get("group_id"))
        self._pools[campaign_id] = pool
        if len(self._pools) > self._kept:
            self._pools.popitem(last=False)
        return pool
