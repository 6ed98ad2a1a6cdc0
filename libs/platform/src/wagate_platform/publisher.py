"""Publishing events: persistent, confirmed, mandatory, with the correlation id."""

from typing import Any

from faststream.rabbit import RabbitBroker
from prometheus_client import Counter
from wagate_contracts.envelope import Event

from wagate_platform.logging import get_correlation_id
from wagate_platform.origin import current_origin
from wagate_platform.topology import Topology

PUBLISHED = Counter(
    "wagate_events_published_total",
    "Events confirmed by the broker, by routing key and origin (wagate_platform.origin)",
    ["event_type", "origin"],
)
CORRELATION_HEADER = "x-correlation-id"


class EventPublisher:
    """Publishes contract events to ``wagate.events`` under their type as routing key.

    A publish that the broker does not confirm, or cannot route, raises: the
    caller decides whether to fail the request or leave it to the outbox.
    """

    def __init__(self, broker: RabbitBroker, topology: Topology, producer: str) -> None:
        self._broker = broker
        self._topology = topology
        self.producer = producer
        self.count = 0

    def stamp(self, event: Event) -> Event:
        """Fill the envelope's producer and correlation id when the caller left them blank."""
        updates: dict[str, Any] = {}
        if not event.correlation_id:
            updates["correlation_id"] = get_correlation_id()
        if not event.producer:
            updates["producer"] = self.producer
        return event.model_copy(update=updates) if updates else event

    async def publish(
        self, event: Event, *, headers: dict[str, Any] | None = None, timeout: float = 10.0
    ) -> None:
        await self.publish_raw(
            event.model_dump(mode="json"),
            routing_key=event.event_type,
            message_id=str(event.event_id),
            correlation_id=event.correlation_id or get_correlation_id(),
            headers=headers,
            timeout=timeout,
        )

    async def publish_raw(
        self,
        body: dict[str, Any],
        *,
        routing_key: str,
        message_id: str,
        correlation_id: str = "",
        exchange: str | None = None,
        headers: dict[str, Any] | None = None,
        timeout: float = 10.0,
    ) -> None:
        """Publish a JSON body; ``exchange=""`` targets a queue by name (delay queues)."""
        cid = correlation_id or get_correlation_id()
        await self._broker.publish(
            body,
            exchange=self._topology.events_exchange if exchange is None else exchange,
            routing_key=routing_key,
            persist=True,
            mandatory=True,
            message_id=message_id,
            correlation_id=cid or None,
            headers={CORRELATION_HEADER: cid, **(headers or {})},
            content_type="application/json",
            timeout=timeout,
        )
        self.count += 1
        PUBLISHED.labels(routing_key, current_origin()).inc()
