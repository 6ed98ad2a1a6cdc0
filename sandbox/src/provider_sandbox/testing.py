"""Test helper: a real HTTP webhook receiver on a free 127.0.0.1 port.

    async with WebhookReceiver() as receiver:
        ...configure a sandbox session with receiver.url...
        hook = await receiver.next_event("session.status")

Every POST is kept (raw body and headers) in arrival order. ``fail_first`` makes the
first N requests answer 500, to exercise retries.
"""

import asyncio
import json
import socket
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import uvicorn
from fastapi import FastAPI, Request, Response


@dataclass(frozen=True)
class ReceivedWebhook:
    path: str
    headers: dict[str, str]
    """Lower-cased header names."""
    body: bytes

    def json(self) -> dict[str, Any]:
        data = json.loads(self.body)
        assert isinstance(data, dict)
        return data

    @property
    def event(self) -> str:
        return str(self.json().get("event"))


class WebhookReceiver:
    def __init__(self, fail_first: int = 0, startup_timeout_s: float = 5.0) -> None:
        self.received: asyncio.Queue[ReceivedWebhook] = asyncio.Queue()
        self.requests = 0
        self._fail_first = fail_first
        self._startup_timeout_s = startup_timeout_s
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/{path:path}")
        async def receive(path: str, request: Request) -> Response:
            self.requests += 1
            if self.requests <= self._fail_first:
                return Response(status_code=500)
            headers = {key.lower(): value for key, value in request.headers.items()}
            await self.received.put(ReceivedWebhook("/" + path, headers, await request.body()))
            return Response(status_code=200)

        return app

    async def __aenter__(self) -> Self:
        self._socket.bind(("127.0.0.1", 0))
        config = uvicorn.Config(self._app(), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        async with asyncio.timeout(self._startup_timeout_s):
            while not self._server.started:
                if self._task.done():
                    self._task.result()
                await asyncio.sleep(0.005)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            await asyncio.wait_for(self._task, timeout=5)
        self._socket.close()

    async def next(self, timeout: float = 5.0) -> ReceivedWebhook:
        """The next request received, waiting at most ``timeout`` seconds."""
        return await asyncio.wait_for(self.received.get(), timeout)

    async def next_event(
        self, event: str, timeout: float = 5.0, session: str | None = None
    ) -> ReceivedWebhook:
        """The next ``event`` (of ``session``); other requests on the way are discarded."""
        async with asyncio.timeout(timeout):
            while True:
                hook = await self.received.get()
                data = hook.json()
                if data.get("event") == event and session in (None, data.get("session")):
                    return hook

    def pending(self) -> list[ReceivedWebhook]:
        """Everything received and not taken yet (without waiting)."""
        items = []
        while not self.received.empty():
            items.append(self.received.get_nowait())
        return items
