"""Recording a dispatched message's outcome: the message document and its event together
(the event is stored on the document, so the outbox publishes it if the publish fails)."""

from dataclasses import dataclass

from wagate_contracts.envelope import Event
from wagate_contracts.events import MessageRequested
from wagate_platform.faults import retry_through_outage
from wagate_platform.logging import get_logger
from wagate_platform.publisher import EventPublisher

from sender_svc.adapters.messages import MessageRepository
from sender_svc.domain.calendar import now
from sender_svc.domain.sessions import ClaimedSession
from sender_svc.service.events import failed_event, sent_event, stored
from sender_svc.service.outbox import EVENT, MessageOutbox

log = get_logger(__name__)


@dataclass
class Outcomes:
    messages: MessageRepository
    publisher: EventPublisher
    outbox: MessageOutbox
    provider_name: str

    async def sent(
        self,
        event: MessageRequested,
        session: ClaimedSession,
        provider_message_id: str,
        tried: list[str],
    ) -> None:
        at = now()
        sent = sent_event(event, session.session_id, self.provider_name, provider_message_id, at)
        fields = {
            "session_id": session.session_id,
            "provider": self.provider_name,
            "provider_message_id": provider_message_id,
            "sent_at": at,
            "claimed_at": session.claimed_at,
            "tried": tried,
        }
        # The provider has the message: this record must land, or the message would be sent
        # again once its lease lapses. An outage is waited out here, holding the lease.
        await retry_through_outage(
            lambda: self.messages.record_outcome(
                event.message_id, "sent", at, fields, stored(sent)
            ),
            what="record_sent",
        )
        await self._publish(sent, event.message_id)

    async def failed(
        self,
        event: MessageRequested,
        code: str,
        message: str,
        retryable: bool,
        session_id: str | None,
        tried: list[str],
    ) -> None:
        at = now()
        failed = failed_event(event, code, message, retryable, session_id)
        error = {"code": code, "message": message, "retryable": retryable}
        fields = {"error": error, "tried": tried, "failed_at": at}
        if session_id:
            fields["session_id"] = session_id
        await self.messages.record_outcome(event.message_id, "failed", at, fields, stored(failed))
        await self._publish(failed, event.message_id)

    async def _publish(self, event: Event, message_id: str) -> None:
        try:
            await self.publisher.publish(event)
        except Exception as exc:
            log.warning("outcome_publish_deferred", message_id=message_id, error=str(exc)[:200])
            return
        self.outbox.confirmed(EVENT, message_id)
