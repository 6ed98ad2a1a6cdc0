"""The whole platform in one test process, with a fault proxy in front of MongoDB and
another in front of RabbitMQ, and a steady send load to run through an outage.

The proxies (``wagate_testing.fault_proxy``) are the only thing a fault test touches:
the shared broker and database are never stopped or restarted.
"""

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest_asyncio
from billing_svc.app import create_app as create_billing
from billing_svc.settings import BillingSettings
from fastapi import FastAPI
from provider_sandbox.app import create_app as create_sandbox
from provider_sandbox.settings import SandboxSettings
from sender_svc.app import create_app as create_sender
from sender_svc.settings import SenderSettings
from session_svc.app import create_app as create_session
from session_svc.settings import SessionSettings
from stats_svc.app import create_app as create_stats
from stats_svc.settings import StatsSettings
from wagate_platform.auth import issue_jwt
from wagate_platform.runtime import ServiceRuntime
from wagate_testing.apps import runtime_of, served
from wagate_testing.dlq import dead_lettered
from wagate_testing.fault_proxy import FaultProxy, fault_proxy
from wagate_testing.waiting import eventually
from webhook_svc.app import create_app as create_webhook
from webhook_svc.settings import WebhookSettings

SECRET = "faults-jwt-secret-0123456789-abcdefghij"
HMAC_KEY = "faults-provider-hmac-key-0123456789"
SERVICES = ("billing", "sessions", "sender", "stats", "webhook")


def bearer(user_id: str, role: str = "customer") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_jwt(user_id, role, SECRET)}"}  # type: ignore[arg-type]


@dataclass
class Platform:
    urls: dict[str, str]
    apps: dict[str, FastAPI]
    sandbox_url: str
    mongo: FaultProxy
    broker: FaultProxy
    rabbitmq_url: str
    queues: Callable[[], frozenset[str]]
    http: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=30))

    bearer = staticmethod(bearer)

    def load(self, api: dict[str, str], interval_s: float = 0.2, clients: int = 2) -> "SendLoad":
        return SendLoad(self, api, interval_s=interval_s, clients=clients)

    def url(self, service: str, path: str) -> str:
        return self.urls[service] + path

    def runtime(self, service: str) -> ServiceRuntime:
        return runtime_of(self.apps[service])

    async def ready(self, service: str) -> bool:
        return (await self.http.get(self.url(service, "/readyz"))).status_code == 200

    async def all_ready(self) -> bool:
        return all(await asyncio.gather(*(self.ready(s) for s in SERVICES)))

    async def onboard(self, user: str, sessions: int = 3) -> dict[str, str]:
        """An enterprise customer with ``sessions`` connected sessions; its API key headers."""
        customer, admin = bearer(user), bearer("faults-admin", "admin")
        ends_at = (datetime.now(UTC) + timedelta(days=30)).isoformat()
        put = await self.http.put(
            self.url("billing", f"/v1/users/{user}/subscription"),
            json={"plan_id": "enterprise", "ends_at": ends_at},
            headers=admin,
        )
        assert put.status_code == 200, put.text

        async def plan_known() -> bool:
            got = await self.http.get(self.url("sessions", "/v1/sessions"), headers=customer)
            return got.json()["subscription"]["max_sessions"] == 10

        await eventually(plan_known, timeout_s=30, what="session-svc to learn the plan")
        for n in range(sessions):
            created = await self.http.post(
                self.url("sessions", "/v1/sessions"), json={"name": f"s{n}"}, headers=customer
            )
            assert created.status_code == 201, created.text
            session_id = created.json()["id"]
            connect = self.url("sessions", f"/v1/sessions/{session_id}/connect")
            assert (await self.http.post(connect, headers=customer)).status_code in (200, 202)
            scan = f"{self.sandbox_url}/control/sessions/{session_id}/scan"
            assert (await self.http.post(scan, json={})).status_code == 200
        key = await self.http.post(self.url("billing", "/v1/api-keys"), headers=customer)
        api = {"X-Api-Key": key.json()["api_key"]}
        sender_sessions = self.runtime("sender").db["sessions"]

        async def sender_ready() -> bool:
            limit = await self.http.get(self.url("sender", "/v1/rate-limit"), headers=api)
            connected = {"user_id": user, "status": "connected"}
            return limit.status_code == 200 and (
                await sender_sessions.count_documents(connected) == sessions
            )

        await eventually(sender_ready, timeout_s=30, what="sender-svc to know key and sessions")
        return api

    async def sandbox_texts(self, session_ids: list[str]) -> Counter[str]:
        """How often the provider received each text, over the given sessions."""
        texts: Counter[str] = Counter()
        for session_id in session_ids:
            sent = await self.http.get(f"{self.sandbox_url}/control/sessions/{session_id}/sent")
            if sent.status_code == 404:
                continue  # never started at the provider: it sent nothing
            assert sent.status_code == 200, sent.text
            for message in sent.json():
                texts[str(message["request"].get("text"))] += 1
        return texts

    async def dead_lettered(self) -> dict[str, int]:
        """Messages in every DLQ this platform declared (empty means none)."""
        return await dead_lettered(self.rabbitmq_url, self.queues())


