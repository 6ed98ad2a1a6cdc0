"""Smoke: one text message accepted, dispatched through the sandbox, recorded as sent."""

import pytest
from wagate_testing.apps import runtime_of

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_text_message_is_sent_through_the_sandbox(
    sender_app, sandbox, stage, until_status, event_tap
):
    async with sender_app() as (app, client):
        runtime = runtime_of(app)
        tap = await event_tap(runtime)
        tenant = await stage(runtime, sandbox, sessions=1)
        answer = await client.post(
            "/v1/messages",
            json={"to": "+62 812-3456-7890", "type": "text", "text": "hi"},
            headers=tenant.headers,
        )
        assert answer.status_code == 202, answer.text
        body = await until_status(client, tenant, answer.json()["id"], ("sent",))
        sent_events = await tap.wait_for("message.sent", 1)
    assert body["session_id"] == tenant.sessions[0]
    assert sent_events[0]["provider_message_id"] == body["provider_message_id"]
    assert tap.of("message.requested")[0]["message_id"] == body["id"]
    sent = await sandbox.sent(tenant.sessions[0])
    assert [m["chatId"] for m in sent] == ["6281234567890@c.us"]
