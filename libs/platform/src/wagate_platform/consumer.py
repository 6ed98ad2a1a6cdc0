"""Subscribing handlers: parse the envelope, bind the correlation id, retry by reject.

A handler that raises has its message rejected with requeue, which counts
towards the quorum queue's delivery limit; past the limit RabbitMQ dead-letters
it to ``<queue>.dlq``. A message that cannot be parsed at all goes there at once.
Handlers must be idempotent on ``event_id``: delivery is at least once.
"""

import json
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.exceptions import RejectMessage
from faststream.middlewares import AckPolicy
from faststream.rabbit import RabbitBroker, RabbitMessage
from prometheus_client import Counter
from pydantic import ValidationError

from wagate_platform.broker import Binding
from wagate_platform.logging import correlation_id_var, get_logger
from wagate_platform.origin import reset_origin, set_origin
from wagate_platform.publisher import CORRELATION_HEADER
from wagate_platform.topology import Topology

log = get_logger(__name__)

CONSUMED = Counter(
    "wagate_events_consumed_total", "Messages handled, by queue and outcome", ["queue", "outcome"]
)

Handler = Callable[[Any, RabbitMessage], Awaitable[Any]]
Parser = Callable[[dict[str, Any]], Any]


class PoisonMessage(Exception):
    """Raised by a parser or handler for a message that can never succeed."""


def subscribe(
    broker: RabbitBroker,
    topology: Topology,
    binding: Binding,
    parse: Parser,
    handler: Handler,
) -> None:
    """Register ``handler`` for ``binding.queue``; its return value is the RPC reply."""
    queue = topology.queue(binding.queue, binding.routing_keys[0])
    origin = f"amqp:{binding.queue}"

    @broker.subscriber(
        queue,
        topology.events_exchange,
        ack_policy=AckPolicy.REJECT_ON_ERROR,
        title=binding.queue,
    )
    async def _on_message(message: RabbitMessage) -> Any:
        headers = message.headers or {}
        cid = str(headers.get(CORRELATION_HEADER) or message.correlation_id or "")
        token = correlation_id_var.set(cid)
        where = set_origin(origin)
        try:
            return await _handle(binding.queue, message, parse, handler)
        finally:
            reset_origin(where)
            correlation_id_var.reset(token)


async def _handle(queue: str, message: RabbitMessage, parse: Parser, handler: Handler) -> Any:
    try:
        event = parse(json.loads(message.body))
    except (ValueError, ValidationError, PoisonMessage) as exc:
        CONSUMED.labels(queue, "poison").inc()
        log.error("message_unparseable", queue=queue, error=str(exc)[:500])
        raise RejectMessage(requeue=False) from exc
    try:
        result = await handler(event, message)
    except PoisonMessage as exc:
        CONSUMED.labels(queue, "poison").inc()
        log.error("message_poison", queue=queue, error=str(exc)[:500])
        raise RejectMessage(requeue=False) from exc
    except Exception as exc:
        CONSUMED.labels(queue, "retry").inc()
        log.warning(
            "handler_failed",
            queue=queue,
            error_type=type(exc).__name__,
            error=str(exc)[:500],
            redelivered=message.raw_message.redelivered,
        )
        raise RejectMessage(requeue=True) from exc
    CONSUMED.labels(queue, "ok").inc()
    return result
