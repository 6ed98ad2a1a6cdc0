"""End to end: all five services and the provider sandbox over the real broker and
database, driven only through the public HTTP APIs (issue 6's scenario).

The only direct look inside a service is a readiness wait (has sender-svc's
projection seen the three connected sessions?), never an assertion.
"""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from billing_svc.app import create_app as create_billing
from billing_svc.settings import BillingSettings
from provider_sandbox.app import create_app as create_sandbox
from provider_sandbox.settings import SandboxSettings
from sender_svc.app import create_app as create_sender
from sender_svc.settings import SenderSettings
from session_svc.app import create_app as create_session
from session_svc.settings import SessionSettings
from stats_svc.app import create_app as create_stats
from stats_svc.settings import StatsSettings
from wagate_platform.auth import issue_jwt
from wagate_testing.apps import app_client, runtime_of, served
from wagate_testing.dlq import dead_lettered
from wagate_testing.waiting import eventually
from webhook_svc.app import create_app as create_webhook
from webhook_svc.settings import WebhookSettings

pytestmark = [pytest.mark.integration, pytest.mark.asyncio, pytest.mark.timeout(240)]

SECRET = "e2e-jwt-secret-0123456789-abcdefghij"
HMAC_KEY = "e2e-provider-hmac-key-0123456789"
USER = "e2e-customer"


def bearer(user_id: str, role: str = "customer") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_jwt(user_id, role, SECRET)}"}  # type: ignore[arg-type]


@dataclass
class Platform:
    billing: httpx.AsyncClient
    sessions: httpx.AsyncClient
    sender: httpx.AsyncClient
    stats: httpx.AsyncClient
    sandbox: httpx.AsyncClient
    sender_runtime: Any
    dead_letters: Any


