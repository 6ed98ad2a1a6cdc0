"""Subscribing handlers: parse the envelope, bind the correlation id, wait out outages.

What happens to a message whose handler raises depends on why
(:mod:`wagate_platform.faults`):

- an outage (MongoDB or the broker unreachable, a timeout): the message goes on a
  retry delay queue with backoff (:mod:`wagate_platform.outage_retry`) and the
  delivery is acknowledged, so it does not spend the delivery limit. A request
  (``reply_to`` set) is not retried: its caller has stopped waiting by then.
- anything else (a bug): rejected with requeue, which counts towards the quorum
  queue's delivery limit; past it RabbitMQ dead-letters it to ``<queue>.dlq``.
- a message that cannot be parsed, or a :class:`PoisonMessage`: to the DLQ at once.

A handler's return value is the RPC reply, published without ``mandatory``: a
Direct Reply-To pseudo-queue is reported unroutable by the broker even when the
caller receives the reply, and a caller that has gone is no error either.
Handlers must be idempotent on ``event_id``: delivery is at least once.
"""

import json
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.exceptions import RejectMessage
from faststream.middlewares import AckPolicy
from faststream.rabbit import RabbitBroker, RabbitMessage, RabbitResponse
from prometheus_client import Counter
from pydantic import ValidationError
from wagate_contracts.envelope import Event
from wagate_contracts.registry import parse_event

from wagate_platform.broker import Binding
from wagate_platform.faults import classify
from wagate_platform.logging import correlation_id_var, get_logger
from wagate_platform.origin import reset_origin, set_origin
from wagate_platform.outage_retry import OutageRetry
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


def parse_as(*types: type[Event]) -> Parser:
    """A parser for a queue that only takes ``types``: any other event is poison, so the
    handler can be typed with the event it takes instead of checking ``isinstance``."""

    def parse(body: dict[str, Any]) -> Event:
        event = parse_event(body)
        if not isinstance(event, types):
            raise PoisonMessage(f"unexpected {type(event).__name__} on this queue")
        return event

    return parse


def subscribe(
    broker: RabbitBroker,
    topology: Topology,
    binding: Binding,
    parse: Parser,
    handler: Handler,
    retry: OutageRetry,
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
            result = await _handle(binding.queue, message, parse, handler, retry)
        finally:
            reset_origin(where)
            correlation_id_var.reset(token)
        if not message.reply_to:
            return result
        return RabbitResponse(
            result, mandatory=False, persist=False, correlation_id=message.correlation_id
        )


async def _handle(
    queue: str, message: RabbitMessage, parse: Parser, handler: Handler, retry: OutageRetry
) -> Any:
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
        fault = classify(exc)
        if fault is not None and await _wait_out(queue, message, retry, exc, fault):
            return None
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


async def _wait_out(
    queue: str, message: RabbitMessage, retry: OutageRetry, exc: Exception, fault: str
) -> bool:
    """True when the outage is handled here (deferred, or a request dropped)."""
    if message.reply_to:
        CONSUMED.labels(queue, "request_dropped").inc()
        log.warning("request_dropped_outage", queue=queue, fault=fault, error=str(exc)[:300])
        return True
    try:
        delay_ms = await retry.defer(message, queue)
    except Exception as publish_exc:
        log.warning("outage_retry_unpublished", queue=queue, error=str(publish_exc)[:300])
        return False
    if delay_ms is None:
        log.error("outage_budget_spent", queue=queue, fault=fault, error=str(exc)[:300])
        return False
    CONSUMED.labels(queue, "outage_retry").inc()
    log.warning(
        "handler_outage_retry",
        queue=queue,
        fault=fault,
        delay_ms=delay_ms,
        error_type=type(exc).__name__,
        error=str(exc)[:300],
    )
    return True
