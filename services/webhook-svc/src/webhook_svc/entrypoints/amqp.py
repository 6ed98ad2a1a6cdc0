"""Subscriber registration (thin): projections and customer webhook forwarding."""

from wagate_contracts.names import Queue, RoutingKey
from wagate_contracts.registry import parse_event
from wagate_platform.broker import Binding
from wagate_platform.runtime import ServiceRuntime

from webhook_svc.service.forwarding import Forwarder
from webhook_svc.service.projections import Projector

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


def register_subscribers(
    runtime: ServiceRuntime, projector: Projector, forwarder: Forwarder, delays_ms: tuple[int, ...]
) -> None:
    runtime.subscribe(
        Binding(Queue.WEBHOOK_PROJECTIONS, PROJECTION_KEYS), parse_event, projector.handle
    )
    runtime.subscribe(
        Binding(Queue.WEBHOOK_FORWARD, FORWARD_KEYS, delays_ms=tuple(sorted(set(delays_ms)))),
        parse_event,
        forwarder.handle,
    )