@pytest_asyncio.fixture(loop_scope="session")
async def platform(make_settings, janitor, rabbitmq_url) -> AsyncIterator[Platform]:
    common = {"auth_jwt_secret": SECRET, "provider_webhook_hmac_key": HMAC_KEY}
    async with contextlib.AsyncExitStack() as stack:
        webhook_app = create_webhook(make_settings(WebhookSettings, **common))
        janitor.track_runtime(runtime_of(webhook_app))
        webhook_url = await stack.enter_async_context(served(webhook_app))
        sandbox_url = await stack.enter_async_context(served(create_sandbox(SandboxSettings())))
        provider = {"provider": "sandbox", "provider_url": sandbox_url}
        apps = {
            "billing": create_billing(make_settings(BillingSettings, **common)),
            "sessions": create_session(
                make_settings(
                    SessionSettings, public_webhook_base_url=webhook_url, **provider, **common
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
        clients = {
            name: await stack.enter_async_context(app_client(app, janitor))
            for name, app in apps.items()
        }
        control = await stack.enter_async_context(httpx.AsyncClient(base_url=sandbox_url))
        yield Platform(
            billing=clients["billing"],
            sessions=clients["sessions"],
            sender=clients["sender"],
            stats=clients["stats"],
            sandbox=control,
            sender_runtime=runtime_of(apps["sender"]),
            dead_letters=lambda: dead_lettered(rabbitmq_url, janitor.queues),
        )


async def test_customer_journey_across_all_services(platform: Platform):
    admin, customer = bearer("e2e-admin", "admin"), bearer(USER)

    # 1. an admin assigns the basic plan
    ends_at = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    assigned = await platform.billing.put(
        f"/v1/users/{USER}/subscription",
        json={"plan_id": "basic", "ends_at": ends_at},
        headers=admin,
    )
    assert assigned.status_code == 200, assigned.text

    async def plan_known() -> bool:
        body = (await platform.sessions.get("/v1/sessions", headers=customer)).json()
        return body["subscription"]["max_sessions"] == 3

    await eventually(plan_known, what="session-svc to learn the plan")

    # 2. three sessions, and a fourth refused with the plan details
    session_ids = []
    for name in ("alpha", "beta", "gamma"):
        created = await platform.sessions.post(
            "/v1/sessions", json={"name": name}, headers=customer
        )
        assert created.status_code == 201, created.text
        session_ids.append(created.json()["id"])
    refused = await platform.sessions.post("/v1/sessions", json={"name": "delta"}, headers=customer)
    assert refused.status_code == 403
    assert refused.json()["error"] == "session_limit_reached"
    assert refused.json()["data"]["max_sessions"] == 3
    assert refused.json()["data"]["sessions_used"] == 3
    assert refused.json()["data"]["plan_name"]

    # 3. connect through the sandbox (scan the QR), and rotate an API key
    for session_id in session_ids:
        connected = await platform.sessions.post(
            f"/v1/sessions/{session_id}/connect", headers=customer
        )
        assert connected.status_code in (200, 202), connected.text
        scanned = await platform.sandbox.post(f"/control/sessions/{session_id}/scan", json={})
        assert scanned.status_code == 200, scanned.text

    async def all_connected() -> bool:
        body = (await platform.sessions.get("/v1/sessions", headers=customer)).json()
        return sorted(s["status"] for s in body["sessions"]) == ["connected"] * 3

    await eventually(all_connected, timeout_s=30, what="three connected sessions")
    key = (await platform.billing.post("/v1/api-keys", headers=customer)).json()["api_key"]
    api = {"X-Api-Key": key}

    async def sender_ready() -> bool:
        if (await platform.sender.get("/v1/rate-limit", headers=api)).status_code != 200:
            return False
        sessions = platform.sender_runtime.db["sessions"]
        return await sessions.count_documents({"user_id": USER, "status": "connected"}) == 3

    await eventually(sender_ready, timeout_s=30, what="sender-svc to know the key and sessions")

    # 4. thirty messages, round robin
    message_ids = []
    for n in range(30):
        accepted = await platform.sender.post(
            "/v1/messages",
            json={
                "to": f"+62 812-0000-{n:04d}",
                "type": "text",
                "text": f"hello {n}",
                "strategy": "round_robin",
            },
            headers=api,
        )
        assert accepted.status_code == 202, accepted.text
        message_ids.append(accepted.json()["id"])

    # 5. the sandbox acknowledges delivery and read (auto acks), and two inbound
    #    messages arrive, one of them delivered twice
    first, second = session_ids[0], session_ids[1]
    inbound_a = await platform.sandbox.post(
        f"/control/sessions/{first}/inbound",
        json={"from": "6281111111111", "body": "hi there", "redeliver": 2},
    )
    inbound_b = await platform.sandbox.post(
        f"/control/sessions/{second}/inbound", json={"from": "6282222222222", "body": "hello"}
    )
    assert inbound_a.status_code in (200, 202), inbound_a.text
    assert inbound_b.status_code in (200, 202), inbound_b.text

    # 6. exact statistics
    expected = {"requested": 30, "sent": 30, "delivered": 30, "read": 30, "received": 2}

    async def stats_complete() -> dict[str, Any] | None:
        body = (await platform.stats.get(f"/v1/stats/users/{USER}", headers=customer)).json()
        return body if all(body.get(k) == v for k, v in expected.items()) else None

    stats = await eventually(stats_complete, timeout_s=90, what=f"stats {expected}")
    assert stats["failed"] == 0
    assert stats["success_rate"] == 100
    split = sorted(s["sent"] for s in stats["sessions"])
    assert split == [10, 10, 10]

    today = datetime.now(UTC).date().isoformat()
    daily = await platform.stats.get(
        f"/v1/stats/users/{USER}/daily", params={"from": today, "to": today}, headers=customer
    )
    assert daily.status_code == 200, daily.text
    days = [d for d in daily.json()["days"] if d.get("requested")]
    assert len(days) == 1
    assert {k: days[0][k] for k in expected} == expected

    async def message_read() -> dict[str, Any] | None:
        body = (await platform.sender.get(f"/v1/messages/{message_ids[0]}", headers=api)).json()
        return body if body.get("status") == "read" else None

    message = await eventually(message_read, timeout_s=30, what="message status read")
    assert [h["status"] for h in message["history"]][:2] == ["queued", "sent"]

    # 7. normal operation dead-letters nothing (every session's subscription.check used to)
    assert await platform.dead_letters() == {}
