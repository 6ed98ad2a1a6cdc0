"""Subscribers of sender-svc: dispatch, receipts and the projections it keeps.

Each queue takes only its event types (``parse_as``: any other is dead-lettered), so
every handler is typed with the event it takes.
"""

from faststream.rabbit import RabbitMessage
from wagate_contracts.events import (
    ApiKeyRotated,
    MessageRequested,
    MessageStatus,
    SessionCreated,
    SessionDeleted,
    SessionStatusChanged,
    SessionUpdated,
    SubscriptionUpdated,
)
from wagate_contracts.names import Queue, RoutingKey
from wagate_platform.broker import Binding
from wagate_platform.consumer import parse_as
from wagate_platform.runtime import ServiceRuntime

from sender_svc.domain.retry_headers import attempt_in, tried_in
from sender_svc.service.container import Container
from sender_svc.service.projections import ProjectedEvent

PROJECTED = (
    RoutingKey.APIKEY_ROTATED,
    RoutingKey.SUBSCRIPTION_UPDATED,
    RoutingKey.SESSION_CREATED,
    RoutingKey.SESSION_UPDATED,
    RoutingKey.SESSION_DELETED,
    RoutingKey.SESSION_STATUS_CHANGED,
)
PROJECTED_TYPES = (
    ApiKeyRotated,
    SubscriptionUpdated,
    SessionCreated,
    SessionUpdated,
    SessionDeleted,
    SessionStatusChanged,
)


def attempt_of(message: RabbitMessage) -> int:
    return attempt_in(message.headers)


def tried_of(message: RabbitMessage) -> list[str]:
    return tried_in(message.headers)


def register(runtime: ServiceRuntime, container: Container) -> None:
    settings = container.settings

    async def on_message_requested(event: MessageRequested, message: RabbitMessage) -> None:
        await container.dispatcher.handle(event, attempt_of(message), tried_of(message))

    async def on_message_status(event: MessageStatus, message: RabbitMessage) -> None:
        await container.receipts.handle(event, attempt_of(message))

    async def on_projected(event: ProjectedEvent, _: RabbitMessage) -> None:
        await container.projections.apply(event)

    runtime.subscribe(
        Binding(Queue.SENDER_DISPATCH, [RoutingKey.MESSAGE_REQUESTED], settings.wait_delays_ms),
        parse_as(MessageRequested),
        on_message_requested,
    )
    runtime.subscribe(
        Binding(
            Queue.SENDER_STATUS, [RoutingKey.MESSAGE_STATUS], (settings.status_retry_delay_ms,)
        ),
        parse_as(MessageStatus),
        on_message_status,
    )
    runtime.subscribe(
        Binding(Queue.SENDER_PROJECTIONS, list(PROJECTED)),
        parse_as(*PROJECTED_TYPES),
        on_projected,
    )
