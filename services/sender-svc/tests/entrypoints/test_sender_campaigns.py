"""A 1,000-recipient campaign: streamed, spread over sessions, paused, resumed, completed."""

import asyncio

import pytest
from wagate_contracts.envelope import utc_now
from wagate_testing.apps import runtime_of
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


# 30-50 s on the embedded SecantusDB on 2 cores (more under load), hence its own timeout.
@pytest.mark.timeout(240)
async def test_campaign_of_1000_completes_with_correct_counts_and_pause_resume(
    sender_app, sandbox, stage, event_tap
):
    async with sender_app(campaign_window=100, campaign_batch=100) as (app, client):
        runtime = runtime_of(app)
        await event_tap(runtime)  # message.* consumers exist in production (stats, webhooks)
        tenant = await stage(runtime, sandbox, sessions=3)
        recipients = [f"62857{n:07d}" for n in range(999)] + [
            {"to": "+62 857 9999 9999", "variables": {"name": "Ani"}}
        ]
        body = {
            "name": "launch",
            "message": {"type": "text", "text": "Hi {{name}}!"},
            "recipients": recipients,
            "strategy": "round_robin",
        }
        created = await client.post("/v1/campaigns", json=body, headers=tenant.headers)
        assert created.status_code == 202, created.text
        cid = created.json()["id"]
        assert created.json()["total"] == 1000

        async def progress():
            answer = await client.get(f"/v1/campaigns/{cid}", headers=tenant.headers)
            return answer.json()

        await eventually(
            lambda: _at_least(progress, 50), timeout_s=30, interval_s=0.3, what="first sends"
        )
        paused = await client.post(f"/v1/campaigns/{cid}/pause", headers=tenant.headers)
        assert paused.json()["status"] == "paused"
        messages = runtime.db["messages"]

        async def nothing_in_flight() -> bool:
            leased = {"campaign_id": cid, "status": "queued", "lease_until": {"$gt": utc_now()}}
            return await messages.count_documents(leased) == 0

        await eventually(nothing_in_flight, what="sends already at the provider to finish")
        frozen = await _total_sent(sandbox, tenant)
        await asyncio.sleep(1.0)  # a paused campaign sends nothing more (absence check)
        assert await _total_sent(sandbox, tenant) == frozen
        assert frozen < 1000

        resumed = await client.post(f"/v1/campaigns/{cid}/resume", headers=tenant.headers)
        assert resumed.json()["status"] == "running"

        async def completed():
            view = await progress()
            return view if view["status"] == "completed" else None

        final = await eventually(
            completed, timeout_s=300, interval_s=1.0, what="campaign completion"
        )
        named = await runtime.db["messages"].find_one({"campaign_id": cid, "to": "6285799999999"})
    assert final["progress"]["sent"] == 1000
    assert final["progress"]["failed"] == 0
    assert final["progress"]["queued"] == 0
    split = {row["session_id"]: row["sent"] for row in final["sessions"]}
    assert sum(split.values()) == 1000
    assert set(split) == set(tenant.sessions)
    assert await _total_sent(sandbox, tenant) == 1000
    assert named["content"]["text"] == "Hi Ani!"


async def _at_least(progress, count: int) -> bool:
    return (await progress())["progress"]["sent"] >= count


async def _total_sent(sandbox, tenant) -> int:
    return sum([len(await sandbox.sent(s)) for s in tenant.sessions])
