"""Integration: nothing is acknowledged that is not safely published (broker outage → 503)."""

import json

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_broker_outage_answers_503_keeps_no_mark_and_the_retry_succeeds(webhook_service):
    envelope = {
        "event": "message",
        "session": "ses_p1",
        "payload": {
            "id": "false_outage_1",
            "from": "6281111111111@c.us",
            "fromMe": False,
            "body": "hi",
        },
    }
    body = json.dumps(envelope).encode()
    async with webhook_service(ingest_publish_timeout_s=2.0) as svc:
        await svc.seed_session("u1", "ses_1", "ses_p1")
        broker = svc.runtime.broker
        marks = svc.runtime.db["ingest_marks"]

        await broker.stop()  # the app loses its broker connection
        during = await svc.post("sandbox", body)
        kept = await marks.count_documents({})

        await broker.start()  # ...and gets it back
        retry = await svc.post("sandbox", body)
        [event] = await svc.tap.wait_for("message.received")
        again = await svc.post("sandbox", body)
        await svc.tap.drain()
        total = len(svc.tap.of_type("message.received"))

    assert during.status_code == 503, during.text
    assert during.json()["error"] == "broker_unavailable"
    assert during.headers["retry-after"]
    assert kept == 0  # the dedup marks were released, so the provider's retry is processed
    assert retry.status_code == 200
    assert retry.json()["accepted"] == 1
    assert event["provider_message_id"] == "false_outage_1"
    assert again.json()["deduplicated"] is True
    assert total == 1
