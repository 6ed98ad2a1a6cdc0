"""``POST /v1/messages/direct``: send now, bypassing the queue (daily limits still hold).

The pacing gap is not waited for (the caller asked for now) but is still advanced, so
queued traffic keeps its spacing. The outcome is recorded like a dispatched message and
its ``message.sent`` / ``message.failed`` goes through the message outbox.
"""

from dataclasses import dataclass
from typing import Any

from wagate_providers.base import ProviderError

from sender_svc.adapters.messages import MessageRepository
from sender_svc.domain.calendar import day_key, now
from sender_svc.domain.commands import SendCommand
from sender_svc.domain.errors import NoSessionAvailable, ProviderRefused
from sender_svc.domain.recipients import InvalidRecipient, normalize_recipient
from sender_svc.service.accept import invalid_phone, new_message_doc
from sender_svc.service.choice import WAIT, pool_of
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

    async def __call__(self, user_id: str, body: SendCommand) -> dict[str, Any]:
        try:
            to = normalize_recipient(body.to)
        except InvalidRecipient as exc:
            raise invalid_phone(exc) from exc
        await self.check(user_id, [body.session_id] if body.session_id else [], body.group_id)
        at = now()
        content = body.content
        doc = new_message_doc(
            user_id,
            to,
            content.model_dump(mode="json", exclude_none=True),
            at=at,
            session_ids=[body.session_id] if body.session_id else [],
            group_id=body.group_id,
            strategy=body.strategy,
        )
        doc.pop("requested_pending")
        doc["direct"] = True
        request = requested_event(doc, at)
        d = self.dispatcher
        today = day_key(at, d.settings.daily_timezone)
        sticky = await d.chooser.sticky_session(user_id, to, body.strategy)
        pool = pool_of(user_id, doc, None, None)
        choice = await d.chooser.choose(
            pool, body.strategy, to, [], today, sticky=sticky, respect_pacing=False
        )
        if choice is None or choice == WAIT:
            raise NoSessionAvailable(
                "no connected session under its daily limit", retry_after_s=NO_SESSION_RETRY_S
            )
        await self.messages.insert(doc)
        try:
            result = await d.provider.sender.send(choice.provider_session, to, content)
        except ProviderError as exc:
            await d.after_failure(choice, exc, today, body.strategy)
            await d.record_failed(
                request,
                exc.code,
                exc.message,
                exc.kind != "permanent",
                choice.session_id,
                [choice.session_id],
            )
            raise ProviderRefused(
                f"the provider refused the message: {exc.message}",
                {
                    "id": doc["_id"],
                    "code": exc.code,
                    "kind": exc.kind,
                    "session_id": choice.session_id,
                },
            ) from exc
        await d.record_sent(request, choice, result.provider_message_id, [choice.session_id])
        return {
            "id": doc["_id"],
            "status": "sent",
            "to": to,
            "session_id": choice.session_id,
            "provider": d.provider.name,
            "provider_message_id": result.provider_message_id,
            "provider_response": result.raw,
        }
