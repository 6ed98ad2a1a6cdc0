"""The edge guard: every HTTP request gets an answer in the common format, in time.

A pure ASGI middleware between the correlation middleware and the routes:

- An exception no handler took is answered here (503 for an outage, else a 500) instead
  of in Starlette's ``ServerErrorMiddleware``, which re-raises and so makes the server
  drop the keep-alive connection.
- A request that has not started its answer within ``timeout_s`` is answered 503
  ``service_unavailable`` with ``Retry-After``. The handler is *not* cancelled: it runs
  on until it ends by its own timeouts (MongoDB's, the provider's), and whatever it sends
  then is dropped. Cancelling it could stop a write or a provider call half way (a
  message the provider accepted but nobody recorded); detached, it completes or fails
  whole. Once an answer has started (a streamed body, Server-Sent Events) the deadline no
  longer applies.
"""

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wagate_platform.errors import error_response, exception_response, unavailable
from wagate_platform.logging import get_logger

DEFAULT_REQUEST_TIMEOUT_S = 10.0
log = get_logger(__name__)


class _Exchange:
    """One request's answer channel: forwards the handler's messages until abandoned."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = asyncio.Event()
        self.abandoned = False

    async def send(self, message: Message) -> None:
        if self.abandoned:
            return  # the client already has its 503
        if message["type"] == "http.response.start":
            self.started.set()
        await self._send(message)


class EdgeGuard:
    def __init__(self, app: ASGIApp, timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S) -> None:
        self.app = app
        self.timeout_s = timeout_s
        self._detached: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exchange = _Exchange(send)
        handler = asyncio.create_task(self._handle(scope, receive, exchange))
        started = asyncio.create_task(exchange.started.wait())
        try:
            await asyncio.wait(
                {handler, started}, timeout=self.timeout_s, return_when="FIRST_COMPLETED"
            )
            if handler.done() or exchange.started.is_set():
                await handler  # finished, or streaming: no deadline any more
                return
        except asyncio.CancelledError:
            handler.cancel()  # the server gave up on this request
            raise
        finally:
            started.cancel()
        exchange.abandoned = True
        self._detach(handler, scope)
        log.warning("request_deadline_exceeded", timeout_s=self.timeout_s, path=scope["path"])
        message = f"the request did not complete within {self.timeout_s:g} s, retry later"
        await error_response(unavailable("service_unavailable", message))(scope, receive, send)

    async def _handle(self, scope: Scope, receive: Receive, exchange: _Exchange) -> None:
        try:
            await self.app(scope, receive, exchange.send)
        except Exception as exc:
            if exchange.started.is_set():
                raise  # the status line is gone: nothing better can be sent
            response = exception_response(exc)  # logged here, even when abandoned
            await response(scope, receive, exchange.send)

    def _detach(self, handler: asyncio.Task[None], scope: Scope) -> None:
        self._detached.add(handler)
        path = scope["path"]

        def finished(task: asyncio.Task[None]) -> None:
            self._detached.discard(task)
            failure = None if task.cancelled() else task.exception()
            outcome = "cancelled" if task.cancelled() else "failed" if failure else "done"
            log.info("request_finished_after_deadline", path=path, outcome=outcome)

        handler.add_done_callback(finished)
