"""``POST /v1/messages/direct``: send now, bypassing the queue (daily limits still hold).

The pacing gap is not waited for (the caller asked for now) but is still advanced, so
queued traffic keeps its spacing. The outcome is recorded like a dispatched message and
its ``message.sent`` / ``message.failed`` goes through the message outbox.
"""

from dataclasses import dataclass
from typing import Any

from wagate_platform.logging import get_correlation_id
from wagate_providers.base import ProviderError

from sender_svc.adapters.messages import MessageRepository
from sender_svc.domain.calendar import day_key, now
from sender_svc.domain.commands import SendCommand
from sender_svc.domain.errors import NoSessionAvailable, ProviderRefused
from sender_svc.domain.messages import F, new_message_doc
from sender_svc.domain.recipients import InvalidRecipient, normalize_recipient
from sender_svc.service.accept import invalid_phone
from sender_svc.service.choice import pool_of
from sender_svc.service.dispatch import Dispatcher
from sender_svc.service.events import requested_event
from sender_svc.service.pool_check import PoolCheck

NO_SESSION_RETRY_S = 60
"""``Retry-After`` of a direct send no session can take now."""


@dataclass
class DirectSend:
    messages: MessageRepository
    dispatcher: Dispatcher
    check: PoolCheck
    timezone: str

    async def __call__(self, user_id: str, body: SendCommand) -> dict[str, Any]:
        try:
            to = normalize_recipient(body.to)
        except InvalidRecipient as exc:
            raise invalid_phone(exc) from exc
        await self.check(user_id, [body.session_id] if body.session_id else [], body.group_id)
        at = now()
        doc = new_message_doc(
            user_id,
            to,
            body.content.model_dump(mode="json", exclude_none=True),
            at=at,
            session_ids=[body.session_id] if body.session_id else [],
            group_id=body.group_id,
            strategy=body.strategy,
            correlation_id=get_correlation_id(),
        )
        doc.pop(F.REQUESTED_PENDING)
        doc["direct"] = True
        request = requested_event(doc, at)
        today = day_key(at, self.timezone)
        choice = await self.dispatcher.claim_now(request, pool_of(user_id, doc, None, None), today)
        if choice is None:
            raise NoSessionAvailable(
                "no connected session under its daily limit", retry_after_s=NO_SESSION_RETRY_S
            )
        await self.messages.insert(doc)
        try:
            result = await self.dispatcher.send_claimed(request, choice, today)
        except ProviderError as exc:
            raise ProviderRefused(
                f"the provider refused the message: {exc.message}",
                {
                    "id": doc["_id"],
                    "code": exc.code,
                    "kind": exc.kind,
                    "session_id": choice.session_id,
                },
            ) from exc
        return {
            "id": doc["_id"],
            "status": "sent",
            "to": to,
            "session_id": choice.session_id,
            "provider": self.dispatcher.provider.name,
            "provider_message_id": result.provider_message_id,
            "provider_response": result.raw,
        }
