"""Campaign creation and cancel answer 202 in a few round trips whatever the size; the work
(recipients → messages, failing what a cancel left queued) is done in the background,
visible on ``GET /v1/campaigns/{id}``, and resumed by another replica after a crash."""

from typing import Any
from uuid import uuid4

import pytest
from wagate_contracts.events import SessionCreated
from wagate_testing.apps import app_client, runtime_of
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]
MESSAGE = {"type": "text", "text": "hi"}


def _numbers(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n:07d}" for n in range(count)]


async def _view(client: Any, tenant: Any, cid: str) -> dict[str, Any]:
    answer = await client.get(f"/v1/campaigns/{cid}", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _cleared(runtime: Any, cid: str, flag: str) -> Any:
    """A probe of the campaign document (cheap to poll): ``flag`` is no longer set."""

    async def cleared() -> Any:
        doc = await runtime.db["campaigns"].find_one({"_id": cid})
        return doc if doc is not None and flag not in doc else None

    return cleared


async def _failed_once_each(tap: Any, count: int, timeout_s: float) -> set[str]:
    """The messages a ``message.failed`` arrived for, once ``count`` distinct ones did (a
    republished event may arrive twice: same event id, consumers dedupe it)."""

    async def distinct() -> set[str] | None:
        ids = {e["message_id"] for e in tap.of("message.failed")}
        return ids if len(ids) >= count else None

    return await eventually(distinct, timeout_s=timeout_s, what=f"{count} message.failed")


async def _disconnected_session(runtime: Any, user_id: str) -> str:
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

    await eventually(projected, what="the disconnected session")
    return session


@pytest.mark.timeout(400)
async def test_a_10000_recipient_campaign_is_created_and_canceled_in_a_few_round_trips(
    sender_app, sandbox, stage, event_tap
):
    paced = {  # one send, then the session is paced: the rest stays queued until the cancel
        "pacing_interval_ms": 600_000,
        "wait_delays_ms": (60_000,),
        "max_wait_s": 3600,
        "campaign_window": 20,
    }
    async with sender_app(**paced) as (app, client):
        runtime = runtime_of(app)
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox)
        body = {"name": "big", "message": MESSAGE, "recipients": _numbers("62858", 10_000)}
        runtime.mongo_commands.reset()
        created = await client.post("/v1/campaigns", json=body, headers=tenant.headers)
        create_commands = runtime.mongo_commands.by_origin.get("http:POST /v1/campaigns", 0)
        assert created.status_code == 202, created.text
        assert created.json()["status"] == "preparing"
        assert created.json()["total"] == 10_000
        cid = created.json()["id"]
        await eventually(_cleared(runtime, cid, "prepare_pending"), timeout_s=120, what="prepared")
        prepared = await _view(client, tenant, cid)
        chunks_left = await runtime.db["campaign_recipients"].count_documents({"campaign_id": cid})

        async def first_send() -> bool:
            return len(await sandbox.sent(tenant.sessions[0])) == 1

        await eventually(first_send, timeout_s=30, what="the first send")
        runtime.mongo_commands.reset()
        canceled = await client.post(f"/v1/campaigns/{cid}/cancel", headers=tenant.headers)
        cancel_commands = runtime.mongo_commands.by_origin.get(
            "http:POST /v1/campaigns/{campaign_id}/cancel", 0
        )
        assert canceled.status_code == 202, canceled.text
        assert canceled.json()["status"] == "canceling"
        await eventually(_cleared(runtime, cid, "cancel_pending"), timeout_s=300, what="settled")
        final = await _view(client, tenant, cid)
        failed = await _failed_once_each(tap, 9_999, timeout_s=60)
        events = tap.of("message.failed")
    assert create_commands <= 3  # the account window, the recipient chunks, the campaign
    assert cancel_commands <= 3  # the key lookup, the transition, the in-flight stop
    assert prepared["status"] == "running"
    assert prepared["prepared"] == 10_000
    assert prepared["progress"]["queued"] + prepared["progress"]["sent"] == 10_000
    assert chunks_left == 0
    assert final["status"] == "canceled"
    assert final["progress"] == {
        "queued": 0,
        "sent": 1,
        "delivered": 0,
        "read": 0,
        "failed": 9_999,
        "done": 10_000,
        "percent": 100.0,
    }
    assert {e["error_code"] for e in events} == {"campaign_canceled"}
    assert len(failed) == len({e["event_id"] for e in events}) == 9_999  # one event each
    assert len(await sandbox.sent(tenant.sessions[0])) == 1