@dataclass
class SendLoad:
    """Messages sent at a steady pace by a few concurrent clients; every answer kept."""

    platform: Platform
    api: dict[str, str]
    interval_s: float = 0.2
    clients: int = 2
    accepted: dict[str, str] = field(default_factory=dict)  # message id -> text
    answers: Counter[int] = field(default_factory=Counter)
    slow: list[float] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _n: int = 0

    async def _client(self) -> None:
        while not self._stop.is_set():
            self._n += 1
            text = f"load {self._n}"
            started = time.monotonic()
            try:
                got = await self.platform.http.post(
                    self.platform.url("sender", "/v1/messages"),
                    json={"to": f"+62 812-3000-{self._n:04d}", "type": "text", "text": text},
                    headers=self.api,
                )
            except httpx.HTTPError:
                self.answers[0] += 1
            else:
                self.answers[got.status_code] += 1
                if got.status_code == 202:
                    self.accepted[got.json()["id"]] = text
                elif got.status_code == 503:
                    assert got.headers.get("Retry-After"), got.text
                    assert got.json()["error"] in ("database_unavailable", "broker_unavailable")
            elapsed = time.monotonic() - started
            if elapsed > 12:
                self.slow.append(elapsed)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.interval_s)

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._client()) for _ in range(self.clients)]

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)


@pytest_asyncio.fixture(loop_scope="session")
async def platform(make_settings, janitor, rabbitmq_url, mongodb_url) -> AsyncIterator[Platform]:
    async with contextlib.AsyncExitStack() as stack:
        mongo, mongo_url = await stack.enter_async_context(fault_proxy(mongodb_url))
        broker, broker_url = await stack.enter_async_context(fault_proxy(rabbitmq_url))
        common: dict[str, Any] = {
            "auth_jwt_secret": SECRET,
            "provider_webhook_hmac_key": HMAC_KEY,
            "mongodb_url": mongo_url,
            "rabbitmq_url": broker_url,
            "mongodb_timeout_ms": 2000,
            "amqp_retry_delays_ms": (500, 1_000, 2_000, 4_000),
        }
        webhook = create_webhook(make_settings(WebhookSettings, **common))
        urls = {"webhook": await stack.enter_async_context(served(webhook))}
        sandbox_settings = SandboxSettings(webhook_attempts=20, webhook_retry_delay_ms=2_000)
        sandbox_url = await stack.enter_async_context(served(create_sandbox(sandbox_settings)))
        provider = {"provider": "sandbox", "provider_url": sandbox_url}
        apps: dict[str, FastAPI] = {
            "webhook": webhook,
            "billing": create_billing(make_settings(BillingSettings, **common)),
            "sessions": create_session(
                make_settings(
                    SessionSettings, public_webhook_base_url=urls["webhook"], **provider, **common
                )
            ),
            "sender": create_sender(
                make_settings(
                    SenderSettings,
                    pacing_interval_ms=20,
                    pacing_jitter_ratio=0,
                    wait_delays_ms=(100, 250),
                    **provider,
                    **common,
                )
            ),
            "stats": create_stats(make_settings(StatsSettings, **common)),
        }
        for name in ("billing", "sessions", "sender", "stats"):
            urls[name] = await stack.enter_async_context(served(apps[name]))
        for app in apps.values():
            janitor.track_runtime(runtime_of(app))
        http = await stack.enter_async_context(httpx.AsyncClient(timeout=30))
        yield Platform(
            urls=urls,
            apps=apps,
            sandbox_url=sandbox_url,
            mongo=mongo,
            broker=broker,
            rabbitmq_url=rabbitmq_url,
            queues=lambda: janitor.queues,
            http=http,
        )
