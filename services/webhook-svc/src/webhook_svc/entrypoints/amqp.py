"""Subscriber registration (thin): projections and customer webhook forwarding.

Each queue's parser takes only the event types bound to it (any other is poison), and
each type goes to its own typed handler.
"""

from collections.abc import Mapping
from typing import Any

from faststream.rabbit import RabbitMessage
from wagate_contracts import (
    MessageReceived,
    MessageSent,
    MessageStatus,
    SessionCreated,
    SessionDeleted,
    SessionStatusChanged,
    SessionUpdated,
)
from wagate_contracts.envelope import Event
from wagate_contracts.names import Queue, RoutingKey
from wagate_platform.broker import Binding
from wagate_platform.consumer import Handler, Parser, parse_as
from wagate_platform.runtime import ServiceRuntime

from webhook_svc.service.container import Container

PROJECTION_KEYS = (
    RoutingKey.SESSION_CREATED,
    RoutingKey.SESSION_UPDATED,
    RoutingKey.SESSION_DELETED,
    RoutingKey.MESSAGE_SENT,
    RoutingKey.MESSAGE_RECEIVED,
)
FORWARD_KEYS = (
    RoutingKey.MESSAGE_RECEIVED,
    RoutingKey.MESSAGE_STATUS,
    RoutingKey.SESSION_STATUS_CHANGED,
)


def by_type(handlers: Mapping[type[Event], Handler]) -> tuple[Parser, Handler]:
    """A parser taking only ``handlers``' event types, and a handler dispatching on it."""

    async def dispatch(event: Event, message: RabbitMessage) -> Any:
        return await handlers[type(event)](event, message)

    return parse_as(*handlers), dispatch


def register(runtime: ServiceRuntime, container: Container) -> None:
    projector, forwarder = container.projector, container.forwarder
    runtime.subscribe(
        Binding(Queue.WEBHOOK_PROJECTIONS, PROJECTION_KEYS),
        *by_type(
            {
                SessionCreated: projector.on_session_snapshot,
                SessionUpdated: projector.on_session_snapshot,
                SessionDeleted: projector.on_session_deleted,
                MessageSent: projector.on_message_sent,
                MessageReceived: projector.on_message_received,
            }
        ),
    )
    delays = tuple(sorted(set(container.settings.webhook_retry_delays_ms)))
    runtime.subscribe(
        Binding(Queue.WEBHOOK_FORWARD, FORWARD_KEYS, delays_ms=delays),
        *by_type(
            {
                MessageReceived: forwarder.on_message_received,
                MessageStatus: forwarder.forward,
                SessionStatusChanged: forwarder.forward,
            }
        ),
    )
