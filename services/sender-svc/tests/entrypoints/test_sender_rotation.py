"""Session rotation over the real broker, database and sandbox: round robin, LRU, sticky."""

import asyncio
from collections import Counter

import pytest
from wagate_testing.apps import runtime_of

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def _send(client, tenant, to: str, **extra) -> str:
    body = {"to": to, "type": "text", "text": "hello", **extra}
    answer = await client.post("/v1/messages", json=body, headers=tenant.headers)
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


async def test_round_robin_spreads_30_messages_10_per_session(
    sender_app, sandbox, stage, until_status
):
    async with sender_app() as (app, client):
        tenant = await stage(runtime_of(app), sandbox, sessions=3)
        ids = await asyncio.gather(
            *(_send(client, tenant, f"62812000{i:04d}", strategy="round_robin") for i in range(30))
        )
        done = [await until_status(client, tenant, i, ("sent",)) for i in ids]
    assert Counter(d["session_id"] for d in done) == {s: 10 for s in tenant.sessions}
    for session in tenant.sessions:
        assert len(await sandbox.sent(session)) == 10


async def test_least_recently_used_prefers_the_sessions_idle_longest(
    sender_app, sandbox, stage, until_status
):
    async with sender_app() as (app, client):
        tenant = await stage(runtime_of(app), sandbox, sessions=3)
        busy = tenant.sessions[1]
        first = await _send(client, tenant, "6281200000001", session_id=busy)
        await until_status(client, tenant, first, ("sent",))
        picked = []
        for n in range(2):
            mid = await _send(client, tenant, f"62812000001{n}")
            picked.append((await until_status(client, tenant, mid, ("sent",)))["session_id"])
    assert busy not in picked
    assert sorted(picked) == sorted(s for s in tenant.sessions if s != busy)


async def test_sticky_recipient_stays_on_the_session_that_last_wrote_to_it(
    sender_app, sandbox, stage, until_status
):
    async with sender_app() as (app, client):
        tenant = await stage(runtime_of(app), sandbox, sessions=3)
        first = await _send(client, tenant, "6281299990000", strategy="sticky")
        home = (await until_status(client, tenant, first, ("sent",)))["session_id"]
        sessions = []
        for n in range(4):
            # other traffic moves the LRU order between the sticky sends
            other = await _send(client, tenant, f"62812777{n:04d}")
            await until_status(client, tenant, other, ("sent",))
            mid = await _send(client, tenant, "6281299990000", strategy="sticky")
            sessions.append((await until_status(client, tenant, mid, ("sent",)))["session_id"])
    assert sessions == [home] * 4
