"""Provider outcomes: fallback on a 463 timelock, permanent failures, receipts, redelivery."""

import pytest
from wagate_contracts.envelope import utc_now
from wagate_contracts.events import MessageRequested, MessageStatus
from wagate_testing.apps import runtime_of
from wagate_testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]
TEXT = {"type": "text", "text": "hello"}


async def test_463_on_one_session_falls_back_to_another(
    sender_app, sandbox, stage, until_status, event_tap
):
    async with sender_app() as (app, client):
        runtime = runtime_of(app)
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox, sessions=2)
        banned, healthy = sorted(tenant.sessions)  # LRU ties break by id: banned goes first
        await sandbox.fail(banned, "timelock")
        answer = await client.post(
            "/v1/messages", json={"to": "6281234500001", **TEXT}, headers=tenant.headers
        )
        done = await until_status(client, tenant, answer.json()["id"], ("sent", "failed"))
        sent = await tap.wait_for("message.sent", 1)
        session_doc = await runtime.db["sessions"].find_one({"_id": banned})
        message_doc = await runtime.db["messages"].find_one({"_id": done["id"]})
    assert done["status"] == "sent"
    assert done["session_id"] == healthy
    assert sent[0]["session_id"] == healthy
    assert message_doc["tried"] == [banned]
    assert session_doc["next_free_at"] > utc_now()  # cooled down
    assert await sandbox.sent(banned) == []
    assert len(await sandbox.sent(healthy)) == 1


async def test_invalid_recipient_fails_at_once_with_message_failed(
    sender_app, sandbox, stage, until_status, event_tap
):
    async with sender_app() as (app, client):
        runtime = runtime_of(app)
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox, sessions=2)
        await sandbox.http.put("/control/numbers/6281234599999/fail")
        answer = await client.post(
            "/v1/messages", json={"to": "6281234599999", **TEXT}, headers=tenant.headers
        )
        done = await until_status(client, tenant, answer.json()["id"], ("failed",))
        failed = await tap.wait_for("message.failed", 1)
        message_doc = await runtime.db["messages"].find_one({"_id": done["id"]})
    assert done["error"]["code"] == "invalid_recipient"
    assert failed[0]["error_code"] == "invalid_recipient"
    assert failed[0]["retryable"] is False
    assert len(message_doc["tried"]) == 1  # no fallback for a permanent error
    assert [h["status"] for h in done["history"]] == ["queued", "failed"]


async def test_status_follows_receipts_and_never_moves_back(
    sender_app, sandbox, stage, until_status
):
    async with sender_app() as (app, client):
        runtime = runtime_of(app)
        tenant = await stage(runtime, sandbox)
        answer = await client.post(
            "/v1/messages", json={"to": "6281234500002", **TEXT}, headers=tenant.headers
        )
        sent = await until_status(client, tenant, answer.json()["id"], ("sent",))

        def receipt(status: str, by_id: bool) -> MessageStatus:
            return MessageStatus(
                producer="webhook-svc",
                user_id=tenant.user_id,
                provider="sandbox",
                message_id=sent["id"] if by_id else None,
                provider_message_id=sent["provider_message_id"],
                status=status,
                at=utc_now(),
            )

        await runtime.publisher.publish(receipt("delivered", by_id=False))
        await until_status(client, tenant, sent["id"], ("delivered",))
        await runtime.publisher.publish(receipt("read", by_id=True))
        await until_status(client, tenant, sent["id"], ("read",))
        await runtime.publisher.publish(receipt("delivered", by_id=True))
        await runtime.publisher.publish(receipt("sent", by_id=False))
        await runtime.publisher.publish(receipt("read", by_id=False))  # a duplicate

        async def settled():
            doc = await runtime.db["processed_events"].count_documents({})
            return doc == 0  # nothing uses the inbox: receipts are idempotent by status

        await eventually(settled)
        final = (await client.get(f"/v1/messages/{sent['id']}", headers=tenant.headers)).json()
    assert final["status"] == "read"
    assert [h["status"] for h in final["history"]] == ["queued", "sent", "delivered", "read"]


