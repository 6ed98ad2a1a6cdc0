"""Subscribers of sender-svc: dispatch, receipts and the projections it keeps."""

from typing import Any

from faststream.rabbit import RabbitMessage
from wagate_contracts.envelope import Event
from wagate_contracts.events import MessageRequested, MessageStatus
from wagate_contracts.names import Queue, RoutingKey
from wagate_contracts.registry import parse_event
from wagate_platform.broker import Binding
from wagate_platform.consumer import PoisonMessage
from wagate_platform.runtime import ServiceRuntime

from sender_svc.domain.retry_headers import attempt_in, tried_in
from sender_svc.service.container import Container

PROJECTED = (
    RoutingKey.APIKEY_ROTATED,
    RoutingKey.SUBSCRIPTION_UPDATED,
    RoutingKey.SESSION_CREATED,
    RoutingKey.SESSION_UPDATED,
    RoutingKey.SESSION_DELETED,
    RoutingKey.SESSION_STATUS_CHANGED,
)


def attempt_of(message: RabbitMessage) -> int:
    return attempt_in(message.headers)


def tried_of(message: RabbitMessage) -> list[str]:
    return tried_in(message.headers)


def register(runtime: ServiceRuntime, container: Container) -> None:
    services = container
    settings = services.settings

    async def dispatch(event: Any, message: RabbitMessage) -> None:
        if not isinstance(event, MessageRequested):
            raise PoisonMessage(f"unexpected {type(event).__name__} on the dispatch queue")
        await services.dispatcher.handle(event, attempt_of(message), tried_of(message))

    async def receipt(event: Any, message: RabbitMessage) -> None:
        if not isinstance(event, MessageStatus):
            raise PoisonMessage(f"unexpected {type(event).__name__} on the status queue")
        await services.receipts.handle(event, attempt_of(message))

    async def project(event: Any, message: RabbitMessage) -> None:
        assert isinstance(event, Event)
        await services.projections.apply(event)

    runtime.subscribe(
        Binding(Queue.SENDER_DISPATCH, [RoutingKey.MESSAGE_REQUESTED], settings.wait_delays_ms),
        parse_event,
        dispatch,
    )
    runtime.subscribe(
        Binding(
            Queue.SENDER_STATUS, [RoutingKey.MESSAGE_STATUS], (settings.status_retry_delay_ms,)
        ),
        parse_event,
        receipt,
    )
    runtime.subscribe(Binding(Queue.SENDER_PROJECTIONS, list(PROJECTED)), parse_event, project)