@pytest.mark.timeout(120)
async def test_a_preparation_cut_short_is_resumed_by_another_replica(
    sender_settings, sandbox, stage, janitor
):
    from sender_svc.app import create_app

    settings = sender_settings(campaign_prepare_chunk=100)
    first = create_app(settings)
    async with app_client(first, janitor) as client:
        runtime, services = runtime_of(first), first.state.container
        tenant = await stage(runtime, sandbox)
        messages = services.preparer.messages
        insert = messages.insert
        inserted: list[int] = []

        async def dies_on_the_third_chunk(docs: list[Any]) -> None:
            if len(inserted) == 2:  # half of the chunk is written, then the process is gone
                await insert(docs[: len(docs) // 2])
                inserted.append(len(docs) // 2)
            if len(inserted) >= 3:  # a dead process makes no more progress
                raise SystemError("simulated crash mid-chunk")
            await insert(docs)
            inserted.append(len(docs))

        messages.insert = dies_on_the_third_chunk  # type: ignore[method-assign]
        body = {"message": MESSAGE, "recipients": _numbers("62859", 500)}
        created = await client.post("/v1/campaigns", json=body, headers=tenant.headers)
        assert created.status_code == 202, created.text
        cid = created.json()["id"]
        paused = await client.post(f"/v1/campaigns/{cid}/pause", headers=tenant.headers)
        assert paused.json()["status"] == "paused"  # allowed while preparing: nothing sends

        async def cut_short() -> bool:
            return len(inserted) >= 3

        await eventually(cut_short, what="the crash mid-preparation")
    # the first replica is gone, its lease on the campaign not given back
    assert inserted[:3] == [100, 100, 50]
    second = create_app(settings)
    async with app_client(second, janitor) as client:
        runtime = runtime_of(second)
        # after the dead replica's lease expired (10 s)
        await eventually(_cleared(runtime, cid, "prepare_pending"), timeout_s=60, what="resumed")
        view = await _view(client, tenant, cid)
        seqs = [d["seq"] async for d in runtime.db["messages"].find({"campaign_id": cid})]
    assert sorted(seqs) == list(range(500))  # every recipient once, none twice
    assert view["status"] == "paused"
    assert view["prepared"] == 500
    assert view["progress"]["queued"] == 500
    assert await sandbox.sent(tenant.sessions[0]) == []


@pytest.mark.timeout(120)
async def test_a_campaign_canceled_while_preparing_fails_every_recipient_once(
    sender_app, sandbox, stage, event_tap
):
    async with sender_app(campaign_prepare_chunk=100, campaign_batch=200) as (app, client):
        runtime = runtime_of(app)
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox)
        parked = await _disconnected_session(runtime, tenant.user_id)
        body = {"message": MESSAGE, "recipients": _numbers("62860", 1000), "session_ids": [parked]}
        created = await client.post("/v1/campaigns", json=body, headers=tenant.headers)
        cid = created.json()["id"]
        canceled = await client.post(f"/v1/campaigns/{cid}/cancel", headers=tenant.headers)
        assert canceled.status_code == 202, canceled.text
        during = await _view(client, tenant, cid)
        await eventually(_cleared(runtime, cid, "cancel_pending"), timeout_s=90, what="settled")
        final = await _view(client, tenant, cid)
        failed = await _failed_once_each(tap, 1000, timeout_s=30)
        events = tap.of("message.failed")
    assert during["status"] == "canceling"
    assert final["status"] == "canceled"
    assert final["prepared"] == 1000
    assert final["progress"]["failed"] == 1000
    assert final["progress"]["queued"] == 0
    assert len(failed) == len({e["event_id"] for e in events}) == 1000
