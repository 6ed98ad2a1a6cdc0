"""Campaigns: one message to up to 100,000 recipients, accepted at once, sent in the background.

``create`` validates every recipient (and every filled-in message) and the session pool,
stores the recipients in chunks and then the campaign document with ``prepare_pending``,
and answers 202: that is the durable acceptance, in a handful of round trips whatever the
size. The :class:`~sender_svc.service.campaign_prep.CampaignPreparer` turns the chunks into
``held`` message documents, and the :class:`~sender_svc.service.streamer.CampaignStreamer`
publishes them a window at a time (starting with the first chunk). Pause holds every
queued message again (the dispatcher drops held ones), resume lets the streamer continue,
cancel answers 202 once no dispatcher can take a message any more; failing what is still
queued, and the ``message.failed`` each owes, is the streamer's settle step.
"""

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from wagate_contracts.message_content import MessageContent
from wagate_platform.logging import get_correlation_id
from wagate_platform.mongo import Document

from sender_svc.adapters.campaign_messages import CampaignMessages
from sender_svc.adapters.campaigns import CampaignRepository
from sender_svc.adapters.recipient_chunks import RecipientChunks, chunked
from sender_svc.domain.calendar import now, now_ms
from sender_svc.domain.campaigns import C
from sender_svc.domain.commands import CampaignCommand, CampaignRecipient
from sender_svc.domain.errors import (
    CampaignNotFound,
    InvalidCampaignState,
    InvalidRenderedMessage,
    TooManyRecipients,
)
from sender_svc.domain.ids import campaign_id
from sender_svc.domain.recipients import InvalidRecipient, normalize_recipient, render
from sender_svc.service.accept import invalid_phone
from sender_svc.service.campaign_view import campaign_view
from sender_svc.service.pool_check import PoolCheck


def rendered_for(content: MessageContent, recipient: CampaignRecipient, index: int) -> Document:
    """The message for one recipient; a filled-in text that breaks a limit is a 422."""
    try:
        return render(content, recipient.variables).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        raise InvalidRenderedMessage(
            f"recipients[{index}]: the message with its variables filled in is invalid",
            {
                "field": f"recipients[{index}].variables",
                "index": index,
                "errors": [{"message": e["msg"], "type": e["type"]} for e in exc.errors()],
            },
        ) from exc


@dataclass
class Campaigns:
    repo: CampaignRepository
    messages: CampaignMessages
    chunks: RecipientChunks
    check: PoolCheck
    max_recipients: int
    chunk_size: int

    async def create(self, user_id: str, body: CampaignCommand) -> dict[str, Any]:
        if len(body.recipients) > self.max_recipients:
            raise TooManyRecipients(
                f"at most {self.max_recipients} recipients",
                {"max": self.max_recipients, "given": len(body.recipients)},
            )
        content = body.content
        template = content.model_dump(mode="json", exclude_none=True)
        entries: list[Document] = []
        sizes: list[int] = []
        for index, recipient in enumerate(body.recipients):
            try:
                entry: Document = {"to": normalize_recipient(recipient.to, index)}
            except InvalidRecipient as exc:
                raise invalid_phone(exc, f"recipients[{index}]") from exc
            if recipient.variables:
                rendered = rendered_for(content, recipient, index)
                if rendered != template:
                    entry["content"] = rendered
            entries.append(entry)
            sizes.append(64 + (len(json.dumps(entry["content"])) if "content" in entry else 0))
        await self.check(user_id, body.session_ids or [], body.group_id, field="session_ids")
        at = now_ms()
        cid = campaign_id()
        chunks = chunked(cid, entries, sizes, self.chunk_size, at)
        await self.chunks.insert(chunks)  # the recipients are durable before the campaign is
        await self.repo.insert(
            {
                "_id": cid,
                "user_id": user_id,
                "name": body.name,
                "status": "running",
                "total": len(entries),
                "message": template,
                "session_ids": body.session_ids or [],
                "group_id": body.group_id,
                "strategy": body.strategy,
                "created_at": at,
                "correlation_id": get_correlation_id(),
                C.LEASE_UNTIL: None,
                C.PREPARE_PENDING: True,
                "chunks": len(chunks),
                "prepared_chunks": 0,
                "prepared": 0,
            }
        )
        return {"id": cid, "status": "preparing", "total": len(entries)}

    async def get(self, user_id: str, cid: str) -> dict[str, Any]:
        doc = await self.repo.get(user_id, cid)
        if doc is None:
            raise CampaignNotFound()
        return campaign_view(doc, await self.messages.progress(cid))

    async def pause(self, user_id: str, cid: str) -> dict[str, Any]:
        doc = await self._transition(user_id, cid, ["running"], "paused")
        await self.messages.hold(cid)
        return campaign_view(doc)

    async def resume(self, user_id: str, cid: str) -> dict[str, Any]:
        return campaign_view(await self._transition(user_id, cid, ["paused"], "running"))

    async def cancel(self, user_id: str, cid: str) -> dict[str, Any]:
        """Stop at once (no dispatcher can take a queued message once this answers: only
        the messages handed to the queue, at most the window, are written here); failing
        the queued ones with their ``message.failed`` is the streamer's settle step."""
        pending = {C.CANCEL_PENDING: True, C.LEASE_UNTIL: None}
        doc = await self._transition(user_id, cid, ["running", "paused"], "canceled", pending)
        await self.messages.stop_in_flight(cid)
        return campaign_view(doc)

    async def _transition(
        self, user_id: str, cid: str, from_: list[str], to: str, extra: Document | None = None
    ) -> Document:
        doc = await self.repo.transition(user_id, cid, from_, to, now(), extra)
        if doc is not None:
            return doc
        current = await self.repo.get(user_id, cid)
        if current is None:
            raise CampaignNotFound()
        if current["status"] == to:
            return current
        raise InvalidCampaignState(
            f"a {current['status']} campaign cannot become {to}",
            {"status": current["status"]},
        )
