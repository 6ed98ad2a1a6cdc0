"""The platform slice session-svc needs, for real: billing-svc and session-svc on the
real broker and database, the provider sandbox on a real port, and an event tap.

``StatusRelay`` stands in for webhook-svc (built elsewhere): it receives the
sandbox's signed ``session.status`` webhooks at PUBLIC_WEBHOOK_BASE_URL and
publishes them as ``session.status_reported``, exactly what webhook-svc does.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from billing_svc.app import create_app as create_billing
from billing_svc.settings import BillingSettings
from fastapi import FastAPI
from provider_sandbox.app import create_app as create_sandbox
from provider_sandbox.settings import SandboxSettings
from provider_sandbox.testing import WebhookReceiver
from session_svc.app import create_app as create_session_app
from session_svc.settings import SessionSettings
from wagate_contracts import SessionStatusReported
from wagate_platform.auth import issue_jwt
from wagate_platform.runtime import ServiceRuntime
from wagate_providers.waha import normalize_status
from wagate_testing.apps import app_client, runtime_of, served
from wagate_testing.event_tap import EventTap
from wagate_testing.waiting import eventually

SECRET = "test-secret-for-session-svc-0123456789"
HMAC_KEY = "test-hmac-key-0123456789abcdef"


def auth(user_id: str, role: str = "customer") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_jwt(user_id, role, SECRET)}"}  # type: ignore[arg-type]


ADMIN = auth("admin-1", "admin")


class StatusRelay:
    """Turns the sandbox's session.status webhooks into session.status_reported events."""

    def __init__(self, tap: EventTap) -> None:
        self.runtime: ServiceRuntime | None = None
        self._tap = tap
        self.receiver = WebhookReceiver()
        self.on_status: Callable[[str, str], Any] | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.receiver.port}"

    async def __aenter__(self) -> "StatusRelay":
        await self.receiver.__aenter__()
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.receiver.__aexit__(None, None, None)

    async def _run(self) -> None:
        while True:
            hook = await self.receiver.received.get()
            body = hook.json()
            if body.get("event") != "session.status":
                continue
            name, raw = body["session"], body["payload"]["status"]
            created = await self._tap.next(
                "session.created", lambda b, n=name: b["provider_session"] == n
            )
            me = body.get("me") or {}
            phone = str(me.get("id", "")).partition("@")[0] or None
            assert self.runtime is not None
            await self.runtime.publisher.publish(
                SessionStatusReported(
                    producer="webhook-svc",
                    user_id=created["user_id"],
                    provider="sandbox",
                    provider_session=name,
                    session_id=created["session_id"],
                    status=normalize_status(raw),
                    raw_status=raw,
                    reported_at=datetime.fromtimestamp(body["timestamp"] / 1000, UTC),
                    phone_number=phone if raw == "WORKING" else None,
                )
            )
            if self.on_status is not None:
                await self.on_status(name, raw)


@dataclass
class Stack:
    billing: httpx.AsyncClient
    api: httpx.AsyncClient
    session_app: FastAPI
    billing_app: FastAPI
    sandbox: httpx.AsyncClient
    tap: EventTap
    relay: StatusRelay

    @staticmethod
    def auth(user_id: str, role: str = "customer") -> dict[str, str]:
        return auth(user_id, role)

    admin = ADMIN

    @property
    def runtime(self) -> ServiceRuntime:
        return runtime_of(self.session_app)

    async def subscribe(
        self, user_id: str, plan: str = "basic", ends_in: timedelta = timedelta(days=30)
    ) -> None:
        """Assign a plan in billing and wait until session-svc has learned it."""
        ends_at = (datetime.now(UTC) + ends_in).isoformat()
        answer = await self.billing.put(
            f"/v1/users/{user_id}/subscription",
            json={"plan_id": plan, "ends_at": ends_at},
            headers=ADMIN,
        )
        assert answer.status_code == 200, answer.text

        async def learned() -> bool:
            body = (await self.api.get("/v1/sessions", headers=auth(user_id))).json()
            return body["subscription"]["plan_name"] == answer.json()["plan"]["name"]

        await eventually(learned, what=f"session-svc to learn {user_id}'s plan")

    async def create(self, user_id: str, **body: Any) -> httpx.Response:
        return await self.api.post("/v1/sessions", json=body, headers=auth(user_id))


StackFactory = Callable[..., contextlib.AbstractAsyncContextManager[Stack]]


@pytest.fixture
def stack_factory(make_settings, janitor, rabbitmq_url, amqp_namespace) -> StackFactory:
    @contextlib.asynccontextmanager
    async def start(
        *, with_billing: bool = True, sandbox: SandboxSettings | None = None, **overrides: Any
    ) -> AsyncIterator[Stack]:
        async with contextlib.AsyncExitStack() as stack:
            tap = await stack.enter_async_context(EventTap(rabbitmq_url, amqp_namespace))
            sandbox_url = await stack.enter_async_context(
                served(create_sandbox(sandbox or SandboxSettings()))
            )
            billing_app = create_billing(
                make_settings(BillingSettings, auth_jwt_secret=SECRET, expiry_sweep_interval_s=0.5)
            )
            billing = (
                await stack.enter_async_context(app_client(billing_app, janitor))
                if with_billing
                else httpx.AsyncClient(base_url="http://billing-down")
            )
            session_settings: dict[str, Any] = {
                "auth_jwt_secret": SECRET,
                "provider": "sandbox",
                "provider_url": sandbox_url,
                "provider_webhook_hmac_key": HMAC_KEY,
                "billing_timeout_s": 2.0,
                "reconnect_base_delay_ms": 50,
                **overrides,
            }
            relay = await stack.enter_async_context(StatusRelay(tap))
            session_app = create_session_app(
                make_settings(
                    SessionSettings, public_webhook_base_url=relay.base_url, **session_settings
                )
            )
            relay.runtime = runtime_of(session_app)
            api = await stack.enter_async_context(app_client(session_app, janitor))
            control = await stack.enter_async_context(httpx.AsyncClient(base_url=sandbox_url))
            yield Stack(billing, api, session_app, billing_app, control, tap, relay)

    return start


@pytest_asyncio.fixture(loop_scope="session")
async def stack(stack_factory: StackFactory) -> AsyncIterator[Stack]:
    async with stack_factory() as running:
        yield running
