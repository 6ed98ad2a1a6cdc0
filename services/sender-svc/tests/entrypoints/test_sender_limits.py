"""Daily limits (also across two dispatcher replicas) and pacing."""

import asyncio
import itertools
from datetime import timedelta

import pytest
from sender_svc.app import create_app
from wagate_testing.apps import app_client, runtime_of

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def _send_many(client, tenant, count: int, **extra) -> list[str]:
    async def one(n: int) -> str:
        body = {"to": f"6281300{n:05d}", "type": "text", "text": f"n{n}", **extra}
        answer = await client.post("/v1/messages", json=body, headers=tenant.headers)
        assert answer.status_code == 202, answer.text
        return answer.json()["id"]

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def test_session_at_its_daily_limit_receives_nothing_more_that_day(
    sender_app, sandbox, stage, until_status, event_tap
):
    async with sender_app(max_wait_s=1.0) as (app, client):
        runtime = runtime_of(app)
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox, sessions=1, daily_limit=3)
        ids = await _send_many(client, tenant, 5)
        final = [await until_status(client, tenant, i, ("sent", "failed")) for i in ids]
        await tap.wait_for("message.failed", 2)
    assert sorted(f["status"] for f in final) == ["failed", "failed", "sent", "sent", "sent"]
    assert {f["error"]["code"] for f in final if f["status"] == "failed"} == {
        "no_session_available"
    }
    assert len(await sandbox.sent(tenant.sessions[0])) == 3


async def test_plan_limit_caps_a_larger_session_limit(sender_app, sandbox, stage, until_status):
    async with sender_app(max_wait_s=1.0) as (app, client):
        tenant = await stage(
            runtime_of(app), sandbox, sessions=1, daily_limit=50, plan_daily_limit=2
        )
        ids = await _send_many(client, tenant, 4)
        final = [await until_status(client, tenant, i, ("sent", "failed")) for i in ids]
    assert sum(f["status"] == "sent" for f in final) == 2


async def test_two_dispatcher_replicas_never_exceed_a_daily_limit(
    sender_settings, sandbox, stage, until_status, janitor
):
    settings = sender_settings(max_wait_s=1.5)
    first, second = create_app(settings), create_app(settings)
    async with app_client(first, janitor) as client, app_client(second, janitor) as other:
        tenant = await stage(runtime_of(first), sandbox, sessions=1, daily_limit=5)
        ids = await _send_many(client, tenant, 8) + await _send_many(other, tenant, 8)
        final = [await until_status(client, tenant, i, ("sent", "failed")) for i in ids]
    assert sum(f["status"] == "sent" for f in final) == 5
    assert len(await sandbox.sent(tenant.sessions[0])) == 5


async def test_pacing_keeps_the_gap_between_two_sends_on_a_session(
    sender_app, sandbox, stage, until_status
):
    interval_ms = 300  # stands for 3000 ms (20 per minute) in production
    async with sender_app(pacing_interval_ms=interval_ms, pacing_jitter_ratio=0.2) as (app, client):
        runtime = runtime_of(app)
        tenant = await stage(runtime, sandbox, sessions=1)
        ids = await _send_many(client, tenant, 5)
        final = [await until_status(client, tenant, i, ("sent", "failed")) for i in ids]
        docs = [d async for d in runtime.db["messages"].find({"user_id": tenant.user_id})]
    assert {f["status"] for f in final} == {"sent"}
    times = sorted(d["claimed_at"] for d in docs)  # when each send took the session
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= timedelta(milliseconds=interval_ms * 0.95), gaps
