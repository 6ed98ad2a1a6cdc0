"""Subscribers: every event goes through the batcher; its ack waits for the batch's commit."""

from typing import Any, Final

from faststream.rabbit import RabbitMessage
from wagate_contracts import Queue, RoutingKey
from wagate_contracts.envelope import Event
from wagate_contracts.registry import parse_event
from wagate_platform.broker import Binding
from wagate_platform.runtime import ServiceRuntime

from stats_svc.service.batching import Batcher

MESSAGE_EVENTS: Final = Binding(
    Queue.STATS_MESSAGES,
    (
        RoutingKey.MESSAGE_REQUESTED,
        RoutingKey.MESSAGE_SENT,
        RoutingKey.MESSAGE_FAILED,
        RoutingKey.MESSAGE_STATUS,
        RoutingKey.MESSAGE_RECEIVED,
    ),
)
SESSION_EVENTS: Final = Binding(
    Queue.STATS_SESSIONS,
    (
        RoutingKey.SESSION_CREATED,
        RoutingKey.SESSION_UPDATED,
        RoutingKey.SESSION_DELETED,
        RoutingKey.SESSION_STATUS_CHANGED,
    ),
)


def parse(body: dict[str, Any]) -> Event:
    return parse_event(body)


def register_subscribers(runtime: ServiceRuntime, batcher: Batcher[Event]) -> None:
    """Both queues feed one batcher: a handler returns (and its message is acked)
    only once the batch holding its event is committed; if the write fails the
    handler raises and the message is requeued."""

    async def handle(event: Event, _: RabbitMessage) -> None:
        await batcher.submit(event)

    runtime.subscribe(MESSAGE_EVENTS, parse, handle)
    runtime.subscribe(SESSION_EVENTS, parse, handle)
