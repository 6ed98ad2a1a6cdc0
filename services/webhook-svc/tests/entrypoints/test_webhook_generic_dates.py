"""Integration: a generic status callback's ``timestamp`` out of range is 422, not 500."""

import json

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


@pytest.mark.parametrize(
    "timestamp",
    [
        "9999-12-31T23:59:59-12:00",  # year 10000 in UTC
        "9999-12-31T23:59:59",  # naive, taken as UTC: no day left after it
        "0001-01-01T00:00:00+00:00",
        "0001-01-01T00:00:00+05:00",  # year 0 in UTC
    ],
)
async def test_an_out_of_range_timestamp_is_422_naming_it(webhook_service, sign, timestamp):
    status = {"user_id": "u1", "message_id": "p-1", "status": "delivered", "timestamp": timestamp}
    async with webhook_service() as svc:
        for path, payload in (
            ("/v1/events/message", status),
            ("/v1/events/message/batch", {"events": [status]}),
        ):
            body = json.dumps(payload).encode()
            answer = await svc.client.post(path, content=body, headers=sign("generic", body))
            assert answer.status_code == 422, f"{path}: {answer.text}"
            problem = answer.json()
            assert problem["error"] == "validation_error"
            assert any("timestamp" in error["loc"] for error in problem["data"]["errors"])
        await svc.tap.drain()
        assert svc.tap.events == []


async def test_an_iso_timestamp_is_the_time_of_the_status_not_now(webhook_service, sign):
    status = {
        "user_id": "u1",
        "message_id": "p-iso",
        "status": "delivered",
        "timestamp": "2025-03-10T19:00:00+07:00",
    }
    async with webhook_service() as svc:
        body = json.dumps(status).encode()
        answer = await svc.client.post(
            "/v1/events/message", content=body, headers=sign("generic", body)
        )
        assert answer.status_code == 200, answer.text
        await svc.tap.drain()
        [event] = [e for e in svc.tap.events if e["event_type"] == "message.status"]
    assert event["at"].startswith("2025-03-10T12:00:00")
