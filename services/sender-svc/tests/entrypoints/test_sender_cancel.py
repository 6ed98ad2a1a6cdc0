"""Cancelling a running campaign: what is still queued fails with ``campaign_canceled``,
each with its ``message.failed``; nothing more is sent; sends already under way finish."""

import asyncio
from typing import Any
from uuid import uuid4

import pytest
from wagate_contracts.events import SessionCreated
from wagate_testing.apps import runtime_of
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]
TOTAL = 20


async def _disconnected_session(runtime: Any, user_id: str) -> str:
    """A session of the user that sender-svc knows but cannot send through."""
    session = f"ses_{uuid4().hex[:10]}"
    await runtime.publisher.publish(
        SessionCreated(
            producer="session-svc",
            user_id=user_id,
            session_id=session,
            name="parked",
            status="disconnected",
            provider="sandbox",
            provider_session=session,
        )
    )

    async def projected() -> int:
        return await runtime.db["sessions"].count_documents({"_id": session})

    await eventually(projected, what="the disconnected session's projection")
    return session


@pytest.mark.timeout(120)
async def test_cancel_fails_queued_messages_with_one_message_failed_each(
    sender_app: Any, sandbox: Any, stage: Any, event_tap: Any
) -> None:
    # paced (~3/s) with a small window, so the cancel lands mid-campaign with messages
    # held, published and waiting on a delay queue, and maybe one at the provider
    settings = {"pacing_interval_ms": 300, "campaign_window": 4, "campaign_batch": 4}
    async with sender_app(**settings) as (app, client):
        runtime = runtime_of(app)
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox, sessions=1)
        body = {
            "message": {"type": "text", "text": "hi"},
            "recipients": [f"62813{n:07d}" for n in range(TOTAL)],
        }
        created = await client.post("/v1/campaigns", json=body, headers=tenant.headers)
        assert created.status_code == 202, created.text
        cid = created.json()["id"]
        messages, campaigns = runtime.db["messages"], runtime.db["campaigns"]

        async def some_sent() -> bool:
            return await messages.count_documents({"campaign_id": cid, "status": "sent"}) >= 2

        await eventually(some_sent, timeout_s=30, what="first sends")
        canceled = await client.post(f"/v1/campaigns/{cid}/cancel", headers=tenant.headers)
        assert canceled.status_code == 202, canceled.text  # settled in the background
        assert canceled.json()["status"] in ("canceling", "canceled")

        async def settled() -> bool:
            doc = await campaigns.find_one({"_id": cid})
            return doc is not None and "cancel_pending" not in doc

        await eventually(settled, timeout_s=30, what="the cancel to settle")
        view = (await client.get(f"/v1/campaigns/{cid}", headers=tenant.headers)).json()
        failed_ids = {
            d["_id"]
            async for d in messages.find({"campaign_id": cid, "error.code": "campaign_canceled"})
        }
        owed = await messages.count_documents({"campaign_id": cid, "event_pending": {"$ne": None}})
        sent_ids = {d["_id"] async for d in messages.find({"campaign_id": cid, "status": "sent"})}
        events = await tap.wait_for("message.failed", len(failed_ids))
        await tap.wait_for("message.sent", len(sent_ids))
        at_provider = len(await sandbox.sent(tenant.sessions[0]))
        await asyncio.sleep(1.0)  # a canceled campaign sends nothing more (absence check)
        assert len(await sandbox.sent(tenant.sessions[0])) == at_provider
        again = await client.post(f"/v1/campaigns/{cid}/cancel", headers=tenant.headers)
        assert again.json()["status"] == "canceled"  # idempotent

    progress = view["progress"]
    assert view["status"] == "canceled"
    assert progress["queued"] == 0
    assert progress["sent"] + progress["failed"] == TOTAL
    assert progress["failed"] == len(failed_ids) > 0
    assert progress["sent"] == len(sent_ids) == at_provider
    assert owed == 0
    canceled_events = [e for e in events if e["error_code"] == "campaign_canceled"]
    assert len(canceled_events) == len(tap.of("message.failed"))  # nothing else failed
    assert {e["message_id"] for e in canceled_events} == failed_ids
    assert len({e["event_id"] for e in canceled_events}) == len(canceled_events)
    assert all(e["retryable"] is False and e["campaign_id"] == cid for e in canceled_events)
    assert {e["message_id"] for e in tap.of("message.sent")} == sent_ids
    assert not failed_ids & sent_ids


@pytest.mark.timeout(120)
async def test_cancel_events_owed_by_a_dead_replica_are_published_by_the_next(
    sender_settings: Any, sandbox: Any, stage: Any, event_tap: Any, janitor: Any
) -> None:
    from sender_svc.app import create_app
    from wagate_contracts.envelope import Event
    from wagate_testing.apps import app_client

    settings = sender_settings()
    first = create_app(settings)
    async with app_client(first, janitor) as client:
        runtime = runtime_of(first)
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox, sessions=1)
        publish = runtime.publisher.publish

        async def broker_refuses_failed(event: Event, **kwargs: Any) -> None:
            if event.event_type == "message.failed":
                raise RuntimeError("the broker did not confirm")
            await publish(event, **kwargs)

        parked = await _disconnected_session(runtime, tenant.user_id)
        runtime.publisher.publish = broker_refuses_failed  # type: ignore[method-assign]
        body = {
            "message": {"type": "text", "text": "hi"},
            "recipients": [f"62815{n:07d}" for n in range(5)],
            "session_ids": [parked],  # disconnected: no session can take them, they stay queued
        }
        created = await client.post("/v1/campaigns", json=body, headers=tenant.headers)
        cid = created.json()["id"]
        canceled = await client.post(f"/v1/campaigns/{cid}/cancel", headers=tenant.headers)
        assert canceled.json()["status"] == "canceling"
        messages = runtime.db["messages"]
        owing = {"campaign_id": cid, "status": "failed", "event_pending.kind": "campaign_canceled"}

        async def all_failed_and_owed() -> bool:
            return await messages.count_documents(owing) == 5

        await eventually(all_failed_and_owed, what="5 canceled messages owing their event")
    # the first replica is gone with its events unpublished; a fresh one takes over
    assert tap.of("message.failed") == []
    second = create_app(settings)
    async with app_client(second, janitor):
        events = await tap.wait_for("message.failed", 5)
        after = runtime_of(second).db["messages"]
        owed = {"campaign_id": cid, "event_pending": {"$exists": True}}

        async def none_owed() -> bool:
            return await after.count_documents(owed) == 0

        await eventually(none_owed, what="the owed flags to be cleared")
    assert len({e["message_id"] for e in events}) == 5
    assert all(e["error_code"] == "campaign_canceled" for e in events)
