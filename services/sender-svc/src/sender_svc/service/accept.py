"""The accept path of ``POST /v1/messages``: ≤ 2 MongoDB round trips and 1 publish.

1. authentication + subscription + rate limit (one ``find_one_and_update``, see auth);
   (+1 read only when the request names a ``session_id`` or ``group_id``: it must be the
   caller's, see ``pool_check``);
2. insert of the message document, which carries the ``Idempotency-Key`` under a unique
   index and is its own outbox record (``requested_pending``);
then ``message.requested`` is published. If that publish fails the message is already
durably queued in MongoDB: the answer is still 202 and the relay sweep publishes it.
"""

from dataclasses import dataclass
from typing import Any

from pymongo.errors import DuplicateKeyError
from wagate_platform.logging import get_correlation_id, get_logger
from wagate_platform.mongo import Document
from wagate_platform.publisher import EventPublisher

from sender_svc.adapters.messages import MessageRepository
from sender_svc.domain.calendar import now_ms
from sender_svc.domain.commands import SendCommand
from sender_svc.domain.errors import InvalidPhoneNumber
from sender_svc.domain.messages import new_message_doc
from sender_svc.domain.recipients import InvalidRecipient, normalize_recipient
from sender_svc.service.events import requested_event
from sender_svc.service.outbox import REQUESTED, MessageOutbox
from sender_svc.service.pool_check import PoolCheck

log = get_logger(__name__)


def invalid_phone(exc: InvalidRecipient, field: str = "to") -> InvalidPhoneNumber:
    data: dict[str, Any] = {"field": field, "value": exc.value[:64]}
    if exc.index is not None:
        data["index"] = exc.index
    return InvalidPhoneNumber(str(exc), data)


def accepted(doc: Document) -> dict[str, Any]:
    return {"id": doc["_id"], "status": "queued", "created_at": doc["created_at"].isoformat()}


@dataclass
class AcceptMessage:
    messages: MessageRepository
    publisher: EventPublisher
    outbox: MessageOutbox
    check: PoolCheck

    async def __call__(
        self, user_id: str, body: SendCommand, idem_key: str | None
    ) -> dict[str, Any]:
        try:
            to = normalize_recipient(body.to)
        except InvalidRecipient as exc:
            raise invalid_phone(exc) from exc
        pinned = [body.session_id] if body.session_id else []
        await self.check(user_id, pinned, body.group_id)
        at = now_ms()
        doc = new_message_doc(
            user_id,
            to,
            body.content.model_dump(mode="json", exclude_none=True),
            at=at,
            session_ids=pinned,
            group_id=body.group_id,
            strategy=body.strategy,
            idem_key=idem_key,
            correlation_id=get_correlation_id(),
        )
        try:
            await self.messages.insert(doc)
        except DuplicateKeyError:
            first = await self.messages.by_idempotency_key(user_id, idem_key or "")
            if first is None:
                raise
            return accepted(first)
        try:
            await self.publisher.publish(requested_event(doc, at))
        except Exception as exc:
            log.warning("message_requested_deferred", message_id=doc["_id"], error=str(exc)[:200])
        else:
            self.outbox.confirmed(REQUESTED, doc["_id"])
        return accepted(doc)
