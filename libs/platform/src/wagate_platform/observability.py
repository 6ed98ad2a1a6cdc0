"""Operational endpoints: liveness, readiness, Prometheus metrics, AsyncAPI."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse, JSONResponse
from faststream.rabbit import RabbitBroker
from faststream.specification import AsyncAPI, get_asyncapi_html
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, generate_latest

ReadinessCheck = Callable[[], Awaitable[bool]]

CONSUMER_UP = Gauge(
    "wagate_consumer_up",
    "1 while this process consumes the queue, 0 while its consumer is missing "
    "(after a broker connection loss, until the channel and consumer are restored)",
    ["queue"],
)


def _consuming(subscriber: Any) -> bool:
    """Whether the subscriber's consumer is registered on a live channel right now.

    Reads aio-pika's state: the consumer tag must be among the open AMQP channel's
    consumers (after a reconnection the new channel has none until it re-consumes).
    """
    queue = getattr(subscriber, "_queue_obj", None)
    tag = getattr(subscriber, "_consumer_tag", None)
    if queue is None or tag is None:
        return False
    try:
        channel = queue.channel
        if channel.is_closed:
            return False
        return tag in channel._channel.channel.consumers
    except Exception:
        return False


def consumers_check(broker: RabbitBroker) -> ReadinessCheck:
    """Ready only while every subscriber of the process consumes; sets ``wagate_consumer_up``."""

    async def check() -> bool:
        ready = True
        for subscriber in broker.subscribers:
            name = str(getattr(getattr(subscriber, "queue", None), "name", "?"))
            up = _consuming(subscriber)
            CONSUMER_UP.labels(name).set(1 if up else 0)
            ready = ready and up
        return ready

    return check


def broker_check(broker: RabbitBroker, timeout_s: float = 2.0) -> ReadinessCheck:
    async def check() -> bool:
        try:
            return await broker.ping(timeout=timeout_s)
        except Exception:
            return False

    return check


def operational_router(
    checks: dict[str, ReadinessCheck],
    asyncapi: AsyncAPI,
    liveness: dict[str, ReadinessCheck] | None = None,
) -> APIRouter:
    router = APIRouter(tags=["operations"])
    alive_checks = liveness or {}

    @router.get("/healthz")
    async def healthz() -> JSONResponse:
        """The process is alive: 503 when it is wedged (restart it), not when a dependency
        is down (that is /readyz)."""
        names = list(alive_checks)
        results = await asyncio.gather(*(alive_checks[name]() for name in names))
        if all(results):
            return JSONResponse({"status": "ok"})
        failing = [name for name, ok in zip(names, results, strict=True) if not ok]
        return JSONResponse({"status": "wedged", "failing": failing}, status_code=503)

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        """The broker and MongoDB are reachable; 503 otherwise."""
        names = list(checks)
        results = await asyncio.gather(*(checks[name]() for name in names))
        status = {
            name: "ok" if ok else "unavailable" for name, ok in zip(names, results, strict=True)
        }
        ready = all(results)
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": status},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics")
    async def metrics() -> Response:
        """Prometheus metrics of this process."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @router.get("/asyncapi.json")
    async def asyncapi_json() -> Response:
        """The AsyncAPI document of this service's queues and events."""
        return Response(asyncapi.to_specification().to_json(), media_type="application/json")

    @router.get("/asyncapi", response_class=HTMLResponse)
    async def asyncapi_html() -> str:
        return get_asyncapi_html(asyncapi.to_specification())

    return router
