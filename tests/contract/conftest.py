"""The whole platform served on real ports (five services and the provider sandbox, real
broker and database) for the contract tests, with real credentials and real resources.

The platform is module scoped: starting it takes seconds, fuzzing each service runs
against the same one. ``Platform.ids`` holds ids of resources that exist (a session,
a group, a message, a campaign) so generated requests can also reach existing ones.
"""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

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
from wagate_testing.apps import runtime_of, served
from wagate_testing.cleanup import Janitor
from wagate_testing.plugin import SettingsFactory
from wagate_testing.waiting import eventually
from webhook_svc.app import create_app as create_webhook
from webhook_svc.settings import WebhookSettings

SECRET = "contract-jwt-secret-0123456789-abcdefghij"
SHARED = "contract-shared-secret-0123456789"
CUSTOMER = "contract-customer"
ADMIN = "contract-admin"


def bearer(user_id: str, role: str = "customer") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_jwt(user_id, role, SECRET)}"}  # type: ignore[arg-type]


@dataclass
class Platform:
    urls: dict[str, str]
    apps: dict[str, FastAPI]
    sandbox_url: str
    api_key: str
    ids: dict[str, str] = field(default_factory=dict)

    def identities(self, service: str) -> dict[str, dict[str, str]]:
        """The credentials a caller of ``service`` may hold (each request draws one)."""
        who = {"customer": bearer(CUSTOMER), "admin": bearer(ADMIN, "admin")}
        if service == "sender-svc":
            who["api_key"] = {"X-Api-Key": self.api_key}
        if service == "webhook-svc":
            who["shared_secret"] = {"X-Webhook-Secret": SHARED}
        return who


async def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 300, f"{response.request.url}: {response.text}"
    body: dict[str, Any] = response.json() if response.content else {}
    return body


async def _seed(platform: Platform) -> None:
    """A customer with a subscription, an API key, two sessions, a group, a message, a campaign."""
    customer = bearer(CUSTOMER)
    async with contextlib.AsyncExitStack() as stack:
        http = {
            name: await stack.enter_async_context(httpx.AsyncClient(base_url=url, timeout=30))
            for name, url in platform.urls.items()
        }
        ends_at = (datetime.now(UTC) + timedelta(days=30)).isoformat()
        await _ok(
            await http["billing-svc"].put(
                f"/v1/users/{CUSTOMER}/subscription",
                json={"plan_id": "enterprise", "ends_at": ends_at},
                headers=bearer(ADMIN, "admin"),
            )
        )
        key = await _ok(await http["billing-svc"].post("/v1/api-keys", headers=customer))
        platform.api_key = key["api_key"]

        async def plan_known() -> bool:
            body = (await http["session-svc"].get("/v1/sessions", headers=customer)).json()
            return bool(body["subscription"]["max_sessions"] == 10)

        await eventually(plan_known, timeout_s=30, what="session-svc to learn the plan")
        sessions = [
            await _ok(await http["session-svc"].post("/v1/sessions", json={}, headers=customer))
            for _ in range(2)
        ]
        platform.ids["session_id"] = sessions[0]["id"]
        await _connect(platform, http["session-svc"], sessions[0]["id"])
        group = await _ok(
            await http["session-svc"].post(
                "/v1/session-groups",
                json={"name": "contract", "session_ids": [s["id"] for s in sessions]},
                headers=customer,
            )
        )
        platform.ids["group_id"] = group["id"]
        api = {"X-Api-Key": platform.api_key}

        async def sender_knows_key() -> bool:
            return (await http["sender-svc"].get("/v1/rate-limit", headers=api)).status_code == 200

        await eventually(sender_knows_key, timeout_s=30, what="sender-svc to learn the API key")
        text = {"type": "text", "text": "hello"}
        message = await _ok(
            await http["sender-svc"].post(
                "/v1/messages", json={"to": "6281234567890", **text}, headers=api
            )
        )
        platform.ids["message_id"] = message["id"]
        campaign = await _ok(
            await http["sender-svc"].post(
                "/v1/campaigns",
                json={"name": "c", "message": text, "recipients": ["6281234567891"]},
                headers=api,
            )
        )
        platform.ids["campaign_id"] = campaign["id"]
        platform.ids["user_id"] = CUSTOMER


async def _connect(platform: Platform, sessions: httpx.AsyncClient, session_id: str) -> None:
    """Connect a session for real (the sandbox's QR scan), known to sender-svc as connected."""
    customer = bearer(CUSTOMER)
    await _ok(await sessions.post(f"/v1/sessions/{session_id}/connect", headers=customer))
    async with httpx.AsyncClient(base_url=platform.sandbox_url) as sandbox:
        await _ok(await sandbox.post(f"/control/sessions/{session_id}/scan", json={}))
    sender_sessions = runtime_of(platform.apps["sender-svc"]).db["sessions"]

    async def connected() -> bool:
        found = await sender_sessions.count_documents({"_id": session_id, "status": "connected"})
        return found == 1

    await eventually(connected, timeout_s=30, what="sender-svc to see the session connected")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def platform(rabbitmq_url: str, mongodb_url: str) -> AsyncIterator[Platform]:
    janitor = Janitor(rabbitmq_url, mongodb_url)
    settings = SettingsFactory(rabbitmq_url, mongodb_url, f"test-{uuid4().hex[:10]}.", janitor)
    common = {"auth_jwt_secret": SECRET, "webhook_shared_secret": SHARED}
    try:
        async with contextlib.AsyncExitStack() as stack:
            webhook = create_webhook(settings(WebhookSettings, **common))
            webhook_url = await stack.enter_async_context(served(webhook))
            sandbox_url = await stack.enter_async_context(served(create_sandbox(SandboxSettings())))
            provider = {"provider": "sandbox", "provider_url": sandbox_url}
            apps = {
                "webhook-svc": webhook,
                "billing-svc": create_billing(settings(BillingSettings, **common)),
                "session-svc": create_session(
                    settings(
                        SessionSettings, public_webhook_base_url=webhook_url, **provider, **common
                    )
                ),
                "sender-svc": create_sender(settings(SenderSettings, **provider, **common)),
                "stats-svc": create_stats(settings(StatsSettings, **common)),
            }
            urls = {"webhook-svc": webhook_url}
            for name, app in apps.items():
                janitor.track_runtime(runtime_of(app))
                if name not in urls:
                    urls[name] = await stack.enter_async_context(served(app))
            platform = Platform(urls=urls, apps=apps, sandbox_url=sandbox_url, api_key="")
            await _seed(platform)
            yield platform
    finally:
        await janitor.clean()
