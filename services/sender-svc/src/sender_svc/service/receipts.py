"""Following ``message.status`` receipts: the status only moves forward, with history.

Idempotent without an inbox: a receipt already applied is no longer a forward move.
A receipt that names only the provider's message id may arrive before the dispatcher
recorded that id; it is retried on a delay queue a few times, then dropped.
"""

from dataclasses import dataclass

from wagate_contracts.events import MessageStatus
from wagate_contracts.names import Queue
from wagate_platform.logging import get_logger
from wagate_platform.publisher import EventPublisher
from wagate_platform.topology import Topology

from sender_svc.adapters.messages import MessageRepository
from sender_svc.domain.retry_headers import retry_headers
from sender_svc.settings import SenderSettings

log = get_logger(__name__)


@dataclass
class FollowReceipts:
    messages: MessageRepository
    publisher: EventPublisher
    topology: Topology
    settings: SenderSettings

    async def handle(self, event: MessageStatus, attempt: int) -> None:
        if event.status == "queued":
            return
        query: dict[str, object] = {"user_id": event.user_id}
        if event.message_id:
            query["_id"] = event.message_id
        else:
            query["provider_message_id"] = event.provider_message_id
        error = None
        if event.status == "failed":
            error = {
                "code": event.error_code or "delivery_failed",
                "message": event.error_message or "the provider reported a delivery failure",
                "retryable": False,
            }
        if await self.messages.apply_status(query, event.status, event.at, error):
            return
        if await self.messages.exists(query):
            return  # stale or repeated receipt
        if attempt >= self.settings.status_retry_attempts:
            log.warning("receipt_unmatched", provider_message_id=event.provider_message_id)
            return
        await self.publisher.publish_raw(
            event.model_dump(mode="json"),
            exchange="",
            routing_key=str(
                self.topology.delay_queue(
                    Queue.SENDER_STATUS, self.settings.status_retry_delay_ms
                ).name
            ),
            message_id=str(event.event_id),
            correlation_id=event.correlation_id,
            headers=retry_headers(attempt + 1),
        )
