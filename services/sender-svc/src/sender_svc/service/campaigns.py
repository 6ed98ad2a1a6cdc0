"""Campaigns: one message to up to 100,000 recipients, streamed into the queue.

Creation stores the campaign and one ``held`` message document per recipient (in
batches); the :class:`~sender_svc.service.streamer.CampaignStreamer` then publishes them
a window at a time. Pause holds every queued message again (the dispatcher drops held
ones), resume lets the streamer continue, cancel fails what is still queued and owes a
``message.failed`` for each (published by the streamer, see ``CampaignStreamer.settle``).
"""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from wagate_contracts.message_content import MessageContent
from wagate_platform.errors import ApiError, not_found
from wagate_platform.mongo import Document

from sender_svc.adapters.campaigns import CampaignRepository
from sender_svc.domain.calendar import now, now_ms
from sender_svc.domain.ids import campaign_id
from sender_svc.domain.requests import (
    CampaignRequest,
    InvalidRecipient,
    Recipient,
    normalize_recipient,
    render,
)
from sender_svc.service.accept import invalid_phone, new_message_doc
from sender_svc.service.pool_check import PoolCheck

SENT_LIKE = ("sent", "delivered", "read", "played")
INSERT_BATCH = 1000


def campaign_view(doc: Document, counts: list[Document] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": doc["_id"],
        "name": doc.get("name"),
        "status": doc["status"],
        "total": doc["total"],
        "strategy": doc.get("strategy"),
        "created_at": doc["created_at"].isoformat(),
    }
    if counts is not None:
        by_status: dict[str, int] = {}
        by_session: dict[str, dict[str, int]] = {}
        for row in counts:
            status, session = row["_id"].get("status"), row["_id"].get("session_id")
            by_status[status] = by_status.get(status, 0) + row["n"]
            if session:
                split = by_session.setdefault(session, {"sent": 0, "failed": 0})
                key = "sent" if status in SENT_LIKE else "failed" if status == "failed" else None
                if key:
                    split[key] += row["n"]
        sent = sum(by_status.get(s, 0) for s in SENT_LIKE)
        failed = by_status.get("failed", 0)
        view["progress"] = {
            "queued": by_status.get("queued", 0),
            "sent": sent,
            "delivered": by_status.get("delivered", 0)
            + by_status.get("read", 0)
            + by_status.get("played", 0),
            "read": by_status.get("read", 0) + by_status.get("played", 0),
            "failed": failed,
            "done": sent + failed,
            "percent": round((sent + failed) * 100 / doc["total"], 2) if doc["total"] else 100.0,
        }
        view["sessions"] = [{"session_id": k, **v} for k, v in sorted(by_session.items())]
    return view


def rendered_for(content: MessageContent, recipient: Recipient, index: int) -> Document:
    """The message for one recipient; a filled-in text that breaks a limit is a 422."""
    try:
        return render(content, recipient.variables).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        raise ApiError(
            422,
            "validation_error",
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
    max_recipients: int
    check: PoolCheck

    async def create(self, user_id: str, body: CampaignRequest) -> dict[str, Any]:
        if len(body.recipients) > self.max_recipients:
            raise ApiError(
                422,
                "too_many_recipients",
                f"at most {self.max_recipients} recipients",
                {"max": self.max_recipients, "given": len(body.recipients)},
            )
        recipients: list[Recipient] = [
            r if isinstance(r, Recipient) else Recipient.model_construct(to=r, variables={})
            for r in body.recipients
        ]
        normalized = []
        for index, recipient in enumerate(recipients):
            try:
                normalized.append(normalize_recipient(recipient.to, index))
            except InvalidRecipient as exc:
                raise invalid_phone(exc, f"recipients[{index}]") from exc
        await self.check(user_id, body.session_ids or [], body.group_id, field="session_ids")
        at = now_ms()
        cid = campaign_id()
        content = body.message.content()
        template = content.model_dump(mode="json", exclude_none=True)
        doc: Document = {
            "_id": cid,
            "user_id": user_id,
            "name": body.name,
            "status": "running",
            "total": len(recipients),
            "message": template,
            "session_ids": body.session_ids or [],
            "group_id": body.group_id,
            "strategy": body.strategy,
            "created_at": at,
            "lease_until": None,
        }
        batch: list[Document] = []
        for seq, (recipient, to) in enumerate(zip(recipients, normalized, strict=True)):
            rendered = rendered_for(content, recipient, seq) if recipient.variables else template
            batch.append(
                new_message_doc(
                    user_id,
                    to,
                    rendered,
                    at=at,
                    session_ids=body.session_ids or [],
                    group_id=body.group_id,
                    strategy=body.strategy,
                    campaign_id=cid,
                    seq=seq,
                )
            )
            if len(batch) >= INSERT_BATCH:
                await self.repo.insert_messages(batch)
                batch = []
        if batch:
            await self.repo.insert_messages(batch)
        await self.repo.insert(doc)
        return {"id": cid, "status": "running", "total": len(recipients)}

    async def get(self, user_id: str, cid: str) -> dict[str, Any]:
        doc = await self.repo.get(user_id, cid)
        if doc is None:
            raise not_found("campaign")
        return campaign_view(doc, await self.repo.progress(cid))

    async def pause(self, user_id: str, cid: str) -> dict[str, Any]:
        doc = await self._transition(user_id, cid, ["running"], "paused")
        await self.repo.hold(cid)
        return campaign_view(doc)

    async def resume(self, user_id: str, cid: str) -> dict[str, Any]:
        return campaign_view(await self._transition(user_id, cid, ["paused"], "running"))

    async def cancel(self, user_id: str, cid: str) -> dict[str, Any]:
        """Stop and fail what is still queued; each failed message owes its
        ``message.failed`` (flag set in the same update), which the streamer publishes
        right after (and the relay sweep if this replica dies first)."""
        pending = {"cancel_pending": True, "lease_until": None}
        doc = await self._transition(user_id, cid, ["running", "paused"], "canceled", pending)
        await self.repo.stop_messages(cid)
        await self.repo.fail_stopped(cid, now())
        return campaign_view(doc)

    async def _transition(
        self, user_id: str, cid: str, from_: list[str], to: str, extra: Document | None = None
    ) -> Document:
        doc = await self.repo.transition(user_id, cid, from_, to, now(), extra)
        if doc is not None:
            return doc
        current = await self.repo.get(user_id, cid)
        if current is None:
            raise not_found("campaign")
        if current["status"] == to:
            return current
        raise ApiError(
            409,
            "invalid_campaign_state",
            f"a {current['status']} campaign cannot become {to}",
            {"status": current["status"]},
        )