async def test_redelivered_message_already_sent_is_not_sent_again(
    sender_app, sandbox, stage, until_status, event_tap
):
    async with sender_app() as (app, client):
        runtime = runtime_of(app)
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox)
        answer = await client.post(
            "/v1/messages", json={"to": "6281234500003", **TEXT}, headers=tenant.headers
        )
        await until_status(client, tenant, answer.json()["id"], ("sent",))
        original = tap.of("message.requested")[0]
        again = MessageRequested.model_validate(original)
        await runtime.publisher.publish(again)  # a redelivery of the same message
        marker = await client.post(
            "/v1/messages", json={"to": "6281234500004", **TEXT}, headers=tenant.headers
        )
        await until_status(client, tenant, marker.json()["id"], ("sent",))
        await tap.wait_for("message.sent", 2)
    sent = await sandbox.sent(tenant.sessions[0])
    assert [m["chatId"] for m in sent] == ["6281234500003@c.us", "6281234500004@c.us"]
    assert len(tap.of("message.sent")) == 2


async def test_direct_send_returns_the_provider_answer_or_502(sender_app, sandbox, stage):
    async with sender_app() as (app, client):
        tenant = await stage(runtime_of(app), sandbox)
        ok = await client.post(
            "/v1/messages/direct", json={"to": "6281234500010", **TEXT}, headers=tenant.headers
        )
        await sandbox.http.put("/control/numbers/6281234500011/fail")
        bad = await client.post(
            "/v1/messages/direct", json={"to": "6281234500011", **TEXT}, headers=tenant.headers
        )
        stored = (
            await client.get(f"/v1/messages/{ok.json()['id']}", headers=tenant.headers)
        ).json()
    assert ok.status_code == 200, ok.text
    assert ok.json()["provider_message_id"] == ok.json()["provider_response"]["id"]
    assert stored["status"] == "sent"
    assert bad.status_code == 502
    assert bad.json()["error"] == "provider_error"
    assert bad.json()["data"]["code"] == "invalid_recipient"
    assert len(await sandbox.sent(tenant.sessions[0])) == 1


async def test_a_put_back_message_never_goes_back_to_a_session_it_tried(
    sender_app, sandbox, stage, until_status
):
    """The sessions tried travel in the delay queue's headers, not in a read of the message."""
    import json

    from sender_svc.domain.messages import new_message_doc
    from wagate_contracts.names import Queue

    async with sender_app() as (app, client):
        runtime = runtime_of(app)
        tenant = await stage(runtime, sandbox, sessions=2)
        tried, untried = sorted(tenant.sessions)  # LRU ties break by id: `tried` would go first
        doc = new_message_doc(
            tenant.user_id,
            "6281234500077",
            TEXT,
            at=utc_now(),
            session_ids=[],
            group_id=None,
            strategy="least_recently_used",
        )
        await runtime.db["messages"].insert_one(doc)
        event = MessageRequested(
            event_id=doc["requested_event_id"],
            producer="sender-svc",
            user_id=tenant.user_id,
            message_id=doc["_id"],
            to=doc["to"],
            content=TEXT,
        )
        await runtime.publisher.publish_raw(
            event.model_dump(mode="json"),
            exchange="",
            routing_key=runtime.topology.name(Queue.SENDER_DISPATCH),
            message_id=str(event.event_id),
            headers={"x-attempt": 1, "x-tried": json.dumps([tried])},
        )
        done = await until_status(client, tenant, doc["_id"], ("sent", "failed"))
        stored = await runtime.db["messages"].find_one({"_id": doc["_id"]})
    assert (done["status"], done["session_id"]) == ("sent", untried)
    assert stored["tried"] == [tried]
    assert await sandbox.sent(tried) == []


async def test_a_restreamed_campaign_message_keeps_the_sessions_it_tried(
    sender_app, sandbox, stage, until_status
):
    """A message tried on one session, then held (pause) and streamed again (resume)."""
    async with sender_app(campaign_poll_interval_s=600) as (app, client):
        runtime = runtime_of(app)
        tenant = await stage(runtime, sandbox, sessions=2)
        tried, untried = sorted(tenant.sessions)  # LRU ties break by id: `tried` would go first
        body = {"message": TEXT, "recipients": ["6281234500088"], "session_ids": [tried, untried]}
        created = await client.post("/v1/campaigns", json=body, headers=tenant.headers)
        assert created.status_code == 202, created.text
        await app.state.container.preparer.tick()  # the recipients become messages
        messages = runtime.db["messages"]
        await messages.update_many(
            {"campaign_id": created.json()["id"]}, {"$set": {"tried": [tried], "attempts": 1}}
        )
        await app.state.container.streamer.tick()
        doc = await messages.find_one({"campaign_id": created.json()["id"]})
        done = await until_status(client, tenant, doc["_id"], ("sent", "failed"))
    assert (done["status"], done["session_id"]) == ("sent", untried)
    assert await sandbox.sent(tried) == []
