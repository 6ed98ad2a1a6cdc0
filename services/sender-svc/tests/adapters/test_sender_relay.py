"""The relay sweep: a message whose ``message.requested`` publish failed after its insert
is still answered 202, and is published (then dispatched) by the sweep after the grace."""

from typing import Any

import pytest
from wagate_contracts.envelope import Event
from wagate_testing.apps import runtime_of

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_sweep_republishes_a_message_whose_publish_failed(
    sender_app: Any,
    sandbox: Any,
    stage: Any,
    event_tap: Any,
    until_status: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with sender_app(relay_grace_s=1, relay_interval_s=0.3) as (app, client):
        runtime = runtime_of(app)
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox, sessions=1)
        publish = runtime.publisher.publish
        refused: list[str] = []

        async def refuse_first_requested(event: Event, **kwargs: Any) -> None:
            if event.event_type == "message.requested" and not refused:
                refused.append(str(event.event_id))
                raise RuntimeError("the broker did not confirm")  # as a nack/timeout would
            await publish(event, **kwargs)

        monkeypatch.setattr(runtime.publisher, "publish", refuse_first_requested)
        body = {"to": "6281400000001", "type": "text", "text": "hi"}
        answer = await client.post("/v1/messages", json=body, headers=tenant.headers)
        assert answer.status_code == 202, answer.text
        message_id = answer.json()["id"]
        doc = await runtime.db["messages"].find_one({"_id": message_id})
        assert doc is not None
        assert refused == [doc["requested_event_id"]]
        assert doc["status"] == "queued"
        assert doc["requested_pending"] is True

        final = await until_status(client, tenant, message_id, ("sent",))
        requested = [e for e in tap.of("message.requested") if e["message_id"] == message_id]
        sent = await tap.wait_for("message.sent", 1)
    assert final["status"] == "sent"
    assert [e["event_id"] for e in requested] == refused  # the sweep published that event
    assert sent[0]["message_id"] == message_id
    assert len(await sandbox.sent(tenant.sessions[0])) == 1
