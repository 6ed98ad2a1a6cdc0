"""Turns an accepted campaign's recipient chunks into message documents, in the background.

Driven from the database, not from the request that accepted the campaign: every replica
looks for campaigns with ``prepare_pending`` each ``CAMPAIGN_POLL_INTERVAL_S``, and the one
holding a campaign's lease (the same lease as its streaming) prepares it one chunk at a
time: read the chunk, insert its messages as ``held`` (ids derived from the campaign and
the position, so a chunk prepared again after a crash inserts nothing twice), then record
the progress with the renewed lease. When every chunk is done the chunks are deleted and
``prepare_pending`` cleared. A replica that dies mid-way leaves its lease to expire; the
next one resumes from ``prepared_chunks``. Chunks are prepared whatever the campaign's
state: a paused campaign's messages are held anyway, a canceled one's are failed by its
settle step (which waits for the preparation to end).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from wagate_platform.logging import get_correlation_id, get_logger
from wagate_platform.mongo import Document
from wagate_platform.periodic import PeriodicTask

from sender_svc.adapters.campaign_messages import CampaignMessages
from sender_svc.adapters.campaigns import CampaignRepository
from sender_svc.adapters.recipient_chunks import RecipientChunks
from sender_svc.domain.calendar import now
from sender_svc.domain.ids import campaign_message_id
from sender_svc.domain.messages import new_message_doc
from sender_svc.settings import SenderSettings

log = get_logger(__name__)
PREPARE_ROUNDS = 5  # chunks one tick prepares per campaign


@dataclass
class CampaignPreparer:
    repo: CampaignRepository
    messages: CampaignMessages
    chunks: RecipientChunks
    settings: SenderSettings
    owner: str
    _loop: PeriodicTask | None = field(default=None, repr=False)

    async def tick(self) -> None:
        for campaign in await self.repo.preparing():
            doc = await self._lease(campaign["_id"])
            if doc is None:
                continue
            try:
                await self.prepare(doc)
            except Exception as exc:  # retried next tick (or by another replica)
                log.warning("campaign_prepare_failed", campaign_id=doc["_id"], error=str(exc)[:300])

    async def prepare(self, campaign: Document) -> None:
        cid = campaign["_id"]
        done, prepared = (
            int(campaign.get("prepared_chunks") or 0),
            int(campaign.get("prepared") or 0),
        )
        for _ in range(PREPARE_ROUNDS + 1):  # the last round may only finish
            if done >= campaign["chunks"]:
                await self.chunks.delete(cid, campaign["chunks"])
                await self.repo.prepared(cid, now())
                log.info("campaign_prepared", campaign_id=cid, total=campaign["total"])
                return
            chunk = await self.chunks.get(cid, done)
            if chunk is None:  # cannot happen: chunks are written before the campaign
                raise LookupError(f"campaign {cid}: recipient chunk {done} is missing")
            await self.messages.insert(self._messages(campaign, chunk))
            done, prepared = done + 1, prepared + len(chunk["recipients"])
            if await self._lease(cid, done, prepared) is None:
                return  # another replica took over (this one was too slow): it resumes

    def _messages(self, campaign: Document, chunk: Document) -> list[Document]:
        cid, at = campaign["_id"], campaign["created_at"]
        docs = []
        for offset, entry in enumerate(chunk["recipients"]):
            seq = chunk["first_seq"] + offset
            doc = new_message_doc(
                campaign["user_id"],
                entry["to"],
                entry.get("content") or campaign["message"],
                at=at,
                session_ids=campaign.get("session_ids") or [],
                group_id=campaign.get("group_id"),
                strategy=campaign["strategy"],
                campaign_id=cid,
                seq=seq,
                correlation_id=campaign.get("correlation_id") or get_correlation_id(),
            )
            doc["_id"] = campaign_message_id(cid, seq)
            docs.append(doc)
        return docs

    async def _lease(self, cid: str, chunks: int = 0, prepared: int = 0) -> Document | None:
        at = now()
        until = at + timedelta(seconds=campaign_lease_s(self.settings))
        return await self.repo.prepared_through(cid, self.owner, at, until, chunks, prepared)

    async def start(self) -> None:
        if self._loop is None:
            self._loop = PeriodicTask(
                "campaign-preparer", self.tick, self.settings.campaign_poll_interval_s
            )
        await self._loop.start()

    async def stop(self) -> None:
        if self._loop is not None:
            await self._loop.stop()


def campaign_lease_s(settings: SenderSettings) -> float:
    """How long a replica holds a campaign (streaming, preparing or settling) unrenewed."""
    return max(10.0, settings.campaign_poll_interval_s * 10)
