"""Fixtures for sender-svc: a served provider sandbox, sender apps, and a staged tenant.

``stage`` publishes the events other services would (``apikey.rotated``,
``subscription.updated``, ``session.created``) with a runtime publisher, creates the
matching WORKING sessions in the sandbox, and waits until sender-svc projected them.
"""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import uuid4

import aio_pika
import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from provider_sandbox.app import create_app as create_sandbox
from provider_sandbox.settings import SandboxSettings
from sender_svc.app import create_app
from sender_svc.settings import SenderSettings
from wagate_contracts.envelope import utc_now
from wagate_contracts.events import ApiKeyRotated, SessionCreated, SubscriptionUpdated
from wagate_platform.auth import generate_api_key, hash_api_key
from wagate_platform.runtime import ServiceRuntime
from wagate_testing.apps import app_client, runtime_of, served
from wagate_testing.waiting import eventually

FAST = {
    "pacing_interval_ms": 0,
    "pacing_jitter_ratio": 0.0,
    "wait_delays_ms": (100, 300),
    "max_wait_s": 20,
    "lease_s": 5,
    "provider_timeout_s": 2,
    "lease_margin_s": 0.5,
    "session_cooldown_s": 30,
    "campaign_poll_interval_s": 0.1,
    "relay_interval_s": 0.5,
    "relay_grace_s": 2,
    "status_retry_delay_ms": 200,
}


@dataclass
class Tenant:
    user_id: str
    api_key: str
    sessions: list[str]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Sandbox:
    url: str
    http: httpx.AsyncClient

    async def create_session(self, name: str) -> None:
        answer = await self.http.post("/api/sessions", json={"name": name, "start": True})
        assert answer.status_code == 201, answer.text

    async def sent(self, session: str) -> list[dict[str, Any]]:
        answer = await self.http.get(f"/control/sessions/{session}/sent")
        assert answer.status_code == 200, answer.text
        return list(answer.json())

    async def fail(self, session: str, kind: str, count: int | None = None) -> None:
        body: dict[str, Any] = {"kind": kind}
        if count:
            body["count"] = count
        answer = await self.http.put(f"/control/sessions/{session}/failures", json=body)
        assert answer.status_code == 200, answer.text


