"""Fixtures: fresh sandbox apps driven in-process, and a real webhook receiver."""

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
import pytest_asyncio
from provider_sandbox.app import create_app
from provider_sandbox.settings import SandboxSettings
from provider_sandbox.testing import WebhookReceiver

HMAC_KEY = "sandbox-test-secret"

ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]
MakeSession = Callable[..., Awaitable[dict[str, Any]]]


@pytest_asyncio.fixture
async def client_factory(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ClientFactory]:
    """``await client_factory(**settings)``: a client on a new sandbox app with those settings.

    ``SANDBOX_*`` variables of the environment are ignored, so only the test decides.
    """
    for name in list(os.environ):
        if name.upper().startswith("SANDBOX_"):
            monkeypatch.delenv(name)
    async with AsyncExitStack() as stack:

        async def build(**overrides: Any) -> httpx.AsyncClient:
            values: dict[str, Any] = {
                "api_key": None,
                "auto_connect": False,
                "webhook_url": None,
                "webhook_retry_delay_ms": 10,
                "random_seed": 7,
                **overrides,
            }
            app = create_app(SandboxSettings(**values))
            stack.push_async_callback(app.state.sandbox.aclose)
            transport = httpx.ASGITransport(app=app)
            client = httpx.AsyncClient(transport=transport, base_url="http://sandbox")
            return await stack.enter_async_context(client)

        yield build


@pytest_asyncio.fixture
async def client(client_factory: ClientFactory) -> httpx.AsyncClient:
    return await client_factory()


@pytest.fixture
def hmac_key() -> str:
    return HMAC_KEY


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with WebhookReceiver() as receiver:
        yield receiver


@pytest_asyncio.fixture
async def make_session(client: httpx.AsyncClient, receiver: WebhookReceiver) -> MakeSession:
    """Create a session whose webhooks go to ``receiver`` (HMAC-signed), scanned to WORKING
    unless ``working=False``. The set-up's session.status events are consumed."""

    async def make(
        name: str, *, working: bool = True, events: tuple[str, ...] = ("*",)
    ) -> dict[str, Any]:
        statuses = "*" in events or "session.status" in events
        webhook = {"url": receiver.url, "events": list(events), "hmac": {"key": HMAC_KEY}}
        body = {"name": name, "start": True, "config": {"webhooks": [webhook]}}
        created = await client.post("/api/sessions", json=body)
        assert created.status_code == 201, created.text
        if statuses:
            for expected in ("STARTING", "SCAN_QR_CODE"):
                hook = await receiver.next_event("session.status", session=name)
                assert hook.json()["payload"]["status"] == expected
        if not working:
            return dict(created.json())
        scanned = await client.post(f"/control/sessions/{name}/scan", json={})
        assert scanned.status_code == 200, scanned.text
        if statuses:
            hook = await receiver.next_event("session.status", session=name)
            assert hook.json()["payload"]["status"] == "WORKING"
        return dict(scanned.json())

    return make
