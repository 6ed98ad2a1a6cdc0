"""A minimal service for plumbing tests: one test event type and one queue."""

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from faststream.rabbit import RabbitMessage
from wagate_contracts.envelope import Event
from wagate_platform.broker import Binding
from wagate_platform.runtime import ServiceRuntime, build_service_app
from wagate_platform.settings import ServiceSettings


class PingEvent(Event):
    EVENT_TYPE = "test.ping"
    n: int


def parse_ping(body: dict[str, Any]) -> PingEvent:
    return PingEvent.model_validate(body, strict=False)


def make_service(
    settings: ServiceSettings,
    *,
    queue: str | None = None,
    handler: Callable[[Any, RabbitMessage], Awaitable[Any]] | None = None,
    routing_keys: tuple[str, ...] = ("test.#",),
    uses_outbox: bool = True,
) -> FastAPI:
    runtime = ServiceRuntime.create(settings, default_database="wagate_test")
    if queue and handler:
        runtime.subscribe(Binding(queue, routing_keys), parse_ping, handler)
    return build_service_app(
        runtime, title=settings.service_name, description="test service", uses_outbox=uses_outbox
    )
