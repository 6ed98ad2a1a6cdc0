"""HTTP middleware: the correlation id from ``X-Request-ID``, the round-trip origin,
request metrics, and the edge guard (request deadline, 503 for outages, a 500 that keeps
the connection open)."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wagate_platform.errors import RETRY_AFTER_S, error_response, exception_response, unavailable
from wagate_platform.logging import correlation_id_var, get_logger, new_correlation_id
from wagate_platform.origin import HttpOrigin, reset_origin, set_origin

DEFAULT_REQUEST_TIMEOUT_S = 10.0
REQUEST_ID_HEADER = "X-Request-ID"
HTTP_LATENCY = Histogram(
    "wagate_http_request_seconds",
    "HTTP request latency by route and status",
    ["method", "route", "status"],
)
log = get_logger(__name__)


def _route_of(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "path", "unmatched")


class EdgeGuard:
    """Pure ASGI middleware between the correlation middleware and the routes.

    - The request must start its answer within ``timeout_s``, else it is cancelled and
      answered 503 ``service_unavailable``. Once the answer has started (a streamed body,
      Server-Sent Events) the deadline no longer applies.
    - An exception no handler took is answered here (503 for an outage, else a 500 in the
      common format) instead of in Starlette's ``ServerErrorMiddleware``, which re-raises
      and so makes the server drop the keep-alive connection.
    """

    def __init__(self, app: ASGIApp, timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        deadline = asyncio.timeout(self.timeout_s)

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                deadline.reschedule(None)
            await send(message)

        try:
            async with deadline:
                await self.app(scope, receive, guarded_send)
        except Exception as exc:  # the deadline's TimeoutError included
            if started:
                raise  # the status line is gone: nothing better can be sent
            failure = exc
        else:
            return
        if deadline.expired():
            log.warning("request_deadline_exceeded", timeout_s=self.timeout_s, path=scope["path"])
            message = f"the request did not complete within {self.timeout_s:g} s, retry later"
            response = error_response(unavailable("service_unavailable", message, RETRY_AFTER_S))
        else:
            response = exception_response(failure)
        await response(scope, receive, send)


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
