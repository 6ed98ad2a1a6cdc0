"""Fixtures for webhook-svc tests: the app over ASGI, an event tap on the broker, signing."""

import asyncio
import contextlib
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import aio_pika
import httpx
import pytest
from fastapi import FastAPI
from wagate_contracts import MessageSent, SessionCreated
from wagate_contracts.envelope import utc_now
from wagate_contracts.names import EVENTS_EXCHANGE
from wagate_platform.auth import issue_jwt
from wagate_platform.runtime import ServiceRuntime
from wagate_testing.apps import app_client, runtime_of
from wagate_testing.waiting import eventually
from webhook_svc.app import create_app
from webhook_svc.service.directory import Directory
from webhook_svc.settings import WebhookSettings

FIXTURES = Path(__file__).parent / "fixtures"
HMAC_KEY = "test-waha-hmac-key-0123456789"
META_SECRET = "test-meta-app-secret-0123456789"
META_VERIFY = "test-meta-verify-token-0123"
WHAPI_TOKEN = "test-whapi-token-0123456789"
SHARED = "test-shared-secret-0123456789"
JWT_SECRET = "test-jwt-secret-0123456789abcdef"
MARKER = "test.marker"

DEFAULTS: dict[str, Any] = {
    "provider_webhook_hmac_key": HMAC_KEY,
    "meta_app_secret": META_SECRET,
    "meta_verify_token": META_VERIFY,
    "whapi_token": WHAPI_TOKEN,
    "webhook_shared_secret": SHARED,
    "auth_jwt_secret": JWT_SECRET,
    "directory_refresh_s": 0.2,
    "webhook_retry_delays_ms": (50, 100, 200),
    "webhook_timeout_s": 2.0,
    "webhook_allow_private_targets": True,
    "ingest_publish_timeout_s": 3.0,
}


class EventTap:
    """Every event webhook-svc published to the test's events exchange, in order."""

    def __init__(self, url: str, exchange: str) -> None:
        self._url = url
        self._exchange_name = exchange
        self.events: list[dict[str, Any]] = []
        self._markers: dict[str, asyncio.Event] = {}
        self._connection: aio_pika.abc.AbstractConnection | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None

    async def start(self) -> None:
        self._connection = await aio_pika.connect(self._url)
        channel = await self._connection.channel()
        self._exchange = await channel.get_exchange(self._exchange_name, ensure=False)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(self._exchange, routing_key="#")
        await queue.consume(self._on_message, no_ack=True)

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        if message.routing_key == MARKER:
            self._markers[message.body.decode()].set()
            return
        event = json.loads(message.body)
        if event.get("producer") == "webhook-svc":  # not what the tests themselves seed
            self.events.append(event)

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event_type") == event_type]

    async def wait_for(
        self, event_type: str, count: int = 1, timeout_s: float = 10
    ) -> list[dict[str, Any]]:
        async def probe() -> list[dict[str, Any]] | None:
            found = self.of_type(event_type)
            return found if len(found) >= count else None

        return await eventually(probe, timeout_s=timeout_s, what=f"{count} {event_type}")

    async def drain(self) -> None:
        """Wait until everything published before now has reached the tap (FIFO marker)."""
        assert self._exchange is not None
        token = uuid4().hex
        self._markers[token] = asyncio.Event()
        await self._exchange.publish(aio_pika.Message(token.encode()), routing_key=MARKER)
        await asyncio.wait_for(self._markers[token].wait(), timeout=10)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()


@dataclass
class Harness:
    app: FastAPI
    client: httpx.AsyncClient
    tap: EventTap
    settings: WebhookSettings
    counter: dict[str, int] = field(default_factory=dict)

    @property
    def runtime(self) -> ServiceRuntime:
        return runtime_of(self.app)

    @property
    def directory(self) -> Directory:
        directory: Directory = self.app.state.container.directory
        return directory

    @contextlib.contextmanager
    def commands(self) -> Iterator[list[tuple[str, str]]]:
        """Record the MongoDB commands (name, collection) sent while the block runs."""
        counter = self.runtime.mongo_commands
        seen: list[tuple[str, str]] = []
        original = counter.started

        def started(event: Any) -> None:
            seen.append((event.command_name, str(event.command.get(event.command_name))))
            original(event)

        counter.started = started  # type: ignore[method-assign]
        try:
            yield seen
        finally:
            counter.started = original  # type: ignore[method-assign]

    def jwt(self, user_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_jwt(user_id, 'customer', JWT_SECRET)}"}

    async def seed_session(
        self,
        user_id: str,
        session_id: str,
        provider_session: str,
        provider: str = "sandbox",
        phone: str | None = None,
    ) -> None:
        await self.runtime.publisher.publish(
            SessionCreated(
                producer="session-svc",
                user_id=user_id,
                session_id=session_id,
                name=session_id,
                status="connected",
                provider=provider,
                provider_session=provider_session,  # type: ignore[arg-type]
                phone_number=phone,
            )
        )
        await eventually(
            lambda: _ready(self.directory.session(provider_session)), what="session mapping"
        )

    async def seed_sent(
        self,
        user_id: str,
        message_id: str,
        session_id: str,
        provider: str,
        provider_message_id: str,
    ) -> None:
        await self.runtime.publisher.publish(
            MessageSent(
                producer="sender-svc",
                user_id=user_id,
                message_id=message_id,
                session_id=session_id,
                provider=provider,  # type: ignore[arg-type]
                provider_message_id=provider_message_id,
                to="6281234567890",
                sent_at=utc_now(),
            )
        )
        await eventually(
            lambda: _ready(self.directory.message(provider, provider_message_id)),
            what="message mapping",
        )

    async def post(
        self, provider: str, body: bytes, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.client.post(
            f"/v1/webhooks/{provider}", content=body, headers=headers or signed(provider, body)
        )


async def _ready(value: object) -> object:
    return value


def signed(provider: str, body: bytes) -> dict[str, str]:
    """The headers a genuine provider would send with ``body``."""
    headers = {"Content-Type": "application/json"}
    if provider in ("waha", "sandbox"):
        headers["X-Webhook-Hmac"] = hmac.new(HMAC_KEY.encode(), body, hashlib.sha512).hexdigest()
        headers["X-Webhook-Hmac-Algorithm"] = "sha512"
    elif provider == "meta":
        digest = hmac.new(META_SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature-256"] = f"sha256={digest}"
    elif provider == "whapi":
        headers["Authorization"] = f"Bearer {WHAPI_TOKEN}"
    else:
        headers["X-Webhook-Secret"] = SHARED
    return headers


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    return lambda name: (FIXTURES / name).read_bytes()


@pytest.fixture
def fixture_json() -> Callable[[str], dict[str, Any]]:
    return lambda name: json.loads((FIXTURES / name).read_text())


@pytest.fixture
def sign() -> Callable[[str, bytes], dict[str, str]]:
    return signed


@pytest.fixture
def webhook_service(make_settings, janitor, rabbitmq_url):  # type: ignore[no-untyped-def]
    """``async with webhook_service(**overrides) as svc``: the running app and an event tap."""

    @contextlib.asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Harness]:
        settings = make_settings(WebhookSettings, **{**DEFAULTS, **overrides})
        app = create_app(settings)
        async with app_client(app, janitor) as client:
            tap = EventTap(rabbitmq_url, f"{settings.amqp_namespace}{EVENTS_EXCHANGE}")
            await tap.start()
            try:
                yield Harness(app, client, tap, settings)
            finally:
                await tap.close()

    return start
