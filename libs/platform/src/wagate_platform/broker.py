"""RabbitMQ broker setup: confirms on, returns raised, topology declared at start."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from faststream.rabbit import Channel, RabbitBroker

from wagate_platform.settings import ServiceSettings
from wagate_platform.topology import RETRY_DELAY_HEADER, Topology


@dataclass(frozen=True)
class Binding:
    """A consumer queue and every routing key (topic pattern) it is bound by."""

    queue: str
    routing_keys: Sequence[str]
    delays_ms: Sequence[int] = field(default=())


def build_broker(settings: ServiceSettings) -> RabbitBroker:
    """A broker whose publishes are confirmed and whose unroutable publishes raise.

    Nothing connects here; the broker is started in the FastAPI lifespan.
    """
    return RabbitBroker(
        settings.rabbitmq_url,
        default_channel=Channel(
            prefetch_count=settings.amqp_prefetch,
            publisher_confirms=True,
            on_return_raises=True,
        ),
        app_id=settings.service_name,
        fail_fast=True,
        reconnect_interval=2.0,
        logger=None,
    )


def build_topology(settings: ServiceSettings) -> Topology:
    return Topology(namespace=settings.amqp_namespace, delivery_limit=settings.amqp_delivery_limit)


async def declare_topology(
    broker: RabbitBroker,
    topology: Topology,
    bindings: Sequence[Binding],
    retry_delays_ms: Sequence[int] = (),
) -> None:
    """Declare the exchanges, each queue's extra bindings, its DLQ and delay queues, and
    the shared outage-retry queues (one per delay, bound to ``wagate.retry`` by header).

    Called after ``broker.start()``: the subscriber has declared its queue with the
    first routing key; here the rest are bound, so a queue may take several types.
    """
    events = await broker.declare_exchange(topology.events_exchange)
    dlx = await broker.declare_exchange(topology.dead_letter_exchange)
    retry = await broker.declare_exchange(topology.retry_exchange)
    for delay in retry_delays_ms:
        holding = await broker.declare_queue(topology.retry_queue(delay))
        await holding.bind(retry, arguments={"x-match": "all", RETRY_DELAY_HEADER: f"{delay}ms"})
    for binding in bindings:
        dlq_spec = topology.dead_letter_queue(binding.queue)
        dlq = await broker.declare_queue(dlq_spec)
        await dlq.bind(dlx, routing_key=dlq_spec.routing_key)
        queue = await broker.declare_queue(topology.queue(binding.queue, binding.routing_keys[0]))
        for key in binding.routing_keys:
            await queue.bind(events, routing_key=key)
        for delay in binding.delays_ms:
            await broker.declare_queue(topology.delay_queue(binding.queue, delay))
