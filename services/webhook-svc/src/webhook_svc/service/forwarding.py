"""Forwarding a user's events to their webhook: signed, retried on delay queues.

Each forwarded event is its own RabbitMQ message, handled concurrently (up to
the consumer prefetch) with a short HTTP timeout, so a slow endpoint holds only
its own deliveries; a user with too many deliveries in flight on this replica
waits in the shortest delay queue instead of taking more slots. A retryable
failure is re-published to ``webhook-svc.forward.delay.<ms>ms`` with the next
attempt number in a header; after the last attempt, or on a final answer (4xx
other than 408/429, an unsafe target), the delivery is recorded as failed and
listed at ``GET /v1/webhook-deliveries?status=failed``.
"""

import json
from collections import Counter
from typing import Any

from faststream.rabbit import RabbitMessage
from wagate_contracts import MessageReceived
from wagate_contracts.envelope import Event
from wagate_contracts.names import Queue
from wagate_platform.logging import get_logger
from wagate_platform.publisher import EventPublisher
from wagate_platform.topology import Topology

from webhook_svc.adapters.configs import ConfigStore
from webhook_svc.adapters.deliveries import Delivery, DeliveryStore
from webhook_svc.adapters.deliveries import DeliveryStatus as DeliveryState
from webhook_svc.adapters.outbound import WebhookPoster
from webhook_svc.domain.delivery import delivery_id_for, next_delay_ms
from webhook_svc.service.metrics import DELIVERIES

log = get_logger(__name__)
ATTEMPT_HEADER = "x-wagate-attempt"
DELIVERY_HEADER = "x-wagate-delivery-id"


class Forwarder:
    def __init__(
        self,
        configs: ConfigStore,
        deliveries: DeliveryStore,
        poster: WebhookPoster,
        publisher: EventPublisher,
        topology: Topology,
        delays_ms: tuple[int, ...],
        max_in_flight_per_user: int,
    ) -> None:
        self._configs = configs
        self._deliveries = deliveries
        self._poster = poster
        self._publisher = publisher
        self._topology = topology
        self._delays = delays_ms
        self._max_in_flight = max_in_flight_per_user
        self._in_flight: Counter[str] = Counter()

    async def on_message_received(self, event: MessageReceived, message: RabbitMessage) -> None:
        if event.deduplicated:
            return  # kept and counted, never forwarded
        await self.forward(event, message)

    async def forward(self, event: Event, message: RabbitMessage) -> None:
        """Deliver (or schedule) one forwarded event to its user's webhook, if configured."""
        attempt = _int_header(message, ATTEMPT_HEADER, default=1)
        config = await self._configs.get(event.user_id)
        if config is None or (config.events and event.event_type not in config.events):
            return
        delivery_id = delivery_id_for(event.event_id)
        existing = await self._deliveries.get(delivery_id)
        if existing is not None and _already_done(existing, attempt):
            return
        body = event.model_dump(mode="json")
        if self._in_flight[event.user_id] >= self._max_in_flight and self._delays:
            await self._schedule(body, delivery_id, attempt, min(self._delays))
            return
        self._in_flight[event.user_id] += 1
        try:
            raw = json.dumps(body, separators=(",", ":")).encode()
            outcome = await self._poster.post(
                config.url, config.secret, raw, delivery_id, event.event_type
            )
        finally:
            self._in_flight[event.user_id] -= 1
            if self._in_flight[event.user_id] <= 0:
                del self._in_flight[event.user_id]
        delay = next_delay_ms(self._delays, attempt) if outcome.retryable else None
        status: DeliveryState
        if outcome.ok:
            status = "delivered"
        elif delay is not None:
            status = "retrying"
            await self._schedule(body, delivery_id, attempt + 1, delay)
        else:
            status = "failed"
            log.warning(
                "webhook_delivery_failed",
                delivery_id=delivery_id,
                attempts=attempt,
                status_code=outcome.status_code,
                error=outcome.error,
            )
        DELIVERIES.labels(status).inc()
        await self._deliveries.record(
            delivery_id,
            user_id=event.user_id,
            event=body,
            url=config.url,
            status=status,
            attempt=attempt,
            outcome=outcome,
        )

    async def retry_now(self, delivery: Delivery) -> None:
        """A manual retry: the stored event goes straight back to the forward queue."""
        await self._publisher.publish_raw(
            delivery.event,
            exchange="",
            routing_key=self._topology.name(Queue.WEBHOOK_FORWARD),
            message_id=f"{delivery.id}:manual",
            headers={ATTEMPT_HEADER: 1, DELIVERY_HEADER: delivery.id},
        )

    async def _schedule(
        self, body: dict[str, Any], delivery_id: str, attempt: int, delay: int
    ) -> None:
        queue = self._topology.delay_queue(Queue.WEBHOOK_FORWARD, delay)
        await self._publisher.publish_raw(
            body,
            exchange="",
            routing_key=str(queue.name),
            message_id=f"{delivery_id}:{attempt}",
            headers={ATTEMPT_HEADER: attempt, DELIVERY_HEADER: delivery_id},
        )


def _already_done(existing: Delivery, attempt: int) -> bool:
    """A redelivered message whose attempt was already made (or whose delivery ended)."""
    return existing.status == "delivered" or existing.attempts >= attempt


def _int_header(message: RabbitMessage, name: str, default: int) -> int:
    value = (message.headers or {}).get(name, default)
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default
