"""Integration: while MongoDB is unreachable, every service answers 503 in the common format
(``database_unavailable``, ``Retry-After``) within the request deadline, and recovers.

Each service reaches the real MongoDB-wire server through a TCP proxy of this test: the
service starts normally (indexes, seeds), then the proxy closes (listener and live
connections) and the routes are called; the proxy then reopens on the same port.
"""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from billing_svc.app import create_app as create_billing
from billing_svc.settings import BillingSettings
from fastapi import FastAPI
from sender_svc.app import create_app as create_sender
from sender_svc.settings import SenderSettings
from stats_svc.app import create_app as create_stats
from stats_svc.settings import StatsSettings
from wagate_platform.auth import generate_api_key, issue_jwt
from wagate_platform.errors import RETRY_AFTER_S
from wagate_platform.settings import ServiceSettings
from wagate_testing.apps import app_client
from wagate_testing.infra import free_port
from wagate_testing.waiting import eventually
from webhook_svc.app import create_app as create_webhook
from webhook_svc.settings import WebhookSettings

pytestmark = [pytest.mark.integration, pytest.mark.asyncio, pytest.mark.timeout(90)]

SECRET = "outage-test-jwt-secret-0123456789abcdef"
DEADLINE_S = 4.0
USER = "outage-user"
Call = tuple[str, str, dict[str, Any] | None]


class TcpProxy:
    """A TCP relay to ``target`` on a fixed local port that can go away and come back."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def close(self) -> None:
        """Refuse new connections and reset the live ones (what a crashed server looks like)."""
        assert self._server is not None
        self._server.close()
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._links.update((writer, up_writer))
        await asyncio.gather(
            self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        finally:
            self._links.discard(writer)
            writer.transport.abort()


def _via(url: str, port: int) -> str:
    parts = urlsplit(url)
    userinfo, _, _ = parts.netloc.rpartition("@")
    netloc = f"{userinfo}@127.0.0.1:{port}" if userinfo else f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


@contextlib.asynccontextmanager
async def proxy_to(mongodb_url: str) -> AsyncIterator[TcpProxy]:
    parts = urlsplit(mongodb_url)
    proxy = TcpProxy((parts.hostname or "127.0.0.1", parts.port or 27017))
    await proxy.open()
    try:
        yield proxy
    finally:
        with contextlib.suppress(Exception):
            await proxy.close()


def bearer(user: str = USER, role: str = "customer") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_jwt(user, role, SECRET)}"}  # type: ignore[arg-type]


SERVICES: dict[str, tuple[type[ServiceSettings], Callable[[Any], FastAPI], list[Call]]] = {
    "billing-svc": (
        BillingSettings,
        create_billing,
        [("GET", "/v1/subscription", None), ("GET", f"/v1/users/{USER}/subscription", None)],
    ),
    "stats-svc": (
        StatsSettings,
        create_stats,
        [("GET", f"/v1/stats/users/{USER}", None), ("GET", f"/v1/stats/users/{USER}/daily", None)],
    ),
    "webhook-svc": (WebhookSettings, create_webhook, [("GET", "/v1/webhook-config", None)]),
    "sender-svc": (
        SenderSettings,
        create_sender,
        [
            ("GET", "/v1/rate-limit", None),
            ("POST", "/v1/messages", {"to": "6281234567890", "type": "text", "text": "hi"}),
        ],
    ),
}


def _headers(service: str, path: str) -> dict[str, str]:
    if service == "sender-svc" and path == "/v1/messages":
        return {"X-Api-Key": generate_api_key()}
    return bearer("root", "admin") if "/users/" in path and service == "billing-svc" else bearer()


@pytest.mark.parametrize("service", list(SERVICES))
async def test_routes_answer_503_while_mongodb_is_down(
    service, make_settings, janitor, mongodb_url
):
    settings_cls, create_app, calls = SERVICES[service]
    async with proxy_to(mongodb_url) as proxy:
        settings = make_settings(
            settings_cls,
            auth_jwt_secret=SECRET,
            mongodb_url=_via(mongodb_url, proxy.port),
            mongodb_timeout_ms=300,
            http_request_timeout_s=DEADLINE_S,
        )
        async with app_client(create_app(settings), janitor) as client:
            healthy = await client.get(calls[0][1], headers=_headers(service, calls[0][1]))
            assert healthy.status_code < 500, healthy.text  # webhook-config: 404, none set

            await proxy.close()
            for method, path, body in calls:
                started = time.monotonic()
                resp = await client.request(
                    method, path, json=body, headers=_headers(service, path)
                )
                elapsed = time.monotonic() - started
                assert resp.status_code == 503, f"{method} {path}: {resp.text}"
                assert resp.json() == {
                    "status": 503,
                    "error": "database_unavailable",
                    "message": resp.json()["message"],
                    "data": {"retry_after": RETRY_AFTER_S},
                }
                assert resp.headers["Retry-After"] == str(RETRY_AFTER_S)
                assert elapsed < DEADLINE_S, f"{method} {path} took {elapsed:.1f}s"

            await proxy.open()

            async def recovered() -> bool:
                path = calls[0][1]
                resp = await client.get(path, headers=_headers(service, path))
                return resp.status_code == healthy.status_code

            await eventually(recovered, timeout_s=20, what=f"{service} to recover")
