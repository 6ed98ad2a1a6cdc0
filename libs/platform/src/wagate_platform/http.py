"""HTTP middleware: the correlation id from ``X-Request-ID``, the round-trip origin,
request metrics, and inside them the edge guard (``wagate_platform.edge``: the request
deadline, 503 for outages, a 500 that keeps the connection open)."""

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import Histogram

from wagate_platform.edge import DEFAULT_REQUEST_TIMEOUT_S, EdgeGuard
from wagate_platform.logging import correlation_id_var, new_correlation_id
from wagate_platform.origin import HttpOrigin, reset_origin, set_origin

REQUEST_ID_HEADER = "X-Request-ID"
HTTP_LATENCY = Histogram(
    "wagate_http_request_seconds",
    "HTTP request latency by route and status",
    ["method", "route", "status"],
)


def _route_of(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "path", "unmatched")


def install_http_middleware(
    app: FastAPI, request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S
) -> None:
    app.add_middleware(EdgeGuard, timeout_s=request_timeout_s)

    @app.middleware("http")
    async def correlation(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")[:128]
        cid = incoming if incoming.isprintable() and incoming else new_correlation_id()
        token = correlation_id_var.set(cid)
        where = set_origin(HttpOrigin(request.scope))
        started = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            reset_origin(where)
            correlation_id_var.reset(token)
        HTTP_LATENCY.labels(request.method, _route_of(request), str(response.status_code)).observe(
            time.perf_counter() - started
        )
        response.headers[REQUEST_ID_HEADER] = cid
        return response