@pytest_asyncio.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    app = create_sandbox(SandboxSettings(auto_connect=True, auto_ack=False, api_key=None))
    async with served(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield Sandbox(url, http)


@pytest.fixture
def sender_settings(make_settings: Any, sandbox: Sandbox) -> Callable[..., SenderSettings]:
    def build(**overrides: Any) -> SenderSettings:
        values = {**FAST, "provider": "sandbox", "provider_url": sandbox.url, **overrides}
        settings: SenderSettings = make_settings(SenderSettings, **values)
        return settings

    return build


@pytest_asyncio.fixture
async def sender_app(
    sender_settings: Callable[..., SenderSettings], janitor: Any
) -> AsyncIterator[Callable[..., Any]]:
    """``async with sender_app(**overrides) as (app, client)``: a running sender-svc."""
    async with contextlib.AsyncExitStack() as stack:

        @contextlib.asynccontextmanager
        async def start(**overrides: Any) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
            app = create_app(sender_settings(**overrides))
            async with app_client(app, janitor) as client:
                yield app, client

        yield start
        await stack.aclose()


async def stage_tenant(
    runtime: ServiceRuntime,
    sandbox: Sandbox,
    *,
    sessions: int = 1,
    daily_limit: int | None = None,
    plan_daily_limit: int | None = 1000,
    rate_limit: int = 1000,
    status: str = "active",
    ends_in: timedelta | None = timedelta(days=30),
) -> Tenant:
    user = f"usr_{uuid4().hex[:8]}"
    key = generate_api_key()
    publish = runtime.publisher.publish
    await publish(
        ApiKeyRotated(
            producer="billing-svc",
            user_id=user,
            key_hash=hash_api_key(key),
            prefix=key[:12],
            rotated_at=utc_now(),
        )
    )
    await subscribe(
        runtime,
        user,
        status=status,
        plan_daily_limit=plan_daily_limit,
        rate_limit=rate_limit,
        ends_in=ends_in,
    )
    names = [f"ses_{uuid4().hex[:10]}" for _ in range(sessions)]
    for index, name in enumerate(names):
        await sandbox.create_session(name)
        await publish(
            SessionCreated(
                producer="session-svc",
                user_id=user,
                session_id=name,
                name=f"s{index}",
                is_default=index == 0,
                daily_limit=daily_limit,
                status="connected",
                provider="sandbox",
                provider_session=name,
            )
        )
    db = runtime.db

    async def projected() -> bool:
        account = await db["accounts"].find_one(
            {"_id": user, "key_hash": {"$exists": True}, "sub": {"$exists": True}}
        )
        count = await db["sessions"].count_documents({"user_id": user, "status": "connected"})
        return account is not None and count == sessions

    await eventually(projected, timeout_s=15, what="the tenant's projections")
    return Tenant(user, key, names, {"X-Api-Key": key})


async def subscribe(
    runtime: ServiceRuntime,
    user: str,
    *,
    status: str = "active",
    plan_daily_limit: int | None = 1000,
    rate_limit: int = 1000,
    ends_in: timedelta | None = timedelta(days=30),
) -> None:
    now = utc_now()
    await runtime.publisher.publish(
        SubscriptionUpdated(
            producer="billing-svc",
            user_id=user,
            plan_id="pro",
            plan_name="Pro",
            status=status,
            starts_at=now - timedelta(days=1),
            ends_at=now + ends_in if ends_in else None,
            max_sessions=10,
            daily_limit_per_session=plan_daily_limit,
            rate_limit_per_minute=rate_limit,
        )
    )


class EventTap:
    """Every ``message.*`` event sender-svc publishes, read from a queue of the test's own."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def of(self, event_type: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event_type"] == event_type]

    async def wait_for(
        self, event_type: str, count: int, timeout_s: float = 20
    ) -> list[dict[str, Any]]:
        async def probe() -> list[dict[str, Any]] | None:
            found = self.of(event_type)
            return found if len(found) >= count else None

        return await eventually(probe, timeout_s=timeout_s, what=f"{count} {event_type}")


@pytest_asyncio.fixture
async def event_tap(rabbitmq_url: str, janitor: Any) -> AsyncIterator[Callable[..., Any]]:
    """``tap = await event_tap(runtime)``: start collecting that runtime's message events."""
    async with contextlib.AsyncExitStack() as stack:
        connection = await stack.enter_async_context(await aio_pika.connect(rabbitmq_url))

        async def start(runtime: ServiceRuntime) -> EventTap:
            tap = EventTap()
            channel = await connection.channel()
            name = runtime.topology.name(f"test.tap.{uuid4().hex[:6]}")
            janitor.track_queue(name)
            queue = await channel.declare_queue(name, durable=False, auto_delete=True)
            exchange = await channel.get_exchange(str(runtime.topology.events_exchange.name))
            await queue.bind(exchange, routing_key="message.*")

            async def collect(message: aio_pika.abc.AbstractIncomingMessage) -> None:
                async with message.process():
                    tap.events.append(json.loads(message.body))

            await queue.consume(collect)
            return tap

        yield start
        await asyncio.sleep(0)


@pytest.fixture
def stage() -> Callable[..., Any]:
    return stage_tenant


async def wait_status(
    client: httpx.AsyncClient,
    tenant: Tenant,
    message_id: str,
    statuses: tuple[str, ...],
    timeout_s: float = 20,
) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        answer = await client.get(f"/v1/messages/{message_id}", headers=tenant.headers)
        body: dict[str, Any] = answer.json()
        return body if body.get("status") in statuses else None

    return await eventually(probe, timeout_s=timeout_s, what=f"{message_id} in {statuses}")


@pytest.fixture
def until_status() -> Callable[..., Any]:
    return wait_status


__all__ = ["Sandbox", "Tenant", "runtime_of"]
