"""Subscribers: every event goes through the batcher; its ack waits for the batch's commit."""

from typing import Final

from faststream.rabbit import RabbitMessage
from wagate_contracts import (
    MessageFailed,
    MessageReceived,
    MessageRequested,
    MessageSent,
    MessageStatus,
    Queue,
    RoutingKey,
    SessionCreated,
    SessionDeleted,
    SessionStatusChanged,
    SessionUpdated,
)
from wagate_contracts.envelope import Event
from wagate_platform.broker import Binding
from wagate_platform.consumer import parse_as
from wagate_platform.runtime import ServiceRuntime

from stats_svc.service.container import Container

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
parse_message_event: Final = parse_as(
    MessageRequested, MessageSent, MessageFailed, MessageStatus, MessageReceived
)
parse_session_event: Final = parse_as(
    SessionCreated, SessionUpdated, SessionDeleted, SessionStatusChanged
)


def register(runtime: ServiceRuntime, container: Container) -> None:
    """Both queues feed one batcher: a handler returns (and its message is acked)
    only once the batch holding its event is committed; if the write fails the
    handler raises and the message is requeued."""

    async def on_event(event: Event, _: RabbitMessage) -> None:
        await container.batcher.submit(event)

    runtime.subscribe(MESSAGE_EVENTS, parse_message_event, on_event)
    runtime.subscribe(SESSION_EVENTS, parse_session_event, on_event)
