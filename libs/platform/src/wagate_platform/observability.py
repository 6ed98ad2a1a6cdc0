"""Operational endpoints: liveness, readiness, Prometheus metrics, AsyncAPI."""

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse, JSONResponse
from faststream.rabbit import RabbitBroker
from faststream.specification import AsyncAPI, get_asyncapi_html
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

ReadinessCheck = Callable[[], Awaitable[bool]]


def broker_check(broker: RabbitBroker, timeout_s: float = 2.0) -> ReadinessCheck:
    async def check() -> bool:
        try:
            return await broker.ping(timeout=timeout_s)
        except Exception:
            return False

    return check


def operational_router(checks: dict[str, ReadinessCheck], asyncapi: AsyncAPI) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

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
